//! Renders purchase orders and reads them back with `pdftotext -layout`
//! (Debian's poppler-utils) to check what a person would see.

use std::path::Path;
use std::process::Command;
use std::str::FromStr;
use std::time::Instant;

use chrono::NaiveDate;
use procura_po::{
    FontSource, Fonts, Line, Party, PoError, PurchaseOrder, format_amount, format_quantity,
    format_unit_price, render,
};
use rust_decimal::Decimal;

fn fonts() -> Fonts {
    let fonts = Fonts::dejavu();
    for path in [procura_po::DEJAVU_SANS, procura_po::DEJAVU_SANS_BOLD] {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: apt-get install -y fonts-dejavu-core"
        );
    }
    fonts
}

/// The PDF's text as laid out on the pages; pages are separated by form feeds.
fn pdftotext(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("po.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = match Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "pdftotext not found: these tests need Debian's poppler-utils \
             (apt-get install -y poppler-utils)"
        ),
        Err(e) => panic!("cannot run pdftotext: {e}"),
    };
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn pages(text: &str) -> Vec<&str> {
    text.trim_end_matches('\u{c}')
        .split('\u{c}')
        .collect::<Vec<_>>()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(description: &str, sku: Option<&str>, quantity: u32, price: &str) -> Line {
    Line {
        description: description.into(),
        sku: sku.map(Into::into),
        url: None,
        quantity,
        unit_price: d(price),
    }
}

fn order(lines: Vec<Line>) -> PurchaseOrder {
    PurchaseOrder {
        number: "PO-000042".into(),
        issued_on: NaiveDate::from_ymd_opt(2025, 3, 14).unwrap(),
        buyer: Party {
            name: "Acme Robotics GmbH".into(),
            address: vec![
                "Hauptstraße 5".into(),
                "10115 Berlin".into(),
                "Germany".into(),
            ],
            email: Some("purchasing@acme.example".into()),
        },
        vendor: Party {
            name: "Bolt & Nut Supplies Ltd".into(),
            address: vec!["Unit 4, Mill Lane".into(), "Leeds LS1 4AB".into()],
            email: Some("sales@boltnut.example".into()),
        },
        currency: "EUR".into(),
        lines,
        delivery_date: NaiveDate::from_ymd_opt(2025, 4, 1),
        terms: "Payment within 30 days net of invoice.\n\n\
                Delivery free to the buyer's address.\n\
                Partial deliveries only after written agreement."
            .into(),
        reference: Some("<quote-7781@boltnut.example>".into()),
    }
}

/// The text line of a table row: the one showing this description.
fn row<'t>(text: &'t str, description: &str) -> &'t str {
    let rows: Vec<&str> = text.lines().filter(|l| l.contains(description)).collect();
    assert_eq!(
        rows.len(),
        1,
        "{description:?} should be on exactly one line:\n{text}"
    );
    rows[0]
}

fn assert_row(text: &str, po: &PurchaseOrder, line: &Line) {
    let row = row(text, &line.description);
    let expected = [
        format_quantity(line.quantity),
        format_unit_price(line.unit_price, &po.currency),
        format_amount(PurchaseOrder::line_total(line), &po.currency),
    ];
    for value in expected {
        assert!(row.contains(&value), "row {row:?} lacks {value:?}");
    }
}

