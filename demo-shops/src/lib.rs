//! Demo shops: four fictional vendor web shops on loopback, each marked up
//! differently, plus a separate origin of browser test traps.
//!
//! | shop | markup | currency | search |
//! | --- | --- | --- | --- |
//! | Northwind Office Supply | JSON-LD | USD `$1,299.99` | `/search?q={query}&page=N` |
//! | Bürokontor Berlin | microdata | EUR `1.299,00 €` | `/suche?begriff={query}&seite=N` |
//! | Thames Workspace Ltd | none (DOM only) | GBP `£849.00` | `/shop/search?term={query}&page=N` |
//! | Canal Street Office | JavaScript from `/api` JSON | EUR `€ 1.299,95` | `/search?q={query}&page=N` |
//!
//! The catalogue is generated from fixed seeds, so every run serves the
//! same products; [`DemoShops::catalogue`] is the ground truth.
//!
//! In-stock products state a delivery time ([`DemoProduct::delivery`]) that
//! depends on the product id: Northwind in its JSON-LD `shippingDetails`
//! (2–4 or 10–14 business days), Bürokontor in its stock line ("Lieferzeit
//! 2–3 Werktage" or "8–10 Werktage"), Thames always next-day; Canal Street
//! never says.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let shops = procura_demo_shops::DemoShops::start([127, 0, 0, 1].into()).await?;
//! for shop in shops.shops() {
//!     println!("{} {}", shop.name, shop.search_url("office chair"));
//! }
//! shops.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod catalogue;
mod defs;
mod format;
mod image;
mod models;
mod search;
mod shops;
mod traps;
mod wording;

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use catalogue::{Category, Delivery, DemoProduct, Spec};
pub use search::PAGE_SIZE;
pub use traps::{
    CONTROL_CHARS_NAME, HUGE_PAGE_BYTES, INJECTION_EMAIL, INJECTION_TEXT, METADATA_URL,
    PRIVATE_URL, Traps, paths as trap_paths,
};

/// How a shop marks up its products.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Markup {
    /// schema.org JSON-LD in `<script type="application/ld+json">`.
    JsonLd,
    /// schema.org microdata (`itemscope`/`itemprop`) only.
    Microdata,
    /// No structured data: prices and specs only in the DOM.
    DomOnly,
    /// An HTML shell; a script fetches `/api/...` JSON and renders the DOM.
    JavaScript,
}

/// One running shop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopInfo {
    pub name: String,
    /// `http://127.0.0.1:PORT`, no trailing slash; each shop is its own origin.
    pub base_url: String,
    /// Absolute search URL containing `{query}`, e.g.
    /// `http://127.0.0.1:PORT/search?q={query}`.
    pub search_url_template: String,
    pub contact_email: String,
    /// ISO 4217 code of the shop's prices.
    pub currency: String,
    pub markup: Markup,
}

impl ShopInfo {
    /// The search URL for `query`, form-encoded into the template.
    pub fn search_url(&self, query: &str) -> String {
        self.search_url_template
            .replace("{query}", &format::url_encode(query))
    }
}

/// The running shops and traps. Dropping it stops the servers too (without
/// waiting); [`DemoShops::shutdown`] stops them and waits.
pub struct DemoShops {
    shops: Vec<ShopInfo>,
    traps: Traps,
    catalogue: Vec<DemoProduct>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl DemoShops {
    /// Binds each shop to its own port on `bind_ip` (any free port), so every
    /// shop is its own origin, and the traps to one more.
    pub async fn start(bind_ip: IpAddr) -> io::Result<DemoShops> {
        DemoShops::start_at(bind_ip, 0).await
    }

    /// Like [`DemoShops::start`], but with `first_port` non-zero the four
    /// shops listen on `first_port..first_port + 4` and the traps on
    /// `first_port + 4`, for URLs that stay the same between runs.
    pub async fn start_at(bind_ip: IpAddr, first_port: u16) -> io::Result<DemoShops> {
        let port = |k: u16| {
            if first_port == 0 {
                Ok(0)
            } else {
                first_port
                    .checked_add(k)
                    .ok_or_else(|| io::Error::other("port out of range"))
            }
        };
        let (stop, stop_rx) = watch::channel(false);
        let entries = catalogue::generate();
        let mut shops = Vec::new();
        let mut catalogue = Vec::new();
        let mut tasks = Vec::new();
        for (k, (def, entries)) in defs::SHOPS.iter().zip(&entries).enumerate() {
            let (listener, base_url) = bind(bind_ip, port(k as u16)?).await?;
            let info = ShopInfo {
                name: def.name.to_string(),
                search_url_template: format!("{base_url}{}", def.search_path),
                base_url,
                contact_email: def.contact_email.to_string(),
                currency: def.currency.to_string(),
                markup: def.markup,
            };
            let shop = Arc::new(shops::Shop::new(def, info.clone(), entries));
            catalogue.extend(shop.products.iter().cloned());
            tasks.push(serve(listener, shops::router(shop), stop_rx.clone()));
            shops.push(info);
        }
        let (listener, base_url) = bind(bind_ip, port(4)?).await?;
        tasks.push(serve(listener, traps::router(stop_rx.clone()), stop_rx));
        Ok(DemoShops {
            shops,
            traps: Traps::new(base_url),
            catalogue,
            stop,
            tasks,
        })
    }

    /// The four shops, in a fixed order: JSON-LD, microdata, DOM-only, JavaScript.
    pub fn shops(&self) -> &[ShopInfo] {
        &self.shops
    }

    /// The shop with the given markup.
    pub fn shop(&self, markup: Markup) -> Option<&ShopInfo> {
        self.shops.iter().find(|s| s.markup == markup)
    }

    /// The traps origin; not a demo source.
    pub fn traps(&self) -> &Traps {
        &self.traps
    }

    /// Every product of every shop: the ground truth of what the pages show.
    pub fn catalogue(&self) -> &[DemoProduct] {
        &self.catalogue
    }

    /// The absolute URL of a product's page.
    pub fn product_url(&self, product: &DemoProduct) -> Option<String> {
        let shop = self.shops.iter().find(|s| s.name == product.shop)?;
        Some(format!("{}{}", shop.base_url, product.url_path))
    }

    /// Stops every server: no new connections, open ones (even the traps'
    /// endless pages) end, and waits up to a few seconds for them.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(3), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

async fn bind(ip: IpAddr, port: u16) -> io::Result<(TcpListener, String)> {
    let listener = TcpListener::bind(SocketAddr::new(ip, port)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, format!("http://{addr}")))
}

fn serve(
    listener: TcpListener,
    app: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = async move {
            // Also stops when the DemoShops (the sender) is dropped.
            let _ = stop.wait_for(|v| *v).await;
        };
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    })
}
