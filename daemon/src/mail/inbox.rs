//! The reply reader: watches the IMAP mailbox of `mail.imap_url`, reads
//! every message it has not read (a cursor of UIDVALIDITY and next UID in
//! Postgres), stores the ones that answer our email in their negotiation's
//! thread (by In-Reply-To and References) and reads the offer out of each,
//! with the model when one is configured and offline rules otherwise.
//! Messages it reads are fetched with `BODY.PEEK[]`, so their flags stay
//! as they were for the humans who share the mailbox. It waits with IDLE
//! where the server has it, else polls.

use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;
use procura_common::log::LogLevel;
use procura_common::negotiation::Offer;
use procura_llm::ReplyEvidence;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;

use crate::agent::services::Services;
use crate::db::Database;
use crate::db::logs::NewLogEntry;
use crate::db::replies::{IncomingReply, StoredReply};
use crate::hub::Hub;
use crate::llm::Outcome;
use crate::usage::Task;

/// The longest body kept from a reply: the offer is in its first part.
const MAX_BODY_CHARS: usize = 100_000;
/// Messages fetched per round trip.
const FETCH_BATCH: usize = 50;

trait Io: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Io for T {}
type Session = async_imap::Session<Box<dyn Io>>;

#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    #[error("mail.imap_url is invalid: {0}")]
    BadUrl(String),
    #[error("cannot reach the IMAP server {server}: {reason}")]
    Connect { server: String, reason: String },
    #[error("the IMAP server {server} refused the login of {user}: {reason}")]
    Login {
        server: String,
        user: String,
        reason: String,
    },
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

pub struct Inbox {
    pub db: Database,
    pub hub: Arc<Hub>,
    pub services: Arc<Services>,
    /// `imap://user:pass@host:port` or `imaps://…`.
    pub url: url::Url,
    pub folder: String,
    pub poll: Duration,
    /// An XOAUTH2 access token (Gmail, Microsoft 365) instead of the URL's
    /// password.
    pub oauth2_token: Option<String>,
    /// An extra CA to trust (`mail.ca_file`).
    pub ca_file: Option<std::path::PathBuf>,
}

/// SASL XOAUTH2: the user and the bearer token in one initial response.
struct XOauth2 {
    user: String,
    token: String,
}

impl async_imap::Authenticator for XOauth2 {
    type Response = String;

    fn process(&mut self, _challenge: &[u8]) -> String {
        format!("user={}\x01auth=Bearer {}\x01\x01", self.user, self.token)
    }
}

impl Inbox {
    /// The key of this mailbox's cursor: the URL without its password, and
    /// the folder.
    fn cursor_key(&self) -> String {
        let mut shown = self.url.clone();
        let _ = shown.set_password(None);
        format!("{shown}#{}", self.folder)
    }

