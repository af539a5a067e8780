//! The HTTP transport under async-openai: the concurrency cap and retries.
//!
//! async-openai's default client retries by itself (up to 3 times on 429,
//! 5xx and connect errors, honouring only a `Retry-After` in whole seconds),
//! and its error for a failed call carries the status but not the headers.
//! So the provider installs this tower service through
//! `Client::with_http_service` (the crate's `middleware` feature), which
//! replaces the default executor and its retry layer entirely, and keeps
//! async-openai for everything else: building the request, the request
//! and response types, parsing. Here each attempt:
//!
//! - holds a permit of the provider's semaphore while in flight (not while
//!   waiting to retry);
//! - reads the whole body, so that a timeout or a broken connection while
//!   reading is retried like one before the headers;
//! - on 429 (unless the quota is exhausted) and 5xx, timeouts and
//!   connection errors, waits and tries again: `Retry-After` (seconds or an
//!   HTTP date, or `retry-after-ms`) when the server sent one, else
//!   exponential backoff with jitter; all waits of a call together stay
//!   within `max_total_wait`.
//!
//! A final failure goes back to async-openai as `OpenAIError::Boxed`
//! holding a [`Failure`], which the provider turns into its own error.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_openai::error::{OpenAIError, WrappedError};
use async_openai::middleware::HttpRequestFactory;
use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::clip;

/// How hard a call tries.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    pub max_total_wait: Duration,
}

impl RetryPolicy {
    /// The delay before retry number `step` (0-based) without a
    /// `Retry-After`: `initial × 2^step`, capped, then "equal jitter" (half
    /// fixed, half random) so that callers that failed together do not all
    /// retry together.
    pub fn backoff(&self, step: u32) -> Duration {
        let full = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(step))
            .min(self.max_backoff);
        let half = full / 2;
        let jitter_ms = fastrand::u64(0..=half.as_millis().min(u64::MAX as u128) as u64);
        half + Duration::from_millis(jitter_ms)
    }
}

/// Why a call failed once retrying is over.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error("HTTP {status}: {message}")]
    Status {
        status: u16,
        message: String,
        attempts: u32,
        retry_after: Option<Duration>,
    },
    #[error("timed out")]
    Timeout { attempts: u32 },
    #[error("{message}")]
    Connection { message: String, attempts: u32 },
}

/// One attempt's outcome.
enum Attempt {
    Done(reqwest::Response),
    /// Worth another attempt, after `retry_after` if the server said.
    Retry(Failure, Option<Duration>),
    Final(Failure),
}

/// The tower service async-openai sends every request through.
#[derive(Clone)]
pub(crate) struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    permits: Semaphore,
    policy: RetryPolicy,
    /// Cut out of servers' error messages, which may echo it.
    key: Option<SecretString>,
}

impl Transport {
    pub fn new(
        http: reqwest::Client,
        max_concurrent_calls: usize,
        policy: RetryPolicy,
        key: Option<SecretString>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                permits: Semaphore::new(max_concurrent_calls),
                policy,
                key,
            }),
        }
    }
}

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        // Readiness is the semaphore, awaited per attempt inside `call`.
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        Box::pin(Arc::clone(&self.inner).send(request))
    }
}

fn boxed(failure: Failure) -> OpenAIError {
    OpenAIError::Boxed(Box::new(failure))
}

fn set_attempts(failure: &mut Failure, n: u32) {
    match failure {
        Failure::Status { attempts, .. }
        | Failure::Timeout { attempts }
        | Failure::Connection { attempts, .. } => *attempts = n,
    }
}

impl Inner {
    async fn send(
        self: Arc<Self>,
        factory: HttpRequestFactory,
    ) -> Result<reqwest::Response, OpenAIError> {
        let policy = &self.policy;
        let mut waited = Duration::ZERO;
        let mut backoff_step = 0;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = factory.build().await?;
            let url = request.url().clone();
            let outcome = match self.permits.acquire().await {
                Ok(_permit) => self.attempt(request).await,
                Err(_) => Attempt::Final(Failure::Connection {
                    message: "the provider was shut down".into(),
                    attempts: 0,
                }),
            };
            let (mut failure, retry_after) = match outcome {
                Attempt::Done(response) => return Ok(response),
                Attempt::Final(mut failure) => {
                    set_attempts(&mut failure, attempt);
                    return Err(boxed(failure));
                }
                Attempt::Retry(failure, retry_after) => (failure, retry_after),
            };
            set_attempts(&mut failure, attempt);
            if attempt >= policy.max_attempts {
                return Err(boxed(failure));
            }
            let delay = match retry_after {
                Some(d) => d,
                None => {
                    backoff_step += 1;
                    policy.backoff(backoff_step - 1)
                }
            };
            if waited.saturating_add(delay) > policy.max_total_wait {
                tracing::warn!(
                    url = %url, attempt, delay_ms = delay.as_millis() as u64,
                    "LLM call failed ({failure}); the next wait would pass the wait budget, giving up"
                );
                if let Failure::Status {
                    retry_after: ra, ..
                } = &mut failure
                {
                    *ra = retry_after;
                }
                return Err(boxed(failure));
            }
            tracing::warn!(
                url = %url, attempt, delay_ms = delay.as_millis() as u64,
                retry_after = retry_after.is_some(),
                "LLM call failed ({failure}); retrying"
            );
            tokio::time::sleep(delay).await;
            waited = waited.saturating_add(delay);
        }
    }

    async fn attempt(&self, request: reqwest::Request) -> Attempt {
        let response = match self.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return transport_error(e),
        };
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return transport_error(e),
        };
        if status.is_success() {
            let mut rebuilt = http::Response::builder().status(status).version(version);
            if let Some(h) = rebuilt.headers_mut() {
                *h = headers;
            }
            return match rebuilt.body(body) {
                Ok(r) => Attempt::Done(reqwest::Response::from(r)),
                Err(e) => Attempt::Final(Failure::Connection {
                    message: format!("cannot pass the response on: {e}"),
                    attempts: 0,
                }),
            };
        }
        let (message, kind) = error_message(&body, self.key.as_ref());
        let failure = Failure::Status {
            status: status.as_u16(),
            message,
            attempts: 0,
            retry_after: None,
        };
        // OpenAI answers 429 both for "slow down" (retry) and for "out of
        // credit" (retrying cannot help).
        let quota = kind.as_deref() == Some("insufficient_quota");
        if (status == StatusCode::TOO_MANY_REQUESTS && !quota) || status.is_server_error() {
            Attempt::Retry(failure, retry_after(&headers, SystemTime::now()))
        } else {
            Attempt::Final(failure)
        }
    }
}

