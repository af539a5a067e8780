//! `[mail]`: who negotiation email is from, and where approved mail goes.

use std::path::PathBuf;

use serde::Deserialize;

use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// The sender of negotiation email; its domain also names every
    /// Message-ID (`<id@domain>`).
    pub from: String,
    /// The buyer's name in drafts and purchase orders; unset: the
    /// organization's name (and "Procurement" for the bootstrap
    /// organization, which is called "default").
    pub organization: Option<String>,
    /// An SMTP server: `smtps://user:pass@host:465` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), or plain
    /// `smtp://host:port` on loopback. Unset: approved mail is written to
    /// the outbox folder.
    pub smtp_url: Option<SmtpUrl>,
    /// `password` (from the URL) or `xoauth2` (Gmail, Microsoft 365: the
    /// URL names the user, the access token comes from the systemd
    /// credential `smtp_oauth2_token` or `smtp_oauth2_token_file`).
    pub smtp_auth: SmtpAuth,
    pub smtp_oauth2_token_file: Option<PathBuf>,
    /// Where `.eml` files go without SMTP (default `STATE_DIR/outbox`).
    pub outbox_dir: Option<PathBuf>,
    /// The first retry of a failed delivery after this long; each next
    /// one waits twice as long, up to an hour, eight attempts in all.
    pub retry_base_ms: u64,
    /// How long a sender holds a message it is delivering before another
    /// sender may take it over as abandoned; must exceed an SMTP attempt
    /// (30 s).
    pub claim_lease_ms: u64,
    /// The mailbox vendors reply to: `imaps://user:pass@host:993` (TLS) or
    /// `imap://…` on loopback. Unset: replies are not read.
    pub imap_url: Option<SmtpUrl>,
    pub imap_folder: String,
    /// `password` (from the URL) or `xoauth2` (the token from the systemd
    /// credential `imap_oauth2_token` or `imap_oauth2_token_file`).
    pub imap_auth: SmtpAuth,
    pub imap_oauth2_token_file: Option<PathBuf>,
    /// How long to wait for new mail between looks (an IDLE wait where the
    /// server has IDLE).
    pub imap_poll_ms: u64,
    /// An extra certificate authority (PEM) trusted for SMTP and IMAP TLS,
    /// besides the public ones: a company CA, or a test's.
    pub ca_file: Option<PathBuf>,
    /// Printed on every purchase order.
    pub po_terms: String,
    /// A TrueType font for purchase orders (default: Debian's DejaVu Sans
    /// from fonts-dejavu-core).
    pub po_font: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpAuth {
    #[default]
    Password,
    Xoauth2,
}

impl std::str::FromStr for SmtpAuth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "password" => Ok(SmtpAuth::Password),
            "xoauth2" => Ok(SmtpAuth::Xoauth2),
            other => Err(format!("{other:?} is not password or xoauth2")),
        }
    }
}

/// A mail server's URL (SMTP or IMAP), whose password never reaches a log.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SmtpUrl(pub(super) String);

impl SmtpUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A URL for unit tests elsewhere in the daemon.
    #[cfg(test)]
    pub fn for_tests(url: &str) -> SmtpUrl {
        SmtpUrl(url.to_string())
    }

    /// The URL with its password masked.
    pub fn shown(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "(an invalid URL)".into(),
        }
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.shown())
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "procurement@procura.localhost".into(),
            organization: None,
            smtp_url: None,
            smtp_auth: SmtpAuth::Password,
            smtp_oauth2_token_file: None,
            outbox_dir: None,
            retry_base_ms: 30_000,
            claim_lease_ms: 120_000,
            imap_url: None,
            imap_folder: "INBOX".into(),
            imap_auth: SmtpAuth::Password,
            imap_oauth2_token_file: None,
            imap_poll_ms: 30_000,
            po_terms: "Payment within 30 days of the invoice. Prices as offered, excluding VAT. Please confirm this order and its delivery date in writing; deliveries after the date above need our agreement.".into(),
            po_font: None,
            ca_file: None,
        }
    }
}

impl MailConfig {
    /// The buyer's name for `organization` (its name in the database).
    pub fn buyer_name(&self, organization: &str) -> String {
        match &self.organization {
            Some(name) if !name.trim().is_empty() => name.trim().to_string(),
            _ if organization == "default" => "Procurement".to_string(),
            _ => organization.to_string(),
        }
    }

    /// The domain of `from`, for Message-IDs.
    pub fn domain(&self) -> &str {
        self.from
            .rsplit_once('@')
            .map(|(_, d)| d.trim_end_matches('>'))
            .unwrap_or("procura.localhost")
    }

    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let ok = self.from.split_once('@').is_some_and(|(local, domain)| {
            !local.trim().is_empty()
                && !domain.is_empty()
                && domain
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        });
        if !ok || self.from.contains(['\r', '\n', ' ']) {
            return Err(ConfigError::Invalid(format!(
                "mail.from must be an address such as procurement@example.com, not {:?}",
                self.from
            )));
        }
        if let Some(url) = &self.imap_url {
            let scheme = url::Url::parse(url.expose()).map(|u| u.scheme().to_string());
            if !matches!(scheme.as_deref(), Ok("imap" | "imaps")) {
                return Err(ConfigError::Invalid(format!(
                    "mail.imap_url must be imap://user:pass@host:port or imaps://…, not {}",
                    url.shown()
                )));
            }
        }
        if let Some(url) = &self.smtp_url {
            let scheme = url::Url::parse(url.expose()).map(|u| u.scheme().to_string());
            if !matches!(scheme.as_deref(), Ok("smtp" | "smtps")) {
                return Err(ConfigError::Invalid(format!(
                    "mail.smtp_url must be smtp://host:port or smtps://host:port, not {}",
                    url.shown()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_names_message_ids_and_bad_addresses_are_refused() {
        let mail = MailConfig {
            from: "buyer@acme.example".into(),
            ..MailConfig::default()
        };
        assert_eq!(mail.domain(), "acme.example");
        assert!(mail.validate().is_ok());
        for bad in ["no-at-sign", "a@b c", "x@exa\nmple.com", "@example.com"] {
            let mail = MailConfig {
                from: bad.into(),
                ..MailConfig::default()
            };
            let err = mail.validate().unwrap_err().to_string();
            assert!(err.contains("mail.from"), "{bad}: {err}");
        }
        assert_eq!(mail.buyer_name("default"), "Procurement");
        assert_eq!(mail.buyer_name("Acme GmbH"), "Acme GmbH");
        let named = MailConfig {
            organization: Some("Acme Buying".into()),
            ..mail
        };
        assert_eq!(named.buyer_name("default"), "Acme Buying");
    }

    #[test]
    fn an_smtp_password_is_never_shown() {
        let url = SmtpUrl("smtps://buyer:s3cret@smtp.example:465".into());
        assert_eq!(url.shown(), "smtps://buyer:***@smtp.example:465");
        assert!(!format!("{url:?}").contains("s3cret"));
        let mail = MailConfig {
            smtp_url: Some(SmtpUrl("http://smtp.example".into())),
            ..MailConfig::default()
        };
        assert!(
            mail.validate()
                .unwrap_err()
                .to_string()
                .contains("mail.smtp_url")
        );
    }
}
