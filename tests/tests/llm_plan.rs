//! The plan node through an OpenAI-compatible endpoint: a small local
//! server written for this test (the one double allowed, for a paid API)
//! checks each request's shape and answers like OpenAI. The model's spec is
//! used and every call is recorded with its tokens and cost; an answer that
//! is not schema-valid falls back to the offline parser with a log entry;
//! once the monthly budget is spent the next job plans offline, or pauses.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use procura_common::spec::{Budget, BudgetScope, SearchSpec};
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::{Value, json};

const KEY: &str = "sk-plan-test-7";
const MODEL: &str = "gpt-4o-mini";

#[derive(Default)]
struct Fake {
    /// Request texts seen, in order.
    requests: Mutex<Vec<String>>,
    /// Answer with text that is not the schema's JSON.
    garbage: AtomicBool,
    /// When each accepted request arrived.
    arrivals: Mutex<Vec<std::time::Instant>>,
}

/// What the model answers: a budget the request words alone would not give
/// (the offline parser reads "under 300 EUR"), so the log shows whose spec
/// the job used.
fn model_spec() -> SearchSpec {
    SearchSpec {
        item: Some("ergonomic office chairs".into()),
        keywords: vec!["ergonomic".into(), "office".into(), "chair".into()],
        quantity: Some(4),
        budget: Some(Budget {
            amount: "275".parse().unwrap(),
            currency: "EUR".into(),
            scope: BudgetScope::PerUnit,
        }),
        ..SearchSpec::default()
    }
}

async fn chat(
    State(fake): State<Arc<Fake>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let reject = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": message}})),
        )
            .into_response()
    };
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}"))
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"message": "bad key"}})),
        )
            .into_response();
    }
    if body["model"] != MODEL {
        return reject("wrong model");
    }
    let format = &body["response_format"];
    if format["type"] != "json_schema"
        || format["json_schema"]["strict"] != true
        || format["json_schema"]["schema"]["type"] != "object"
    {
        return reject("plan must ask for a strict JSON schema answer");
    }
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let system = messages
        .first()
        .map(|m| m["role"] == "system")
        .unwrap_or(false);
    let user = messages
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].to_string())
        .collect::<String>();
    if !system || !user.contains("UNTRUSTED DATA") {
        return reject("the request must be quoted as data after a system prompt");
    }
    fake.requests.lock().unwrap().push(user);
    fake.arrivals
        .lock()
        .unwrap()
        .push(std::time::Instant::now());
    let content = if fake.garbage.load(Ordering::SeqCst) {
        "Sure! Here are some chairs you might like.".to_string()
    } else {
        serde_json::to_string(&model_spec()).unwrap()
    };
    Json(procura_e2e::openai::completion(
        &json!(MODEL),
        &content,
        1200,
        300,
    ))
    .into_response()
}

fn start_fake() -> (SocketAddr, Arc<Fake>) {
    let fake = Arc::new(Fake::default());
    let state = fake.clone();
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .with_state(state);
    (procura_e2e::serve_on_loopback(app), fake)
}

fn daemon(addr: SocketAddr, extra: &[(&str, &str)]) -> Daemon {
    daemon_with(addr, extra, true, 4)
}

fn daemon_with(addr: SocketAddr, extra: &[(&str, &str)], demo: bool, workers: u32) -> Daemon {
    let mut env = vec![
        (
            "PROCURA_LLM_BASE_URL".to_string(),
            format!("http://{addr}/v1"),
        ),
        ("PROCURA_LLM_API_KEY".to_string(), KEY.to_string()),
        ("PROCURA_LLM_MODEL".to_string(), MODEL.to_string()),
    ];
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Daemon::start(DaemonOptions {
        demo,
        workers,
        env,
        ..DaemonOptions::default()
    })
}

fn search(daemon: &Daemon, request: &str) -> Value {
    daemon.procura_json(&["search", request, "--max-results", "2", "--wait", "--json"])
}

