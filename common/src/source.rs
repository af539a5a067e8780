//! Vendor sources: the shops a search visits.

use serde::{Deserialize, Serialize};

/// One shop. Only `name`, `base_url` and `search_url` are required; the
/// generic adapter finds product links and the next page by itself unless
/// selectors are given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub name: String,
    pub base_url: String,
    /// A URL with `{query}` where the search words go.
    pub search_url: String,
    /// CSS selector for product links on a result page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_selector: Option<String>,
    /// CSS selector for the link to the next result page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_selector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_email: Option<String>,
    /// ISO 4217 code for prices that name no currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default)]
    pub politeness: Politeness,
    /// Honour the shop's robots.txt (default true).
    #[serde(default = "yes")]
    pub robots: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Politeness {
    /// Pages of this shop open at once.
    pub concurrent_pages: u32,
    /// Pause between two page loads from this shop.
    pub delay_ms: u64,
}

impl Default for Politeness {
    fn default() -> Self {
        Politeness {
            concurrent_pages: 1,
            delay_ms: 0,
        }
    }
}

impl Source {
    /// Checks what can be checked without the network.
    pub fn validate(&self) -> Result<(), String> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
            return Err("a source name must be 1 to 64 printable characters".into());
        }
        for (what, url) in [
            ("base_url", &self.base_url),
            ("search_url", &self.search_url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "{what} {url:?} must start with http:// or https://"
                ));
            }
        }
        if !self.search_url.contains("{query}") {
            return Err(format!(
                "search_url {:?} must contain {{query}} where the search words go",
                self.search_url
            ));
        }
        if let Some(c) = &self.currency
            && !(c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()))
        {
            return Err(format!("currency {c:?} is not an ISO 4217 code like USD"));
        }
        if self.politeness.concurrent_pages == 0 || self.politeness.concurrent_pages > 16 {
            return Err("politeness.concurrent_pages must be between 1 and 16".into());
        }
        Ok(())
    }
}
