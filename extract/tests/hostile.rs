//! Pages built to hurt: huge, deeply nested, malformed, binary. Extraction
//! must return, without panicking, in time linear in the input.

use std::time::{Duration, Instant};

fn bounded(name: &str, html: &str, limit: Duration) {
    let t = Instant::now();
    let ex = procura_extract::extract(html, Some("https://example.com/p/1"));
    let _ = ex.to_json_line(name);
    let took = t.elapsed();
    assert!(took < limit, "{name} took {took:?}");
}

/// Debug builds are slow; the limits leave room for them.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn fifty_megabytes_of_markup() {
    let row = "<div class=\"price\"><span>€ 1.299,00</span><a href=\"/x\">Add to cart</a></div>\n";
    let html = format!("<h1>Big</h1>{}", row.repeat(50_000_000 / row.len()));
    bounded("big", &html, LIMIT);
}

#[test]
fn deep_nesting() {
    let html = format!(
        "<h1>Deep</h1>{}€5{}",
        "<div itemscope itemtype=\"Product\"><span>".repeat(200_000),
        "</span></div>".repeat(200_000)
    );
    bounded("deep", &html, LIMIT);
    let html = format!(
        "<script type=\"application/ld+json\">{}{}</script>",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    bounded("deep-json", &html, LIMIT);
    let html = format!(
        "<script>window.__INITIAL_STATE__ = {}</script>",
        "{\"a\":".repeat(500_000)
    );
    bounded("deep-state", &html, LIMIT);
}

#[test]
fn malformed_json_ld_and_markup() {
    for html in [
        r#"<script type="application/ld+json">{"@type":"Product","offers":{"price":</script>"#,
        r#"<script type="application/ld+json">{"@type":"Product","name":"A","offers":[{"price":"NaN"},{"price":"1e999"},{"price":-5}]}</script>"#,
        r#"<script type="application/ld+json">{"@graph":[{"@type":["Product"],"brand":[[[[]]]],"offers":{"offers":{"offers":{"offers":{"offers":{"price":"1"}}}}}}]}</script>"#,
        "<div itemscope itemprop=x itemscope><meta itemprop=price content=\"1,2,3,4,5,6,7,8,9,0,1,2,3,4,5\">",
        "<<<<>>>><a <b c=\"\"\" d='''> </ </> <!-- <![CDATA[ <? &#xFFFFFF; &#99999999999; &;",
        "<table><tr><td>Brand</td><td>\u{1b}]0;evil\u{7}Acme\u{1b}[31m</td></tr></table>",
    ] {
        bounded("malformed", html, LIMIT);
    }
}

#[test]
fn binary_junk() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let bytes: Vec<u8> = (0..5_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let html = String::from_utf8_lossy(&bytes);
    bounded("junk", &html, LIMIT);
}

#[test]
fn names_are_sanitised() {
    let html = "<h1>Chair\u{1b}[2J\u{1b}]52;c;AAAA\u{7} &amp; table\u{202e}</h1>\
                <table><tr><td>Brand</td><td>Ac\u{1b}[31mme</td></tr></table>";
    let ex = procura_extract::extract(html, None);
    assert_eq!(ex.name.map(|f| f.value).as_deref(), Some("Chair & table"));
    assert_eq!(ex.brand.map(|f| f.value).as_deref(), Some("Acme"));
}
