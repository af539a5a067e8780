//! The harness's IMAP server (Dovecot on loopback) works as the daemon will
//! use it: mail appended as a vendor's reply can be listed and fetched, the
//! account refuses wrong passwords, TLS verifies against the test CA, and
//! nothing is left running after it is dropped.

use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use procura_e2e::imap::{ImapClient, ImapServer, process_group_members};

fn message(id: &str, subject: &str) -> String {
    format!(
        "From: Vendor <sales@vendor.example>\n\
         To: buyer@procura.example\n\
         Subject: {subject}\n\
         Message-ID: <{id}>\n\
         Date: Mon, 2 Mar 2026 10:00:00 +0000\n\
         Content-Type: text/plain; charset=utf-8\n\
         \n\
         {subject}: 12 units at 4.50 EUR each.\n"
    )
}

/// Processes whose command line or title contains `pattern`.
fn pgrep(pattern: &str) -> Vec<String> {
    let out = Command::new("pgrep")
        .args(["-a", "-f", pattern])
        .output()
        .expect("run pgrep");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn appended_mail_is_served_over_imap_and_read_from_the_maildir() {
    let server = ImapServer::start();
    assert_eq!(
        server.url(),
        format!(
            "imap://{}:{}@127.0.0.1:{}",
            server.user(),
            server.password(),
            server.port()
        )
    );
    assert!(
        server.url().starts_with("imap://buyer:"),
        "{}",
        server.url()
    );

    let first = server.append("INBOX", &message("offer-1@vendor.example", "Offer one"));
    let second = server.append("INBOX", &message("offer-2@vendor.example", "Offer two"));
    server.append("Sent", &message("request-1@procura.example", "Request"));
    assert!(first < second, "UIDs {first} and {second}");

    // The maildir, as the harness reads it.
    let inbox = server.messages("INBOX");
    assert_eq!(inbox.len(), 2, "{inbox:#?}\n{}", server.log());
    assert!(
        inbox[0].contains("Message-ID: <offer-1@vendor.example>"),
        "{}",
        inbox[0]
    );
    assert!(
        inbox[1].contains("Message-ID: <offer-2@vendor.example>"),
        "{}",
        inbox[1]
    );
    let sent = server.messages("Sent");
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(
        sent[0].contains("<request-1@procura.example>"),
        "{}",
        sent[0]
    );
    assert_eq!(server.flags("INBOX"), vec![Vec::<String>::new(); 2]);

    // The same over IMAP.
    let mut client = ImapClient::connect(server.port()).expect("connect");
    assert!(client.greeting.starts_with("* OK"), "{}", client.greeting);
    let capability = client.command("CAPABILITY").expect("CAPABILITY");
    assert!(capability.is_ok(), "{capability:?}");
    assert!(
        capability
            .untagged
            .iter()
            .any(|l| l.starts_with("CAPABILITY ") && l.split(' ').any(|c| c == "IDLE")),
        "{capability:?}"
    );
    let login = client
        .login(server.user(), server.password())
        .expect("LOGIN");
    assert!(login.is_ok(), "{login:?}\n{}", server.log());

    let list = client.command("LIST \"\" \"*\"").expect("LIST");
    assert!(list.is_ok(), "{list:?}");
    assert!(
        list.untagged
            .iter()
            .any(|l| l.contains("\\Sent") && l.ends_with("Sent")),
        "{list:?}"
    );

    let select = client.command("SELECT INBOX").expect("SELECT");
    assert!(select.is_ok(), "{select:?}");
    assert!(
        select.untagged.iter().any(|l| l == "2 EXISTS"),
        "{select:?}"
    );

    let fetch = client
        .command(&format!("UID FETCH {second} (UID BODY.PEEK[])"))
        .expect("UID FETCH");
    assert!(fetch.is_ok(), "{fetch:?}");
    assert_eq!(fetch.untagged.len(), 1, "{fetch:?}");
    assert!(
        fetch.untagged[0].contains(&format!("UID {second}"))
            && fetch.untagged[0].contains("Message-ID: <offer-2@vendor.example>\r\n")
            && fetch.untagged[0].contains("Offer two: 12 units"),
        "{fetch:?}"
    );

    // Flags set over IMAP show in the maildir.
    let store = client
        .command(&format!("UID STORE {first} +FLAGS (\\Seen \\Answered)"))
        .expect("UID STORE");
    assert!(store.is_ok(), "{store:?}");
    let stored = server.stored("INBOX");
    assert_eq!(stored[0].uid, first);
    assert_eq!(stored[0].flags, vec!["\\Answered", "\\Seen"], "{stored:#?}");
    assert_eq!(stored[1].uid, second);
    assert!(stored[1].flags.is_empty(), "{stored:#?}");
    client.logout();

    let status = server
        .client()
        .command("STATUS Sent (MESSAGES)")
        .expect("STATUS");
    assert!(
        status.untagged.iter().any(|l| l.contains("MESSAGES 1")),
        "{status:?}"
    );
}

#[test]
fn a_wrong_password_is_refused() {
    let server = ImapServer::start();
    let mut client = ImapClient::connect(server.port()).expect("connect");
    let started = Instant::now();
    let login = client
        .login(server.user(), "not-the-password")
        .expect("LOGIN");
    assert_eq!(login.status, "NO", "{login:?}");
    assert!(login.text.contains("AUTHENTICATIONFAILED"), "{login:?}");
    // And the right one right after is not held back by a penalty.
    let login = client
        .login(server.user(), server.password())
        .expect("LOGIN");
    assert!(login.is_ok(), "{login:?}\n{}", server.log());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "logins took {:?}",
        started.elapsed()
    );
    let select = client.command("SELECT INBOX").expect("SELECT");
    assert!(
        select.untagged.iter().any(|l| l == "0 EXISTS"),
        "{select:?}"
    );
}

