//! Where approved mail goes: an SMTP server (`mail.smtp_url`:
//! `smtps://` for TLS, `smtp://…?tls=required` for STARTTLS; password or
//! XOAUTH2 authentication), or by default `.eml` files in the outbox
//! folder, named by the message's id and written by atomic rename, so
//! writing one twice leaves one file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use uuid::Uuid;

use crate::config::{MailConfig, SmtpAuth};

/// One attempt's budget against the SMTP server.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// The systemd credential holding an XOAUTH2 access token.
const OAUTH2_CREDENTIAL: &str = "smtp_oauth2_token";

#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("mail.smtp_url is invalid: {0}")]
    BadUrl(String),
    #[error(
        "mail.smtp_auth = \"xoauth2\" needs an access token: the systemd credential {OAUTH2_CREDENTIAL} or mail.smtp_oauth2_token_file ({0})"
    )]
    NoToken(String),
    #[error(
        "mail.smtp_auth = \"xoauth2\" needs the user name in mail.smtp_url (smtps://USER@host)"
    )]
    NoUser,
}

/// Why one delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// Worth another try later (a 4xx reply, a refused connection, a
    /// timeout, a full disk).
    Transient(String),
    /// The server refused it for good (a 5xx reply).
    Permanent(String),
}

pub enum Transport {
    Outbox {
        dir: PathBuf,
    },
    Smtp {
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        /// The URL without its password, for logs and `status`.
        shown: String,
    },
}

impl Transport {
    pub fn from_config(mail: &MailConfig, state_dir: &Path) -> Result<Transport, TransportError> {
        let Some(url) = &mail.smtp_url else {
            let dir = mail
                .outbox_dir
                .clone()
                .unwrap_or_else(|| state_dir.join("outbox"));
            return Ok(Transport::Outbox { dir });
        };
        let parsed =
            url::Url::parse(url.expose()).map_err(|e| TransportError::BadUrl(e.to_string()))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .map_err(|e| TransportError::BadUrl(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(ca) = &mail.ca_file {
            builder = builder.tls(tls_with_ca(&parsed, ca)?);
        }
        if mail.smtp_auth == SmtpAuth::Xoauth2 {
            let user = percent_decode(parsed.username());
            if user.is_empty() {
                return Err(TransportError::NoUser);
            }
            let token = oauth2_token(mail.smtp_oauth2_token_file.as_deref())?;
            builder = builder
                .authentication(vec![Mechanism::Xoauth2])
                .credentials(Credentials::new(user, token));
        }
        Ok(Transport::Smtp {
            mailer: builder.build(),
            shown: url.shown(),
        })
    }

    /// `smtp` or `outbox`, as `delivered_by` records it.
    pub fn name(&self) -> &'static str {
        match self {
            Transport::Outbox { .. } => "outbox",
            Transport::Smtp { .. } => "smtp",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Outbox { dir } => format!("outbox folder {}", dir.display()),
            Transport::Smtp { shown, .. } => format!("SMTP {shown}"),
        }
    }

    /// Whether a message that may already have gone out can be delivered
    /// again without a second copy arriving: true for the outbox folder
    /// (the same file is replaced), false for SMTP.
    pub fn redelivery_is_harmless(&self) -> bool {
        matches!(self, Transport::Outbox { .. })
    }

    pub async fn deliver(
        &self,
        id: Uuid,
        envelope: &Envelope,
        bytes: Vec<u8>,
    ) -> Result<(), DeliveryError> {
        match self {
            Transport::Outbox { dir } => {
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || write_eml(&dir, id, &bytes))
                    .await
                    .map_err(|e| {
                        DeliveryError::Transient(format!("the outbox writer failed: {e}"))
                    })?
                    .map_err(|e| {
                        DeliveryError::Transient(format!("cannot write to the outbox folder: {e}"))
                    })
            }
            Transport::Smtp { mailer, .. } => match mailer.send_raw(envelope, &bytes).await {
                Ok(_) => Ok(()),
                Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(describe_smtp(&e))),
                Err(e) => Err(DeliveryError::Transient(describe_smtp(&e))),
            },
        }
    }
}

