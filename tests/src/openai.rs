//! Shared parts of the tests' OpenAI-compatible endpoints (the one test
//! double allowed, for a paid API): reading a chat request and writing a
//! chat completion the way OpenAI does.

use serde_json::{Value, json};

/// The name of the JSON schema a chat request asks its answer to follow
/// (`search_spec`, `page_fields`, `draft_email`, `reply_offer`).
pub fn schema_name(body: &Value) -> &str {
    body["response_format"]["json_schema"]["name"]
        .as_str()
        .unwrap_or_default()
}

/// The user message's content, as JSON text (parts included).
pub fn user_text(body: &Value) -> String {
    body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .map(|m| m["content"].to_string())
        .unwrap_or_default()
}

/// A chat completion answering `content`, with the usage OpenAI reports.
pub fn completion(
    model: &Value,
    content: &str,
    prompt_tokens: u64,
    completion_tokens: u64,
) -> Value {
    json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_764_000_000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    })
}
