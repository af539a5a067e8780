//! A real IMAP server on loopback for the tests: Debian's Dovecot
//! (dovecot-imapd), run in the foreground from a config of its own in a
//! temp dir, with one user whose mail is a maildir there. Plain IMAP on one
//! port and implicit TLS (a fresh test CA) on another. Stopped when dropped,
//! with every process it started.
//!
//! The harness talks to it with [`ImapClient`], a tiny synchronous client,
//! and reads the maildir directly to see what the code under test did.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const USER: &str = "buyer";
const PASSWORD: &str = "procura-imap-pw";

/// A running Dovecot serving one user, `buyer`, with `INBOX` and `Sent`.
pub struct ImapServer {
    child: Child,
    port: u16,
    tls_port: u16,
    dir: TempDir,
}

/// One message as stored in a maildir folder.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    /// Its IMAP UID, from Dovecot's `dovecot-uidlist` (0 if not listed yet).
    pub uid: u32,
    /// IMAP flags from the file name: `\Seen`, `\Answered`, `\Flagged`,
    /// `\Deleted`, `\Draft`, and keywords such as `$Forwarded`.
    pub flags: Vec<String>,
    /// The message as stored (Dovecot keeps LF line ends).
    pub raw: String,
    pub path: PathBuf,
}

/// Dovecot's master: Debian's first (scripts/setup installs dovecot-imapd),
/// then whatever `dovecot` is on PATH.
fn dovecot() -> PathBuf {
    let debian = Path::new("/usr/sbin/dovecot");
    if debian.exists() {
        assert!(
            Path::new("/usr/lib/dovecot/imap").exists(),
            "dovecot is there but its IMAP server is not: run scripts/setup (Debian's dovecot-imapd)"
        );
        return debian.to_path_buf();
    }
    let on_path = Command::new("dovecot")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        on_path,
        "no dovecot: run scripts/setup (Debian's dovecot-imapd)"
    );
    PathBuf::from("dovecot")
}

/// Who Dovecot's processes and the mail run as.
struct Identities {
    internal_user: String,
    internal_group: String,
    login_user: String,
    mail_uid: u32,
    mail_gid: u32,
}

fn identities() -> Identities {
    // SAFETY: geteuid/getegid cannot fail.
    let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if euid == 0 {
        // Dovecot refuses mail access as root, and wants unprivileged users
        // for its own processes: the ones Debian's package creates. The
        // mail is the `dovecot` user's, in a dir chowned to it.
        let (uid, gid) = user_ids("dovecot").unwrap_or_else(|| {
            panic!("no `dovecot` user: run scripts/setup (Debian's dovecot-imapd)")
        });
        assert!(
            user_ids("dovenull").is_some(),
            "no `dovenull` user: run scripts/setup (Debian's dovecot-imapd)"
        );
        Identities {
            internal_user: "dovecot".into(),
            internal_group: group_name(gid).unwrap_or_else(|| "dovecot".into()),
            login_user: "dovenull".into(),
            mail_uid: uid,
            mail_gid: gid,
        }
    } else {
        // As a normal user everything runs as that user.
        let name = user_name(euid).unwrap_or_else(|| panic!("uid {euid} has no user name"));
        let group = group_name(egid).unwrap_or_else(|| panic!("gid {egid} has no group name"));
        Identities {
            internal_user: name.clone(),
            internal_group: group,
            login_user: name,
            mail_uid: euid,
            mail_gid: egid,
        }
    }
}

fn user_ids(name: &str) -> Option<(u32, u32)> {
    let name = std::ffi::CString::new(name).ok()?;
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: getpwnam_r writes into `pwd` and `buf`, both ours and sized
    // as passed; `result` tells whether `pwd` was filled.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result = std::ptr::null_mut();
        let rc = libc::getpwnam_r(
            name.as_ptr(),
            &mut pwd,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        );
        (rc == 0 && !result.is_null()).then_some((pwd.pw_uid, pwd.pw_gid))
    }
}

fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in `user_ids`; pw_name points into `buf`, read before it
    // is dropped.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut result = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        (rc == 0 && !result.is_null()).then(|| {
            std::ffi::CStr::from_ptr(pwd.pw_name)
                .to_string_lossy()
                .into_owned()
        })
    }
}

fn group_name(gid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: as in `user_name`, for getgrgid_r.
    unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut result = std::ptr::null_mut();
        let rc = libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut result);
        (rc == 0 && !result.is_null()).then(|| {
            std::ffi::CStr::from_ptr(grp.gr_name)
                .to_string_lossy()
                .into_owned()
        })
    }
}

/// Two ports free right now (kept open together so they differ).
fn free_ports() -> (u16, u16) {
    let a = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let b = TcpListener::bind("127.0.0.1:0").expect("a free port");
    (
        a.local_addr().expect("port").port(),
        b.local_addr().expect("port").port(),
    )
}

const CONFIG: &str = r#"# Written by procura_e2e::imap for one test run; everything is in @DIR@.
instance_name = @INSTANCE@
base_dir = @DIR@/run
state_dir = @DIR@/state
log_path = @DIR@/dovecot.log
log_timestamp = "%H:%M:%S "
protocols = imap
listen = 127.0.0.1

# Plaintext LOGIN is fine on loopback; TLS only on the imaps listener (and
# STARTTLS), with a cert from the run's own CA.
ssl = yes
ssl_cert = <@DIR@/tls/server.pem
ssl_key = <@DIR@/tls/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
# Refuse wrong passwords at once, and keep no per-IP penalty either (it would
# delay the next, right login by seconds).
auth_failure_delay = 0
service anvil {
  chroot =
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

default_internal_user = @INTERNAL_USER@
default_internal_group = @INTERNAL_GROUP@
default_login_user = @LOGIN_USER@
first_valid_uid = 1
first_valid_gid = 1

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u @DIR@/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u @DIR@/passwd
}

mail_location = maildir:~/Maildir
mail_fsync = never
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
protocol imap {
  mail_max_userip_connections = 100
}

# No chroots, so that it also runs as a normal user.
service imap-urlauth-login {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = @PORT@
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = @TLS_PORT@
    ssl = yes
  }
}
"#;

/// The openssl config for the run's CA and its server certificate.
const OPENSSL_CONFIG: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]
CN = Procura IMAP test CA
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
";

