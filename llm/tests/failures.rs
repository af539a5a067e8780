//! Retries, timeouts, bad answers and the concurrency cap, against the
//! fake endpoint's recorded responses.

mod fake;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fake::{Fake, Reply};
use procura_llm::{Llm, LlmError, OpenAiProvider, Task};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn rate_limited(retry_after: &str) -> Reply {
    Reply::Error {
        status: 429,
        fixture: "error_429.json",
        headers: vec![("retry-after", retry_after.to_owned())],
    }
}

fn server_error() -> Reply {
    Reply::Error {
        status: 500,
        fixture: "error_500.json",
        headers: vec![],
    }
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(rate_limited("1"));
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let started = Instant::now();
    let answer = llm.plan("20 chairs", today()).await?;
    let waited = started.elapsed();
    assert_eq!(fake.hits(), 2);
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    // Retry-After replaces the (20 ms) backoff rather than adding to it.
    assert!(waited < Duration::from_millis(1900), "waited {waited:?}");
    assert_eq!(answer.value.quantity, Some(20));
    assert_eq!(
        answer.usage.map(|u| u.tokens_in),
        Some(612),
        "the successful attempt's usage"
    );
    Ok(())
}

#[tokio::test]
async fn a_retry_after_past_the_wait_budget_fails_at_once() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(rate_limited("3600"));
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let started = Instant::now();
    let err = llm
        .plan("20 chairs", today())
        .await
        .expect_err("rate limited");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fake.hits(), 1);
    match &err {
        LlmError::Status {
            status: 429,
            attempts: 1,
            retry_after,
            message,
            ..
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
            assert!(message.contains("Rate limit reached"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[tokio::test]
async fn an_exhausted_quota_is_not_retried() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Error {
        status: 429,
        fixture: "error_quota.json",
        headers: vec![],
    });
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let err = llm.plan("20 chairs", today()).await.expect_err("no quota");
    assert_eq!(fake.hits(), 1);
    assert_eq!(err.status(), Some(429));
    assert!(
        err.to_string().contains("exceeded your current quota"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_500_then_success_succeeds() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(server_error());
    fake.push(Reply::PlainError(502, "Bad Gateway"));
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let answer = llm.plan("20 chairs", today()).await?;
    assert_eq!(fake.hits(), 3);
    assert_eq!(answer.value.quantity, Some(20));
    Ok(())
}

#[tokio::test]
async fn server_errors_on_every_attempt_name_the_status_and_message() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    for _ in 0..3 {
        fake.push(server_error());
    }
    let mut config = fake::config(&base);
    config.max_attempts = 3;
    let llm = OpenAiProvider::new(config)?;
    let err = llm.plan("20 chairs", today()).await.expect_err("500s");
    assert_eq!(fake.hits(), 3);
    assert!(
        matches!(
            err,
            LlmError::Status {
                status: 500,
                attempts: 3,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("The server had an error"), "{message}");
    assert!(
        message.contains(&format!("{base}/chat/completions")),
        "{message}"
    );
    Ok(())
}

#[tokio::test]
async fn a_slow_server_is_retried_then_a_timeout_error() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Slow(Duration::from_secs(30)));
    fake.push(Reply::Slow(Duration::from_secs(30)));
    let mut config = fake::config(&base);
    config.request_timeout = Duration::from_millis(300);
    config.max_attempts = 2;
    let llm = OpenAiProvider::new(config)?;
    let started = Instant::now();
    let err = llm.plan("20 chairs", today()).await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(fake.hits(), 2, "the timeout was retried once");
    assert!(
        matches!(err, LlmError::Timeout { attempts: 2, timeout, .. } if timeout == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("did not answer within 300ms"),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn a_timeout_then_an_answer_succeeds() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Slow(Duration::from_secs(30)));
    let mut config = fake::config(&base);
    config.request_timeout = Duration::from_millis(300);
    let llm = OpenAiProvider::new(config)?;
    let answer = llm.plan("20 chairs", today()).await?;
    assert_eq!(fake.hits(), 2);
    assert_eq!(answer.value.quantity, Some(20));
    Ok(())
}

#[tokio::test]
async fn a_malformed_body_is_named_and_not_retried() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Ok("malformed_body.json"));
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let err = llm.plan("20 chairs", today()).await.expect_err("malformed");
    assert_eq!(fake.hits(), 1);
    assert!(matches!(err, LlmError::MalformedResponse { .. }), "{err:?}");
    assert!(
        err.to_string().contains("chatcmpl-"),
        "the body is quoted: {err}"
    );
    assert!(!err.is_unusable_answer());
    Ok(())
}

#[tokio::test]
async fn content_not_valid_against_the_schema_is_invalid_output() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Ok("plan_schema_mismatch.json"));
    fake.push(Reply::Ok("plan_not_json.json"));
    let llm = OpenAiProvider::new(fake::config(&base))?;

    let err = llm.plan("20 chairs", today()).await.expect_err("mismatch");
    match &err {
        LlmError::InvalidOutput {
            task: Task::Plan,
            reason,
            usage: Some(usage),
        } => {
            assert!(
                reason.contains("keywords") || reason.contains("missing"),
                "{reason}"
            );
            assert_eq!((usage.tokens_in, usage.tokens_out), (605, 37));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_unusable_answer(), "the daemon falls back offline");
    assert_eq!(err.usage().map(|u| u.tokens_out), Some(37));

    let err = llm.plan("20 chairs", today()).await.expect_err("not JSON");
    assert!(err.to_string().contains("not JSON"), "{err}");
    assert!(err.is_unusable_answer());
    assert_eq!(fake.hits(), 2, "bad answers are not retried");
    Ok(())
}

#[tokio::test]
async fn a_refusal_is_its_own_error() -> anyhow::Result<()> {
    let (base, fake) = fake::start().await;
    fake.push(Reply::Ok("refusal.json"));
    let llm = OpenAiProvider::new(fake::config(&base))?;
    let err = llm.plan("20 chairs", today()).await.expect_err("refused");
    match &err {
        LlmError::Refused { refusal, usage, .. } => {
            assert!(refusal.contains("can't assist"), "{refusal}");
            assert_eq!(usage.as_ref().map(|u| u.tokens_in), Some(598));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_unusable_answer());
    Ok(())
}

#[tokio::test]
async fn an_unreachable_endpoint_is_retried_then_named() -> anyhow::Result<()> {
    // Bind then drop a listener: the port is then (almost surely) closed.
    let port = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await?
        .local_addr()?
        .port();
    let base = format!("http://127.0.0.1:{port}/v1");
    let mut config = fake::config(&base);
    config.max_attempts = 2;
    let llm = OpenAiProvider::new(config)?;
    let err = llm
        .plan("20 chairs", today())
        .await
        .expect_err("closed port");
    assert!(
        matches!(err, LlmError::Connection { attempts: 2, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&format!("{base}/chat/completions")),
        "{err}"
    );
    Ok(())
}

#[tokio::test]
async fn twenty_calls_never_exceed_three_in_flight() -> anyhow::Result<()> {
    const CALLS: usize = 20;
    let (base, fake) = fake::start_with(Fake {
        gate: Some((3, CALLS)),
        ..Fake::default()
    })
    .await;
    let mut config = fake::config(&base);
    config.max_concurrent_calls = 3;
    let llm = OpenAiProvider::new(config)?;
    let calls = (0..CALLS).map(|i| {
        let llm = &llm;
        async move { llm.plan(&format!("{i} chairs"), today()).await }
    });
    let results = futures::future::join_all(calls).await;
    assert!(
        results.iter().all(Result::is_ok),
        "{:?}",
        results.iter().find(|r| r.is_err())
    );
    assert_eq!(fake.hits(), CALLS);
    // The server held every request until three were in flight together:
    // three got through at once, and never a fourth.
    assert_eq!(fake.max_in_flight.load(Ordering::SeqCst), 3);
    Ok(())
}

#[test]
fn bad_configuration_is_refused_before_any_request() {
    let mut config = fake::config("http://127.0.0.1:9/v1");
    config.max_concurrent_calls = 0;
    assert!(matches!(
        OpenAiProvider::new(config),
        Err(LlmError::Config(_))
    ));
    let config = fake::config("http://127.0.0.1:9/v1").with_api_key("sk\nnewline");
    let err = OpenAiProvider::new(config).expect_err("bad key");
    assert!(!err.to_string().contains("newline"), "{err}");
}
