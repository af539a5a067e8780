//! `procura-bench`: the walking skeleton's figures, printed as a markdown
//! table for docs/benchmarks.md. Build the release binaries first:
//!
//!     cargo build --release --workspace --bins && target/release/procura-bench
//!
//! It drives the real procurad (and its private Postgres) in temp dirs.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use procura_common::job::SubmitSearch;
use procura_common::transport::context_with_timeout;
use procura_e2e::{Daemon, DaemonOptions, job, wait_for};

struct Row {
    what: String,
    target: String,
    measured: String,
    pass: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut rows = Vec::new();
    rows.extend(startup()?);
    rows.extend(runtime.block_on(status_calls())?);
    rows.extend(runtime.block_on(log_latency())?);
    rows.extend(runtime.block_on(claims())?);

    println!("| measure | target | measured | |");
    println!("| --- | --- | --- | --- |");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} |",
            r.what,
            r.target,
            r.measured,
            if r.pass { "ok" } else { "MISSED" }
        );
    }
    if rows.iter().any(|r| !r.pass) {
        bail!("some targets were missed");
    }
    Ok(())
}

fn startup() -> anyhow::Result<Vec<Row>> {
    eprintln!("startup: first run, then 5 restarts on the existing cluster");
    let mut daemon = Daemon::start(DaemonOptions::default());
    let first = daemon.first_start_time().context("first start time")?;
    let mut again = Vec::new();
    for _ in 0..5 {
        daemon.stop();
        again.push(daemon.spawn());
    }
    again.sort();
    let median = percentile(&again, 50.0);
    let worst = *again.last().unwrap_or(&Duration::ZERO);
    Ok(vec![
        Row {
            what: "start to socket ready, first run (initdb)".into(),
            target: "< 15 s".into(),
            measured: ms(first),
            pass: first < Duration::from_secs(15),
        },
        Row {
            what: "start to socket ready, existing cluster (median / worst of 5)".into(),
            target: "< 2 s".into(),
            measured: format!("{} / {}", ms(median), ms(worst)),
            pass: worst < Duration::from_secs(2),
        },
    ])
}

async fn status_calls() -> anyhow::Result<Vec<Row>> {
    const CLIENTS: usize = 16;
    const FOR: Duration = Duration::from_secs(5);
    eprintln!("status: {CLIENTS} clients for {FOR:?}");
    let daemon = Daemon::start(DaemonOptions::default());
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let client = daemon.client().await;
        tasks.push(tokio::spawn(async move {
            // Warm up the connection (operator lookup is cached per connection).
            let _ = client
                .status(context_with_timeout(Duration::from_secs(5)))
                .await;
            let mut lat = Vec::with_capacity(100_000);
            let end = Instant::now() + FOR;
            while Instant::now() < end {
                let t = Instant::now();
                client
                    .status(context_with_timeout(Duration::from_secs(5)))
                    .await
                    .context("status rpc")?
                    .context("status")?;
                lat.push(t.elapsed());
            }
            anyhow::Ok(lat)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort();
    let rate = all.len() as f64 / FOR.as_secs_f64();
    // Latency unloaded: one client, one call at a time.
    let client = daemon.client().await;
    let mut single = Vec::new();
    for _ in 0..5_000 {
        let t = Instant::now();
        client
            .status(context_with_timeout(Duration::from_secs(5)))
            .await??;
        single.push(t.elapsed());
    }
    single.sort();
    let p50 = percentile(&single, 50.0);
    Ok(vec![
        Row {
            what: "`status` round trip p50, one client (p99)".into(),
            target: "< 200 µs".into(),
            measured: format!("{} ({})", us(p50), us(percentile(&single, 99.0))),
            pass: p50 < Duration::from_micros(200),
        },
        Row {
            what: format!("`status` calls/s, {CLIENTS} concurrent clients (p50 / p99 under load)"),
            target: "≥ 20,000/s".into(),
            measured: format!(
                "{rate:.0}/s ({} / {})",
                us(percentile(&all, 50.0)),
                us(percentile(&all, 99.0))
            ),
            pass: rate >= 20_000.0,
        },
    ])
}

async fn log_latency() -> anyhow::Result<Vec<Row>> {
    const WATCHERS: usize = 50;
    const JOBS: usize = 10;
    eprintln!("log latency: {WATCHERS} watchers on each of {JOBS} jobs");
    let daemon = Daemon::start(DaemonOptions {
        workers: 1,
        step_delay_ms: 25,
        ..DaemonOptions::default()
    });
    let submitter = daemon.client().await;
    let mut watchers = Vec::new();
    for _ in 0..WATCHERS {
        watchers.push(daemon.client().await);
    }
    let mut latencies = Vec::new();
    for n in 0..JOBS {
        let id = submitter
            .submit_search(
                context_with_timeout(Duration::from_secs(10)),
                SubmitSearch::new(format!(
                    "{} ergonomic office chairs with mesh back under $300 each by 2027-01-15, not from Amazon",
                    n + 2
                )),
            )
            .await??
            .id;
        let mut tasks = Vec::new();
        for client in &watchers {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                let mut after = 0;
                let mut lat = Vec::new();
                loop {
                    let batch = client
                        .watch_job(
                            context_with_timeout(Duration::from_secs(15)),
                            id,
                            after,
                            10_000,
                        )
                        .await??;
                    let now = chrono::Utc::now();
                    for e in &batch.entries {
                        lat.push((now - e.ts).to_std().unwrap_or_default());
                        after = e.seq;
                    }
                    if batch.is_final() {
                        return anyhow::Ok(lat);
                    }
                }
            }));
        }
        for t in tasks {
            latencies.extend(t.await??);
        }
        wait_for("job end", Duration::from_secs(30), || {
            let c = submitter.clone();
            async move { job(&c, id).await.status.is_terminal().then_some(()) }
        })
        .await;
    }
    // Entries already stored when a watcher subscribed are not "live"; the
    // first batch of each watcher can hold some. Count only live ones:
    // everything is, since watchers subscribe before the job is claimed.
    latencies.sort();
    let p99 = percentile(&latencies, 99.0);
    Ok(vec![Row {
        what: format!(
            "log append to client receipt, {WATCHERS} watchers, {} deliveries (p50 / p99)",
            latencies.len()
        ),
        target: "p99 < 20 ms".into(),
        measured: format!("{} / {}", ms(percentile(&latencies, 50.0)), ms(p99)),
        pass: p99 < Duration::from_millis(20),
    }])
}