fn transport_error(e: reqwest::Error) -> Attempt {
    if e.is_timeout() {
        return Attempt::Retry(Failure::Timeout { attempts: 0 }, None);
    }
    // The error's chain says why ("connection refused", "connection
    // reset"); the URL it also holds is the endpoint's, never the key.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    let failure = Failure::Connection {
        message: clip(&message),
        attempts: 0,
    };
    if e.is_builder() {
        Attempt::Final(failure)
    } else {
        Attempt::Retry(failure, None)
    }
}

/// The server's message: OpenAI's `{"error": {...}}` when it is that, else
/// the body's text. Also the error's `type` or `code`, to tell an exhausted
/// quota from a rate limit.
fn error_message(body: &[u8], key: Option<&SecretString>) -> (String, Option<String>) {
    let (text, kind) = match serde_json::from_slice::<WrappedError>(body) {
        Ok(w) => {
            let kind = w.error.r#type.clone().or_else(|| w.error.code.clone());
            (w.error.to_string(), kind)
        }
        Err(_) => (String::from_utf8_lossy(body).trim().to_owned(), None),
    };
    if text.is_empty() {
        return ("(empty body)".to_owned(), kind);
    }
    let text = match key.map(|k| k.expose_secret()).filter(|k| k.len() >= 4) {
        Some(k) if text.contains(k) => text.replace(k, "<redacted>"),
        _ => text,
    };
    (clip(&text), kind)
}

/// How long the server asked to wait: `retry-after-ms` (OpenAI, Azure),
/// else `Retry-After` as seconds or as an HTTP date (past dates mean now).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text(reqwest::header::HeaderName::from_static("retry-after-ms"))
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64(ms.min(1e12) / 1000.0));
    }
    let value = text(RETRY_AFTER)?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Some(secs) = value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
    {
        return Some(Duration::from_secs_f64(secs.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn retry_after_reads_seconds_dates_and_milliseconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_784_000_000);
        let at = |h: &[(&'static str, &str)]| retry_after(&headers(h), now);
        assert_eq!(at(&[("retry-after", "7")]), Some(Duration::from_secs(7)));
        assert_eq!(at(&[("retry-after", " 0 ")]), Some(Duration::ZERO));
        assert_eq!(
            at(&[("retry-after", "1.5")]),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            at(&[("retry-after", &later)]),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(at(&[("retry-after", &earlier)]), Some(Duration::ZERO));
        assert_eq!(
            at(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            at(&[("retry-after", "18446744073709551615")]),
            Some(Duration::from_secs(u64::MAX)),
            "absurd values do not panic (the wait budget refuses them)"
        );
        assert!(at(&[("retry-after-ms", "1e300")]).is_some());
        assert_eq!(at(&[("retry-after", "soon")]), None);
        assert_eq!(at(&[("retry-after", "-3")]), None);
        assert_eq!(at(&[]), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap() {
        let p = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(1000),
            max_total_wait: Duration::from_secs(60),
        };
        for _ in 0..200 {
            for (step, full) in [
                (0, 100),
                (1, 200),
                (2, 400),
                (3, 800),
                (4, 1000),
                (30, 1000),
            ] {
                let d = p.backoff(step).as_millis() as u64;
                assert!((full / 2..=full).contains(&d), "step {step}: {d} ms");
            }
        }
    }

    #[test]
    fn error_bodies_give_the_servers_message() {
        let (m, kind) = error_message(
            br#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
            None,
        );
        assert!(m.contains("You exceeded your current quota"), "{m}");
        assert_eq!(kind.as_deref(), Some("insufficient_quota"));
        assert_eq!(
            error_message(b"upstream crashed\n", None).0,
            "upstream crashed"
        );
        assert_eq!(error_message(b"", None).0, "(empty body)");
        let key = SecretString::from("sk-live-abcdef");
        let (m, _) = error_message(b"bad key sk-live-abcdef given", Some(&key));
        assert_eq!(m, "bad key <redacted> given");
    }
}
