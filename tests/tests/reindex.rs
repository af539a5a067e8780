//! Changing the embedding model re-indexes from Postgres instead of mixing
//! vectors: a demo job indexed with the local all-MiniLM-L6-v2, then the
//! daemon restarted on an OpenAI-compatible endpoint (a small local server
//! that checks every request, the one double allowed for a paid API), then
//! back on the local model, and `procurad reindex` run by hand.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use procura_e2e::{Daemon, DaemonOptions};
use serde_json::{Value, json};

const KEY: &str = "sk-reindex-test-42";
const MODEL: &str = "fake-embed-64";
const DIM: usize = 64;

/// Inputs of every accepted request, in order.
type Seen = Arc<Mutex<Vec<Vec<String>>>>;

/// What the embedder sends once when it connects, to learn the dimension.
const PROBE: &str = "dimension probe";

/// Texts embedded so far, without the connection probes.
fn embedded(seen: &Seen) -> Vec<String> {
    seen.lock()
        .unwrap()
        .concat()
        .into_iter()
        .filter(|t| t != PROBE)
        .collect()
}

/// Bag of words hashed into `DIM` buckets: texts sharing words are close,
/// so vector search over it still means something.
fn words_vector(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; DIM];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let hash = word
            .to_lowercase()
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        v[(hash % DIM as u64) as usize] += 1.0;
    }
    v[0] += 0.01; // never the zero vector
    v
}

async fn embeddings(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let reject = |status: StatusCode, message: &str| {
        (status, Json(json!({"error": {"message": message}}))).into_response()
    };
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}"))
    {
        return reject(StatusCode::UNAUTHORIZED, "wrong or missing bearer key");
    }
    if body["model"] != MODEL {
        return reject(StatusCode::BAD_REQUEST, "wrong model");
    }
    let Ok(inputs) = serde_json::from_value::<Vec<String>>(body["input"].clone()) else {
        return reject(StatusCode::BAD_REQUEST, "input is not an array of strings");
    };
    if inputs.is_empty() || inputs.iter().any(|t| t.trim().is_empty()) {
        return reject(StatusCode::BAD_REQUEST, "empty input");
    }
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": words_vector(t)}))
        .collect();
    seen.lock().unwrap().push(inputs);
    Json(json!({
        "object": "list",
        "data": data,
        "model": MODEL,
        "usage": {"prompt_tokens": 1, "total_tokens": 1}
    }))
    .into_response()
}

fn start_fake() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let state = seen.clone();
    let app = Router::new()
        .route("/v1/embeddings", post(embeddings))
        .with_state(state);
    (procura_e2e::serve_on_loopback(app), seen)
}

fn ids(found: &Value) -> BTreeSet<String> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

fn find_by_meaning(daemon: &Daemon, text: &str) -> Value {
    daemon.procura_json(&["find", text, "--mode", "vector", "--limit", "50", "--json"])
}

#[test]
fn changing_the_embedding_model_reindexes_from_postgres() {
    let (addr, seen) = start_fake();
    let mut daemon = Daemon::start(DaemonOptions {
        demo: true,
        ..DaemonOptions::default()
    });
    let job = daemon.procura_json(&[
        "search",
        "ergonomic office chairs",
        "--max-results",
        "12",
        "--wait",
        "--json",
    ]);
    assert_eq!(job["status"], "succeeded", "{job}\n{}", daemon.logs());
    let id = job["id"].as_str().unwrap();
    let products = daemon.procura_json(&["products", id, "--json"]);
    let stored = ids(&products);
    assert!(stored.len() >= 10, "{} products", stored.len());
    let local = find_by_meaning(&daemon, "mesh office chair");
    assert!(!ids(&local).is_empty(), "{local}");
    assert!(ids(&local).is_subset(&stored));
    assert!(
        seen.lock().unwrap().is_empty(),
        "the local model needs no endpoint"
    );

    // Another model: the first search by meaning rebuilds the index from
    // Postgres with it; no vector of the old model is left to mix in.
    daemon.stop();
    daemon.options.env = vec![
        ("PROCURA_EMBEDDINGS_URL".into(), format!("http://{addr}/v1")),
        ("PROCURA_EMBEDDINGS_MODEL".into(), MODEL.into()),
        ("PROCURA_LLM_API_KEY".into(), KEY.into()),
    ];
    daemon.spawn();
    let remote = find_by_meaning(&daemon, "mesh office chair");
    assert_eq!(ids(&remote), stored, "every product found again: {remote}");
    let embedded = embedded(&seen);
    let query = embedded
        .iter()
        .filter(|t| *t == "mesh office chair")
        .count();
    assert_eq!(query, 1, "{embedded:?}");
    assert_eq!(
        embedded.len() - query,
        stored.len(),
        "each stored product embedded once by the new model: {embedded:?}"
    );
    let logs = daemon.logs();
    assert!(
        logs.contains("embedding model changed"),
        "the rebuild is logged:\n{logs}"
    );
    // Reused from now on: only the query is embedded.
    let before = embedded.len();
    find_by_meaning(&daemon, "chair");
    assert_eq!(self::embedded(&seen).len(), before + 1);

    // `procurad reindex` by hand, on the stopped daemon's state.
    daemon.stop();
    let out = std::process::Command::new(procura_e2e::binary("procurad"))
        .arg("--state-dir")
        .arg(daemon.state_dir())
        .arg("reindex")
        .envs(daemon.options.env.iter().map(|(k, v)| (k, v)))
        .env("PROCURA_LOG", "warn")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("indexed {} product(s)", stored.len())),
        "{stdout}"
    );
    assert_eq!(self::embedded(&seen).len(), before + 1 + stored.len());

    // Back to the local model: rebuilt again, and the endpoint is not called.
    daemon.options.env.clear();
    daemon.spawn();
    let called = seen.lock().unwrap().concat().len();
    let back = find_by_meaning(&daemon, "mesh office chair");
    assert_eq!(ids(&back), stored, "{back}");
    assert_eq!(seen.lock().unwrap().concat().len(), called);
}