#[test]
fn the_tls_port_verifies_against_the_test_ca() {
    let server = ImapServer::start();
    let ca = server.ca_cert_path();
    assert!(ca.exists(), "{}", ca.display());
    let mut openssl = Command::new("openssl")
        .args(["s_client", "-connect"])
        .arg(format!("127.0.0.1:{}", server.tls_port()))
        .arg("-CAfile")
        .arg(&ca)
        .args(["-verify_return_error", "-verify_ip", "127.0.0.1", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run openssl s_client");
    {
        use std::io::Write;
        // `-quiet` implies `-ign_eof`: s_client stays until the server
        // closes the connection after LOGOUT.
        let mut stdin = openssl.stdin.take().expect("stdin");
        stdin
            .write_all(b"a1 LOGOUT\r\n")
            .expect("write to s_client");
    }
    let out = openssl.wait_with_output().expect("s_client output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "s_client failed:\n{stdout}\n{stderr}\n{}",
        server.log()
    );
    assert!(stdout.starts_with("* OK [CAPABILITY"), "{stdout}\n{stderr}");
    assert!(stdout.contains("a1 OK"), "{stdout}\n{stderr}");
    assert!(server.tls_url().starts_with("imaps://buyer:"));
}

#[test]
fn drop_leaves_no_dovecot_process_and_closes_the_ports() {
    let server = ImapServer::start();
    let (port, tls_port, pid, instance) = (
        server.port(),
        server.tls_port(),
        server.pid(),
        server.instance(),
    );
    // A logged-in session (an imap process) and one not yet logged in (an
    // imap-login process).
    let mut client = server.client();
    assert!(client.command("SELECT INBOX").expect("SELECT").is_ok());
    let waiting = ImapClient::connect(port).expect("connect");

    let running = pgrep(&instance);
    assert!(
        running.iter().any(|l| l.ends_with("/imap-login"))
            && running.iter().any(|l| l.ends_with("/imap"))
            && running.len() >= 5,
        "dovecot's processes (by `pgrep -f {instance}`): {running:#?}"
    );
    assert!(
        running.iter().any(|l| l.starts_with(&format!("{pid} "))),
        "{running:#?}"
    );
    let group = process_group_members(pid);
    for line in &running {
        let p: u32 = line
            .split(' ')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("pid");
        assert!(
            group.contains(&p),
            "{line} is not in group {pid}: {group:?}"
        );
    }

    drop(server);
    drop(client);
    drop(waiting);

    let left = pgrep(&instance);
    assert!(left.is_empty(), "dovecot processes left: {left:#?}");
    let group = process_group_members(pid);
    assert!(group.is_empty(), "processes left in group {pid}: {group:?}");
    let masters = pgrep("dovecot");
    assert!(
        !masters.iter().any(|l| l.starts_with(&format!("{pid} "))),
        "{masters:#?}"
    );
    for p in [port, tls_port] {
        assert!(
            TcpStream::connect(("127.0.0.1", p)).is_err(),
            "port {p} still accepts connections"
        );
    }
}
