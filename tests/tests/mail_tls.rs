//! Mail over TLS: approved email goes to an SMTP server that requires
//! STARTTLS (aiosmtpd), and replies are read over implicit TLS (Dovecot's
//! imaps port), both with certificates from a test CA that
//! `mail.ca_file` makes trusted. Without that CA the same daemon refuses
//! the connection rather than sending in clear.

use std::time::{Duration, Instant};

use procura_e2e::imap::ImapServer;
use procura_e2e::mail::SmtpServer;
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::Value;

fn daemon(env: Vec<(String, String)>) -> Daemon {
    Daemon::start(DaemonOptions {
        demo: true,
        env,
        ..DaemonOptions::default()
    })
}

fn outbox_state(daemon: &Daemon, until: &str) -> Value {
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let all = daemon.procura_json(&["outbox", "--json"]);
        if let Some(m) = all.as_array().unwrap().iter().find(|m| {
            m["state"] == until
                || (until == "retrying"
                    && m["attempts"].as_i64() >= Some(1)
                    && m["error"].is_string())
        }) {
            return m.clone();
        }
        assert!(
            Instant::now() < give_up,
            "never {until}: {all}\n{}",
            daemon.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn approve_one(daemon: &Daemon) {
    let job = daemon.procura_json(&[
        "search",
        "2 office chairs",
        "--negotiate",
        "--max-vendors",
        "1",
        "--max-results",
        "4",
        "--wait",
        "--json",
    ]);
    assert_eq!(job["status"], "succeeded", "{job}");
    let drafts = daemon.procura_json(&["approvals", "--json"]);
    let out = daemon.procura(&["approve", drafts[0]["id"].as_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn mail_goes_out_over_starttls_and_replies_come_in_over_imaps() {
    let imap = ImapServer::start();
    let (cert, key) = imap.server_tls_files();
    let smtp = SmtpServer::start_tls(&cert, &key);
    let ca = imap.ca_cert_path();
    let imaps = format!(
        "imaps://{}:{}@127.0.0.1:{}",
        imap.user(),
        imap.password(),
        imap.tls_port()
    );
    let daemon = daemon(vec![
        (
            "PROCURA_SMTP_URL".into(),
            format!("{}?tls=required", smtp.url()),
        ),
        ("PROCURA_IMAP_URL".into(), imaps),
        ("PROCURA_IMAP_POLL_MS".into(), "300".into()),
        ("PROCURA_MAIL_CA_FILE".into(), ca.display().to_string()),
    ]);
    approve_one(&daemon);
    let sent = outbox_state(&daemon, "sent");
    let message_id = sent["message_id"].as_str().unwrap();
    assert_eq!(smtp.messages().len(), 1);
    imap.append(
        "INBOX",
        &format!(
            "From: <{}>\r\nSubject: Re: quote\r\nMessage-ID: <tls-reply@vendor.example>\r\nIn-Reply-To: {message_id}\r\n\r\nWe can offer 99.00 EUR per unit.\r\n",
            sent["to"].as_str().unwrap()
        ),
    );
    let give_up = Instant::now() + Duration::from_secs(60);
    loop {
        let threads = daemon.procura_json(&["negotiations", "--json"]);
        if threads[0]["state"] == "replied" {
            assert_eq!(threads[0]["messages"][1]["offer"]["unit_price"], "99.00");
            break;
        }
        assert!(
            Instant::now() < give_up,
            "the reply never arrived over imaps: {threads}\n{}",
            daemon.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn an_untrusted_certificate_is_refused_not_sent_in_clear() {
    let imap = ImapServer::start();
    let (cert, key) = imap.server_tls_files();
    let smtp = SmtpServer::start_tls(&cert, &key);
    let daemon = daemon(vec![(
        "PROCURA_SMTP_URL".into(),
        format!("{}?tls=required", smtp.url()),
    )]);
    approve_one(&daemon);
    let retrying = outbox_state(&daemon, "retrying");
    let error = retrying["error"].as_str().unwrap();
    assert!(error.contains("SMTP"), "{error}");
    assert_eq!(smtp.messages().len(), 0, "nothing went out unverified");
}
