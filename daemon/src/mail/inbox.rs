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
        let password = percent_decode(self.url.password().unwrap_or_default());
        let mut session =
            client
                .login(&user, &password)
                .await
                .map_err(|(e, _)| InboxError::Login {
                    server: server.clone(),
                    user: user.clone(),
                    reason: e.to_string(),
                })?;
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
                    self.take(reply).await;
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
    fn a_message_without_an_id_gets_one_from_its_place() {
        let raw = b"From: x@y.example\r\nSubject: hi\r\n\r\nbody\r\n";
        let reply = parse(raw, 7, 3).unwrap();
        assert_eq!(reply.message_id, "<imap-7-3@procura.invalid>");
        assert!(reply.parents.is_empty());
    }
}
