//! How the CLI prints things. Text from the daemon is sanitised before it
//! reaches the terminal; JSON is printed as it is (serde escapes controls).

use chrono::{DateTime, Utc};
use procura_common::api::DaemonStatus;
use procura_common::job::Job;
use procura_common::log::LogEntry;
use procura_common::product::Product;
use procura_common::source::Source;
use procura_common::spec::SearchSpec;
use procura_common::text::sanitize;
use procura_common::user::User;
use serde::Serialize;

use crate::tui::format;

pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

pub fn status_word(job: &Job) -> String {
    if job.cancel_requested && !job.status.is_terminal() {
        format!("{} (cancel requested)", job.status)
    } else {
        job.status.to_string()
    }
}

pub fn clip(text: &str, width: usize) -> String {
    format::truncate_end(&sanitize(text), width)
}

pub fn print_jobs(jobs: &[Job], now: DateTime<Utc>) {
    println!(
        "{:<8}  {:<10}  {:>4}  {:>4}  {:>4}  REQUEST",
        "ID", "STATUS", "DONE", "AGE", "LOGS"
    );
    for job in jobs {
        println!(
            "{:<8}  {:<10}  {:>4}  {:>4}  {:>4}  {}",
            format::short_id(job.id),
            job.status,
            format::percent(job.progress),
            format::age(now, job.created_at),
            job.log_entries,
            clip(&job.request, 60)
        );
    }
}

pub fn print_job(job: &Job) {
    println!("job       {}", job.id);
    println!("status    {}", status_word(job));
    println!("request   {}", clip(&job.request, 400));
    println!("by        {}", clip(&job.created_by, 64));
    println!("created   {}", job.created_at.to_rfc3339());
    if let Some(t) = job.finished_at {
        println!("finished  {}", t.to_rfc3339());
    }
    println!("attempts  {}", job.attempts);
    if let Some(e) = &job.error {
        println!("error     {}", clip(e, 400));
    }
    match &job.spec {
        Some(spec) => print_spec(spec),
        None => println!("spec      (not planned yet)"),
    }
}

fn print_spec(spec: &SearchSpec) {
    let or_unknown = |v: Option<String>| v.unwrap_or_else(|| "unknown".into());
    println!(
        "item      {}",
        or_unknown(spec.item.as_deref().map(|s| clip(s, 200)))
    );
    println!("keywords  {}", clip(&spec.keywords.join(", "), 200));
    println!(
        "quantity  {}",
        or_unknown(spec.quantity.map(|q| q.to_string()))
    );
    println!(
        "budget    {}",
        or_unknown(spec.budget.as_ref().map(|b| clip(&format::budget(b), 80)))
    );
    println!(
        "deadline  {}",
        or_unknown(spec.deadline.map(|d| d.to_string()))
    );
    for req in &spec.required_specs {
        println!("requires  {}", clip(&format::requirement(req), 120));
    }
    if !spec.preferred_vendors.is_empty() {
        println!(
            "prefer    {}",
            clip(&spec.preferred_vendors.join(", "), 200)
        );
    }
    if !spec.excluded_vendors.is_empty() {
        println!("exclude   {}", clip(&spec.excluded_vendors.join(", "), 200));
    }
}

pub fn print_entry(entry: &LogEntry, json: bool) {
    if json {
        match serde_json::to_string(entry) {
            Ok(line) => println!("{line}"),
            Err(e) => eprintln!("procura: cannot encode log entry {}: {e}", entry.seq),
        }
        return;
    }
    println!(
        "{:>5} {} {:<5} {:<8} {}",
        entry.seq,
        entry.ts.format("%H:%M:%S%.3f"),
        entry.level,
        clip(&entry.node, 8),
        clip(&entry.message, 500)
    );
}

pub fn print_status(s: &DaemonStatus) {
    println!("procurad  {} (protocol {})", s.version, s.protocol);
    println!("daemon    {}", s.daemon_id);
    println!("uptime    {}s", s.uptime_seconds);
    println!("workers   {} busy of {}", s.busy_workers, s.workers);
    println!(
        "queue     {} queued, {} running",
        s.queue_depth, s.running_jobs
    );
    println!("database  {}", s.backends.database);
    println!("browser   {}", s.backends.browser);
    println!("vectors   {}", s.backends.vector);
    println!("llm       {}", s.backends.llm);
    println!("email     {}", s.backends.email);
}

pub fn print_users(users: &[User]) {
    println!("{:<20}  {:>8}  {:<9}  ORGANIZATION", "NAME", "UID", "ROLE");
    for u in users {
        println!(
            "{:<20}  {:>8}  {:<9}  {}",
            clip(&u.name, 20),
            u.uid.map(|u| u.to_string()).unwrap_or_else(|| "-".into()),
            u.role,
            clip(&u.organization, 40)
        );
    }
}

pub fn print_products(products: &[Product]) {
    println!(
        "{:<16}  {:>12}  {:<4}  {:<11}  {:<14}  TITLE",
        "VENDOR", "PRICE", "CUR", "STOCK", "SKU"
    );
    for p in products {
        println!(
            "{:<16}  {:>12}  {:<4}  {:<11}  {:<14}  {}",
            clip(&p.vendor, 16),
            p.price.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
            clip(p.currency.as_deref().unwrap_or("-"), 4),
            clip(p.availability.as_deref().unwrap_or("-"), 11),
            clip(p.sku.as_deref().unwrap_or("-"), 14),
            clip(p.title.as_deref().unwrap_or("(untitled)"), 60)
        );
    }
}

pub fn print_sources(sources: &[Source]) {
    println!("{:<24}  {:<4}  SEARCH URL", "NAME", "CUR");
    for s in sources {
        println!(
            "{:<24}  {:<4}  {}",
            clip(&s.name, 24),
            clip(s.currency.as_deref().unwrap_or("-"), 4),
            clip(&s.search_url, 100)
        );
    }
}
