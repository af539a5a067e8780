//! Shop search: words in a product's name, brand and category (plus a few
//! canonical spec words such as `27 inch` or `16 GB`), case-insensitive,
//! singular and plural alike. Every query word must match; when no product
//! matches them all, products matching the most words come first.

use std::collections::HashSet;

/// Results per page, in every shop.
pub const PAGE_SIZE: usize = 12;

const UNITS: [&str; 10] = [
    "gb", "tb", "inch", "zoll", "hz", "w", "wh", "kg", "cm", "mm",
];
const STOP_WORDS: [&str; 16] = [
    "a", "an", "and", "the", "for", "with", "of", "in", "to", "or", "under", "over", "each", "per",
    "mit", "und",
];

/// The search index of one shop: the token set of each product.
pub(crate) struct Index {
    docs: Vec<HashSet<String>>,
}

/// One page of results: positions into the shop's product list.
pub(crate) struct Page {
    pub hits: Vec<usize>,
    pub page: usize,
    pub total_pages: usize,
    pub total: usize,
}

impl Page {
    pub(crate) fn has_next(&self) -> bool {
        self.page < self.total_pages
    }
}

impl Index {
    pub(crate) fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Index {
        Index {
            docs: texts
                .into_iter()
                .map(|t| tokens(t, true).into_iter().collect())
                .collect(),
        }
    }

    /// All matching positions, best first.
    pub(crate) fn search(&self, query: &str) -> Vec<usize> {
        let terms: Vec<String> = tokens(query, false)
            .into_iter()
            .filter(|t| !STOP_WORDS.contains(&t.as_str()))
            .collect();
        if terms.is_empty() {
            return (0..self.docs.len()).collect();
        }
        let scores: Vec<usize> = self
            .docs
            .iter()
            .map(|d| terms.iter().filter(|t| d.contains(t.as_str())).count())
            .collect();
        let all: Vec<usize> = (0..self.docs.len())
            .filter(|&i| scores[i] == terms.len())
            .collect();
        if !all.is_empty() {
            return all;
        }
        let mut some: Vec<usize> = (0..self.docs.len()).filter(|&i| scores[i] > 0).collect();
        some.sort_by_key(|&i| std::cmp::Reverse(scores[i]));
        some
    }

    /// Page `page` (1-based) of a search.
    pub(crate) fn page(&self, query: &str, page: usize) -> Page {
        let all = self.search(query);
        let total = all.len();
        let total_pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = page.max(1);
        let hits = all
            .into_iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        Page {
            hits,
            page,
            total_pages,
            total,
        }
    }
}

/// A crude English/German plural stemmer, applied to query and index alike.
fn stem(word: &str) -> String {
    let w = word;
    for suffix in ["ches", "shes", "sses", "xes"] {
        if w.len() > suffix.len() + 1 && w.ends_with(suffix) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.len() > 3
        && w.ends_with('s')
        && !w.ends_with("ss")
        && !w.chars().any(|c| c.is_ascii_digit())
    {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// Lowercase words, stemmed, with a number and the unit after it joined
/// (`27 inch`, `27"`, `27-inch` all give `27inch`; `16GB` gives `16gb`).
/// In the index the parts are kept too; in a query only the joined token.
fn tokens(text: &str, keep_parts: bool) -> Vec<String> {
    let text = inch_marks(&text.to_lowercase());
    let mut words: Vec<String> = Vec::new();
    for raw in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        // Split `16gb` into `16` and `gb` so both spellings meet.
        let digits = raw.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && digits < raw.len() && UNITS.contains(&&raw[digits..]) {
            words.push(raw[..digits].to_string());
            words.push(raw[digits..].to_string());
        } else {
            words.push(stem(raw));
        }
    }
    let mut out = Vec::with_capacity(words.len() * 2);
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let is_number = w.chars().all(|c| c.is_ascii_digit());
        if is_number && let Some(unit) = words.get(i + 1).filter(|u| UNITS.contains(&u.as_str())) {
            let unit = if unit == "zoll" {
                "inch"
            } else {
                unit.as_str()
            };
            out.push(format!("{w}{unit}"));
            if keep_parts {
                out.push(w.clone());
                out.push(unit.to_string());
            }
            i += 2;
            continue;
        }
        out.push(w.clone());
        i += 1;
    }
    out
}

/// `27"` becomes `27 inch`.
fn inch_marks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev_digit = false;
    for c in text.chars() {
        if (c == '"' || c == '″') && prev_digit {
            out.push_str(" inch");
        } else {
            out.push(c);
        }
        prev_digit = c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_join_units_and_stem() {
        assert_eq!(tokens("Laptops 16GB", false), ["laptop", "16gb"]);
        assert_eq!(tokens("27\" Monitor", false), ["27inch", "monitor"]);
        assert_eq!(tokens("27-inch monitors", false), ["27inch", "monitor"]);
        assert_eq!(tokens("27 inches", false), ["27inch"]);
        assert_eq!(tokens("Office Chairs", false), ["office", "chair"]);
        assert_eq!(tokens("16 GB RAM", true), ["16gb", "16", "gb", "ram"]);
        assert_eq!(tokens("68,6 cm (27 Zoll)", false), ["68", "6cm", "27inch"]);
    }

    #[test]
    fn search_requires_all_words_then_falls_back() {
        let idx = Index::new([
            "Sitwell Aria Office Chair",
            "Oakridge Standing Desk office",
            "Lumora 27 inch monitor",
        ]);
        assert_eq!(idx.search("office chairs"), [0]);
        assert_eq!(idx.search("CHAIR"), [0]);
        assert_eq!(idx.search("standing desks"), [1]);
        assert_eq!(idx.search("27 inch monitor"), [2]);
        assert_eq!(idx.search("office"), [0, 1]);
        assert_eq!(idx.search(""), [0, 1, 2]);
        // No product has both words: the best partial matches come first.
        assert_eq!(idx.search("monitor desk"), [1, 2]);
        let p = idx.page("", 1);
        assert_eq!((p.total, p.total_pages, p.has_next()), (3, 1, false));
    }
}