/// The TLS mode the URL asks for, trusting `ca` besides the public roots.
fn tls_with_ca(url: &url::Url, ca: &Path) -> Result<Tls, TransportError> {
    let pem = std::fs::read(ca)
        .map_err(|e| TransportError::BadUrl(format!("mail.ca_file {}: {e}", ca.display())))?;
    let cert = Certificate::from_pem(&pem)
        .map_err(|e| TransportError::BadUrl(format!("mail.ca_file {}: {e}", ca.display())))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let params = TlsParameters::builder(host)
        .add_root_certificate(cert)
        .build_rustls()
        .map_err(|e| TransportError::BadUrl(e.to_string()))?;
    let mode = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    Ok(match (url.scheme(), mode.as_deref()) {
        ("smtps", _) => Tls::Wrapper(params),
        (_, Some("required")) => Tls::Required(params),
        (_, Some("opportunistic")) => Tls::Opportunistic(params),
        _ => Tls::None,
    })
}

fn describe_smtp(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    format!("SMTP: {text}")
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn oauth2_token(file: Option<&Path>) -> Result<String, TransportError> {
    read_token(OAUTH2_CREDENTIAL, file).map_err(TransportError::NoToken)
}

/// An OAuth2 access token from the systemd credential `credential`, else
/// from `file`.
pub fn read_token(credential: &str, file: Option<&Path>) -> Result<String, String> {
    let from_credential = std::env::var_os("CREDENTIALS_DIRECTORY")
        .map(|dir| PathBuf::from(dir).join(credential))
        .filter(|p| p.exists());
    let path = from_credential
        .or_else(|| file.map(Path::to_path_buf))
        .ok_or_else(|| "neither is set".to_string())?;
    let token = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err(format!("{} is empty", path.display()));
    }
    Ok(token)
}

/// Writes `<dir>/<id>.eml` by writing a temp file beside it, syncing it and
/// renaming it into place: a reader never sees half a message, and a second
/// write replaces the first.
fn write_eml(dir: &Path, id: Uuid, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let name = format!("{id}.eml");
    let temp = dir.join(format!(".{name}.tmp"));
    {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, dir.join(&name))?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(url: &str, auth: SmtpAuth, token: Option<PathBuf>) -> MailConfig {
        MailConfig {
            smtp_url: Some(crate::config::SmtpUrl::for_tests(url)),
            smtp_auth: auth,
            smtp_oauth2_token_file: token,
            ..MailConfig::default()
        }
    }

    // The SMTP pool spawns its task on the runtime it is built in.
    #[tokio::test]
    async fn xoauth2_needs_a_user_and_a_token_and_says_which_is_missing() {
        let dir = tempfile::tempdir().unwrap();
        let no_user = mail("smtps://smtp.example:465", SmtpAuth::Xoauth2, None);
        let err = Transport::from_config(&no_user, dir.path()).err().unwrap();
        assert!(err.to_string().contains("needs the user name"), "{err}");
        let no_token = mail(
            "smtps://buyer%40acme.example@smtp.example:465",
            SmtpAuth::Xoauth2,
            None,
        );
        let err = Transport::from_config(&no_token, dir.path()).err().unwrap();
        assert!(err.to_string().contains("needs an access token"), "{err}");
        let empty = dir.path().join("token");
        std::fs::write(&empty, "\n").unwrap();
        let blank = mail(
            "smtps://buyer@smtp.example:465",
            SmtpAuth::Xoauth2,
            Some(empty.clone()),
        );
        let err = Transport::from_config(&blank, dir.path()).err().unwrap();
        assert!(err.to_string().contains("is empty"), "{err}");
        std::fs::write(&empty, "ya29.token\n").unwrap();
        let good = mail(
            "smtps://buyer@smtp.example:465",
            SmtpAuth::Xoauth2,
            Some(empty),
        );
        let transport = Transport::from_config(&good, dir.path()).unwrap();
        assert_eq!(transport.name(), "smtp");
        assert!(!transport.describe().contains("ya29"));
    }

    #[test]
    fn writing_one_message_twice_leaves_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let id = Uuid::new_v4();
        write_eml(dir.path(), id, b"first").unwrap();
        write_eml(dir.path(), id, b"first").unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names, [format!("{id}.eml")]);
    }
}