/// A CA (`ca.pem`) and a server cert for 127.0.0.1 and localhost signed by
/// it, in `tls`.
fn make_certificates(tls: &Path) {
    std::fs::create_dir_all(tls).expect("tls dir");
    std::fs::write(tls.join("openssl.cnf"), OPENSSL_CONFIG).expect("openssl config");
    let steps = [
        "req -x509 -config openssl.cnf -extensions ca -newkey ec \
         -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 30",
        "req -new -config openssl.cnf -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
         -nodes -keyout server.key -out server.csr -subj /CN=localhost",
        "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 2 -days 30 \
         -extfile openssl.cnf -extensions server -out server.pem",
    ];
    for args in steps {
        let out = Command::new("openssl")
            .args(args.split_whitespace())
            .current_dir(tls)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("run openssl (Debian's openssl, via scripts/setup): {e}"));
        assert!(
            out.status.success(),
            "openssl {args} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl ImapServer {
    pub fn start() -> ImapServer {
        let dir = tempfile::Builder::new()
            .prefix("procura-imap-")
            .tempdir()
            .expect("temp dir");
        // Run as root, Dovecot's unprivileged processes must pass through.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o711),
        )
        .expect("chmod temp dir");
        let ids = identities();
        let home = dir.path().join("home").join(USER);
        std::fs::create_dir_all(&home).expect("mail home");
        std::os::unix::fs::chown(&home, Some(ids.mail_uid), Some(ids.mail_gid))
            .expect("chown mail home");
        make_certificates(&dir.path().join("tls"));
        std::fs::write(
            dir.path().join("passwd"),
            format!(
                "{USER}:{{PLAIN}}{PASSWORD}:{}:{}::{}::\n",
                ids.mail_uid,
                ids.mail_gid,
                home.display()
            ),
        )
        .expect("passwd file");

        // The instance name tags every process title, so that a test can
        // find this server's processes (`pgrep -f`).
        let instance = dir
            .path()
            .file_name()
            .expect("temp dir name")
            .to_string_lossy()
            .into_owned();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (port, tls_port) = free_ports();
            let config = CONFIG
                .replace("@DIR@", &dir.path().display().to_string())
                .replace("@INSTANCE@", &instance)
                .replace("@INTERNAL_USER@", &ids.internal_user)
                .replace("@INTERNAL_GROUP@", &ids.internal_group)
                .replace("@LOGIN_USER@", &ids.login_user)
                .replace("@PORT@", &port.to_string())
                .replace("@TLS_PORT@", &tls_port.to_string());
            let conf = dir.path().join("dovecot.conf");
            std::fs::write(&conf, config).expect("dovecot.conf");
            let output = |name: &str| {
                Stdio::from(std::fs::File::create(dir.path().join(name)).expect("output file"))
            };
            let mut child = Command::new(dovecot())
                .arg("-F")
                .arg("-c")
                .arg(&conf)
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(output("dovecot.stdout"))
                .stderr(output("dovecot.stderr"))
                .spawn()
                .expect("start dovecot");
            match wait_ready(&mut child, port, tls_port) {
                Ok(()) => {
                    let server = ImapServer {
                        child,
                        port,
                        tls_port,
                        dir,
                    };
                    server.create_folders();
                    return server;
                }
                Err(why) => {
                    stop(&mut child);
                    let log = read_log(dir.path());
                    // Someone took a port between our check and Dovecot's
                    // bind: try two others.
                    if attempts < 3 && log.contains("Address already in use") {
                        continue;
                    }
                    panic!("{why}:\n{log}");
                }
            }
        }
    }

    /// Logs in once so that Dovecot creates the maildirs of INBOX and Sent.
    fn create_folders(&self) {
        let mut client = self.client();
        for mailbox in ["INBOX", "Sent"] {
            let reply = client
                .command(&format!("STATUS {} (MESSAGES)", quote(mailbox)))
                .expect("STATUS");
            assert!(reply.is_ok(), "STATUS {mailbox}: {reply:?}\n{}", self.log());
            assert!(
                self.mailbox_dir(mailbox).join("cur").is_dir(),
                "no maildir for {mailbox} at {}:\n{}",
                self.mailbox_dir(mailbox).display(),
                self.log()
            );
        }
        client.logout();
    }

    /// `imap://buyer:PASSWORD@127.0.0.1:PORT`, as `PROCURA_IMAP_URL` takes it.
    pub fn url(&self) -> String {
        format!("imap://{USER}:{PASSWORD}@127.0.0.1:{}", self.port)
    }

    /// The same account over implicit TLS: trust [`Self::ca_cert_path`].
    pub fn tls_url(&self) -> String {
        format!("imaps://{USER}:{PASSWORD}@127.0.0.1:{}", self.tls_port)
    }

    pub fn user(&self) -> &str {
        USER
    }

    pub fn password(&self) -> &str {
        PASSWORD
    }

    /// The plain IMAP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The implicit-TLS port on 127.0.0.1.
    pub fn tls_port(&self) -> u16 {
        self.tls_port
    }

    /// The PEM of the CA that signed the server's certificate (valid for
    /// 127.0.0.1 and localhost).
    pub fn ca_cert_path(&self) -> PathBuf {
        self.dir.path().join("tls/ca.pem")
    }

    /// The server's certificate and key (PEM, signed by
    /// [`Self::ca_cert_path`], valid for 127.0.0.1), for another TLS server
    /// in the same test.
    pub fn server_tls_files(&self) -> (PathBuf, PathBuf) {
        let tls = self.dir.path().join("tls");
        (tls.join("server.pem"), tls.join("server.key"))
    }

    /// Dovecot master's pid; also the id of the process group of all its
    /// processes.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A string in the command line or title of every process of this
    /// server, for `pgrep -f`.
    pub fn instance(&self) -> String {
        self.dir
            .path()
            .file_name()
            .expect("temp dir name")
            .to_string_lossy()
            .into_owned()
    }

    /// Dovecot's log and anything it printed, for assertion messages.
    pub fn log(&self) -> String {
        read_log(self.dir.path())
    }

    /// A logged-in client.
    pub fn client(&self) -> ImapClient {
        let mut client = ImapClient::connect(self.port)
            .unwrap_or_else(|e| panic!("connect to dovecot: {e}\n{}", self.log()));
        let reply = client.login(USER, PASSWORD).expect("LOGIN");
        assert!(reply.is_ok(), "LOGIN failed: {reply:?}\n{}", self.log());
        client
    }

    /// Puts a message into a folder with IMAP APPEND, as a vendor's reply
    /// arriving; returns its UID. Bare LF line ends become CRLF.
    pub fn append(&self, mailbox: &str, raw_rfc822: &str) -> u32 {
        let mut client = self.client();
        let reply = client.append(mailbox, raw_rfc822).expect("APPEND");
        assert!(
            reply.is_ok(),
            "APPEND to {mailbox} failed: {reply:?}\n{}",
            self.log()
        );
        client.logout();
        // [APPENDUID <uidvalidity> <uid>]
        reply
            .text
            .split_once("[APPENDUID ")
            .and_then(|(_, rest)| rest.split(']').next())
            .and_then(|codes| codes.split_whitespace().nth(1))
            .and_then(|uid| uid.parse().ok())
            .unwrap_or_else(|| panic!("no APPENDUID in {reply:?}"))
    }

    /// The maildir of a folder: INBOX is the root, others are Maildir++
    /// subfolders (`a/b` is `.a.b`).
    pub fn mailbox_dir(&self, mailbox: &str) -> PathBuf {
        let root = self.dir.path().join("home").join(USER).join("Maildir");
        if mailbox.eq_ignore_ascii_case("INBOX") {
            root
        } else {
            root.join(format!(".{}", mailbox.replace('/', ".")))
        }
    }

    /// Every message in a folder, read from the maildir (`new/` and
    /// `cur/`), in UID order.
    pub fn stored(&self, mailbox: &str) -> Vec<StoredMessage> {
        let dir = self.mailbox_dir(mailbox);
        let uids = read_uidlist(&dir);
        let keywords = read_keywords(&dir);
        let mut messages = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for entry in entries.filter_map(|e| e.ok()) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let (base, info) = match name.split_once(":2,") {
                    Some((base, info)) => (base.to_string(), info.to_string()),
                    None => (name.clone(), String::new()),
                };
                let Ok(raw) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                messages.push(StoredMessage {
                    uid: uids.get(&base).copied().unwrap_or(0),
                    flags: maildir_flags(&info, &keywords),
                    raw,
                    path: entry.path(),
                });
            }
        }
        messages.sort_by_key(|m| (m.uid == 0, m.uid, m.path.clone()));
        messages
    }

    /// The raw messages in a folder, in UID order.
    pub fn messages(&self, mailbox: &str) -> Vec<String> {
        self.stored(mailbox).into_iter().map(|m| m.raw).collect()
    }

    /// Each message's flags, in the same order as [`Self::messages`].
    pub fn flags(&self, mailbox: &str) -> Vec<Vec<String>> {
        self.stored(mailbox).into_iter().map(|m| m.flags).collect()
    }
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