fn plan_log(daemon: &Daemon, job: &Value) -> String {
    let id = job["id"].as_str().unwrap();
    let out = daemon.procura(&["logs", id, "--json"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("\"node\":\"plan\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_model_plans_and_every_call_is_recorded_with_its_cost() {
    let (addr, fake) = start_fake();
    let daemon = daemon(addr, &[]);
    let request = "4 ergonomic office chairs under 300 EUR each";
    let job = search(&daemon, request);
    assert_eq!(job["status"], "succeeded", "{job}\n{}", daemon.logs());
    let log = plan_log(&daemon, &job);
    assert!(
        log.contains(&format!("planning request with {MODEL}")),
        "{log}"
    );
    assert!(
        log.contains("budget 275 EUR per unit"),
        "the model's spec is used: {log}"
    );
    assert!(fake.requests.lock().unwrap()[0].contains(request));

    let rows = daemon.procura_json(&["usage", "--json"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["service"], "openai-compatible");
    assert_eq!(row["model"], MODEL);
    assert_eq!(row["tokens_in"], 1200);
    assert_eq!(row["tokens_out"], 300);
    // 1200 × 0.15 + 300 × 0.60 per million tokens.
    let cost: rust_decimal::Decimal = row["cost"].as_str().unwrap().parse().unwrap();
    assert_eq!(cost, "0.00036".parse().unwrap(), "{row}");
    assert!(!daemon.logs().contains(KEY), "the key is never logged");
}

#[test]
fn an_answer_that_is_not_the_schema_falls_back_to_the_offline_parser() {
    let (addr, fake) = start_fake();
    fake.garbage.store(true, Ordering::SeqCst);
    let daemon = daemon(addr, &[]);
    let job = search(&daemon, "4 ergonomic office chairs under 300 EUR each");
    assert_eq!(job["status"], "succeeded", "{job}");
    let log = plan_log(&daemon, &job);
    assert!(
        log.contains("the model did not plan this request, the offline parser does"),
        "{log}"
    );
    assert!(log.contains("budget 300 EUR per unit"), "{log}");
    let rows = daemon.procura_json(&["usage", "--json"]);
    assert_eq!(
        rows[0]["tokens_in"], 1200,
        "an unusable answer still costs: {rows}"
    );
}

#[test]
fn a_spent_budget_plans_offline_or_pauses_as_configured() {
    let (addr, fake) = start_fake();
    // The first call costs 0.00036 USD, past this cap.
    let daemon = daemon(addr, &[("PROCURA_LLM_MONTHLY_BUDGET", "0.0003")]);
    let first = search(&daemon, "4 ergonomic office chairs under 300 EUR each");
    assert!(plan_log(&daemon, &first).contains("planning request with"));
    let second = search(&daemon, "2 standing desks under 500 EUR each");
    assert_eq!(second["status"], "succeeded", "{second}");
    let log = plan_log(&daemon, &second);
    assert!(log.contains("monthly model budget is spent"), "{log}");
    assert_eq!(
        fake.requests.lock().unwrap().len(),
        1,
        "no call past the cap"
    );
    let rows = daemon.procura_json(&["usage", "--json"]);
    assert!(
        rows.as_array().unwrap().len() == 2 && rows.to_string().contains("refused_budget"),
        "{rows}"
    );
    drop(daemon);

    let daemon = self::daemon(
        addr,
        &[
            ("PROCURA_LLM_MONTHLY_BUDGET", "0.0003"),
            ("PROCURA_LLM_ON_BUDGET_EXHAUSTED", "pause"),
        ],
    );
    search(&daemon, "4 ergonomic office chairs under 300 EUR each");
    let out = daemon.procura(&["search", "2 standing desks under 500 EUR each", "--wait"]);
    assert!(!out.status.success(), "a paused job does not succeed");
    let jobs = daemon.procura_json(&["jobs", "--json"]);
    let paused = &jobs[0];
    assert_eq!(paused["status"], "failed", "{paused}");
    assert!(
        paused.to_string().contains("paused before planning"),
        "{paused}"
    );
}

#[test]
fn twenty_concurrent_jobs_keep_to_the_rate_limit_and_all_get_the_model() {
    const RPM: usize = 15;
    let (addr, fake) = start_fake();
    // No sources: the jobs plan, find nothing to browse and end, so the
    // model calls are all there is to pace.
    let rpm = RPM.to_string();
    let daemon = daemon_with(
        addr,
        &[("PROCURA_LLM_REQUESTS_PER_MINUTE", &rpm)],
        false,
        20,
    );
    let jobs = std::thread::scope(|s| {
        let jobs: Vec<_> = (0..20)
            .map(|i| {
                let daemon = &daemon;
                s.spawn(move || {
                    search(
                        daemon,
                        &format!("{} ergonomic office chairs under 300 EUR each", i + 2),
                    )
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap())
            .collect::<Vec<_>>()
    });
    for job in &jobs {
        assert_eq!(job["status"], "succeeded", "{job}");
        assert!(
            plan_log(&daemon, job).contains("planning request with"),
            "{job}"
        );
    }
    let arrivals = fake.arrivals.lock().unwrap().clone();
    assert_eq!(
        arrivals.len(),
        20,
        "every job planned by the model, none dropped"
    );
    // The bucket holds a minute's worth (RPM) and refills one call every
    // 60/RPM seconds: a burst of RPM, then the rest paced.
    let first = arrivals[0];
    let interval = 60.0 / RPM as f64;
    for (n, at) in arrivals.iter().enumerate() {
        let elapsed = at.duration_since(first).as_secs_f64();
        let allowed = RPM as f64 + elapsed / interval + 1.0;
        assert!(
            (n + 1) as f64 <= allowed,
            "call {} at {elapsed:.1} s is over the limit",
            n + 1
        );
    }
    let last = arrivals[19].duration_since(first).as_secs_f64();
    assert!(
        last >= (20 - RPM - 1) as f64 * interval,
        "the calls past the burst were paced, the last at {last:.1} s"
    );
}