async fn claims() -> anyhow::Result<Vec<Row>> {
    use diesel_async::RunQueryDsl;
    use procura_daemon::db::Database;
    use procura_daemon::db::embedded::EmbeddedPostgres;
    const JOBS: i64 = 5_000;
    const WORKERS: usize = 4;
    eprintln!("claims: {JOBS} jobs, {WORKERS} workers, private Postgres");
    let state = tempfile::tempdir()?;
    let pg = EmbeddedPostgres::start(state.path()).await?;
    let outcome = async {
        let db = Database::open(&pg.database_url(), 16).await?;
        // SAFETY: getuid has no preconditions.
        let uid = unsafe { libc::getuid() };
        db.bootstrap_admins(uid).await?;
        let user = db.user_by_uid(uid).await?.context("bootstrapped admin")?;
        let mut conn = db.conn().await?;
        diesel::sql_query(format!(
            "INSERT INTO search_jobs (id, organization_id, created_by, request_text, max_results) \
             SELECT gen_random_uuid(), '{}', '{}', 'bench job ' || n, 20 FROM generate_series(1, {JOBS}) n",
            user.organization_id, user.id
        ))
        .execute(&mut conn)
        .await?;
        drop(conn);
        let db = Arc::new(db);
        let started = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..WORKERS {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let owner = format!("bench-{w}");
                let mut ids = Vec::new();
                while let Some(job) = db.claim_job(&owner, Duration::from_secs(60)).await? {
                    ids.push(job.id);
                }
                anyhow::Ok(ids)
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await??);
        }
        let elapsed = started.elapsed();
        let unique: HashSet<_> = all.iter().collect();
        anyhow::Ok((all.len(), unique.len(), elapsed))
    }
    .await;
    pg.stop().await?;
    let (claimed, unique, elapsed) = outcome?;
    let rate = claimed as f64 / elapsed.as_secs_f64();
    Ok(vec![Row {
        what: format!(
            "job claims/s, {WORKERS} workers, private Postgres ({claimed} claims, {} double)",
            claimed - unique
        ),
        target: "≥ 500/s, 0 double".into(),
        measured: format!("{rate:.0}/s"),
        pass: rate >= 500.0 && claimed == unique && claimed as i64 == JOBS,
    }])
}
