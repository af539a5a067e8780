//! `procura find` and `procura shortlist`.

use clap::Args;
use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::rank::{FindRequest, Found, SearchMode, Shortlist};
use procura_common::spec::SpecRequirement;
use rust_decimal::Decimal;

use super::output::{clip, print_json};
use crate::query::parse_spec;

#[derive(Debug, Args)]
pub struct FindArgs {
    /// What you are looking for, in your own words.
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// Price per unit at least this (in --currency).
    #[arg(long)]
    pub min_price: Option<Decimal>,
    /// Price per unit at most this (in --currency).
    #[arg(long)]
    pub max_price: Option<Decimal>,
    /// ISO 4217 code of the price range and of the converted prices shown
    /// (default: the daemon's base currency).
    #[arg(long)]
    pub currency: Option<String>,
    /// InStock or OutOfStock.
    #[arg(long)]
    pub availability: Option<String>,
    /// Only this vendor (repeatable).
    #[arg(long = "vendor")]
    pub vendors: Vec<String>,
    /// Only this brand (repeatable).
    #[arg(long = "brand")]
    pub brands: Vec<String>,
    /// A spec constraint, e.g. "ram>=16GB", "screen_size=27in", "color=black" (repeatable).
    #[arg(long = "spec", value_parser = parse_spec)]
    pub specs: Vec<SpecRequirement>,
    /// Only this job's products (else everything your organization has seen).
    #[arg(long)]
    pub job: Option<String>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// hybrid (default), lexical or vector.
    #[arg(long, default_value = "hybrid")]
    pub mode: SearchMode,
    #[arg(long)]
    pub json: bool,
}

pub async fn find(
    client: &ProcuraClient,
    args: FindArgs,
    job: Option<JobId>,
    ctx: impl Fn() -> tarpc::context::Context,
) -> anyhow::Result<i32> {
    let request = FindRequest {
        text: args.text.join(" "),
        job,
        min_price: args.min_price,
        max_price: args.max_price,
        currency: args.currency,
        availability: args.availability,
        vendors: args.vendors,
        brands: args.brands,
        specs: args.specs,
        limit: args.limit,
        mode: args.mode,
    };
    let found = client.find(ctx(), request).await??;
    if args.json {
        // One object per product: its fields, its score and converted price.
        let flat: Vec<serde_json::Value> = found
            .iter()
            .map(|f| {
                let mut v = serde_json::to_value(&f.product)?;
                if let Some(o) = v.as_object_mut() {
                    o.insert("score".into(), serde_json::json!(f.score));
                    o.insert("converted".into(), serde_json::to_value(&f.converted)?);
                }
                Ok(v)
            })
            .collect::<Result<_, serde_json::Error>>()?;
        print_json(&flat)?;
    } else {
        print_found(&found);
    }
    Ok(0)
}

fn print_found(found: &[Found]) {
    println!(
        "{:>6}  {:<16}  {:>12}  {:<4}  {:>14}  {:<11}  TITLE",
        "SCORE", "VENDOR", "PRICE", "CUR", "CONVERTED", "STOCK"
    );
    for f in found {
        let p = &f.product;
        println!(
            "{:>6.3}  {:<16}  {:>12}  {:<4}  {:>14}  {:<11}  {}",
            f.score,
            clip(&p.vendor, 16),
            p.price.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
            clip(p.currency.as_deref().unwrap_or("-"), 4),
            f.converted
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_default(),
            clip(p.availability.as_deref().unwrap_or("-"), 11),
            clip(p.title.as_deref().unwrap_or("(untitled)"), 60)
        );
    }
}

pub fn print_shortlist(shortlist: &Shortlist) {
    for e in &shortlist.entries {
        let title = e.product.title.as_deref().unwrap_or("(untitled)");
        println!("{}  {}", clip(title, 60), clip(&e.reason, 200));
    }
}
