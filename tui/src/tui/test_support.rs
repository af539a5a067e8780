//! Fixed data for the tests: a clock, jobs, log entries, a welcome,
//! products and a tiny screenshot.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use procura_common::api::{Backends, DaemonStatus, Welcome};
use procura_common::job::{Job, JobId, JobStatus};
use procura_common::log::{LogEntry, LogLevel};
use procura_common::product::Product;
use procura_common::spec::{Budget, BudgetScope, Comparator, SearchSpec, SpecRequirement};
use procura_common::user::{Role, User};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;
use serde_json::json;
use uuid::Uuid;

use super::app::App;
use super::msg::{Action, Update};
use super::theme::Theme;

pub const SOCKET: &str = "/run/procura/procurad.sock";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 2, 12, 0, 0).unwrap()
}

pub fn utc() -> FixedOffset {
    FixedOffset::east_opt(0).unwrap()
}

pub fn app(color: bool) -> App {
    App::new(Path::new(SOCKET), Theme::new(color), now(), utc())
}

pub fn id(n: u128) -> JobId {
    Uuid::from_u128(0x3f2a_9c1e_0000_4000_8000_0000_0000_0000 + (n << 96))
}

pub fn welcome() -> Update {
    Update::Connected(Box::new(Welcome {
        protocol: 1,
        daemon_version: "0.1.0".into(),
        daemon_id: "host-1".into(),
        operator: User {
            id: Uuid::from_u128(7),
            name: "alice".into(),
            uid: Some(1000),
            role: Role::Operator,
            organization_id: Uuid::from_u128(8),
            organization: "Acme".into(),
        },
    }))
}

pub fn daemon_status() -> Update {
    Update::Status(Box::new(DaemonStatus {
        version: "0.1.0".into(),
        protocol: 1,
        daemon_id: "host-1".into(),
        uptime_seconds: 3600,
        workers: 4,
        busy_workers: 1,
        queue_depth: 1,
        running_jobs: 1,
        backends: Backends {
            database: "postgres".into(),
            browser: "fixture".into(),
            vector: "memory".into(),
            llm: "rules".into(),
            email: "outbox".into(),
        },
    }))
}

pub fn chairs_spec() -> SearchSpec {
    SearchSpec {
        item: Some("ergonomic office chairs".into()),
        keywords: vec!["office chair".into(), "ergonomic".into(), "mesh".into()],
        category: Some("office furniture".into()),
        quantity: Some(12),
        budget: Some(Budget {
            amount: Decimal::new(30000, 2),
            currency: "USD".into(),
            scope: BudgetScope::PerUnit,
        }),
        deadline: NaiveDate::from_ymd_opt(2025, 3, 1),
        required_specs: vec![
            SpecRequirement {
                name: "feature".into(),
                value: "mesh back".into(),
                unit: None,
                comparator: Comparator::Eq,
                text: "mesh back".into(),
            },
            SpecRequirement {
                name: "seat_height".into(),
                value: "45".into(),
                unit: Some("cm".into()),
                comparator: Comparator::AtLeast,
                text: "seat at least 45 cm high".into(),
            },
        ],
        preferred_vendors: vec![],
        excluded_vendors: vec![],
    }
}

pub fn job(n: u128, status: JobStatus, request: &str, minutes_ago: i64) -> Job {
    let created = now() - Duration::minutes(minutes_ago);
    Job {
        id: id(n),
        status,
        request: request.into(),
        spec: None,
        max_results: 20,
        enable_negotiation: false,
        max_vendors: 3,
        sources: vec![],
        progress: 0.0,
        current_node: None,
        error: None,
        attempts: 0,
        products_found: 0,
        pages_visited: 0,
        log_entries: 0,
        created_by: "alice".into(),
        created_at: created,
        started_at: None,
        finished_at: None,
        execution_seconds: None,
        cancel_requested: false,
    }
}

/// The running job the job-view tests open.
pub fn chairs_job() -> Job {
    Job {
        spec: Some(chairs_spec()),
        progress: 0.45,
        current_node: Some("search".into()),
        attempts: 1,
        products_found: 7,
        pages_visited: 12,
        log_entries: 40,
        started_at: Some(now() - Duration::minutes(4)),
        ..job(
            1,
            JobStatus::Running,
            "12 ergonomic office chairs under $300 each, mesh back, seat at least 45 cm, by March 1",
            5,
        )
    }
}