#[test]
fn shows_every_field_of_a_short_order() {
    let po = order(vec![
        line(
            "Hex bolt M8x40, zinc plated",
            Some("HB-M8-40"),
            250,
            "0.125",
        ),
        line("Torque wrench 20-100 Nm", Some("TW-100"), 2, "89.90"),
        line("Safety gloves, size 9", None, 1_200, "1.365"),
    ]);
    let pdf = render(&po, &fonts()).unwrap();
    let text = pdftotext(&pdf);

    assert!(text.contains("Purchase order PO-000042"), "{text}");
    assert!(text.contains("2025-03-14"), "issue date missing:\n{text}");
    for needle in [
        "Acme Robotics GmbH",
        "Hauptstraße 5",
        "purchasing@acme.example",
        "Bolt & Nut Supplies Ltd",
        "Leeds LS1 4AB",
        "sales@boltnut.example",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    for header in ["Description", "SKU", "Qty", "Unit price", "Total"] {
        assert!(text.contains(header), "table header {header:?} missing");
    }
    for line in &po.lines {
        assert_row(&text, &po, line);
    }
    assert!(row(&text, "Hex bolt").contains("HB-M8-40"));
    // 250 × 0.125 = 31.25; 2 × 89.90 = 179.80; 1,200 × 1.365 = 1,638.00.
    assert!(row(&text, "Safety gloves").contains("1,638.00 EUR"));
    let total = format_amount(po.total(), "EUR");
    assert_eq!(total, "1,849.05 EUR");
    let total_row = text
        .lines()
        .find(|l| l.contains(&total))
        .unwrap_or_else(|| {
            panic!("total {total} missing:\n{text}");
        });
    assert!(total_row.contains("Total"), "{total_row:?}");

    let delivery = text.lines().find(|l| l.contains("DELIVERY DATE")).unwrap();
    assert!(delivery.contains("2025-04-01"), "{delivery:?}");
    let reference = text.lines().find(|l| l.contains("REFERENCE")).unwrap();
    assert!(
        reference.contains("<quote-7781@boltnut.example>"),
        "{reference:?}"
    );
    for terms in [
        "Terms",
        "Payment within 30 days net of invoice.",
        "Delivery free to the buyer's address.",
        "Partial deliveries only after written agreement.",
    ] {
        assert!(text.contains(terms), "{terms:?} missing:\n{text}");
    }
    assert_eq!(pages(&text).len(), 1, "{text}");
    assert!(text.contains("Page 1 of 1"), "{text}");
}

#[test]
fn long_order_flows_over_pages_with_repeated_header() {
    let lines: Vec<Line> = (1..=60)
        .map(|i| {
            let mut l = line(
                &format!("Item {i:02} stainless cable tie"),
                Some(&format!("CT-{i:03}")),
                i,
                &format!("{}.{:02}", i * 3, i),
            );
            if i % 7 == 0 {
                l.url = Some(format!("https://shop.example/products/cable-tie-{i}"));
            }
            l
        })
        .collect();
    let po = order(lines);
    let pdf = render(&po, &fonts()).unwrap();
    let text = pdftotext(&pdf);
    let pages = pages(&text);
    let count = pages.len();
    assert!(
        count >= 2,
        "60 lines should need several pages, got {count}"
    );

    for (index, page) in pages.iter().enumerate() {
        let footer = format!("Page {} of {count}", index + 1);
        assert!(
            page.contains(&footer),
            "page {} lacks {footer:?}",
            index + 1
        );
        if page.contains("stainless cable tie") {
            assert!(
                page.contains("Unit price"),
                "page {} has rows but no table header",
                index + 1
            );
        }
    }
    assert!(pages[1].contains("PO-000042 (continued)"), "{}", pages[1]);
    // Every row exactly once, none lost or duplicated at a page break.
    for line in &po.lines {
        assert_row(&text, &po, line);
    }
    let total = format_amount(po.total(), "EUR");
    let last = pages[count - 1];
    assert!(last.contains(&total), "total {total} not on the last page");
    assert!(last.contains("Partial deliveries only after written agreement."));
}

#[test]
fn hostile_vendor_text_renders_without_panic() {
    let giant = "W".repeat(5_000);
    let description =
        format!("\u{7}Bell\u{1b}[31m \u{202E}override\u{202C} {giant} 📦🚀\u{FE0F} مرحبا");
    let mut hostile = line(&description, Some("\u{0}SKU\u{202E}-1"), 3, "19.99");
    hostile.url = Some(format!("https://evil.example/{}", "a/".repeat(3_000)));
    let mut po = order(vec![hostile, line("Ordinary follow-up item", None, 1, "5")]);
    po.vendor.name = "Evil\u{202E} Corp\u{7}\u{1F4A3}".into();
    po.vendor.address = vec!["W".repeat(10_000); 50];
    po.buyer.name = "Buyer ".repeat(100);
    po.buyer.email = Some("x@".repeat(5_000));
    po.reference = Some("\u{202D}ref\r\nInjected: header".into());

    let pdf = render(&po, &fonts()).unwrap();
    let text = pdftotext(&pdf);

    // (pdftotext itself marks right-to-left runs with U+202B…U+202C.)
    for bad in ['\u{7}', '\u{1b}', '\u{0}', '\u{202E}', '\u{202D}'] {
        assert!(!text.contains(bad), "{bad:?} survived into the PDF");
    }
    assert!(text.contains("Bell[31m override"), "{text}");
    assert!(text.contains("Evil Corp"), "vendor name missing");
    assert!(text.contains("ref Injected: header"), "reference missing");
    // The giant word is cut to the field limit and broken over many lines,
    // so tall that its row continues on another page.
    let ws: usize = pages(&text)
        .iter()
        .filter_map(|page| page.split_once("Unit price"))
        .map(|(_, table)| table.matches('W').count())
        .sum();
    assert!((1_900..=2_000).contains(&ws), "{ws} W's in the table");
    // The address blocks stay on page 1, above the table and the footer.
    let first = pages(&text)[0];
    let header = first.find("Unit price").expect("table header on page 1");
    assert!(first[..header].contains("Evil Corp"), "{first}");
    assert!(
        first[..header].contains("WWW…"),
        "vendor address not capped"
    );
    assert!(pages(&text).len() >= 2, "giant row should span pages");
    assert!(
        text.contains("19.99 EUR") && text.contains("59.97 EUR"),
        "{text}"
    );
    assert_row(&text, &po, &po.lines[1]);
    assert!(text.contains(&format_amount(po.total(), "EUR")));
}

#[test]
fn invalid_orders_are_not_rendered() {
    let err = render(&order(vec![]), &fonts()).unwrap_err();
    assert!(matches!(err, PoError::NoLines { .. }), "{err}");

    let mut po = order(vec![line("Widget", None, 1, "1")]);
    po.currency = "euro".into();
    let err = render(&po, &fonts()).unwrap_err();
    assert!(err.to_string().contains("ISO 4217"), "{err}");
}

#[test]
fn font_problems_are_clear_errors() {
    let po = order(vec![line("Widget", None, 1, "1")]);
    let missing = Fonts::single(FontSource::File("/no/such/DejaVuSans.ttf".into()));
    let err = render(&po, &missing).unwrap_err();
    assert!(err.to_string().contains("fonts-dejavu-core"), "{err}");

    let garbage = Fonts::single(FontSource::Bytes(b"not a font".to_vec()));
    let err = render(&po, &garbage).unwrap_err();
    assert!(matches!(err, PoError::FontInvalid { .. }), "{err}");
}

#[test]
fn one_face_from_bytes_is_enough() {
    let bytes = std::fs::read(procura_po::DEJAVU_SANS).unwrap();
    let po = order(vec![line("Widget", None, 4, "2.50")]);
    let pdf = render(&po, &Fonts::single(FontSource::Bytes(bytes))).unwrap();
    let text = pdftotext(&pdf);
    assert!(text.contains("Purchase order PO-000042"));
    assert_row(&text, &po, &po.lines[0]);
}

/// Not a benchmark: prints how long rendering takes (run with --nocapture).
#[test]
fn rendering_time() {
    let fonts = fonts();
    for count in [10u32, 200] {
        let lines = (1..=count)
            .map(|i| {
                line(
                    &format!("Item {i} with a reasonably long description"),
                    Some("SKU-1"),
                    i,
                    "12.34",
                )
            })
            .collect();
        let po = order(lines);
        render(&po, &fonts).unwrap(); // warm-up
        let runs = 5;
        let started = Instant::now();
        let mut size = 0;
        for _ in 0..runs {
            size = render(&po, &fonts).unwrap().len();
        }
        let each = started.elapsed() / runs;
        println!("render {count:>3} lines: {each:?} per order, {size} bytes");
    }
}
