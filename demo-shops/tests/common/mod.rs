//! A tiny HTTP/1.1 client over TcpStream (no redirects followed, ever) and
//! helpers to read the shops' pages.

#![allow(dead_code)]

use std::time::Duration;

use procura_demo_shops::{DemoProduct, Markup};
use rust_decimal::Decimal;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

/// `http://host:port/path` into `("host:port", "/path")`.
pub fn split_url(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    match rest.find('/') {
        Some(i) => (rest[..i].to_string(), rest[i..].to_string()),
        None => (rest.to_string(), "/".to_string()),
    }
}

/// Connects and sends a GET with `Connection: close`.
pub async fn send_get(url: &str) -> TcpStream {
    let (host, path) = split_url(url);
    assert!(
        host.starts_with("127.") || host.starts_with("[::1]"),
        "tests only talk to loopback: {host}"
    );
    let mut stream = TcpStream::connect(&host).await.expect("connect");
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: procura-test\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(req.as_bytes())
        .await
        .expect("send request");
    stream
}

pub type Headers = Vec<(String, String)>;

/// Splits a raw response into status, headers and where the body starts.
pub fn parse_head(raw: &[u8]) -> Option<(u16, Headers, usize)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some((status, headers, end + 4))
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&body[..line_end]).expect("chunk size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .expect("hex size");
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

/// GETs a URL and reads the whole response (20 s limit).
pub async fn get(url: &str) -> Resp {
    let mut stream = send_get(url).await;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .unwrap_or_else(|_| panic!("timed out reading {url}"))
        .expect("read response");
    let (status, headers, start) = parse_head(&raw).expect("response head");
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(&raw[start..])
    } else {
        raw[start..].to_vec()
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// GETs a URL, asserting 200, and returns the body text.
pub async fn get_text(url: &str) -> String {
    let r = get(url).await;
    assert_eq!(r.status, 200, "GET {url}");
    r.text()
}

/// The href after `marker`, with `&amp;` undone.
pub fn href_after(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)?;
    let rest = &html[at..];
    let start = rest.find("href=\"")? + 6;
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].replace("&amp;", "&"))
}

/// Visible text: tags dropped, common entities undone, whitespace squeezed.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Every `<script type="application/ld+json">` body of a page.
pub fn json_ld_blocks(html: &str) -> Vec<String> {
    let open = "<script type=\"application/ld+json\">";
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let end = after.find("</script>").expect("closed script");
        out.push(after[..end].to_string());
        rest = &after[end..];
    }
    out
}

/// Formats a price as a shop shows it, written independently of the crate.
pub fn shown_price(price: Decimal, markup: Markup) -> String {
    let text = format!("{:.2}", price);
    let (units, cents) = text.split_once('.').expect("two decimals");
    let group = |sep: char| {
        let mut out = String::new();
        for (i, c) in units.chars().enumerate() {
            if i > 0 && (units.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    };
    match markup {
        Markup::JsonLd => format!("${}.{cents}", group(',')),
        Markup::Microdata => format!("{},{cents} €", group('.')),
        Markup::DomOnly => format!("£{}.{cents}", group(',')),
        Markup::JavaScript => format!("€\u{a0}{},{cents}", group('.')),
    }
}

/// Catalogue products whose page path (followed by a quote) occurs in `html`,
/// in page order.
pub fn products_linked<'a>(html: &str, products: &[&'a DemoProduct]) -> Vec<&'a DemoProduct> {
    let mut found: Vec<(usize, &DemoProduct)> = products
        .iter()
        .filter_map(|p| html.find(&format!("{}\"", p.url_path)).map(|at| (at, *p)))
        .collect();
    found.sort_by_key(|(at, _)| *at);
    found.into_iter().map(|(_, p)| p).collect()
}
