//! Starts the demo shops and prints their URLs; runs until Ctrl-C.
//!
//! `procura-demo-shops [--bind IP] [--port FIRST_PORT]`: with `--port 8400`
//! the shops listen on 8400–8403 and the traps on 8404; without it, on any
//! free ports.

use std::net::IpAddr;
use std::process::ExitCode;

use procura_demo_shops::DemoShops;

fn usage() -> ExitCode {
    eprintln!("usage: procura-demo-shops [--bind IP] [--port FIRST_PORT]");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut bind: IpAddr = [127, 0, 0, 1].into();
    let mut port: u16 = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--bind", Some(v)) => match v.parse() {
                Ok(ip) => bind = ip,
                Err(_) => return usage(),
            },
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(),
            },
            _ => return usage(),
        }
    }
    let shops = match DemoShops::start_at(bind, port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("procura-demo-shops: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    for shop in shops.shops() {
        let count = shops
            .catalogue()
            .iter()
            .filter(|p| p.shop == shop.name)
            .count();
        println!(
            "{} ({:?}, {}, {count} products, {})",
            shop.name, shop.markup, shop.currency, shop.contact_email
        );
        println!("  {}", shop.base_url);
        println!("  {}", shop.search_url_template);
    }
    println!("Traps (not demo sources): {}", shops.traps().base_url);
    for (name, url) in shops.traps().all() {
        println!("  {name:18} {url}");
    }
    println!("Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
    shops.shutdown().await;
    ExitCode::SUCCESS
}
