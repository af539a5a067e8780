//! The socket: an unknown uid is refused by name, roles are enforced, garbage
//! or oversized frames close only their own connection, and a live socket is
//! never taken over.

use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::Duration;

use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, binary};

const NOBODY: u32 = 65534;

#[test]
fn unknown_uids_are_refused_and_roles_enforced() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("SKIPPED: switching to another uid needs root; CI runs this as root");
        return;
    }
    let daemon = Daemon::start(DaemonOptions::default());
    let mode = std::fs::metadata(daemon.socket())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o660, "the socket is rw for owner and group only");

    // Let uid 65534 reach the socket (it is not in root's group) and run a
    // copy of the client it can execute.
    std::fs::set_permissions(daemon.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(daemon.socket(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let client = daemon.dir.path().join("procura");
    std::fs::copy(binary("procura"), &client).unwrap();
    std::fs::set_permissions(&client, std::fs::Permissions::from_mode(0o755)).unwrap();
    let as_nobody = |args: &[&str]| {
        Command::new(&client)
            .args(args)
            .env("PROCURA_SOCKET", daemon.socket())
            .env("HOME", "/nonexistent")
            .uid(NOBODY)
            .gid(NOBODY)
            .output()
            .unwrap()
    };

    let out = as_nobody(&["status"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not authorised: unix uid 65534"), "{err}");

    let added = daemon.procura(&[
        "admin", "users", "add", "guest", "--uid", "65534", "--role", "viewer",
    ]);
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let out = as_nobody(&["status", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = as_nobody(&["search", "10 chairs"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs the operator role") && err.contains("guest is viewer"),
        "{err}"
    );
    let out = as_nobody(&[
        "admin", "users", "add", "x", "--uid", "4242", "--role", "admin",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the admin role"));

    let dup = daemon.procura(&[
        "admin", "users", "add", "other", "--uid", "65534", "--role", "operator",
    ]);
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already belongs to operator guest"));
    let bad_role = daemon.procura(&["admin", "users", "add", "x", "--uid", "5", "--role", "boss"]);
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("unknown role"));
}

#[tokio::test(flavor = "multi_thread")]
async fn garbage_on_the_socket_harms_no_other_client() {
    let daemon = Daemon::start(DaemonOptions::default());
    let client = daemon.client().await;
    let status = || client.status(context_with_timeout(Duration::from_secs(5)));
    status().await.unwrap().unwrap();

    let send = |bytes: &[u8]| {
        let mut raw = UnixStream::connect(daemon.socket()).unwrap();
        raw.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // The daemon may close before reading everything; that is fine.
        let _ = raw.write_all(bytes);
        // Then end our side, as a peer that gave up would: a frame cut short
        // must close the connection, not keep it waiting for the rest.
        let _ = raw.shutdown(std::net::Shutdown::Write);
        let mut rest = Vec::new();
        // EOF, or a reset when the daemon closed with our bytes unread: both
        // mean closed. A timeout would mean it hung on us.
        match raw.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!("the daemon should close the connection, not hang: {e}"),
        }
    };
    // A well-framed frame of non-JSON.
    send(b"\x00\x00\x00\x10not json at all!");
    // A frame header announcing 2 GiB.
    send(b"\x7f\xff\xff\xff{");
    // Valid JSON of the wrong shape.
    send(b"\x00\x00\x00\x0b{\"a\":[1,2]}");
    // A frame announced, then cut short.
    send(b"\x00\x01\x00\x00{\"truncated\":");
    // Noise.
    let noise: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    send(&noise);

    // The first client's connection still works, and so do new ones.
    status().await.unwrap().unwrap();
    daemon
        .client()
        .await
        .status(context_with_timeout(Duration::from_secs(5)))
        .await
        .unwrap()
        .unwrap();
}

#[test]
fn a_live_socket_is_not_taken_over_and_a_stale_one_is() {
    let daemon = Daemon::start(DaemonOptions::default());
    let other_state = tempfile::tempdir().unwrap();
    let out = Command::new(binary("procurad"))
        .arg("--state-dir")
        .arg(other_state.path())
        .arg("--socket")
        .arg(daemon.socket())
        .env("PROCURA_DATABASE_URL", daemon.database_url())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already answering on"), "{err}");
    assert!(daemon.answers(), "the first daemon still answers");

    // A socket file nobody answers on (a crashed daemon's) is replaced.
    let stale_dir = tempfile::tempdir().unwrap();
    let stale = stale_dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    assert!(stale.exists());
    let mut second = Command::new(binary("procurad"))
        .arg("--state-dir")
        .arg(other_state.path())
        .arg("--socket")
        .arg(&stale)
        .env("PROCURA_DATABASE_URL", daemon.database_url())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let give_up = std::time::Instant::now() + Duration::from_secs(30);
    let answered = loop {
        if procura_e2e::block_on(procura_common::transport::connect(&stale)).is_ok() {
            break true;
        }
        if std::time::Instant::now() > give_up || second.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(second.id() as i32, libc::SIGTERM) };
    let status = second.wait().unwrap();
    assert!(answered, "a daemon took over the stale socket");
    assert!(status.success(), "and stopped cleanly on SIGTERM");
    assert!(!stale.exists(), "removing its socket on the way out");
}
