//! The sender task: drains the outbox one message at a time. It claims a
//! message under a lease, delivers it and records the end in one
//! transaction that checks the claim is still its own.
//!
//! Exactly once: just before a sender hands a message to the transport it
//! records the hand-over. A daemon killed before that leaves a claim that
//! expires, and the next sender delivers the message. A daemon killed
//! after it leaves an expired claim with a hand-over, and then what
//! happens depends on the transport. The outbox folder
//! writes the same file again, which changes nothing. An SMTP server may
//! already hold the message, and nothing in SMTP can ask it, so the
//! message is marked `unknown` and never sent again by itself: an approver
//! checks the Sent folder and resends it or marks it sent.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use procura_common::log::LogLevel;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::compose::compose;
use super::crash;
use super::transport::{DeliveryError, Transport};
use crate::db::Database;
use crate::db::logs::NewLogEntry;
use crate::db::outbox::{Claimed, Delivered};
use crate::hub::Hub;

/// How often an idle sender looks for work another daemon approved.
const IDLE_POLL: Duration = Duration::from_secs(1);
/// Attempts before a transient failure becomes a failure for good.
const MAX_ATTEMPTS: i32 = 8;

pub struct Sender {
    pub db: Database,
    pub hub: Arc<Hub>,
    pub blobs: crate::blobs::BlobStore,
    pub owner: String,
    pub transport: Transport,
    pub from: String,
    /// Woken when this daemon approves a message.
    pub wake: Arc<Notify>,
    /// The first retry's delay; each next one doubles, up to an hour.
    pub retry_base: Duration,
    /// How long a claim holds (`mail.claim_lease_ms`).
    pub lease: Duration,
}

impl Sender {
    pub async fn run(self, stop: CancellationToken) {
        tracing::info!(transport = %self.transport.describe(), "outbox sender started");
        loop {
            if stop.is_cancelled() {
                break;
            }
            match self.db.claim_outbound(&self.owner, self.lease).await {
                Ok(Some(claimed)) => self.handle(claimed).await,
                Ok(None) => {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim from the outbox; trying again");
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(IDLE_POLL * 2) => {}
                    }
                }
            }
        }
        tracing::info!("outbox sender stopped");
    }

    async fn handle(&self, claimed: Claimed) {
        crash::point("outbox:claimed");
        let result = self.deliver(&claimed).await;
        if matches!(result, Delivered::Sent { .. }) {
            crash::point("outbox:delivered");
        }
        match self
            .db
            .finish_outbound(&claimed, &self.owner, &result)
            .await
        {
            Ok(true) => {
                crash::point("outbox:recorded");
                self.log(&claimed, &result).await;
            }
            Ok(false) => tracing::warn!(
                message = %claimed.id,
                "another sender took over this message; its result is not recorded here"
            ),
            // The claim expires and the message is looked at again.
            Err(e) => {
                tracing::error!(message = %claimed.id, error = %e, "cannot record a delivery")
            }
        }
    }

    async fn deliver(&self, claimed: &Claimed) -> Delivered {
        if claimed.recovered && !self.transport.redelivery_is_harmless() {
            return Delivered::Unknown {
                why: "procurad stopped while the SMTP server was taking this message, so it may have gone out; check the Sent folder, then `procura outbox resend ID` or `procura outbox mark-sent ID`".into(),
            };
        }
        let attachment = match &claimed.attachment {
            None => None,
            Some((blob, name)) => match self.blobs.get(blob) {
                Ok(bytes) => Some((name.as_str(), bytes)),
                Err(e) => {
                    return Delivered::Failed {
                        error: format!("the attachment {name} cannot be read: {e}"),
                    };
                }
            },
        };
        let (envelope, bytes) = match compose(&self.from, claimed, attachment) {
            Ok(built) => built,
            Err(e) => {
                return Delivered::Failed {
                    error: e.to_string(),
                };
            }
        };
        match self.db.hand_over(claimed, &self.owner).await {
            Ok(true) => {}
            Ok(false) => {
                return Delivered::Retry {
                    error: "another sender took this message over".into(),
                    at: Utc::now(),
                };
            }
            Err(e) => {
                return Delivered::Retry {
                    error: format!("cannot record the hand-over: {e}"),
                    at: Utc::now() + chrono::Duration::seconds(2),
                };
            }
        }
        crash::point("outbox:handed-over");
        match self.transport.deliver(claimed.id, &envelope, bytes).await {
            Ok(()) => Delivered::Sent {
                by: self.transport.name(),
            },
            Err(DeliveryError::Permanent(error)) => Delivered::Failed { error },
            Err(DeliveryError::Transient(error)) if claimed.attempts >= MAX_ATTEMPTS => {
                Delivered::Failed {
                    error: format!("gave up after {} attempts: {error}", claimed.attempts),
                }
            }
            Err(DeliveryError::Transient(error)) => {
                let delay = backoff(self.retry_base, claimed.attempts);
                Delivered::Retry {
                    error,
                    at: Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default(),
                }
            }
        }
    }

    async fn log(&self, claimed: &Claimed, result: &Delivered) {
        let to = claimed.recipient.as_deref().unwrap_or("no address");
        let (level, message) = match result {
            Delivered::Sent { by } => (
                LogLevel::Info,
                format!(
                    "sent the email to {} ({to}) as {} via {by}",
                    claimed.vendor, claimed.message_id
                ),
            ),
            Delivered::Retry { error, at } => (
                LogLevel::Warn,
                format!(
                    "could not send the email to {} ({to}), trying again at {}: {error}",
                    claimed.vendor,
                    at.format("%H:%M:%S UTC")
                ),
            ),
            Delivered::Failed { error } => (
                LogLevel::Error,
                format!("the email to {} ({to}) failed: {error}", claimed.vendor),
            ),
            Delivered::Unknown { why } => (
                LogLevel::Warn,
                format!(
                    "the email to {} ({to}) may have gone out: {why}",
                    claimed.vendor
                ),
            ),
        };
        let entry = NewLogEntry::new(level, "outbox", message);
        match self.db.append_logs(claimed.job_id, &[entry]).await {
            Ok(stored) => self.hub.appended(claimed.job_id, &stored, None),
            Err(e) => tracing::warn!(error = %e, "cannot write the outbox's log entry"),
        }
    }
}

/// `base` doubled per attempt after the first, at most an hour.
fn backoff(base: Duration, attempts: i32) -> Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    base.saturating_mul(1 << doublings)
        .min(Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 30), Duration::from_secs(3600));
    }
}