/// Waits until Dovecot greets on the plain port and listens on the TLS one.
fn wait_ready(child: &mut Child, port: u16, tls_port: u16) -> Result<(), String> {
    let give_up = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("dovecot exited with {status}"));
        }
        if let Ok(client) = ImapClient::connect(port) {
            if !client.greeting.starts_with("* OK") {
                return Err(format!("dovecot greeted with {:?}", client.greeting));
            }
            if TcpStream::connect(("127.0.0.1", tls_port)).is_ok() {
                return Ok(());
            }
        }
        if Instant::now() > give_up {
            return Err(format!(
                "dovecot did not answer on 127.0.0.1:{port} within 30 s"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILL to the master's process group, which holds every Dovecot process
/// of this server (a graceful SIGTERM takes the master a second or more, and
/// a test's mail needs no clean shutdown); waits until none is alive.
fn stop(child: &mut Child) {
    let pid = child.id();
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        // SAFETY: kill(2) on the process group this server's master leads.
        unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
        if process_group_members(pid).is_empty() || Instant::now() > give_up {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Dovecot's log and anything it printed.
fn read_log(dir: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    let mut log = read("dovecot.log");
    for name in ["dovecot.stderr", "dovecot.stdout"] {
        let text = read(name);
        if !text.trim().is_empty() {
            log.push_str(&format!("--- {name} ---\n{text}"));
        }
    }
    log
}

/// The live processes whose process group is `pgid`, from /proc. Zombies
/// (dead, not yet reaped by init) do not count.
pub fn process_group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // pid (comm) state ppid pgrp ...
                    let (_, rest) = stat.rsplit_once(") ")?;
                    let mut fields = rest.split_whitespace();
                    let state = fields.next()?;
                    let pgrp = fields.nth(1)?.parse::<u32>().ok()?;
                    (state != "Z").then_some(pgrp)
                })
                == Some(pgid)
        })
        .collect()
}

