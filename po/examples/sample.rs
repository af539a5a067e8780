//! Writes a sample purchase order to look at:
//! `cargo run -p procura-po --example sample -- /tmp/po.pdf [LINES]`.

use std::str::FromStr;

use chrono::NaiveDate;
use procura_po::{Fonts, Line, Party, PurchaseOrder, render};
use rust_decimal::Decimal;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = args.next().unwrap_or_else(|| "po.pdf".into());
    let count: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(12);
    let products = [
        (
            "Hex bolt M8x40, stainless steel A2, DIN 933, fully threaded",
            "HB-M8-40",
            "0.125",
        ),
        (
            "Torque wrench 20–100 Nm with reversible ratchet head and case",
            "TW-100",
            "89.90",
        ),
        ("Nitrile safety gloves, size 9", "GL-9", "1.365"),
        (
            "Cable ties 300 × 4.8 mm, black, UV resistant (pack of 100)",
            "CT-300",
            "7.49",
        ),
    ];
    let lines = (0..count)
        .map(|i| {
            let (description, sku, price) = products[i as usize % products.len()];
            Ok(Line {
                description: description.into(),
                sku: Some(sku.into()),
                url: (i % 3 == 0).then(|| format!("https://shop.example/p/{sku}?ref=procura")),
                quantity: (i + 1) * 5,
                unit_price: Decimal::from_str(price)?,
            })
        })
        .collect::<Result<Vec<_>, rust_decimal::Error>>()?;
    let po = PurchaseOrder {
        number: "PO-000042".into(),
        issued_on: NaiveDate::from_ymd_opt(2025, 3, 14).ok_or("bad date")?,
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
            address: vec![
                "Unit 4, Mill Lane".into(),
                "Leeds LS1 4AB".into(),
                "United Kingdom".into(),
            ],
            email: Some("sales@boltnut.example".into()),
        },
        currency: "EUR".into(),
        lines,
        delivery_date: NaiveDate::from_ymd_opt(2025, 4, 1),
        terms: "Payment within 30 days of receipt of a correct invoice quoting this order number. \
                Prices are fixed and include packaging and delivery to the address above.\n\n\
                Partial deliveries only after written agreement. Goods remain subject to \
                inspection on arrival; defective goods will be returned at the vendor's cost."
            .into(),
        reference: Some("Quote Q-7781 / <quote-7781@boltnut.example>".into()),
    };
    std::fs::write(&out, render(&po, &Fonts::dejavu())?)?;
    println!("wrote {out}");
    Ok(())
}
