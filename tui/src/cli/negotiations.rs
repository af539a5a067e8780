//! `procura negotiations`, `accept`, `counter`, `decline` and `po`: the
//! threads with vendors, the offers read from their replies, and the
//! purchase orders accepted offers become.

use anyhow::{Context, bail};
use base64::Engine;
use clap::Subcommand;
use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::negotiation::{OfferDecision, Thread};
use procura_common::text::sanitize;
use procura_common::transport::context_with_timeout;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::CALL_TIMEOUT;
use super::output::{clip, print_json};

#[derive(Debug, Subcommand)]
pub enum NegotiationCommand {
    /// Negotiations with their threads and the offers read from replies.
    Negotiations {
        #[arg(long)]
        json: bool,
        /// Only this job's (its id or the first characters of it).
        #[arg(long)]
        job: Option<String>,
    },
    /// Accept the offer in a negotiation's latest reply: a purchase order is
    /// drawn up and its email waits for approval.
    Accept {
        /// The negotiation's id, or the first characters of it.
        negotiation: String,
    },
    /// Answer an offer with another unit price; the email waits for approval.
    Counter {
        negotiation: String,
        #[arg(long, value_name = "UNIT_PRICE")]
        price: Decimal,
        #[arg(long)]
        note: Option<String>,
    },
    /// Decline an offer.
    Decline {
        negotiation: String,
        #[arg(long)]
        reason: String,
    },
    /// Purchase orders: `po list`, `po export ID FILE`.
    Po {
        #[command(subcommand)]
        command: PoCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum PoCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write a purchase order's PDF to FILE ("-" for stdout).
    Export {
        /// Its number (PO-000001) or id.
        id: String,
        file: String,
    },
}

pub async fn run(
    client: &ProcuraClient,
    command: NegotiationCommand,
    job: Option<JobId>,
) -> anyhow::Result<i32> {
    let ctx = || context_with_timeout(CALL_TIMEOUT);
    let decide = |decision: OfferDecision, id: String| async move {
        let id = resolve(client, &id).await?;
        let thread = client.decide_offer(ctx(), id, decision).await??;
        anyhow::Ok(thread)
    };
    match command {
        NegotiationCommand::Negotiations { json, .. } => {
            let threads = client.negotiations(ctx(), job).await??;
            if json {
                print_json(&threads)?;
            } else {
                print_threads(&threads);
            }
        }
        NegotiationCommand::Accept { negotiation } => {
            let thread = decide(OfferDecision::Accept, negotiation).await?;
            let po = thread.purchase_order.as_ref();
            println!(
                "accepted {}: purchase order {} for {} {}; its email waits for approval",
                thread.vendor,
                po.map_or("-", |p| p.number.as_str()),
                po.map(|p| p.total.to_string()).unwrap_or_default(),
                po.map_or("", |p| p.currency.as_str()),
            );
        }
        NegotiationCommand::Counter {
            negotiation,
            price,
            note,
        } => {
            let thread = decide(
                OfferDecision::Counter {
                    unit_price: price,
                    note,
                },
                negotiation,
            )
            .await?;
            println!(
                "countered {} at {price}; the email waits for approval",
                thread.vendor
            );
        }
        NegotiationCommand::Decline {
            negotiation,
            reason,
        } => {
            let thread = decide(OfferDecision::Decline { reason }, negotiation).await?;
            println!("declined the offer of {}", thread.vendor);
        }
        NegotiationCommand::Po { command } => return po(client, command).await,
    }
    Ok(0)
}

async fn po(client: &ProcuraClient, command: PoCommand) -> anyhow::Result<i32> {
    let threads = client
        .negotiations(context_with_timeout(CALL_TIMEOUT), None)
        .await??;
    let orders: Vec<_> = threads
        .iter()
        .filter_map(|t| t.purchase_order.clone())
        .collect();
    match command {
        PoCommand::List { json } => {
            if json {
                print_json(&orders)?;
            } else if orders.is_empty() {
                println!("no purchase orders yet");
            } else {
                for o in &orders {
                    println!(
                        "{}  {:<20}  {:>12} {}  {}",
                        o.number,
                        clip(&sanitize(&o.vendor), 20),
                        o.total,
                        o.currency,
                        o.created_at.format("%Y-%m-%d")
                    );
                }
            }
        }
        PoCommand::Export { id, file } => {
            let wanted = id.trim().to_ascii_lowercase();
            let order = orders
                .iter()
                .find(|o| {
                    o.number.to_ascii_lowercase() == wanted || o.id.to_string().starts_with(&wanted)
                })
                .with_context(|| format!("no purchase order {id}"))?;
            let pdf = client
                .purchase_order_pdf(context_with_timeout(CALL_TIMEOUT), order.id)
                .await??;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(pdf)
                .context("the daemon sent a PDF that is not base64")?;
            if file == "-" {
                use std::io::Write;
                std::io::stdout()
                    .write_all(&bytes)
                    .context("writing the PDF")?;
            } else {
                std::fs::write(&file, &bytes).with_context(|| format!("writing {file}"))?;
                eprintln!("wrote {} ({} bytes)", file, bytes.len());
            }
        }
    }
    Ok(0)
}

fn print_threads(threads: &[Thread]) {
    if threads.is_empty() {
        println!("no negotiations yet");
        return;
    }
    for t in threads {
        println!(
            "{}  {:<20}  {}",
            &t.negotiation_id.to_string()[..8],
            clip(&sanitize(&t.vendor), 20),
            t.state
        );
        for m in &t.messages {
            let arrow = if m.direction == "inbound" {
                "←"
            } else {
                "→"
            };
            println!(
                "    {arrow} {:<9} {}",
                m.status,
                clip(&sanitize(&m.subject), 70)
            );
            if let Some(offer) = &m.offer {
                let price = offer
                    .unit_price
                    .map(|p| format!("{p} {}", offer.currency.as_deref().unwrap_or("")))
                    .unwrap_or_else(|| "no price".into());
                println!(
                    "      offer: {price}, discount {}, quantity {}, delivery {} (read by {})",
                    offer
                        .discount_percent
                        .map_or("-".into(), |d| format!("{d}%")),
                    offer.quantity.map_or("-".into(), |q| q.to_string()),
                    offer.delivery_date.map_or("-".into(), |d| d.to_string()),
                    sanitize(&offer.read_by)
                );
            }
        }
        if let Some(po) = &t.purchase_order {
            println!(
                "    purchase order {}: {} {}",
                po.number, po.total, po.currency
            );
        }
    }
}

async fn resolve(client: &ProcuraClient, text: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = text.parse::<Uuid>() {
        return Ok(id);
    }
    let prefix = text.trim().to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        bail!("{text:?} is not a negotiation id (give the id, or at least its first 4 characters)");
    }
    let threads = client
        .negotiations(context_with_timeout(CALL_TIMEOUT), None)
        .await
        .context("listing negotiations to resolve the id")??;
    let matches: Vec<Uuid> = threads
        .iter()
        .map(|t| t.negotiation_id)
        .filter(|id| id.to_string().starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no negotiation id starts with {prefix}"),
        many => bail!(
            "{} negotiations start with {prefix}; give more characters",
            many.len()
        ),
    }
}
