//! `procura find` and `procura shortlist`.

use std::sync::LazyLock;

use clap::Args;
use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::rank::{FindRequest, Found, SearchMode, Shortlist};
use procura_common::spec::{Comparator, SpecRequirement};
use regex::Regex;
use rust_decimal::Decimal;

use super::output::{clip, print_json};

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

static SPEC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*([\p{L}_ ]+?)\s*(>=|<=|=)\s*(.+?)\s*$"#).expect("static regex")
});
static QUANTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(\d+(?:[.,]\d+)?)\s*([\p{L}"]*)$"#).expect("static regex"));

/// "ram>=16GB" → ram, at least, 16, GB.
pub fn parse_spec(text: &str) -> Result<SpecRequirement, String> {
    let c = SPEC.captures(text).ok_or_else(|| {
        format!("{text:?}: write a spec as NAME>=VALUE, NAME<=VALUE or NAME=VALUE")
    })?;
    let name = c[1].trim().to_lowercase().replace(' ', "_");
    let comparator = match &c[2] {
        ">=" => Comparator::AtLeast,
        "<=" => Comparator::AtMost,
        _ => Comparator::Eq,
    };
    let raw = c[3].trim();
    let (value, unit) = match QUANTITY.captures(raw) {
        Some(q) => (
            q[1].replace(',', "."),
            Some(q[2].to_string()).filter(|u| !u.is_empty()),
        ),
        None => (raw.to_string(), None),
    };
    Ok(SpecRequirement {
        name,
        value,
        unit,
        comparator,
        text: text.trim().to_string(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_with_and_without_units() {
        let ram = parse_spec("ram>=16GB").unwrap();
        assert_eq!(
            (ram.name.as_str(), ram.value.as_str(), ram.unit.as_deref()),
            ("ram", "16", Some("GB"))
        );
        assert_eq!(ram.comparator, Comparator::AtLeast);
        let screen = parse_spec("screen size = 27,5 in").unwrap();
        assert_eq!(
            (screen.name.as_str(), screen.value.as_str()),
            ("screen_size", "27.5")
        );
        let color = parse_spec("color=black").unwrap();
        assert_eq!((color.value.as_str(), color.unit), ("black", None));
        assert!(parse_spec("16GB").unwrap_err().contains("NAME>=VALUE"));
    }
}
