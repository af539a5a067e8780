//! Negotiation with a human in the loop, through the real daemon, Chromium
//! and the demo shops: a job with negotiation on ends with drafts to the
//! shortlist's best vendors, nothing is sent, and approving, rejecting and
//! editing follow the state machine, each step audited with its operator.

use std::collections::BTreeSet;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use procura_daemon::db::Database;
use procura_daemon::db::schema::{audit_events, users};
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::Value;

const REQUEST: &str = "4 ergonomic office chairs under 400 EUR each by 15 Dec 2026";

fn demo_daemon() -> Daemon {
    Daemon::start(DaemonOptions {
        demo: true,
        ..DaemonOptions::default()
    })
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Vendors of the shortlist's ranked offers, best first, each once.
fn ranked_vendors(shortlist: &Value) -> Vec<String> {
    let mut seen = Vec::new();
    for entry in shortlist.as_array().unwrap() {
        let vendor = entry["product"]["vendor"].as_str().unwrap().to_string();
        if entry["excluded"] == false
            && !entry["product"]["price"].is_null()
            && !seen.contains(&vendor)
        {
            seen.push(vendor);
        }
    }
    seen
}

#[test]
fn drafts_go_to_the_best_vendors_and_wait_for_a_human() {
    let daemon = demo_daemon();
    let job = daemon.procura_json(&[
        "search",
        REQUEST,
        "--negotiate",
        "--max-vendors",
        "2",
        "--max-results",
        "16",
        "--wait",
        "--json",
    ]);
    let id = job["id"].as_str().unwrap().to_string();
    assert_eq!(job["status"], "succeeded", "{job}\n{}", daemon.logs());
    assert_eq!(job["max_vendors"], 2);

    let drafts = daemon.procura_json(&["approvals", "--json"]);
    let drafts = drafts.as_array().unwrap().clone();
    let shortlist = daemon.procura_json(&["shortlist", &id, "--json"]);
    let best: Vec<String> = ranked_vendors(&shortlist).into_iter().take(2).collect();
    let drafted: BTreeSet<String> = drafts
        .iter()
        .map(|d| d["vendor"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(drafted, best.iter().cloned().collect(), "{drafts:#?}");
    for draft in &drafts {
        assert_eq!(draft["job_id"].as_str(), Some(id.as_str()));
        assert_eq!(draft["state"], "awaiting_approval");
        assert_eq!(draft["drafted_by"]["by"], "template");
        assert!(
            draft["to"].as_str().unwrap().ends_with(".example"),
            "{draft}"
        );
        let subject = draft["subject"].as_str().unwrap();
        let body = draft["body"].as_str().unwrap();
        assert!(subject.starts_with("Request for quote"), "{subject}");
        assert!(body.contains("15 December 2026"), "the deadline: {body}");
        assert!(body.contains("4 "), "the quantity: {body}");
        assert!(
            body.contains("http://127.0.0.1:"),
            "the product URLs: {body}"
        );
        assert!(body.contains("target"), "a target price: {body}");
    }
    let log = String::from_utf8_lossy(&daemon.procura(&["logs", &id]).stdout).into_owned();
    assert_eq!(
        log.matches("drafted a request for quote to").count(),
        2,
        "{log}"
    );
    assert!(log.contains("it waits for approval"), "{log}");

    let first = drafts[0]["id"].as_str().unwrap().to_string();
    let second = drafts[1]["id"].as_str().unwrap().to_string();

    // Edit, then approve by a prefix of the id.
    let body_file = daemon.state_dir().join("body.txt");
    std::fs::write(
        &body_file,
        "Hello,\n\nyour best price for 4 chairs, please.\n",
    )
    .unwrap();
    let out = daemon.procura(&[
        "edit",
        &first,
        "--subject",
        "Quote for 4 chairs",
        "--body-file",
        body_file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = daemon.procura(&["edit", &first, "--subject", "two\nlines"]);
    assert!(
        stderr(&out).contains("the subject must be one line"),
        "{}",
        stderr(&out)
    );
    let out = daemon.procura(&["approve", &first[..8]]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Approved once: every other decision on it is refused by name.
    let out = daemon.procura(&["approve", &first]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(", not a draft any more"),
        "{}",
        stderr(&out)
    );
    let out = daemon.procura(&["reject", &first, "--reason", "changed my mind"]);
    assert!(
        stderr(&out).contains(", not a draft any more"),
        "{}",
        stderr(&out)
    );

    let out = daemon.procura(&["reject", &second, "--reason", "   "]);
    assert!(
        stderr(&out).contains("a rejection needs a reason"),
        "{}",
        stderr(&out)
    );
    let out = daemon.procura(&["reject", &second, "--reason", "we buy from them directly"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let left = daemon.procura_json(&["approvals", "--json"]);
    assert_eq!(left, Value::Array(vec![]), "the inbox is empty");
    let log = String::from_utf8_lossy(&daemon.procura(&["logs", &id]).stdout).into_owned();
    assert!(log.contains("approved the email to"), "{log}");
    assert!(
        log.contains("rejected the email to") && log.contains("we buy from them directly"),
        "{log}"
    );

    // The audit trail: who moved each negotiation where.
    let trail = procura_e2e::block_on(async {
        let db = Database::open(&daemon.database_url(), 2).await.unwrap();
        let mut conn = db.conn().await.unwrap();
        audit_events::table
            .left_join(users::table)
            .filter(audit_events::subject_type.eq("negotiation"))
            .order(audit_events::id.asc())
            .select((
                audit_events::action,
                audit_events::data,
                users::name.nullable(),
            ))
            .load::<(String, Value, Option<String>)>(&mut conn)
            .await
            .unwrap()
    });
    let moves: Vec<(String, Option<String>)> = trail
        .iter()
        .filter(|(action, ..)| action == "negotiation.transition")
        .map(|(_, data, who)| {
            (
                format!(
                    "{}→{}",
                    data["from"].as_str().unwrap(),
                    data["to"].as_str().unwrap()
                ),
                who.clone(),
            )
        })
        .collect();
    assert_eq!(
        moves
            .iter()
            .filter(|(m, who)| m == "drafted→awaiting_approval" && who.is_none())
            .count(),
        2,
        "{trail:#?}"
    );
    let by_operator: Vec<&str> = moves
        .iter()
        .filter(|(_, who)| who.is_some())
        .map(|(m, _)| m.as_str())
        .collect();
    assert_eq!(
        by_operator,
        ["awaiting_approval→approved", "awaiting_approval→rejected"],
        "{trail:#?}"
    );
    assert!(
        trail
            .iter()
            .any(|(a, _, who)| a == "negotiation.edited" && who.is_some())
    );

    // Only the approved draft goes out (to the outbox folder: there is no
    // mail server); the rejected one never does.
    let outbox = daemon.state_dir().join("outbox");
    let give_up = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let files = loop {
        let files = procura_e2e::mail::read_dir_texts(&outbox);
        if !files.is_empty() || std::time::Instant::now() > give_up {
            break files;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].contains("Subject: Quote for 4 chairs"),
        "the edit went out: {}",
        files[0]
    );
}

#[test]
fn a_job_without_negotiation_drafts_nothing() {
    let daemon = demo_daemon();
    let job = daemon.procura_json(&["search", REQUEST, "--max-results", "4", "--wait", "--json"]);
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(
        daemon.procura_json(&["approvals", "--json"]),
        Value::Array(vec![])
    );
    let out = daemon.procura(&["search", REQUEST, "--max-vendors", "2"]);
    assert!(!out.status.success(), "--max-vendors needs --negotiate");
}

/// The model behind the drafts: a small local OpenAI-compatible server
/// written for this test (the one double allowed, for a paid API). It
/// checks that the brief reaches it as quoted data, and answers with a
/// subject that tries to smuggle in a header.
mod with_a_model {
    use std::sync::{Arc, Mutex};

    use axum::Json;
    use axum::Router;
    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::post;
    use serde_json::{Value, json};

    use super::*;

    const MODEL: &str = "gpt-4o-mini";

    #[derive(Default)]
    struct Fake {
        briefs: Mutex<Vec<String>>,
    }

    async fn chat(State(fake): State<Arc<Fake>>, Json(body): Json<Value>) -> Response {
        let schema = procura_e2e::openai::schema_name(&body);
        let user = procura_e2e::openai::user_text(&body);
        let content = match schema {
            "draft_email" if user.contains("UNTRUSTED DATA") => {
                fake.briefs.lock().unwrap().push(user);
                json!({
                    "subject": "Quote request\r\nBcc: leak@evil.example",
                    "body": "Dear team,\n\nplease quote your best price for 4 chairs by 15 December 2026.\n\nRegards"
                })
                .to_string()
            }
            // The plan falls back to the offline parser.
            "search_spec" => "not json".to_string(),
            _ => return (StatusCode::BAD_REQUEST, "unexpected request").into_response(),
        };
        Json(procura_e2e::openai::completion(
            &json!(MODEL),
            &content,
            700,
            120,
        ))
        .into_response()
    }

    #[test]
    fn the_model_drafts_as_data_and_its_subject_stays_one_line() {
        let fake = Arc::new(Fake::default());
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .with_state(fake.clone());
        let addr = procura_e2e::serve_on_loopback(app);
        let daemon = Daemon::start(DaemonOptions {
            demo: true,
            env: vec![
                ("PROCURA_LLM_BASE_URL".into(), format!("http://{addr}/v1")),
                ("PROCURA_LLM_API_KEY".into(), "sk-draft".into()),
            ],
            ..DaemonOptions::default()
        });
        let job = daemon.procura_json(&[
            "search",
            REQUEST,
            "--negotiate",
            "--max-vendors",
            "1",
            "--max-results",
            "8",
            "--wait",
            "--json",
        ]);
        assert_eq!(job["status"], "succeeded", "{job}");
        let drafts = daemon.procura_json(&["approvals", "--json"]);
        let draft = &drafts[0];
        assert_eq!(drafts.as_array().unwrap().len(), 1, "{drafts}");
        assert_eq!(draft["drafted_by"], json!({"by": "model", "model": MODEL}));
        assert_eq!(
            draft["subject"], "Quote request Bcc: leak@evil.example",
            "one header line"
        );
        let briefs = fake.briefs.lock().unwrap().clone();
        assert_eq!(briefs.len(), 1);
        let vendor = draft["vendor"].as_str().unwrap();
        assert!(
            briefs[0].contains(vendor) && briefs[0].contains("2026-12-15"),
            "{}",
            briefs[0]
        );

        let rows = daemon.procura_json(&["usage", "--json"]);
        let drafting: Vec<&Value> = rows
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["task"] == "draft")
            .collect();
        assert_eq!(drafting.len(), 1, "{rows}");
        assert_eq!(drafting[0]["tokens_out"], 120);
    }
}
