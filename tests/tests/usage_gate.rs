//! The usage gate against a real Postgres (a private cluster per test):
//! the monthly budget, the month rollover, and the requests-per-minute
//! token bucket shared by two daemons (two pools on one database) and by
//! 20 jobs at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, TimeZone, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use procura_common::job::SubmitSearch;
use procura_common::money::RateTable;
use procura_common::rank::Money;
use procura_common::usage::{CallOutcome, OnBudgetExhausted, UsageQuery};
use procura_daemon::db::Database;
use procura_daemon::db::embedded::EmbeddedPostgres;
use procura_daemon::db::llm_limits::LimitOverrides;
use procura_daemon::db::schema::{llm_rate_buckets, organizations};
use procura_daemon::db::usage::NewUsage;
use procura_daemon::usage::{CallRecord, Limits, Refusal, Task, UsageGate};
use procura_e2e::wait_for;
use rust_decimal::Decimal;
use uuid::Uuid;

/// A private cluster in a temp dir, stopped when dropped (even when the
/// test fails).
struct Cluster {
    pg: Option<EmbeddedPostgres>,
    url: String,
    _dir: tempfile::TempDir,
}

impl Cluster {
    async fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("procura-usage-")
            .tempdir()
            .expect("temp dir");
        let pg = EmbeddedPostgres::start(dir.path())
            .await
            .expect("start the private cluster");
        Cluster {
            url: pg.database_url(),
            pg: Some(pg),
            _dir: dir,
        }
    }

    /// A pool of its own, as a separate daemon would have.
    async fn daemon(&self) -> Database {
        Database::open(&self.url, 8).await.expect("open database")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            let _ = pg.stop_blocking();
        }
    }
}

async fn organization(db: &Database, name: &str) -> Uuid {
    let id = Uuid::new_v4();
    let mut conn = db.conn().await.expect("connection");
    diesel::insert_into(organizations::table)
        .values((organizations::id.eq(id), organizations::name.eq(name)))
        .execute(&mut conn)
        .await
        .expect("insert organization");
    id
}

