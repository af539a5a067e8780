//! A real SMTP server on loopback for the tests: Debian's aiosmtpd with
//! its Mailbox handler, which stores every message it accepts in a
//! maildir. Stopped when dropped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub struct SmtpServer {
    child: Child,
    pub addr: SocketAddr,
    dir: TempDir,
}

/// A python3 that can import aiosmtpd: Debian's first (scripts/setup
/// installs python3-aiosmtpd there), then whatever `python3` is.
fn python() -> PathBuf {
    for candidate in ["/usr/bin/python3", "python3"] {
        let ok = Command::new(candidate)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return PathBuf::from(candidate);
        }
    }
    panic!("no python3 with aiosmtpd: run scripts/setup (Debian's python3-aiosmtpd)");
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        Self::start_with(None)
    }

    /// With STARTTLS required, on `cert` and `key` (PEM).
    pub fn start_tls(cert: &Path, key: &Path) -> SmtpServer {
        Self::start_with(Some((cert, key)))
    }

    fn start_with(tls: Option<(&Path, &Path)>) -> SmtpServer {
        let dir = tempfile::Builder::new()
            .prefix("procura-smtp-")
            .tempdir()
            .expect("temp dir");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let maildir = dir.path().join("maildir");
        let mut command = Command::new(python());
        command.args(["-m", "aiosmtpd", "-n"]);
        if let Some((cert, key)) = tls {
            command.arg("--tlscert").arg(cert).arg("--tlskey").arg(key);
        }
        let child = command
            .arg("-l")
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("aiosmtpd.log")).expect("log file"),
            ))
            .spawn()
            .expect("start aiosmtpd");
        let mut server = SmtpServer { child, addr, dir };
        let give_up = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("aiosmtpd exited with {status}: {}", server.log());
            }
            assert!(
                Instant::now() < give_up,
                "aiosmtpd did not listen: {}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    /// Every message received so far, as text.
    pub fn messages(&self) -> Vec<String> {
        read_dir_texts(&self.dir.path().join("maildir/new"))
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The text of every file in `dir` (none if it does not exist).
pub fn read_dir_texts(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}