pub fn several_jobs() -> Vec<Job> {
    vec![
        job(
            2,
            JobStatus::Queued,
            "27 inch 4K monitors for the design team",
            0,
        ),
        chairs_job(),
        Job {
            progress: 1.0,
            products_found: 20,
            log_entries: 118,
            attempts: 1,
            ..job(
                3,
                JobStatus::Succeeded,
                "500 boxes of A4 printer paper, 80gsm",
                190,
            )
        },
        Job {
            progress: 0.6,
            attempts: 3,
            log_entries: 57,
            products_found: 2,
            error: Some("vendor site timed out".into()),
            ..job(
                4,
                JobStatus::Failed,
                "standing desks with electric height adjustment",
                2 * 1440,
            )
        },
        Job {
            progress: 0.2,
            attempts: 1,
            log_entries: 9,
            cancel_requested: true,
            ..job(5, JobStatus::Cancelled, "USB-C docking stations x40", 1500)
        },
    ]
}

const NODES: [&str; 4] = ["plan", "search", "extract", "rank"];

/// Log entry `seq` of the chairs job: a fixed mix of nodes and levels.
pub fn log_entry(seq: i64) -> LogEntry {
    let level = match seq % 7 {
        0 => LogLevel::Warn,
        3 | 5 => LogLevel::Debug,
        _ if seq == 39 => LogLevel::Error,
        _ => LogLevel::Info,
    };
    let node = NODES[((seq - 1) / 10).clamp(0, 3) as usize];
    LogEntry {
        seq,
        ts: Utc.with_ymd_and_hms(2025, 1, 2, 11, 55, 0).unwrap() + Duration::seconds(seq * 3),
        level,
        node: node.into(),
        message: format!("{node} step {seq}: {}", message_for(level)),
        data: serde_json::Value::Null,
    }
}

fn message_for(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Debug => "considered candidate page",
        LogLevel::Info => "fetched vendor listing, 3 products",
        LogLevel::Warn => "price missing on listing, skipped",
        LogLevel::Error => "vendor page returned 503",
    }
}

