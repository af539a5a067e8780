//! `procura outbox`: approved email and how its delivery went; resending a
//! failed message, and resolving one that may have gone out.

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use procura_common::api::ProcuraClient;
use procura_common::negotiation::{DeliveryState, Outbound, OutboundAction};
use procura_common::text::sanitize;
use procura_common::transport::context_with_timeout;
use uuid::Uuid;

use super::CALL_TIMEOUT;
use super::output::{clip, print_json};

#[derive(Debug, Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// A JSON array: id, vendor, to, subject, message_id, state, attempts, error, ….
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Send a failed message again, or an unknown one that did not arrive
    /// (the approver role).
    Resend { id: String },
    /// Confirm an unknown message did go out (found in the Sent folder).
    MarkSent { id: String },
}

pub async fn run(client: &ProcuraClient, args: OutboxArgs) -> anyhow::Result<i32> {
    let ctx = || context_with_timeout(CALL_TIMEOUT);
    let (id, action) = match args.command {
        None => {
            let messages = client.outbox(ctx()).await??;
            if args.json {
                print_json(&messages)?;
            } else {
                print_table(&messages);
            }
            return Ok(0);
        }
        Some(OutboxCommand::Resend { id }) => (id, OutboundAction::Resend),
        Some(OutboxCommand::MarkSent { id }) => (id, OutboundAction::MarkSent),
    };
    let id = resolve(client, &id).await?;
    let message = client.resolve_outbound(ctx(), id, action).await??;
    println!(
        "{} {}: to {}",
        message.id,
        message.state.as_str(),
        message.vendor
    );
    Ok(0)
}

fn print_table(messages: &[Outbound]) {
    if messages.is_empty() {
        println!("no approved email yet");
        return;
    }
    println!(
        "{:<8}  {:<8}  {:<18}  {:<28}  {:>3}  ERROR / SUBJECT",
        "ID", "STATE", "VENDOR", "TO", "TRY"
    );
    for m in messages {
        let note = match (&m.error, m.state) {
            (Some(e), DeliveryState::Failed | DeliveryState::Unknown | DeliveryState::Approved) => {
                e.clone()
            }
            _ => m.subject.clone(),
        };
        println!(
            "{:<8}  {:<8}  {:<18}  {:<28}  {:>3}  {}",
            &m.id.to_string()[..8],
            m.state.as_str(),
            clip(&sanitize(&m.vendor), 18),
            clip(&sanitize(m.to.as_deref().unwrap_or("-")), 28),
            m.attempts,
            clip(&sanitize(&note), 80)
        );
    }
}

async fn resolve(client: &ProcuraClient, text: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = text.parse::<Uuid>() {
        return Ok(id);
    }
    let prefix = text.trim().to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        bail!("{text:?} is not a message id (give the id, or at least its first 4 characters)");
    }
    let messages = client
        .outbox(context_with_timeout(CALL_TIMEOUT))
        .await
        .context("listing the outbox to resolve the id")??;
    let matches: Vec<Uuid> = messages
        .iter()
        .map(|m| m.id)
        .filter(|id| id.to_string().starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no approved message has an id starting with {prefix}"),
        many => bail!(
            "{} messages start with {prefix}; give more characters",
            many.len()
        ),
    }
}
