//! `procura usage` against the real procurad: empty on a fresh daemon with
//! the configured budget, then the rows a model call records, with the
//! keys scripts rely on.

use std::time::Duration;

use procura_common::job::SubmitSearch;
use procura_common::money::RateTable;
use procura_common::transport::context_with_timeout;
use procura_common::usage::CallOutcome;
use procura_daemon::db::Database;
use procura_daemon::usage::{CallRecord, Limits, Task, UsageGate};
use procura_e2e::{Daemon, DaemonOptions};
use rust_decimal::Decimal;
use serde_json::Value;

fn decimal(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, not {v}"))
        .parse()
        .unwrap_or_else(|e| panic!("{v}: {e}"))
}

fn stdout(d: &Daemon, args: &[&str]) -> String {
    let out = d.procura(args);
    assert!(
        out.status.success(),
        "procura {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_json_lists_recorded_calls_with_the_keys_scripts_use() {
    let daemon = Daemon::start(DaemonOptions {
        workers: 1,
        env: vec![
            ("PROCURA_LLM_MONTHLY_BUDGET".into(), "2.50".into()),
            ("PROCURA_LLM_REQUESTS_PER_MINUTE".into(), "30".into()),
            ("PROCURA_LLM_ON_BUDGET_EXHAUSTED".into(), "pause".into()),
        ],
        ..DaemonOptions::default()
    });

    // A fresh daemon: no rows, and the configured budget.
    assert_eq!(
        daemon.procura_json(&["usage", "--json"]),
        Value::Array(vec![])
    );
    let report = daemon.procura_json(&["usage", "--json", "--report"]);
    let budget = &report["budget"];
    assert_eq!(decimal(&budget["cap"]), Decimal::new(250, 2));
    assert_eq!(decimal(&budget["spent"]), Decimal::ZERO);
    assert_eq!(decimal(&budget["remaining"]), Decimal::new(250, 2));
    assert_eq!(budget["currency"], "USD");
    assert_eq!(budget["on_exhausted"], "pause");
    assert_eq!(budget["exhausted"], false);
    assert_eq!(report["rate_limit"]["requests_per_minute"], 30);
    assert_eq!(report["rows"], Value::Array(vec![]));
    let plain = stdout(&daemon, &["usage"]);
    assert!(plain.contains("no model calls recorded"), "{plain}");
    assert!(
        plain.contains("budget    0.00 of 2.50 USD spent in"),
        "{plain}"
    );
    assert!(
        plain.contains("rate      30 requests per minute"),
        "{plain}"
    );

    // Two calls, as the agent records them: one of a job, priced, and one
    // outside any job whose model has no price.
    let client = daemon.client().await;
    let job = client
        .submit_search(
            context_with_timeout(Duration::from_secs(10)),
            SubmitSearch::new("20 ergonomic office chairs under $300 each"),
        )
        .await
        .expect("rpc")
        .expect("submit");
    let db = Database::open(&daemon.database_url(), 2)
        .await
        .expect("the daemon's database");
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    let org = db
        .user_by_uid(uid)
        .await
        .unwrap()
        .expect("the bootstrapped admin")
        .organization_id;
    let gate = UsageGate::new(
        db.clone(),
        Limits {
            monthly_budget: None,
            budget_currency: "USD".into(),
            requests_per_minute: None,
            on_budget_exhausted: Default::default(),
        },
        RateTable::default(),
    );
    gate.record(&CallRecord {
        organization: org,
        job: Some(job.id),
        service: "openai-compatible",
        task: Task::Plan,
        model: "gpt-4o-mini",
        tokens_in: 1234,
        tokens_out: 56,
        cost: Some(Decimal::new(12, 4)),
        currency: "USD",
        outcome: CallOutcome::Ok,
    })
    .await
    .expect("record");
    gate.record(&CallRecord {
        organization: org,
        job: None,
        service: "embeddings",
        task: Task::Embeddings,
        model: "local-minilm",
        tokens_in: 300,
        tokens_out: 0,
        cost: None,
        currency: "USD",
        outcome: CallOutcome::Ok,
    })
    .await
    .expect("record");

    let rows = daemon.procura_json(&["usage", "--json"]);
    let rows = rows.as_array().expect("an array of rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in rows {
        for key in [
            "service",
            "model",
            "tokens_in",
            "tokens_out",
            "cost",
            "task",
            "job",
            "day",
        ] {
            assert!(row.get(key).is_some(), "{key} missing from {row}");
        }
    }
    // Newest first.
    let (embed, plan) = (&rows[0], &rows[1]);
    assert_eq!(plan["service"], "openai-compatible");
    assert_eq!(plan["model"], "gpt-4o-mini");
    assert_eq!(plan["task"], "plan");
    assert_eq!(
        (plan["tokens_in"].as_i64(), plan["tokens_out"].as_i64()),
        (Some(1234), Some(56))
    );
    assert_eq!(plan["cost"], "0.0012");
    assert_eq!(plan["job"], job.id.to_string());
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(plan["day"], today.as_str());
    assert_eq!(
        (embed["service"].as_str(), embed["cost"].is_null()),
        (Some("embeddings"), true)
    );
    assert!(embed["job"].is_null());

    // Filters: one job (by a prefix of its id), and a range of days.
    let prefix = &job.id.to_string()[..8];
    let of_job = daemon.procura_json(&["usage", "--json", "--job", prefix]);
    assert_eq!(of_job.as_array().map(Vec::len), Some(1), "{of_job}");
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    assert_eq!(
        daemon.procura_json(&["usage", "--json", "--since", &tomorrow]),
        Value::Array(vec![])
    );
    let bad = daemon.procura(&["usage", "--since", "yesterday"]);
    assert!(!bad.status.success());
    let backwards = daemon.procura(&["usage", "--since", &tomorrow, "--until", &today]);
    assert!(!backwards.status.success());
    assert!(
        String::from_utf8_lossy(&backwards.stderr).contains("the range is empty"),
        "{}",
        String::from_utf8_lossy(&backwards.stderr)
    );

    // The report: the month's spend against the cap, and the sums.
    let report = daemon.procura_json(&["usage", "--json", "--report"]);
    assert_eq!(decimal(&report["budget"]["spent"]), Decimal::new(12, 4));
    assert_eq!(
        decimal(&report["budget"]["remaining"]),
        Decimal::new(24988, 4)
    );
    let by_job = report["by_job"].as_array().expect("by_job");
    let of_chairs = by_job
        .iter()
        .find(|j| j["key"] == job.id.to_string())
        .expect("the job's sums");
    assert_eq!(
        of_chairs["label"],
        "20 ergonomic office chairs under $300 each"
    );
    assert_eq!(report["by_model"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["totals"][0]["unpriced"], 1);

    let plain = stdout(&daemon, &["usage"]);
    for text in [
        "DAY",
        "openai-compatible",
        "gpt-4o-mini",
        "0.0012 USD",
        "(+1 unpriced)",
        "total",
        "budget    0.0012 of 2.50 USD spent in",
    ] {
        assert!(plain.contains(text), "{text} in\n{plain}");
    }
}
