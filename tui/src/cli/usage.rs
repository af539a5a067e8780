//! `procura usage`: the organization's model usage and budget.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use clap::Args;
use procura_common::job::JobId;
use procura_common::usage::{UsageQuery, UsageReport};
use rust_decimal::Decimal;

use super::output::{clip, print_json};
use crate::tui::usage_text::{budget_line, cost, rate_line};

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Print the usage rows as a JSON array, one object per call (service,
    /// model, tokens_in, tokens_out, cost, task, job, day, …).
    #[arg(long)]
    pub json: bool,
    /// With --json: the whole report as one object (the rows, the sums by
    /// day, service, model and job, the budget and the rate limit).
    #[arg(long, requires = "json")]
    pub report: bool,
    /// Only this job's calls (its id or the first characters of it).
    #[arg(long)]
    pub job: Option<String>,
    /// From this day on (UTC), YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<NaiveDate>,
    /// Up to and including this day (UTC), YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<NaiveDate>,
}

impl UsageArgs {
    pub fn query(&self, job: Option<JobId>) -> UsageQuery {
        UsageQuery {
            since: self.since,
            until: self.until,
            job,
        }
    }
}

pub fn print(args: &UsageArgs, report: &UsageReport) -> anyhow::Result<()> {
    match (args.json, args.report) {
        (true, true) => print_json(report),
        (true, false) => print_json(&report.rows),
        _ => {
            print_table(report);
            Ok(())
        }
    }
}

/// Calls, tokens and cost of one day, service, model and currency.
#[derive(Default)]
struct Line {
    calls: i64,
    tokens_in: i64,
    tokens_out: i64,
    cost: Decimal,
    unpriced: i64,
}

fn print_table(report: &UsageReport) {
    let mut lines: BTreeMap<(NaiveDate, &str, &str, &str), Line> = BTreeMap::new();
    for r in &report.rows {
        let l = lines
            .entry((r.day, &r.service, &r.model, &r.currency))
            .or_default();
        l.calls += 1;
        l.tokens_in += r.tokens_in;
        l.tokens_out += r.tokens_out;
        match r.cost {
            Some(c) => l.cost += c,
            None if !r.outcome.is_refusal() => l.unpriced += 1,
            None => {}
        }
    }
    if lines.is_empty() {
        println!("no model calls recorded");
    } else {
        println!(
            "{:<10}  {:<18}  {:<24}  {:>6}  {:>10}  {:>10}  {:>14}",
            "DAY", "SERVICE", "MODEL", "CALLS", "TOKENS IN", "TOKENS OUT", "COST"
        );
        for ((day, service, model, currency), l) in lines.iter().rev() {
            let mut price = format!("{} {currency}", cost(l.cost));
            if l.unpriced > 0 {
                price.push_str(&format!(" (+{} unpriced)", l.unpriced));
            }
            println!(
                "{day:<10}  {:<18}  {:<24}  {:>6}  {:>10}  {:>10}  {:>14}",
                clip(service, 18),
                clip(model, 24),
                l.calls,
                l.tokens_in,
                l.tokens_out,
                price
            );
        }
        for t in &report.totals {
            println!(
                "{:<10}  {:<18}  {:<24}  {:>6}  {:>10}  {:>10}  {:>14}",
                "total",
                "",
                "",
                t.calls,
                t.tokens_in,
                t.tokens_out,
                format!("{} {}", cost(t.cost), clip(&t.currency, 4))
            );
        }
        if report.truncated {
            println!(
                "(the table shows the newest {} calls; the total covers them all)",
                report.rows.len()
            );
        }
    }
    println!("budget    {}", clip(&budget_line(&report.budget), 300));
    println!("rate      {}", rate_line(&report.rate_limit));
}
