//! An approved message as RFC 5322 bytes. The same message always gives
//! the same bytes (its fixed Message-ID, and its approval time as the
//! Date), so delivering it again to the outbox folder changes nothing.

use lettre::Message;
use lettre::address::Envelope;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

use crate::db::outbox::Claimed;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ComposeError {
    #[error(
        "{vendor} has no email address on file; add one with `procura sources add … --email ADDRESS`, then resend"
    )]
    NoRecipient { vendor: String },
    #[error("{what} {value:?} is not an email address: {reason}")]
    BadAddress {
        what: &'static str,
        value: String,
        reason: String,
    },
    #[error("the message cannot be built: {0}")]
    Build(String),
}

/// The envelope and the bytes of `message`, from `from`, with
/// `attachment` (its file name and bytes) when it has one.
pub fn compose(
    from: &str,
    message: &Claimed,
    attachment: Option<(&str, Vec<u8>)>,
) -> Result<(Envelope, Vec<u8>), ComposeError> {
    let recipient = message
        .recipient
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| ComposeError::NoRecipient {
            vendor: message.vendor.clone(),
        })?;
    let address = |what: &'static str, value: &str| {
        value
            .parse::<Mailbox>()
            .map_err(|e| ComposeError::BadAddress {
                what,
                value: value.to_string(),
                reason: e.to_string(),
            })
    };
    let mut builder = Message::builder()
        .from(address("the sender", from)?)
        .to(address("the recipient", recipient)?)
        .subject(message.subject.clone())
        .message_id(Some(message.message_id.clone()))
        .date(message.approved_at.into());
    if let Some(parent) = &message.in_reply_to {
        builder = builder
            .in_reply_to(parent.clone())
            .references(parent.clone());
    }
    let email = match attachment {
        None => builder
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone()),
        Some((name, bytes)) => {
            let pdf = ContentType::parse("application/pdf")
                .map_err(|e| ComposeError::Build(e.to_string()))?;
            // A boundary from the message's id keeps its bytes the same
            // each time it is composed.
            builder.multipart(
                MultiPart::mixed()
                    .boundary(format!("procura-{}", message.id.simple()))
                    .singlepart(SinglePart::plain(message.body.clone()))
                    .singlepart(Attachment::new(name.to_string()).body(bytes, pdf)),
            )
        }
    }
    .map_err(|e| ComposeError::Build(e.to_string()))?;
    Ok((email.envelope().clone(), email.formatted()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn claimed() -> Claimed {
        Claimed {
            id: Uuid::nil(),
            negotiation_id: Uuid::nil(),
            organization_id: Uuid::nil(),
            job_id: Uuid::nil(),
            vendor: "Thames Office".into(),
            recipient: Some("sales@thames.example".into()),
            subject: "Request for quote: 4 × Kite Task Chair".into(),
            body: "Dear Thames Office team,\n\nyour best price, please.\n".into(),
            message_id: "<abc@procura.localhost>".into(),
            in_reply_to: None,
            approved_at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 26, 10, 0, 0)
                .unwrap(),
            attempts: 1,
            attachment: None,
            recovered: false,
        }
    }

    #[test]
    fn the_same_message_gives_the_same_bytes_with_its_fixed_id() {
        let (envelope, first) = compose("buyer@acme.example", &claimed(), None).unwrap();
        let (_, again) = compose("buyer@acme.example", &claimed(), None).unwrap();
        assert_eq!(first, again);
        let text = String::from_utf8(first).unwrap();
        assert!(
            text.contains("Message-ID: <abc@procura.localhost>"),
            "{text}"
        );
        assert!(text.contains("Date: Thu, 26 Nov 2026 10:00:00"), "{text}");
        assert!(text.contains("To: sales@thames.example"), "{text}");
        assert_eq!(envelope.to().len(), 1);
    }

    #[test]
    fn an_attachment_goes_as_a_second_part_the_same_each_time() {
        let pdf = b"%PDF-1.7 fake".to_vec();
        let (_, first) = compose(
            "buyer@acme.example",
            &claimed(),
            Some(("PO-000001.pdf", pdf.clone())),
        )
        .unwrap();
        let (_, again) = compose(
            "buyer@acme.example",
            &claimed(),
            Some(("PO-000001.pdf", pdf)),
        )
        .unwrap();
        assert_eq!(first, again);
        let text = String::from_utf8(first).unwrap();
        assert!(text.contains("multipart/mixed"), "{text}");
        assert!(text.contains("filename=\"PO-000001.pdf\""), "{text}");
        assert!(text.contains("application/pdf"), "{text}");
    }

    #[test]
    fn a_reply_names_its_parent() {
        let mut reply = claimed();
        reply.in_reply_to = Some("<vendor-1@thames.example>".into());
        let (_, bytes) = compose("buyer@acme.example", &reply, None).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.contains("In-Reply-To: <vendor-1@thames.example>"),
            "{text}"
        );
        assert!(
            text.contains("References: <vendor-1@thames.example>"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_or_bad_address_is_named() {
        let mut none = claimed();
        none.recipient = None;
        let err = compose("buyer@acme.example", &none, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("Thames Office has no email address"),
            "{err}"
        );
        let mut bad = claimed();
        bad.recipient = Some("sales at thames".into());
        let err = compose("buyer@acme.example", &bad, None).unwrap_err();
        assert!(
            err.to_string()
                .contains("\"sales at thames\" is not an email address"),
            "{err}"
        );
    }
}
