//! Parsing shared by the CLI and the TUI: spec constraints (`ram>=16GB`)
//! and the TUI's one-line find query, which says in tokens what the CLI
//! says in flags.
//!
//! A find query is free text plus any of these tokens, in any order:
//!
//! | token | CLI flag | meaning |
//! | --- | --- | --- |
//! | `min:100` `max:300` | `--min-price` `--max-price` | price per unit, in `cur:` |
//! | `cur:EUR` | `--currency` | currency of the range and of the converted prices |
//! | `vendor:thames` | `--vendor` | only this vendor (repeatable) |
//! | `brand:acme` | `--brand` | only this brand (repeatable) |
//! | `avail:in_stock` | `--availability` | `in_stock` or `out_of_stock` |
//! | `ram>=16GB` `spec:color=black` | `--spec` | a spec constraint (repeatable) |
//! | `mode:lexical` | `--mode` | `hybrid`, `lexical` or `vector` |
//! | `job:current` `job:3f2a9c1f` | `--job` | only one job's products |
//! | `limit:50` | `--limit` | at most this many results (1 to 200) |
//!
//! Double quotes keep spaces in one token (`vendor:"Büro Direkt"`,
//! `"screen size>=27in"`); a token that starts with a quote is never read
//! as a `key:` filter, so `"note:"` is plain text.

use std::str::FromStr;
use std::sync::LazyLock;

use procura_common::rank::{FindRequest, SearchMode};
use procura_common::spec::{Comparator, SpecRequirement};
use regex::Regex;
use rust_decimal::Decimal;

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

/// `in_stock`, `InStock`, `in-stock`, `in stock`, `yes` → `InStock`;
/// the same for out of stock → `OutOfStock`, the two values the daemon
/// knows.
pub fn parse_availability(text: &str) -> Result<String, String> {
    let key: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    match key.as_str() {
        "instock" | "in" | "yes" | "available" => Ok("InStock".into()),
        "outofstock" | "out" | "no" | "soldout" => Ok("OutOfStock".into()),
        _ => Err(format!(
            "avail:{text}: use avail:in_stock or avail:out_of_stock"
        )),
    }
}

/// Which job's products a find looks at, before the app knows the ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobScope {
    /// The job selected in the jobs list (`job:current`, `job:this`).
    Current,
    /// A job id or the first characters of one.
    Id(String),
}

/// A parsed find query: the request (its `job` still unset) and the job
/// scope to resolve against the jobs the client knows.
#[derive(Debug, Clone, PartialEq)]
pub struct FindQuery {
    pub request: FindRequest,
    pub job: Option<JobScope>,
}

/// Results asked for when the query has no `limit:` (the CLI's default).
pub const DEFAULT_LIMIT: u32 = 20;
/// The most the daemon returns.
pub const MAX_LIMIT: u32 = 200;

/// The filter keys, for messages.
const KEYS_TEXT: &str = "min: max: cur: vendor: brand: avail: mode: job: limit: spec:";

static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z_]+):(.*)$").expect("static regex"));

/// One token and whether it started with a quote.
#[derive(Debug, PartialEq, Eq)]
struct Token {
    text: String,
    quoted: bool,
}

/// Splits at whitespace outside double quotes; the quotes go.
fn tokens(query: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut in_quotes = false;
    let mut started = false;
    for c in query.chars() {
        match c {
            '"' => {
                if !started {
                    quoted = true;
                }
                started = true;
                in_quotes = !in_quotes;
            }
            c if c.is_whitespace() && !in_quotes => {
                if started {
                    out.push(Token {
                        text: std::mem::take(&mut cur),
                        quoted,
                    });
                }
                started = false;
                quoted = false;
            }
            c => {
                started = true;
                cur.push(c);
            }
        }
    }
    if in_quotes {
        return Err("a double quote is not closed".into());
    }
    if started {
        out.push(Token { text: cur, quoted });
    }
    Ok(out)
}

fn price(key: &str, value: &str) -> Result<Decimal, String> {
    let bad = || format!("{key}:{value}: write a price like {key}:300 or {key}:299.99");
    if value.contains(',') {
        return Err(bad());
    }
    let d = Decimal::from_str(value).map_err(|_| bad())?;
    if d < Decimal::ZERO {
        return Err(format!("{key}:{value}: a price cannot be negative"));
    }
    Ok(d)
}

fn currency(value: &str) -> Result<String, String> {
    if value.len() == 3 && value.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(value.to_ascii_uppercase())
    } else {
        Err(format!(
            "cur:{value}: give a three-letter ISO 4217 code, e.g. cur:EUR"
        ))
    }
}

fn limit(value: &str) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(format!(
            "limit:{value}: give a number from 1 to {MAX_LIMIT}"
        )),
    }
}

fn job_scope(value: &str) -> JobScope {
    match value.to_ascii_lowercase().as_str() {
        "current" | "this" | "selected" => JobScope::Current,
        _ => JobScope::Id(value.to_string()),
    }
}

