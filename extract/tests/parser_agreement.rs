//! The crate's fast HTML parser against html5ever (through `scraper`) on the
//! real pages: the parts extraction reads must come out the same.

mod common;

use procura_extract::html::Document;

/// (JSON-LD texts, meta key/content pairs, itemprop names, h1 texts).
type Facts = (Vec<String>, Vec<(String, String)>, Vec<String>, Vec<String>);

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn ours(html: &str) -> Facts {
    let doc = Document::parse(html);
    let mut f: Facts = Default::default();
    for id in doc.elements() {
        match doc.name(id) {
            Some("script") if doc.attr(id, "type").is_some_and(|t| t.contains("ld+json")) => {
                f.0.push(squash(doc.raw_text(id)));
            }
            Some("meta") => {
                if let (Some(k), Some(c)) = (
                    doc.attr(id, "property").or_else(|| doc.attr(id, "name")),
                    doc.attr(id, "content"),
                ) {
                    f.1.push((k.to_string(), squash(c)));
                }
            }
            Some("h1") => f.3.push(squash(&doc.text(id, 10_000))),
            _ => {}
        }
        if let Some(p) = doc.attr(id, "itemprop") {
            f.2.push(p.to_string());
        }
    }
    f
}

fn theirs(html: &str) -> Facts {
    let doc = scraper::Html::parse_document(html);
    let mut f: Facts = Default::default();
    let sel = |s: &str| scraper::Selector::parse(s).expect("selector");
    for e in doc.select(&sel("script[type*='ld+json']")) {
        f.0.push(squash(&e.text().collect::<String>()));
    }
    for e in doc.select(&sel("meta[content]")) {
        let v = e.value();
        if let (Some(k), Some(c)) = (
            v.attr("property").or_else(|| v.attr("name")),
            v.attr("content"),
        ) {
            f.1.push((k.to_string(), squash(c)));
        }
    }
    for e in doc.select(&sel("[itemprop]")) {
        f.2.push(e.value().attr("itemprop").unwrap_or("").to_string());
    }
    for e in doc.select(&sel("h1")) {
        // Our text leaves out script and style inside the heading.
        let t: String = e
            .descendants()
            .filter_map(|n| {
                let inside_script = n.ancestors().any(|a| {
                    a.value().as_element().is_some_and(|el| {
                        matches!(el.name(), "script" | "style" | "noscript" | "template")
                    })
                });
                if inside_script {
                    None
                } else {
                    n.value().as_text().map(|t| t.to_string())
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        f.3.push(squash(&t));
    }
    f
}

#[test]
fn agrees_with_html5ever_on_what_extraction_reads() {
    let Some(dir) = common::pages_dir() else {
        return;
    };
    let mut differing = Vec::new();
    let pages = common::pages(&dir);
    for (page, html) in &pages {
        let (a, b) = (ours(html), theirs(html));
        let mut what = Vec::new();
        if a.0 != b.0 {
            what.push("json-ld");
        }
        if a.1 != b.1 {
            what.push("meta");
        }
        if a.2 != b.2 {
            what.push("itemprop");
        }
        let h = |v: &[String]| v.iter().map(|s| s.replace(' ', "")).collect::<Vec<_>>();
        if h(&a.3) != h(&b.3) {
            what.push("h1");
        }
        if !what.is_empty() {
            println!("{page}: differs in {what:?}");
            differing.push(page.clone());
        }
    }
    assert!(
        differing.is_empty(),
        "{} of {} pages differ",
        differing.len(),
        pages.len()
    );
}
