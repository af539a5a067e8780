//! A small OpenAI-compatible server for the tests. It checks the shape of
//! every request (path, bearer key, the model of the task, the system and
//! user messages with the quoted data block, the image part, the JSON
//! schema `response_format`) and answers 400 naming what is wrong; a good
//! request gets the next scripted reply, else the task's recorded answer
//! from `tests/fixtures/`.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use procura_llm::schema::{schema_for, schema_name};
use procura_llm::{LlmConfig, Task, TaskModels};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const KEY: &str = "sk-test-llm-0123456789abcdef";
pub const DEFAULT_MODEL: &str = "default-model";
pub const PLAN_MODEL: &str = "plan-model";
pub const VISION_MODEL: &str = "vision-model";
pub const REPLY_MODEL: &str = "reply-model";
pub const BEGIN: &str = "<<<BEGIN UNTRUSTED DATA>>>";
pub const END: &str = "<<<END UNTRUSTED DATA>>>";
/// The first bytes of every PNG file.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// What the server does with one request that passed the checks.
#[derive(Debug, Clone)]
pub enum Reply {
    /// 200 with a fixture file's body.
    Ok(&'static str),
    /// An error status with a fixture body and extra headers.
    Error {
        status: u16,
        fixture: &'static str,
        headers: Vec<(&'static str, String)>,
    },
    /// 500 with a plain-text body.
    PlainError(u16, &'static str),
    /// Sleep, then answer the task's default.
    Slow(Duration),
}

#[derive(Default)]
pub struct Fake {
    /// Bodies of every request that reached the handler, in arrival order.
    pub requests: Mutex<Vec<Value>>,
    pub script: Mutex<VecDeque<Reply>>,
    /// Fixture answered per task when the script is empty.
    pub defaults: Mutex<Vec<(Task, &'static str)>>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub done: AtomicUsize,
    pub changed: Notify,
    /// `(together, total)`: hold each request until `together` are in
    /// flight at once (or all `total` have arrived), then give the client
    /// every chance to send more, to show how many it lets through.
    pub gate: Option<(usize, usize)>,
}

impl Fake {
    pub fn push(&self, reply: Reply) {
        self.script.lock().unwrap().push_back(reply);
    }

    pub fn hits(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn request(&self, i: usize) -> Value {
        self.requests.lock().unwrap()[i].clone()
    }

    fn default_for(&self, task: Task) -> &'static str {
        let defaults = self.defaults.lock().unwrap();
        defaults
            .iter()
            .find(|(t, _)| *t == task)
            .map(|(_, f)| *f)
            .unwrap_or(match task {
                Task::Plan => "plan_ok.json",
                Task::VisionExtract => "page_ok.json",
                Task::Draft => "draft_ok.json",
                Task::ReplyParse => "reply_ok.json",
            })
    }

    pub fn answer_with(&self, task: Task, fixture: &'static str) {
        self.defaults.lock().unwrap().push((task, fixture));
    }
}

/// The task a request is for, from its schema's name.
fn task_of(body: &Value) -> Option<Task> {
    let name = body["response_format"]["json_schema"]["name"].as_str()?;
    Task::ALL.into_iter().find(|t| schema_name(*t) == name)
}

pub fn expected_model(task: Task) -> &'static str {
    match task {
        Task::Plan => PLAN_MODEL,
        Task::VisionExtract => VISION_MODEL,
        Task::Draft => DEFAULT_MODEL,
        Task::ReplyParse => REPLY_MODEL,
    }
}

/// The user message's text (the first part when it has parts).
pub fn user_text(body: &Value) -> String {
    let content = &body["messages"][1]["content"];
    match content {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts[0]["text"].as_str().unwrap_or_default().to_owned(),
        _ => String::new(),
    }
}

/// The text of the user message's quoted block, markers excluded.
pub fn quoted_block(body: &Value) -> Option<String> {
    let text = user_text(body);
    let start = text.find(BEGIN)? + BEGIN.len();
    let end = text.rfind(END)?;
    (start <= end).then(|| text[start..end].trim_matches('\n').to_owned())
}

/// Everything wrong with a request, or `Ok(task)`.
fn check(headers: &HeaderMap, body: &Value) -> Result<Task, String> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    if auth != Some(&format!("Bearer {KEY}")) {
        return Err("wrong or missing bearer key".into());
    }
    let format = &body["response_format"];
    if format["type"] != "json_schema" {
        return Err(format!("response_format.type is {}", format["type"]));
    }
    let task = task_of(body).ok_or("unknown json_schema.name")?;
    let js = &format["json_schema"];
    if js["strict"] != true {
        return Err("json_schema.strict is not true".into());
    }
    if js["schema"]["type"] != "object" || &js["schema"] != schema_for(task) {
        return Err("json_schema.schema is not the task's object schema".into());
    }
    if body["model"] != expected_model(task) {
        return Err(format!(
            "{task}: model {} is not {}",
            body["model"],
            expected_model(task)
        ));
    }
    if body.get("stream").is_some_and(|s| s == true) {
        return Err("streaming was not asked for".into());
    }
    let messages = body["messages"].as_array().ok_or("no messages")?;
    if messages.len() != 2 || messages[0]["role"] != "system" || messages[1]["role"] != "user" {
        return Err("messages must be [system, user]".into());
    }
    let system = messages[0]["content"].as_str().unwrap_or_default();
    if !system.contains("untrusted data") || !system.contains(BEGIN) {
        return Err("the system message does not say the block is untrusted data".into());
    }
    if let Some(block) = quoted_block(body)
        && !block.trim().is_empty()
        && system.contains(block.trim())
    {
        return Err("data leaked into the system message".into());
    }
    let text = user_text(body);
    if text.matches(BEGIN).count() != 1 || text.matches(END).count() != 1 {
        return Err("the user message must hold exactly one quoted block".into());
    }
    let content = &messages[1]["content"];
    if task == Task::VisionExtract {
        let parts = content
            .as_array()
            .ok_or("vision content is not an array of parts")?;
        if parts[0]["type"] != "text" {
            return Err("the first part is not text".into());
        }
        for part in &parts[1..] {
            if part["type"] != "image_url" {
                return Err(format!("unexpected part {}", part["type"]));
            }
            let url = part["image_url"]["url"].as_str().unwrap_or_default();
            let b64 = url
                .strip_prefix("data:image/png;base64,")
                .ok_or("the image is not a base64 PNG data URL")?;
            let png = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("image base64: {e}"))?;
            if !png.starts_with(PNG_SIGNATURE) {
                return Err("the image is not a PNG".into());
            }
        }
    } else if !content.is_string() {
        return Err("text tasks send a plain string".into());
    }
    Ok(task)
}

fn reject(message: String) -> Response {
    let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": null}});
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

fn json_response(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

async fn completions(State(fake): State<Arc<Fake>>, headers: HeaderMap, body: Bytes) -> Response {
    let now = fake.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    fake.max_in_flight.fetch_max(now, Ordering::SeqCst);
    fake.changed.notify_waiters();
    let response = answer(&fake, &headers, &body).await;
    fake.in_flight.fetch_sub(1, Ordering::SeqCst);
    fake.done.fetch_add(1, Ordering::SeqCst);
    fake.changed.notify_waiters();
    response
}

async fn answer(fake: &Fake, headers: &HeaderMap, body: &[u8]) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return reject("the body is not JSON".into());
    };
    fake.requests.lock().unwrap().push(body.clone());
    if let Some((together, total)) = fake.gate {
        let wait = async {
            loop {
                let changed = fake.changed.notified();
                let in_flight = fake.in_flight.load(Ordering::SeqCst);
                let done = fake.done.load(Ordering::SeqCst);
                if in_flight >= together || in_flight + done >= total {
                    break;
                }
                changed.await;
            }
        };
        // A guard against a hung test, not a pacing sleep.
        let _ = tokio::time::timeout(Duration::from_secs(20), wait).await;
        // Then let everything else that can run, run (on the tests'
        // single-threaded runtime, yielding puts this task behind all ready
        // ones, and the I/O driver is polled every 61 turns): a client
        // without a cap would have its further requests arrive now.
        for _ in 0..2000 {
            tokio::task::yield_now().await;
        }
    }
    let presented = headers.get("authorization").and_then(|v| v.to_str().ok());
    if presented != Some(&format!("Bearer {KEY}")) {
        // Like OpenAI, but echoing the whole key: the client must not.
        let key = presented.unwrap_or_default().trim_start_matches("Bearer ");
        let message = format!("Incorrect API key provided: {key}.");
        let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}});
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    let task = match check(headers, &body) {
        Ok(t) => t,
        Err(message) => return reject(message),
    };
    let next = fake.script.lock().unwrap().pop_front();
    match next {
        None => json_response(200, fixture(fake.default_for(task))),
        Some(Reply::Ok(name)) => json_response(200, fixture(name)),
        Some(Reply::Error {
            status,
            fixture: name,
            headers,
        }) => {
            let mut r = json_response(status, fixture(name));
            for (k, v) in headers {
                if let Ok(v) = HeaderValue::from_str(&v) {
                    r.headers_mut().insert(k, v);
                }
            }
            r
        }
        Some(Reply::PlainError(status, text)) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
            (status, text).into_response()
        }
        Some(Reply::Slow(d)) => {
            tokio::time::sleep(d).await;
            json_response(200, fixture(fake.default_for(task)))
        }
    }
}