/// Reads a one-line find query (see the module docs). The text must not
/// be empty: the daemon searches by it.
pub fn parse_find_query(query: &str) -> Result<FindQuery, String> {
    let mut request = FindRequest {
        limit: DEFAULT_LIMIT,
        ..FindRequest::default()
    };
    let mut job = None;
    let mut text = Vec::new();
    for token in tokens(query)? {
        let key = if token.quoted {
            None
        } else {
            KEY.captures(&token.text)
                .map(|c| (c[1].to_ascii_lowercase(), c[2].to_string()))
        };
        if let Some((key, value)) = key {
            if value.is_empty() {
                return Err(format!("{key}: needs a value, e.g. {}", example(&key)));
            }
            match key.as_str() {
                "min" => request.min_price = Some(price("min", &value)?),
                "max" => request.max_price = Some(price("max", &value)?),
                "cur" | "currency" => request.currency = Some(currency(&value)?),
                "vendor" => request.vendors.push(value),
                "brand" => request.brands.push(value),
                "avail" | "availability" | "stock" => {
                    request.availability = Some(parse_availability(&value)?);
                }
                "mode" => request.mode = SearchMode::from_str(&value)?,
                "job" => job = Some(job_scope(&value)),
                "limit" => request.limit = limit(&value)?,
                "spec" => request.specs.push(parse_spec(&value)?),
                other => {
                    return Err(format!(
                        "{other}: is not a filter; the filters are {KEYS_TEXT} \
                         (quote text with a colon: \"{other}:{value}\")"
                    ));
                }
            }
        } else if token.text.contains(['=', '<', '>']) {
            request.specs.push(parse_spec(&token.text)?);
        } else {
            text.push(token.text);
        }
    }
    if let (Some(min), Some(max)) = (request.min_price, request.max_price)
        && min > max
    {
        return Err(format!("min:{min} is above max:{max}"));
    }
    request.text = text.join(" ");
    if request.text.trim().is_empty() {
        return Err("say what to find, e.g. ergonomic chair max:300 cur:EUR".into());
    }
    Ok(FindQuery { request, job })
}

fn example(key: &str) -> &'static str {
    match key {
        "min" => "min:100",
        "max" => "max:300",
        "cur" | "currency" => "cur:EUR",
        "vendor" => "vendor:thames",
        "brand" => "brand:acme",
        "avail" | "availability" | "stock" => "avail:in_stock",
        "mode" => "mode:lexical",
        "job" => "job:current",
        "limit" => "limit:50",
        "spec" => "spec:ram>=16GB",
        _ => "vendor:thames",
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

    #[test]
    fn a_full_query() {
        let q = parse_find_query(
            "ergonomic chair max:300 min:99.50 cur:eur vendor:thames vendor:\"Büro Direkt\" \
             brand:acme ram>=16GB avail:in_stock mode:lexical job:current limit:50 mesh",
        )
        .unwrap();
        let r = &q.request;
        assert_eq!(r.text, "ergonomic chair mesh");
        assert_eq!(r.max_price, Some(Decimal::new(300, 0)));
        assert_eq!(r.min_price, Some(Decimal::new(9950, 2)));
        assert_eq!(r.currency.as_deref(), Some("EUR"));
        assert_eq!(r.vendors, vec!["thames", "Büro Direkt"]);
        assert_eq!(r.brands, vec!["acme"]);
        assert_eq!(r.specs, vec![parse_spec("ram>=16GB").unwrap()]);
        assert_eq!(r.availability.as_deref(), Some("InStock"));
        assert_eq!(r.mode, SearchMode::Lexical);
        assert_eq!(r.limit, 50);
        assert_eq!(r.job, None, "resolved later");
        assert_eq!(q.job, Some(JobScope::Current));
    }

    #[test]
    fn defaults_and_job_ids() {
        let q = parse_find_query("  standing desk ").unwrap();
        assert_eq!(q.request.text, "standing desk");
        assert_eq!(q.request.limit, DEFAULT_LIMIT);
        assert_eq!(q.request.mode, SearchMode::Hybrid);
        assert_eq!(q.request.currency, None);
        assert_eq!(q.job, None);
        let q = parse_find_query("desk job:3F2A9C1F").unwrap();
        assert_eq!(q.job, Some(JobScope::Id("3F2A9C1F".into())));
    }

    #[test]
    fn quotes_keep_spaces_and_escape_filters() {
        let q = parse_find_query("\"screen size>=27in\" \"note: glossy\" monitor").unwrap();
        assert_eq!(q.request.specs[0].name, "screen_size");
        assert_eq!(q.request.specs[0].value, "27");
        assert_eq!(q.request.text, "note: glossy monitor");
        // Colons after something other than letters are text too.
        assert_eq!(
            parse_find_query("16:9 screen").unwrap().request.text,
            "16:9 screen"
        );
        assert!(
            parse_find_query("chair vendor:\"open")
                .unwrap_err()
                .contains("not closed")
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |q: &str| parse_find_query(q).unwrap_err();
        assert!(err("").contains("say what to find"));
        assert!(err("max:300 cur:EUR").contains("say what to find"));
        assert!(err("chair vendr:thames").contains("vendr: is not a filter"));
        assert!(err("chair max:3,00").contains("max:3,00"));
        assert!(err("chair max:-5").contains("negative"));
        assert!(err("chair min:300 max:100").contains("above"));
        assert!(err("chair cur:euro").contains("three-letter"));
        assert!(err("chair avail:maybe").contains("in_stock"));
        assert!(err("chair mode:fuzzy").contains("hybrid, lexical and vector"));
        assert!(err("chair limit:0").contains("1 to 200"));
        assert!(err("chair limit:500").contains("1 to 200"));
        assert!(err("chair max:").contains("max:300"));
        assert!(err("chair ram>16").contains("NAME>=VALUE"));
    }

    #[test]
    fn availability_spellings() {
        for s in ["in_stock", "InStock", "in-stock", "in stock", "yes"] {
            assert_eq!(parse_availability(s).unwrap(), "InStock", "{s}");
        }
        for s in ["out_of_stock", "OutOfStock", "sold_out", "no"] {
            assert_eq!(parse_availability(s).unwrap(), "OutOfStock", "{s}");
        }
    }
}