pub fn log_update(job: JobId, seqs: std::ops::RangeInclusive<i64>) -> Update {
    Update::Log {
        job,
        entries: seqs.map(log_entry).collect(),
        status: JobStatus::Running,
    }
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Action> {
    app.handle_key(key(code))
}

pub fn type_str(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

pub fn render(app: &App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| app.draw(f)).unwrap();
    t
}

/// An app connected, with the usual jobs and status.
pub fn connected_app(color: bool) -> App {
    let mut a = app(color);
    a.apply(Update::Connecting);
    a.apply(welcome());
    a.apply(daemon_status());
    a.apply(Update::Jobs(several_jobs()));
    a
}

/// The chairs job open with entries 1..=n of its log.
pub fn job_view_app(color: bool, n: i64) -> App {
    let mut a = connected_app(color);
    press(&mut a, KeyCode::Down);
    let actions = press(&mut a, KeyCode::Enter);
    assert_eq!(
        actions,
        vec![Action::Watch {
            job: id(1),
            after_seq: 0
        }]
    );
    a.apply(log_update(id(1), 1..=n));
    a
}

/// The id of product `n`.
pub fn product_id(n: u128) -> Uuid {
    Uuid::from_u128(0x9a00_0000_0000_4000_8000_0000_0000_0000 + n)
}

fn money(cents: i64) -> Option<Decimal> {
    Some(Decimal::new(cents, 2))
}

fn layers(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

/// A product of the chairs job with only the essentials; the fixtures
/// below fill in the rest.
pub fn product(n: u128, vendor: &str, title: &str, cents: Option<i64>, currency: &str) -> Product {
    Product {
        id: product_id(n),
        job_id: id(1),
        vendor: vendor.into(),
        url: format!("https://{vendor}.example/p/{n}"),
        title: Some(title.into()),
        brand: None,
        sku: None,
        gtin: None,
        mpn: None,
        price: cents.and_then(money),
        list_price: None,
        currency: Some(currency.into()),
        availability: Some("InStock".into()),
        image: None,
        description: None,
        specs: json!({}),
        methods: layers(&[("name", "json-ld"), ("price", "json-ld")]),
        confidence: Some(0.8),
        screenshot_blob: Some(format!("sha256:{n:04x}")),
        html_blob: Some(format!("sha256:{n:04x}h")),
        created_at: now() - Duration::minutes(2),
        delivery: None,
    }
}

/// The product the popup tests open: every field, specs as an object.
pub fn ergopro() -> Product {
    Product {
        brand: Some("ErgoPro".into()),
        sku: Some("EP-2024-BLK".into()),
        gtin: Some("0741360975118".into()),
        mpn: Some("EP2024".into()),
        list_price: money(29900),
        description: Some(
            "Breathable mesh back with adjustable lumbar support, 4D armrests and a \
             synchro-tilt mechanism. The seat height adjusts from 45 to 55 cm."
                .into(),
        ),
        specs: json!({
            "Seat height": "45–55 cm",
            "Back": "mesh",
            "Max load": "136 kg",
            "Armrests": "4D adjustable",
            "Warranty": "5 years",
        }),
        methods: layers(&[
            ("name", "json-ld"),
            ("price", "json-ld"),
            ("currency", "json-ld"),
            ("availability", "json-ld"),
            ("brand", "json-ld"),
            ("sku", "microdata"),
            ("gtin", "microdata"),
            ("list_price", "dom"),
            ("image", "opengraph"),
        ]),
        confidence: Some(0.92),
        ..product(
            1,
            "officeworld",
            "ErgoPro Mesh Task Chair",
            Some(24900),
            "USD",
        )
    }
}

/// What the chairs job found, cheapest first as the daemon lists them.
pub fn chair_products() -> Vec<Product> {
    vec![
        Product {
            list_price: money(8999),
            availability: Some("OutOfStock".into()),
            methods: layers(&[("name", "dom"), ("price", "dom")]),
            confidence: Some(0.55),
            ..product(
                3,
                "chairmart",
                "Budget Mesh Office Chair",
                Some(8999),
                "USD",
            )
        },
        ergopro(),
        Product {
            sku: Some("SAYL-WHT".into()),
            ..product(
                6,
                "designstore",
                "Herman Miller Sayl Chair, White",
                Some(54500),
                "USD",
            )
        },
        Product {
            list_price: money(79900),
            sku: Some("EH-ELITE-2".into()),
            ..product(
                7,
                "chairmart",
                "Ergohuman Elite 2 with Headrest",
                Some(64900),
                "USD",
            )
        },
        Product {
            list_price: money(104900),
            availability: Some("https://schema.org/LimitedAvailability".into()),
            sku: Some("LEAP-V2".into()),
            ..product(4, "officeworld", "Steelcase Leap V2", Some(89900), "USD")
        },
        aeron(),
        Product {
            availability: None,
            currency: None,
            specs: serde_json::Value::Null,
            methods: layers(&[("name", "dom")]),
            confidence: None,
            screenshot_blob: None,
            ..product(5, "chairmart", "Mesh chair, price on request", None, "USD")
        },
    ]
}

/// Specs as an array of rows in every shape a page has been seen to give.
pub fn aeron() -> Product {
    Product {
        brand: Some("Herman Miller".into()),
        sku: Some("AER-B-GRA".into()),
        description: Some("The reference office chair, size B, graphite frame.".into()),
        specs: json!([
            { "name": "Seat height", "value": "41–52", "unit": "cm" },
            ["Material", "Pellicle", "mesh"],
            { "Tilt": "harmonic" },
            "Made in Michigan",
            42,
            null,
        ]),
        methods: layers(&[
            ("name", "json-ld"),
            ("price", "microdata"),
            ("currency", "source-default"),
        ]),
        ..product(
            2,
            "bürostuhl-direkt",
            "Aeron Chair Size B",
            Some(119500),
            "EUR",
        )
    }
}

/// A tiny page screenshot, 16 × 12: a blue header band, a white page with
/// a grey picture and a red buy button.
pub fn tiny_png() -> image::DynamicImage {
    let img = image::RgbImage::from_fn(16, 12, |x, y| {
        let rgb = match (x, y) {
            (_, 0..=1) => [30, 60, 200],
            (1..=6, 3..=9) => [150, 150, 150],
            (9..=14, 7..=8) => [220, 30, 30],
            _ => [250, 250, 250],
        };
        image::Rgb(rgb)
    });
    image::DynamicImage::ImageRgb8(img)
}

/// [`tiny_png`] as the daemon sends it: base64 PNG.
pub fn tiny_png_base64() -> String {
    use base64::Engine;
    let mut out = Cursor::new(Vec::new());
    tiny_png()
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    base64::engine::general_purpose::STANDARD.encode(out.into_inner())
}

pub fn screenshot_update(product: Uuid) -> Update {
    let decoded = super::network::products::decode_screenshot(&tiny_png_base64()).unwrap();
    Update::Screenshot {
        product,
        result: Ok(Arc::new(decoded)),
    }
}

/// The chairs job open, its log loaded, its products listed and shown.
pub fn products_app(color: bool) -> App {
    let mut a = job_view_app(color, 40);
    a.apply(Update::Products {
        job: id(1),
        result: Ok(chair_products()),
    });
    assert!(press(&mut a, KeyCode::Tab).is_empty());
    a
}