/// Base file name → UID, from the maildir's `dovecot-uidlist`.
fn read_uidlist(dir: &Path) -> std::collections::HashMap<String, u32> {
    let text = std::fs::read_to_string(dir.join("dovecot-uidlist")).unwrap_or_default();
    text.lines()
        .skip(1) // the header: version, UIDVALIDITY, next UID, …
        .filter_map(|line| {
            // "<uid> [extensions] :<file name>"
            let (head, file) = line.split_once(" :")?;
            let uid = head.split_whitespace().next()?.parse().ok()?;
            Some((file.to_string(), uid))
        })
        .collect()
}

/// The maildir's keywords, by index (`a` is 0), from `dovecot-keywords`.
fn read_keywords(dir: &Path) -> std::collections::HashMap<u32, String> {
    let text = std::fs::read_to_string(dir.join("dovecot-keywords")).unwrap_or_default();
    text.lines()
        .filter_map(|line| {
            let (index, name) = line.split_once(' ')?;
            Some((index.parse().ok()?, name.to_string()))
        })
        .collect()
}

fn maildir_flags(info: &str, keywords: &std::collections::HashMap<u32, String>) -> Vec<String> {
    info.chars()
        .filter_map(|c| match c {
            'D' => Some("\\Draft".to_string()),
            'F' => Some("\\Flagged".to_string()),
            'R' => Some("\\Answered".to_string()),
            'S' => Some("\\Seen".to_string()),
            'T' => Some("\\Deleted".to_string()),
            'a'..='z' => keywords.get(&(c as u32 - 'a' as u32)).cloned(),
            _ => None,
        })
        .collect()
}

/// An IMAP quoted string.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A command's outcome: the untagged responses before it (literals inlined)
/// and the tagged status line.
#[derive(Debug, Clone)]
pub struct Reply {
    /// `OK`, `NO` or `BAD`.
    pub status: String,
    /// The rest of the tagged line, e.g. `[APPENDUID 1 2] Append completed.`
    pub text: String,
    /// Each untagged response, without the `* `, CRLF kept inside literals.
    pub untagged: Vec<String>,
}

impl Reply {
    pub fn is_ok(&self) -> bool {
        self.status == "OK"
    }
}