async fn other_path() -> Response {
    reject("wrong path: only /v1/chat/completions is served".into())
}

/// Starts a fake on a free loopback port; returns its `/v1` base URL.
pub async fn start_with(fake: Fake) -> (String, Arc<Fake>) {
    let fake = Arc::new(fake);
    let app = Router::new()
        .route("/v1/chat/completions", post(completions))
        .fallback(other_path)
        .with_state(Arc::clone(&fake));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), fake)
}

pub async fn start() -> (String, Arc<Fake>) {
    start_with(Fake::default()).await
}

/// A configuration for the fake: per-task models (draft uses the
/// default), quick backoff.
pub fn config(base: &str) -> LlmConfig {
    let mut c = LlmConfig::new(base, DEFAULT_MODEL).with_api_key(KEY);
    c.models = TaskModels {
        plan: Some(PLAN_MODEL.into()),
        vision: Some(VISION_MODEL.into()),
        draft: None,
        reply: Some(REPLY_MODEL.into()),
    };
    c.request_timeout = Duration::from_secs(10);
    c.initial_backoff = Duration::from_millis(20);
    c.max_backoff = Duration::from_millis(200);
    c.max_total_wait = Duration::from_secs(10);
    c
}

/// A tiny valid-looking PNG (signature and an IHDR chunk's start).
pub fn png() -> Vec<u8> {
    let mut png = PNG_SIGNATURE.to_vec();
    png.extend_from_slice(
        b"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00",
    );
    png
}