    pub async fn run(self, stop: CancellationToken) {
        let mut backoff = Duration::from_secs(1);
        loop {
            let result = tokio::select! {
                _ = stop.cancelled() => break,
                r = self.serve(&stop) => r,
            };
            match result {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, retry_in = ?backoff, "reading replies failed; trying again");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(300));
                }
            }
        }
        tracing::info!("reply reader stopped");
    }

    /// One connection: read what is new, then wait for more, until the
    /// connection fails or the daemon stops.
    async fn serve(&self, stop: &CancellationToken) -> Result<(), InboxError> {
        let mut session = self.connect().await?;
        let idle = session
            .capabilities()
            .await
            .map(|c| c.has_str("IDLE"))
            .unwrap_or(false);
        tracing::info!(mailbox = %self.cursor_key(), idle, "reading replies");
        loop {
            self.read_new(&mut session).await?;
            if stop.is_cancelled() {
                let _ = session.logout().await;
                return Ok(());
            }
            session = if idle {
                let mut handle = session.idle();
                handle.init().await?;
                let (wait, interrupt) = handle.wait_with_timeout(self.poll);
                tokio::select! {
                    r = wait => { r?; }
                    _ = stop.cancelled() => {}
                }
                drop(interrupt);
                handle.done().await?
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(self.poll) => {}
                    _ = stop.cancelled() => {}
                }
                session
            };
        }
    }

    async fn connect(&self) -> Result<Session, InboxError> {
        let host = self
            .url
            .host_str()
            .ok_or_else(|| InboxError::BadUrl("no host".into()))?
            .to_string();
        let tls = match self.url.scheme() {
            "imaps" => true,
            "imap" => false,
            other => {
                return Err(InboxError::BadUrl(format!(
                    "{other}:// is not imap:// or imaps://"
                )));
            }
        };
        let port = self.url.port().unwrap_or(if tls { 993 } else { 143 });
        let server = format!("{host}:{port}");
        let connect_err = |reason: String| InboxError::Connect {
            server: server.clone(),
            reason,
        };
        let tcp = tokio::time::timeout(
            Duration::from_secs(30),
            tokio::net::TcpStream::connect((host.as_str(), port)),
        )
        .await
        .map_err(|_| connect_err("timed out".into()))?
        .map_err(|e| connect_err(e.to_string()))?;
        let stream: Box<dyn Io> = if tls {
            let mut roots = rustls::RootCertStore::empty();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            if let Some(ca) = &self.ca_file {
                let pem = std::fs::read(ca)
                    .map_err(|e| connect_err(format!("mail.ca_file {}: {e}", ca.display())))?;
                for cert in rustls::pki_types::pem::PemObject::pem_slice_iter(&pem) {
                    let cert: rustls::pki_types::CertificateDer<'static> = cert
                        .map_err(|e| connect_err(format!("mail.ca_file {}: {e}", ca.display())))?;
                    roots
                        .add(cert)
                        .map_err(|e| connect_err(format!("mail.ca_file {}: {e}", ca.display())))?;
                }
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| connect_err(format!("TLS: {e}")))?
                .with_root_certificates(roots)
                .with_no_client_auth();
            let name = rustls::pki_types::ServerName::try_from(host.clone())
                .map_err(|e| connect_err(e.to_string()))?;
            let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await
                .map_err(|e| connect_err(format!("TLS: {e}")))?;
            Box::new(tls)
        } else {
            Box::new(tcp)
        };
        let mut client = async_imap::Client::new(stream);
        client
            .read_response()
            .await
            .map_err(|e| connect_err(e.to_string()))?
            .ok_or_else(|| connect_err("closed before greeting".into()))?;
        let user = percent_decode(self.url.username());
        let login_err = |e: async_imap::error::Error| InboxError::Login {
            server: server.clone(),
            user: user.clone(),
            reason: e.to_string(),
        };
        let mut session = match &self.oauth2_token {
            Some(token) => client
                .authenticate(
                    "XOAUTH2",
                    XOauth2 {
                        user: user.clone(),
                        token: token.clone(),
                    },
                )
                .await
                .map_err(|(e, _)| login_err(e))?,
            None => {
                let password = percent_decode(self.url.password().unwrap_or_default());
                client
                    .login(&user, &password)
                    .await
                    .map_err(|(e, _)| login_err(e))?
            }
        };
        session.select(&self.folder).await?;
        Ok(session)
    }

    async fn read_new(&self, session: &mut Session) -> Result<(), InboxError> {
        let mailbox = session.select(&self.folder).await?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        let key = self.cursor_key();
        let next = self.db.mail_cursor(&key, validity).await?;
        // "n:*" always names the highest UID, even one below n.
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {next}:*"))
            .await?
            .into_iter()
            .filter(|u| *u >= next)
            .collect();
        uids.sort_unstable();
        for batch in uids.chunks(FETCH_BATCH) {
            let set = batch
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched: Vec<(u32, Vec<u8>)> = session
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await?
                .map_ok(|f| {
                    (
                        f.uid.unwrap_or(0),
                        f.body().map(<[u8]>::to_vec).unwrap_or_default(),
                    )
                })
                .try_collect()
                .await?;
            let mut fetched = fetched;
            fetched.sort_by_key(|(uid, _)| *uid);
            for (uid, raw) in fetched {
                if let Some(reply) = parse(&raw, validity, uid) {
                    if is_bounce(&raw) {
                        self.bounced(&raw).await;
                    } else {
                        self.take(reply).await;
                    }
                }
                self.db
                    .set_mail_cursor(&key, validity, uid.saturating_add(1))
                    .await?;
            }
        }
        Ok(())
    }

    /// Stores a reply if it answers one of ours, and reads its offer.
    async fn take(&self, reply: IncomingReply) {
        let stored = match self.db.record_reply(&reply).await {
            Ok(Some(stored)) => stored,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, message = %reply.message_id, "cannot store a reply");
                return;
            }
        };
        let offer = self.read_offer(&stored, &reply).await;
        if let Err(e) = self.db.set_offer(stored.id, &offer).await {
            tracing::warn!(error = %e, "cannot store the offer read from a reply");
        }
        let from = reply.sender.as_deref().unwrap_or("an unknown sender");
        let entry = NewLogEntry::new(
            LogLevel::Info,
            "inbox",
            format!(
                "reply from {} ({from}): {}",
                stored.vendor,
                describe(&offer)
            ),
        );
        match self.db.append_logs(stored.job_id, &[entry]).await {
            Ok(entries) => self.hub.appended(stored.job_id, &entries, None),
            Err(e) => tracing::warn!(error = %e, "cannot log a reply"),
        }
    }

    /// A delivery-status report naming one of our sent messages marks it
    /// failed, with the server's diagnosis, so the outbox shows it.
    async fn bounced(&self, raw: &[u8]) {
        let text = String::from_utf8_lossy(raw);
        let ids = message_ids_in(&text);
        let why = diagnosis(&text);
        match self.db.mark_bounced(&ids, &why).await {
            Ok(bounced) => {
                for (job, vendor) in bounced {
                    let entry = NewLogEntry::new(
                        LogLevel::Error,
                        "inbox",
                        format!(
                            "the email to {vendor} bounced: {why}; `procura outbox resend ID` sends it again"
                        ),
                    );
                    match self.db.append_logs(job, &[entry]).await {
                        Ok(entries) => self.hub.appended(job, &entries, None),
                        Err(e) => tracing::warn!(error = %e, "cannot log a bounce"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot record a bounce"),
        }
    }

    async fn read_offer(&self, stored: &StoredReply, reply: &IncomingReply) -> Offer {
        let evidence = ReplyEvidence {
            subject: reply.subject.clone(),
            body: reply.body.clone(),
            received_on: chrono::Utc::now().date_naive(),
        };
        let models = &self.services.models;
        let (read, read_by) = if models.is_configured() {
            match models
                .call(
                    stored.organization_id,
                    Some(stored.job_id),
                    Task::ReplyParse,
                    |llm| llm.read_reply(&evidence),
                )
                .await
            {
                Outcome::Answered { value, model, .. } => (value, model),
                Outcome::Offline(why) | Outcome::Paused(why) => {
                    tracing::info!(reason = %why, "reading a reply with the offline rules");
                    (
                        procura_llm::offline::read_reply(&evidence),
                        "rules".to_string(),
                    )
                }
            }
        } else {
            (
                procura_llm::offline::read_reply(&evidence),
                "rules".to_string(),
            )
        };
        Offer {
            unit_price: read.unit_price,
            currency: read.currency,
            discount_percent: read.discount_percent,
            quantity: read.quantity,
            delivery_date: read.delivery_date,
            read_by,
        }
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// A delivery-status notification (RFC 3464): `multipart/report` with
/// `report-type=delivery-status`.
fn is_bounce(raw: &[u8]) -> bool {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n"))
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    head.contains("multipart/report") && head.contains("delivery-status")
}

/// Every `<…@…>` token in `text`: the returned headers of a bounce name
/// the original Message-ID among them.
fn message_ids_in(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let Some(end) = rest.find('>') else { break };
        let candidate = &rest[..=end];
        if candidate.contains('@')
            && !candidate.contains(char::is_whitespace)
            && candidate.len() < 300
            && !ids.iter().any(|i| i == candidate)
        {
            ids.push(candidate.to_string());
        }
        rest = &rest[end + 1..];
    }
    ids
}

/// The server's reason in a bounce: its Diagnostic-Code, else its Status.
fn diagnosis(text: &str) -> String {
    for field in ["diagnostic-code:", "status:"] {
        if let Some(line) = text
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(field))
        {
            let value = line[field.len()..].trim();
            return procura_common::text::sanitize(value)
                .chars()
                .take(300)
                .collect();
        }
    }
    "the receiving server returned it (no diagnosis given)".into()
}

/// One line for the log: what the reply offers.
pub fn describe(offer: &Offer) -> String {
    let mut parts = Vec::new();
    if let Some(price) = offer.unit_price {
        let currency = offer.currency.as_deref().unwrap_or("");
        parts.push(format!("{price} {currency} per unit").replace("  ", " "));
    }
    if let Some(d) = offer.discount_percent {
        parts.push(format!("{d}% discount"));
    }
    if let Some(q) = offer.quantity {
        parts.push(format!("{q} units"));
    }
    if let Some(d) = offer.delivery_date {
        parts.push(format!("delivery by {d}"));
    }
    if parts.is_empty() {
        "no terms could be read; read it in the thread".into()
    } else {
        format!("{} (read by {})", parts.join(", "), offer.read_by)
    }
}

/// The reply in `raw`, with angle-bracketed ids; a message without a
/// Message-ID gets one from the mailbox position, so it is still stored
/// once.
fn parse(raw: &[u8], validity: u32, uid: u32) -> Option<IncomingReply> {
    let message = mail_parser::MessageParser::default().parse(raw)?;
    let bracket = |id: &str| format!("<{}>", id.trim().trim_matches(['<', '>']));
    let ids = |value: &mail_parser::HeaderValue<'_>| -> Vec<String> {
        match (value.as_text_list(), value.as_text()) {
            (Some(list), _) => list.iter().map(|id| bracket(id)).collect(),
            (None, Some(one)) => one.split_whitespace().map(bracket).collect(),
            _ => Vec::new(),
        }
    };
    let mut parents = ids(message.in_reply_to());
    for id in ids(message.references()).into_iter().rev() {
        if !parents.contains(&id) {
            parents.push(id);
        }
    }
    let message_id = message
        .message_id()
        .map(bracket)
        .unwrap_or_else(|| format!("<imap-{validity}-{uid}@procura.invalid>"));
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(str::to_string);
    let body: String = message
        .body_text(0)
        .map(|b| b.chars().take(MAX_BODY_CHARS).collect())
        .unwrap_or_default();
    Some(IncomingReply {
        message_id,
        parents,
        sender,
        subject: message.subject().unwrap_or_default().to_string(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_names_its_parents_and_sender() {
        let raw = b"From: Sales <sales@thames.example>\r\nTo: buyer@acme.example\r\nSubject: Re: Request for quote\r\nMessage-ID: <r1@thames.example>\r\nIn-Reply-To: <abc@procura.localhost>\r\nReferences: <first@procura.localhost> <abc@procura.localhost>\r\n\r\nWe can offer 245.00 EUR per unit.\r\n";
        let reply = parse(raw, 7, 3).unwrap();
        assert_eq!(reply.message_id, "<r1@thames.example>");
        assert_eq!(
            reply.parents,
            ["<abc@procura.localhost>", "<first@procura.localhost>"]
        );
        assert_eq!(reply.sender.as_deref(), Some("sales@thames.example"));
        assert!(reply.body.contains("245.00 EUR"));
    }

    #[test]
    fn xoauth2_sends_the_user_and_the_bearer_token() {
        use async_imap::Authenticator;
        let mut auth = XOauth2 {
            user: "buyer@acme.example".into(),
            token: "ya29.token".into(),
        };
        assert_eq!(
            auth.process(b""),
            "user=buyer@acme.example\x01auth=Bearer ya29.token\x01\x01"
        );
    }

    #[test]
    fn a_bounce_names_the_message_and_the_reason() {
        let raw = "From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <sales@x.example>: user unknown\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <abc@procura.localhost>\r\n--b--\r\n";
        assert!(is_bounce(raw.as_bytes()));
        assert!(!is_bounce(
            b"Content-Type: text/plain\r\n\r\nmultipart/report delivery-status"
        ));
        let ids = message_ids_in(raw);
        assert!(
            ids.contains(&"<abc@procura.localhost>".to_string()),
            "{ids:?}"
        );
        assert_eq!(
            diagnosis(raw),
            "smtp; 550 5.1.1 <sales@x.example>: user unknown"
        );
    }

    #[test]
    fn a_message_without_an_id_gets_one_from_its_place() {
        let raw = b"From: x@y.example\r\nSubject: hi\r\n\r\nbody\r\n";
        let reply = parse(raw, 7, 3).unwrap();
        assert_eq!(reply.message_id, "<imap-7-3@procura.invalid>");
        assert!(reply.parents.is_empty());
    }
}