fn usd(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn limits(budget: Option<Decimal>, rpm: Option<u32>) -> Limits {
    Limits {
        monthly_budget: budget,
        budget_currency: "USD".into(),
        requests_per_minute: rpm,
        on_budget_exhausted: OnBudgetExhausted::Offline,
    }
}

fn gate(db: &Database, limits: Limits) -> UsageGate {
    UsageGate::new(db.clone(), limits, RateTable::default())
}

fn call(org: Uuid, cost: Option<Decimal>, currency: &'static str) -> CallRecord<'static> {
    CallRecord {
        organization: org,
        job: None,
        service: "openai-compatible",
        task: Task::Plan,
        model: "gpt-4o-mini",
        tokens_in: 1200,
        tokens_out: 80,
        cost,
        currency,
        outcome: CallOutcome::Ok,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn spend_past_the_monthly_cap_refuses_the_next_call() {
    let cluster = Cluster::start().await;
    let (db, other_daemon) = (cluster.daemon().await, cluster.daemon().await);
    let org = organization(&db, "acme").await;
    let g = gate(&db, limits(Some(usd(100)), None));

    let permit = g.admit(org, None).await.expect("nothing spent yet");
    assert_eq!(
        permit.budget_left,
        Some(Money {
            amount: usd(100),
            currency: "USD".into()
        })
    );
    g.record(&call(org, Some(usd(40)), "USD")).await.unwrap();
    // 0.50 EUR is 0.579 USD at the default rates: 0.979 in all.
    g.record(&call(org, Some(usd(50)), "EUR")).await.unwrap();
    let left = g.admit(org, None).await.expect("under the cap").budget_left;
    assert_eq!(
        left.map(|m| m.amount.round_dp(4)),
        Some(Decimal::new(210, 4))
    );
    g.record(&call(org, Some(usd(3)), "USD")).await.unwrap();

    let refusal = g.admit(org, None).await.expect_err("over the cap");
    let Refusal::Budget {
        spent,
        cap,
        on_exhausted,
    } = &refusal
    else {
        panic!("{refusal:?}");
    };
    assert_eq!(spent.amount.round_dp(4), Decimal::new(10090, 4));
    assert_eq!(cap.amount, usd(100));
    assert_eq!(*on_exhausted, OnBudgetExhausted::Offline);
    assert!(refusal.to_string().contains("of 1.00 USD"), "{refusal}");
    // Another daemon on the database refuses too, and a refused call takes
    // no rate token.
    let other = gate(&other_daemon, limits(Some(usd(100)), Some(60)));
    assert!(matches!(
        other.admit(org, None).await,
        Err(Refusal::Budget { .. })
    ));
    assert_eq!(other_daemon.rate_tokens(org, 60).await.unwrap(), 60.0);
    g.record_refusal(&call(org, None, "USD"), &refusal)
        .await
        .unwrap();

    let report = g.report(org, &UsageQuery::default()).await.unwrap();
    assert_eq!(report.rows.len(), 4);
    assert_eq!(report.rows[0].outcome, CallOutcome::RefusedBudget);
    assert_eq!((report.rows[0].tokens_in, report.rows[0].cost), (0, None));
    assert!(report.budget.exhausted);
    assert_eq!(report.budget.remaining, Some(Decimal::ZERO));
    let usd_total = report.totals.iter().find(|t| t.currency == "USD").unwrap();
    assert_eq!((usd_total.calls, usd_total.refused), (3, 1));
    assert_eq!(usd_total.cost, usd(43));

    // An organization of its own with a higher cap and `pause` is not
    // held by the first one's spend.
    let rich = organization(&db, "rich").await;
    db.set_llm_limits(
        rich,
        &LimitOverrides {
            monthly_budget: Some(usd(50)),
            on_budget_exhausted: Some(OnBudgetExhausted::Pause),
            ..LimitOverrides::default()
        },
    )
    .await
    .unwrap();
    g.record(&call(rich, Some(usd(60)), "USD")).await.unwrap();
    match g.admit(rich, None).await {
        Err(Refusal::Budget { on_exhausted, .. }) => {
            assert_eq!(on_exhausted, OnBudgetExhausted::Pause)
        }
        other => panic!("{other:?}"),
    }
    // Spend in a currency the rates cannot convert: no call, and why.
    let odd = organization(&db, "odd").await;
    g.record(&call(odd, Some(usd(1)), "XYZ")).await.unwrap();
    match g.admit(odd, None).await {
        Err(Refusal::Unavailable(why)) => assert!(why.contains("XYZ"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_of_last_month_do_not_count_against_this_month() {
    let cluster = Cluster::start().await;
    let db = cluster.daemon().await;
    let org = organization(&db, "acme").await;
    let g = gate(&db, limits(Some(usd(100)), None));
    // This month on the database's clock, and the second before it.
    let (month, spend) = db.month_spend(org).await.unwrap();
    assert!(spend.is_empty());
    let start = Utc
        .with_ymd_and_hms(month.year(), month.month(), 1, 0, 0, 0)
        .unwrap();
    let last_month = start - chrono::Duration::seconds(1);
    let row = |cost: i64, at| NewUsage {
        organization_id: org,
        job: None,
        service: "openai-compatible".into(),
        task: "draft".into(),
        model: "gpt-4o".into(),
        tokens_in: 10_000,
        tokens_out: 2_000,
        cost: Some(usd(cost)),
        currency: "USD".into(),
        outcome: CallOutcome::Ok,
        at: Some(at),
    };
    db.insert_usage(&row(50_000, last_month)).await.unwrap();
    let permit = g.admit(org, None).await.expect("last month is over");
    assert_eq!(permit.budget_left.map(|m| m.amount), Some(usd(100)));
    let budget = g.budget(org).await.unwrap();
    assert_eq!((budget.month, budget.spent), (month, Decimal::ZERO));

    // The report still lists it, on its day; the budget does not.
    let report = g.report(org, &UsageQuery::default()).await.unwrap();
    assert_eq!(report.rows.len(), 1);
    assert_eq!(report.rows[0].day, last_month.date_naive());
    assert_eq!(
        report.by_day[0].key,
        last_month.format("%Y-%m-%d").to_string()
    );
    let this_month = g
        .report(
            org,
            &UsageQuery {
                since: Some(month),
                ..UsageQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(this_month.rows.is_empty() && this_month.totals.is_empty());

    // The first second of this month counts.
    db.insert_usage(&row(100, start)).await.unwrap();
    assert!(matches!(
        g.admit(org, None).await,
        Err(Refusal::Budget { .. })
    ));
}

/// Admits `n` calls at once, alternating between the gates; returns how
/// many were admitted and the refusals.
async fn burst(gates: &[UsageGate], org: Uuid, n: usize) -> (usize, Vec<Refusal>) {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let g = gates[i % gates.len()].clone();
            tokio::spawn(async move { g.admit(org, None).await })
        })
        .collect();
    let mut admitted = 0;
    let mut refused = Vec::new();
    for t in tasks {
        match t.await.expect("admit task") {
            Ok(_) => admitted += 1,
            Err(r) => refused.push(r),
        }
    }
    (admitted, refused)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_daemons_share_one_token_bucket_and_it_refills() {
    let cluster = Cluster::start().await;
    let (a, b) = (cluster.daemon().await, cluster.daemon().await);
    let org = organization(&a, "acme").await;
    const RPM: u32 = 60;
    let gates = [
        gate(&a, limits(None, Some(RPM))),
        gate(&b, limits(None, Some(RPM))),
    ];

    let started = Instant::now();
    let (admitted, refused) = burst(&gates, org, 150).await;
    let elapsed = started.elapsed().as_secs_f64();
    // A full bucket of 60, plus one a second for as long as it took.
    let most = f64::from(RPM) + elapsed * f64::from(RPM) / 60.0;
    assert!(
        admitted >= RPM as usize && admitted as f64 <= most,
        "{admitted} admitted in {elapsed:.2} s, at most {most:.1}"
    );
    assert_eq!(admitted + refused.len(), 150);
    for r in &refused {
        match r {
            Refusal::RateLimited {
                retry_after,
                requests_per_minute,
            } => {
                assert_eq!(*requests_per_minute, RPM);
                assert!(*retry_after <= Duration::from_secs(1), "{retry_after:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    // Empty now, on both daemons; it refills at one a second, and the
    // refusal says when the next one is there.
    let retry_after = match gates[1].admit(org, None).await {
        Err(Refusal::RateLimited { retry_after, .. }) => retry_after,
        Ok(_) => match gates[0].admit(org, None).await {
            Err(Refusal::RateLimited { retry_after, .. }) => retry_after,
            other => panic!("the bucket should be empty: {other:?}"),
        },
        Err(other) => panic!("{other:?}"),
    };
    tokio::time::sleep(retry_after + Duration::from_millis(20)).await;
    let refilled = Instant::now();
    gates[1]
        .admit(org, None)
        .await
        .expect("a token is back after retry_after");
    assert!(matches!(
        gates[0].admit(org, None).await,
        Err(Refusal::RateLimited { .. })
    ));
    // And another one a second later, whichever daemon asks.
    wait_for("the next token", Duration::from_secs(3), || {
        let g = gates[0].clone();
        async move { g.admit(org, None).await.ok() }
    })
    .await;
    assert!(refilled.elapsed() >= Duration::from_millis(900));
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_concurrent_jobs_respect_the_rate_limit() {
    let cluster = Cluster::start().await;
    let (a, b) = (cluster.daemon().await, cluster.daemon().await);
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    a.bootstrap_admins(uid).await.unwrap();
    let user = a.user_by_uid(uid).await.unwrap().expect("bootstrapped");
    let org = user.organization_id;
    // No limit by default; this organization's row sets 1200 a minute.
    const RPM: u32 = 1200;
    a.set_llm_limits(
        org,
        &LimitOverrides {
            requests_per_minute: Some(RPM),
            ..LimitOverrides::default()
        },
    )
    .await
    .unwrap();
    let gates = [gate(&a, limits(None, None)), gate(&b, limits(None, None))];
    let mut jobs = Vec::new();
    for n in 0..20 {
        let search = SubmitSearch::new(format!("{n} office chairs"));
        jobs.push(a.insert_job(org, user.id, &search, 20).await.unwrap());
    }
    // Start with an empty bucket, so every call waits for the rate.
    gates[0].admit(org, None).await.expect("creates the bucket");
    let mut conn = a.conn().await.unwrap();
    diesel::update(llm_rate_buckets::table.find(org))
        .set((
            llm_rate_buckets::tokens.eq(0.0),
            llm_rate_buckets::refilled_at.eq(diesel::dsl::now),
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    drop(conn);

    const CALLS: usize = 3;
    let started = Instant::now();
    let grants = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (i, job) in jobs.iter().copied().enumerate() {
        let g = gates[i % 2].clone();
        let grants = grants.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..CALLS {
                loop {
                    match g.admit(org, Some(job)).await {
                        Ok(_) => break,
                        Err(Refusal::RateLimited { retry_after, .. }) => {
                            tokio::time::sleep(retry_after).await
                        }
                        Err(other) => panic!("{other:?}"),
                    }
                }
                grants
                    .lock()
                    .expect("grants")
                    .push(started.elapsed().as_secs_f64());
                let record = CallRecord {
                    job: Some(job),
                    ..call(org, Some(Decimal::new(1, 4)), "USD")
                };
                g.record(&record).await.expect("record");
            }
        }));
    }
    for t in tasks {
        t.await.expect("job task");
    }
    let mut grants = grants.lock().expect("grants").clone();
    grants.sort_by(f64::total_cmp);
    assert_eq!(grants.len(), 20 * CALLS);
    let per_second = f64::from(RPM) / 60.0;
    for (k, t) in grants.iter().enumerate() {
        // The k+1-th call needed k+1 tokens from a bucket that held under
        // one at the start: allow that one and one for the clocks.
        let most = 2.0 + t * per_second;
        assert!(
            (k + 1) as f64 <= most,
            "call {} was admitted at {t:.3} s; the rate allows {most:.1} by then",
            k + 1
        );
    }
    let last = grants.last().copied().unwrap_or_default();
    assert!(
        last >= (20 * CALLS) as f64 / per_second - 2.0 / per_second,
        "60 calls at 20 a second took only {last:.2} s"
    );

    let report = gates[1].report(org, &UsageQuery::default()).await.unwrap();
    assert_eq!(report.by_job.len(), 20);
    assert!(report.by_job.iter().all(|j| j.calls == CALLS as i64));
    assert!(report.by_job.iter().all(|j| {
        j.label
            .as_deref()
            .is_some_and(|l| l.ends_with("office chairs"))
    }));
    assert_eq!(report.rate_limit.requests_per_minute, Some(RPM));
}