/// A tiny synchronous IMAP client: enough for LOGIN, APPEND and raw
/// commands in tests. Every read times out after 10 s.
pub struct ImapClient {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    next_tag: u32,
    /// The server's greeting line, e.g. `* OK [CAPABILITY …] ready.`
    pub greeting: String,
}

impl ImapClient {
    pub fn connect(port: u16) -> std::io::Result<ImapClient> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut client = ImapClient {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            next_tag: 1,
            greeting: String::new(),
        };
        client.greeting = client.read_response()?;
        Ok(client)
    }

    fn tag(&mut self) -> String {
        let tag = format!("a{}", self.next_tag);
        self.next_tag += 1;
        tag
    }

    fn read_line(&mut self) -> std::io::Result<String> {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line)?;
        if line.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    /// One response, with any literals (`{n}` at a line's end) read into it.
    fn read_response(&mut self) -> std::io::Result<String> {
        let mut response = String::new();
        loop {
            let line = self.read_line()?;
            let trimmed = line.trim_end_matches(['\r', '\n']);
            let literal = trimmed
                .strip_suffix('}')
                .and_then(|s| s.rsplit_once('{'))
                .and_then(|(_, n)| n.parse::<usize>().ok());
            match literal {
                Some(n) => {
                    response.push_str(&line);
                    let mut bytes = vec![0; n];
                    std::io::Read::read_exact(&mut self.reader, &mut bytes)?;
                    response.push_str(&String::from_utf8_lossy(&bytes));
                }
                None => {
                    response.push_str(trimmed);
                    return Ok(response);
                }
            }
        }
    }

    /// Reads untagged responses up to the line tagged `tag`.
    fn read_reply(&mut self, tag: &str) -> std::io::Result<Reply> {
        let mut untagged = Vec::new();
        loop {
            let response = self.read_response()?;
            if let Some(rest) = response.strip_prefix("* ") {
                untagged.push(rest.to_string());
            } else if let Some(rest) = response.strip_prefix(tag).and_then(|r| r.strip_prefix(' '))
            {
                let (status, text) = rest.split_once(' ').unwrap_or((rest, ""));
                return Ok(Reply {
                    status: status.to_string(),
                    text: text.to_string(),
                    untagged,
                });
            } else {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("unexpected response to {tag}: {response:?}"),
                ));
            }
        }
    }

    /// Sends one command (without tag or CRLF) and reads its reply.
    pub fn command(&mut self, command: &str) -> std::io::Result<Reply> {
        let tag = self.tag();
        self.writer
            .write_all(format!("{tag} {command}\r\n").as_bytes())?;
        self.read_reply(&tag)
    }

    pub fn login(&mut self, user: &str, password: &str) -> std::io::Result<Reply> {
        self.command(&format!("LOGIN {} {}", quote(user), quote(password)))
    }

    /// APPEND with a synchronizing literal; bare LFs become CRLF.
    pub fn append(&mut self, mailbox: &str, raw_rfc822: &str) -> std::io::Result<Reply> {
        let message = raw_rfc822.replace("\r\n", "\n").replace('\n', "\r\n");
        let tag = self.tag();
        self.writer.write_all(
            format!("{tag} APPEND {} {{{}}}\r\n", quote(mailbox), message.len()).as_bytes(),
        )?;
        let go_ahead = self.read_response()?;
        if !go_ahead.starts_with('+') {
            // Refused before the literal: this is the tagged reply.
            let rest = go_ahead
                .strip_prefix(&tag)
                .map(str::trim_start)
                .unwrap_or(&go_ahead);
            let (status, text) = rest.split_once(' ').unwrap_or((rest, ""));
            return Ok(Reply {
                status: status.to_string(),
                text: text.to_string(),
                untagged: Vec::new(),
            });
        }
        self.writer.write_all(message.as_bytes())?;
        self.writer.write_all(b"\r\n")?;
        self.read_reply(&tag)
    }

    /// LOGOUT, ignoring errors (the server may already be gone).
    pub fn logout(mut self) {
        let _ = self.command("LOGOUT");
    }
}
