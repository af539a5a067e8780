//! The OpenAI-compatible embedder against a small local server that checks
//! each request (path, bearer key, model, inputs) and answers like OpenAI.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use procura_embed::{EmbedError, Embedder, OpenAiEmbedder};
use serde_json::{Value, json};

const KEY: &str = "sk-test-0123456789";
const MODEL: &str = "test-embed-small";
const DIM: usize = 8;

#[derive(Default)]
struct Fake {
    /// Inputs of every accepted request, in arrival order.
    inputs: Mutex<Vec<Vec<String>>>,
    /// Answer every request with this status instead (0: answer normally).
    fail_with: AtomicU16,
}

/// A deterministic, deliberately unnormalised vector per text, so the test
/// can tell which text a vector belongs to and that the client normalises.
fn fake_vector(text: &str) -> Vec<f32> {
    let bytes = text.as_bytes();
    (0..DIM)
        .map(|i| 1.0 + bytes.get(i).copied().unwrap_or(0) as f32 + 10.0 * bytes.len() as f32)
        .collect()
}

fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= n);
    v
}

fn reject(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}});
    (status, Json(body)).into_response()
}

async fn embeddings(
    State(fake): State<Arc<Fake>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    match fake.fail_with.load(Ordering::SeqCst) {
        0 => {}
        500 => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream model crashed").into_response();
        }
        code => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT);
            return reject(status, "Incorrect API key provided");
        }
    }
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {KEY}")) {
        return reject(StatusCode::UNAUTHORIZED, "wrong or missing bearer key");
    }
    if body["model"] != MODEL {
        return reject(StatusCode::BAD_REQUEST, "wrong model");
    }
    let Ok(inputs) = serde_json::from_value::<Vec<String>>(body["input"].clone()) else {
        return reject(StatusCode::BAD_REQUEST, "input is not an array of strings");
    };
    if inputs.iter().any(String::is_empty) {
        return reject(StatusCode::BAD_REQUEST, "input cannot be an empty string");
    }
    // Answer in reverse order: the client must go by `index`.
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .rev()
        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": fake_vector(t)}))
        .collect();
    if let Ok(mut seen) = fake.inputs.lock() {
        seen.push(inputs);
    }
    Json(json!({
        "object": "list",
        "model": MODEL,
        "data": data,
        "usage": {"prompt_tokens": 1, "total_tokens": 1},
    }))
    .into_response()
}

/// Starts the fake on a free loopback port; returns its `/v1` base URL.
async fn start() -> anyhow::Result<(String, Arc<Fake>)> {
    let fake = Arc::new(Fake::default());
    let app = Router::new()
        .route("/v1/embeddings", post(embeddings))
        .with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((format!("http://{addr}/v1"), fake))
}

fn inputs(fake: &Fake) -> Vec<Vec<String>> {
    fake.inputs.lock().map(|v| v.clone()).unwrap_or_default()
}

#[tokio::test]
async fn connect_learns_the_dimension_with_one_probe() -> anyhow::Result<()> {
    let (base, fake) = start().await?;
    // A trailing slash is tolerated.
    let embedder = OpenAiEmbedder::connect(&format!("{base}/"), Some(KEY.into()), MODEL).await?;
    assert_eq!(embedder.dimension(), DIM);
    assert_eq!(embedder.model_id(), format!("openai:{MODEL}"));
    assert_eq!(inputs(&fake).len(), 1, "exactly one probe request");
    assert!(
        !format!("{embedder:?}").contains(KEY),
        "Debug must not show the key"
    );
    Ok(())
}

#[tokio::test]
async fn results_come_back_in_input_order_across_batches() -> anyhow::Result<()> {
    let (base, fake) = start().await?;
    let embedder = OpenAiEmbedder::connect(&base, Some(KEY.into()), MODEL)
        .await?
        .with_batch_size(2);
    let texts: Vec<String> = ["laser printer", "A4 paper", "stapler", "desk lamp", "toner"]
        .iter()
        .map(|t| t.to_string())
        .collect();
    let vectors = embedder.embed(&texts).await?;
    assert_eq!(vectors.len(), texts.len());
    for (text, v) in texts.iter().zip(&vectors) {
        let want = normalised(fake_vector(text));
        let worst = want
            .iter()
            .zip(v)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 1e-6, "{text}: off by {worst}");
    }
    let seen = inputs(&fake);
    // The probe, then three batches of at most two, in order.
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[1..].concat(), texts);
    assert!(seen[1..].iter().all(|batch| batch.len() <= 2));
    Ok(())
}

#[tokio::test]
async fn empty_input_sends_nothing_and_empty_text_is_embedded() -> anyhow::Result<()> {
    let (base, fake) = start().await?;
    let embedder = OpenAiEmbedder::connect(&base, Some(KEY.into()), MODEL).await?;
    assert!(embedder.embed(&[]).await?.is_empty());
    assert_eq!(inputs(&fake).len(), 1, "only the probe");
    let v = embedder.embed(&[String::new()]).await?;
    assert_eq!(v.len(), 1);
    Ok(())
}

#[tokio::test]
async fn unauthorised_names_status_and_endpoint() -> anyhow::Result<()> {
    let (base, fake) = start().await?;
    fake.fail_with.store(401, Ordering::SeqCst);
    let err = OpenAiEmbedder::connect(&base, Some("sk-wrong".into()), MODEL)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("connect succeeded with a rejected key"))?;
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            EmbedError::Endpoint {
                status: Some(401),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        msg.contains("401") && msg.contains("Incorrect API key"),
        "{msg}"
    );
    assert!(msg.contains(&format!("{base}/embeddings")), "{msg}");
    assert!(!msg.contains("sk-wrong"), "the key must not appear: {msg}");
    Ok(())
}

#[tokio::test]
async fn server_error_names_status() -> anyhow::Result<()> {
    let (base, fake) = start().await?;
    let embedder = OpenAiEmbedder::connect(&base, Some(KEY.into()), MODEL).await?;
    fake.fail_with.store(500, Ordering::SeqCst);
    let err = embedder
        .embed(&["stapler".to_string()])
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("embed succeeded against a failing server"))?;
    let msg = err.to_string();
    assert!(
        matches!(
            err,
            EmbedError::Endpoint {
                status: Some(500),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        msg.contains("500") && msg.contains("upstream model crashed"),
        "{msg}"
    );
    Ok(())
}

#[tokio::test]
async fn unreachable_endpoint_is_an_error_naming_it() -> anyhow::Result<()> {
    // Bind then drop a listener: the port is then (almost surely) closed.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .local_addr()?
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let err = OpenAiEmbedder::connect(&base, None, MODEL)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("connect succeeded against a closed port"))?;
    assert!(
        err.to_string().contains(&format!("{base}/embeddings")),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn bad_configuration_is_refused_before_any_request() {
    for (base, key) in [
        ("not a url", None),
        ("ftp://example.invalid/v1", None),
        (
            "http://127.0.0.1:9/v1",
            Some("sk-with\nnewline".to_string()),
        ),
    ] {
        let result = OpenAiEmbedder::connect(base, key, MODEL).await;
        assert!(
            matches!(result, Err(EmbedError::Config(_))),
            "{base}: {result:?}"
        );
    }
}
