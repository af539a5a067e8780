//! Browse and extract with real Chromium against the demo shops: each markup
//! style gives the right products, prices and availability, and hostile
//! pages are logged and skipped while the job goes on.

use std::net::IpAddr;
use std::time::Duration;

use procura_common::job::{JobStatus, SubmitSearch};
use procura_common::source::{Politeness, Source};
use procura_common::transport::context_with_timeout;
use procura_demo_shops::DemoShops;
use procura_e2e::{Daemon, DaemonOptions, job, transcript, wait_for, wait_until_done};

fn source_of(shop: &procura_demo_shops::ShopInfo) -> Source {
    Source {
        name: shop.name.clone(),
        base_url: shop.base_url.clone(),
        search_url: shop.search_url_template.clone(),
        result_selector: None,
        next_selector: None,
        contact_email: Some(shop.contact_email.clone()),
        currency: Some(shop.currency.clone()),
        politeness: Politeness::default(),
        robots: true,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_markup_style_yields_the_right_products() {
    let shops = DemoShops::start(IpAddr::from([127, 0, 0, 1]))
        .await
        .unwrap();
    let daemon = Daemon::start(DaemonOptions::default());
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(30));
    for shop in shops.shops() {
        client
            .add_source(ctx(), source_of(shop))
            .await
            .unwrap()
            .unwrap();
    }
    let mut search = SubmitSearch::new("office chair");
    search.max_results = Some(16);
    let id = client
        .submit_search(ctx(), search)
        .await
        .unwrap()
        .unwrap()
        .id;
    let done = wait_until_done(&client, id, Duration::from_secs(240)).await;
    let text = transcript(&client, id).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{done:?}\n{}", text);
    let products = client.list_products(ctx(), id).await.unwrap().unwrap();
    assert!(done.pages_visited >= 16, "{done:?}\n{}", text);
    for shop in shops.shops() {
        let mine: Vec<_> = products.iter().filter(|p| p.vendor == shop.name).collect();
        assert!(
            mine.len() >= 3,
            "{}: {} products\n{}",
            shop.name,
            mine.len(),
            text
        );
        for p in mine {
            let truth = shops
                .catalogue()
                .iter()
                .find(|c| shops.product_url(c).as_deref() == Some(p.url.as_str()))
                .unwrap_or_else(|| panic!("{} is not a catalogue page", p.url));
            assert_eq!(
                p.price,
                Some(truth.price),
                "{}: price of {}",
                shop.name,
                p.url
            );
            assert_eq!(
                p.currency.as_deref(),
                Some(truth.currency.as_str()),
                "{}",
                p.url
            );
            assert_eq!(
                p.sku.as_deref(),
                Some(truth.sku.as_str()),
                "{}: sku of {}",
                shop.name,
                p.url
            );
            let stock = if truth.in_stock {
                "InStock"
            } else {
                "OutOfStock"
            };
            assert_eq!(
                p.availability.as_deref(),
                Some(stock),
                "{}: availability of {}",
                shop.name,
                p.url
            );
            assert!(p.screenshot_blob.is_some() && p.html_blob.is_some());
            assert!(p.methods.contains_key("price"), "{:?}", p.methods);
            let stated = truth.delivery.map(|d| {
                procura_common::delivery::DeliveryTime::new(d.min_days, d.max_days, d.business_days)
            });
            assert_eq!(
                p.delivery,
                stated.flatten(),
                "{}: delivery of {}",
                shop.name,
                p.url
            );
            assert_eq!(
                p.methods.contains_key("delivery"),
                p.delivery.is_some(),
                "{:?}",
                p.methods
            );
        }
    }
    // The evidence is there: a screenshot comes back as a PNG.
    let shot = client
        .product_screenshot(ctx(), products[0].id)
        .await
        .unwrap()
        .unwrap();
    assert!(shot.starts_with("iVBORw0KGgo"), "a base64 PNG");
    shops.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_pages_are_logged_and_skipped_while_the_job_goes_on() {
    let shops = DemoShops::start(IpAddr::from([127, 0, 0, 1]))
        .await
        .unwrap();
    let daemon = Daemon::start(DaemonOptions {
        env: vec![("PROCURA_PAGE_TIMEOUT_MS".into(), "3000".into())],
        ..DaemonOptions::default()
    });
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(30));
    let traps = shops.traps();
    // A "shop" whose result page links to every trap.
    let source = Source {
        name: "Traps".into(),
        base_url: traps.base_url.clone(),
        search_url: format!("{}/?q={{query}}", traps.base_url),
        result_selector: Some("a[href]".into()),
        next_selector: None,
        contact_email: None,
        currency: Some("USD".into()),
        politeness: Politeness::default(),
        robots: true,
    };
    client.add_source(ctx(), source).await.unwrap().unwrap();
    let mut search = SubmitSearch::new("anything");
    search.max_results = Some(30);
    let id = client
        .submit_search(ctx(), search)
        .await
        .unwrap()
        .unwrap()
        .id;
    let done = wait_until_done(&client, id, Duration::from_secs(300)).await;
    let text = transcript(&client, id).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{done:?}\n{text}");
    // Redirects off the sources are refused by name.
    assert!(text.contains("169.254.169.254"), "{text}");
    assert!(text.contains("10.0.0.1"), "{text}");
    // The slow and spinning pages were cut at the budget, not waited on.
    for path in ["/never-ending", "/spin", "/alert-loop", "/huge"] {
        assert!(
            text.lines().any(|l| l.contains(path)),
            "no log entry about {path}:\n{text}"
        );
    }
    let products = client.list_products(ctx(), id).await.unwrap().unwrap();
    // The page that tells the agent what to do is read as a product, no more.
    let injected = products
        .iter()
        .find(|p| p.url.ends_with("/prompt-injection"))
        .unwrap_or_else(|| panic!("the injection page was read as a product:\n{text}"));
    assert!(injected.price.is_some());
    // Control characters never survive into stored text.
    for p in &products {
        for field in [&p.title, &p.brand, &p.description].into_iter().flatten() {
            assert!(!field.chars().any(|c| c.is_control()), "{field:?}");
        }
    }
    shops.shutdown().await;
}

/// The pids of `name` processes whose parent is `parent`.
fn children_named(parent: u32, name: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let Some((comm, rest)) = stat
            .split_once(") ")
            .map(|(a, b)| (a.split_once(" (").map(|x| x.1).unwrap_or(""), b))
        else {
            continue;
        };
        let ppid: u32 = rest
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        if ppid == parent && comm.starts_with(name) {
            out.push(pid);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chromedriver_killed_mid_job_is_replaced_and_the_job_finishes() {
    let shops = DemoShops::start(IpAddr::from([127, 0, 0, 1]))
        .await
        .unwrap();
    let daemon = Daemon::start(DaemonOptions::default());
    let client = daemon.client().await;
    let ctx = || context_with_timeout(Duration::from_secs(30));
    let shop = &shops.shops()[0];
    client
        .add_source(ctx(), source_of(shop))
        .await
        .unwrap()
        .unwrap();
    let mut search = SubmitSearch::new("laptop");
    search.max_results = Some(10);
    let id = client
        .submit_search(ctx(), search)
        .await
        .unwrap()
        .unwrap()
        .id;
    let pid = daemon.pid().unwrap();
    wait_for("a few pages", Duration::from_secs(120), || {
        let client = client.clone();
        async move { (job(&client, id).await.pages_visited >= 3).then_some(()) }
    })
    .await;
    let drivers = children_named(pid, "chromedriver");
    assert!(!drivers.is_empty(), "procurad runs chromedriver itself");
    for d in &drivers {
        // SAFETY: kill(2) on a pid we just read from /proc.
        unsafe { libc::kill(*d, libc::SIGKILL) };
    }
    let done = wait_until_done(&client, id, Duration::from_secs(180)).await;
    let text = transcript(&client, id).await;
    assert_eq!(done.status, JobStatus::Succeeded, "{}", text);
    let products = client.list_products(ctx(), id).await.unwrap().unwrap();
    assert_eq!(products.len(), 10, "every page was still read:\n{}", text);
    let replaced = children_named(pid, "chromedriver");
    assert!(
        replaced.iter().all(|p| !drivers.contains(p)),
        "a new chromedriver took over"
    );
    shops.shutdown().await;
}
