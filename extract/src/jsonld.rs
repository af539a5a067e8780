//! JSON-LD: `<script type="application/ld+json">` blocks, read leniently
//! (HTML comment and CDATA wrappers, raw control characters in strings,
//! trailing commas, several objects in one block).

use serde_json::Value;

use crate::html::Document;

/// Largest block parsed; larger ones are skipped.
const MAX_BLOCK: usize = 8 << 20;

/// The parsed JSON-LD blocks of a page, in document order.
pub(crate) fn blocks(doc: &Document<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    for id in doc.elements() {
        if doc.name(id) != Some("script") {
            continue;
        }
        let Some(t) = doc.attr(id, "type") else {
            continue;
        };
        if !t
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/ld+json")
        {
            continue;
        }
        let raw = doc.raw_text(id);
        if raw.len() > MAX_BLOCK {
            continue;
        }
        if let Some(v) = parse_lenient(raw) {
            out.push(v);
        }
    }
    out
}

fn unwrap_markers(s: &str) -> &str {
    let mut s = s.trim();
    for start in ["<!--", "//<![CDATA[", "/*<![CDATA[*/", "<![CDATA["] {
        if let Some(r) = s.strip_prefix(start) {
            s = r.trim_start();
        }
    }
    for end in ["-->", "//]]>", "/*]]>*/", "]]>"] {
        if let Some(r) = s.strip_suffix(end) {
            s = r.trim_end();
        }
    }
    s.trim_end_matches(';').trim()
}

/// Parses JSON the way browsers' JSON-LD consumers tolerate it.
pub(crate) fn parse_lenient(raw: &str) -> Option<Value> {
    let s = unwrap_markers(raw);
    if s.is_empty() {
        return None;
    }
    if let Ok(v) = serde_json::from_str::<Value>(s) {
        return Some(v);
    }
    // Raw control characters inside strings: as whitespace they are harmless
    // outside strings and become spaces inside them.
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if let Ok(v) = serde_json::from_str::<Value>(&cleaned) {
        return Some(v);
    }
    let no_trailing = remove_trailing_commas(&cleaned);
    if let Ok(v) = serde_json::from_str::<Value>(&no_trailing) {
        return Some(v);
    }
    // Several top-level values one after another.
    let mut items = Vec::new();
    for v in serde_json::Deserializer::from_str(&no_trailing).into_iter::<Value>() {
        match v {
            Ok(v) => items.push(v),
            Err(_) => break,
        }
    }
    (!items.is_empty()).then_some(Value::Array(items))
}

/// Drops commas that directly precede `}` or `]`, outside strings.
fn remove_trailing_commas(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        if c == '"' {
            in_str = true;
        }
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}' | ']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_parsing() {
        assert!(parse_lenient("<!-- {\"a\": 1} -->").is_some());
        assert!(parse_lenient("{\"a\": \"x\ny\"}").is_some());
        assert!(parse_lenient("{\"a\": [1, 2,], }").is_some());
        assert_eq!(
            parse_lenient("{\"a\":1}{\"b\":2}").and_then(|v| v.as_array().map(Vec::len)),
            Some(2)
        );
        assert!(parse_lenient("{{{{").is_none());
        assert!(parse_lenient(&"[".repeat(100_000)).is_none());
    }

    #[test]
    fn finds_blocks() {
        let doc = Document::parse(
            r#"<script type="application/ld+json">{"@type":"Product","name":"A"}</script>
               <script TYPE="Application/LD+JSON; charset=utf-8">[{"@graph":[]}]</script><script>var x</script>"#,
        );
        assert_eq!(blocks(&doc).len(), 2);
    }
}
