//! The `plan` node: turns the request text into a [`SearchSpec`], with the
//! configured model (structured output against the spec's JSON schema) or
//! the offline parser, logging each decision. A model answer that is not
//! schema-valid, a failed call or a refusal by the budget falls back to the
//! offline parse with a log entry saying why; a spent budget with
//! `on_budget_exhausted = "pause"` stops the job for `procura retry`.

pub mod parser;

use procura_common::log::LogLevel;

use super::{NodeContext, NodeError, NodeOutput};
use crate::llm::Outcome;
use crate::usage::Task;

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let today = ctx.job.created_at.date_naive();
    let parsed = parser::parse_request(&ctx.job.request_text, today);
    let models = &ctx.services.models;
    let by_model = if models.is_configured() {
        let request = ctx.job.request_text.clone();
        models
            .call(
                ctx.job.organization_id,
                Some(ctx.job.id),
                Task::Plan,
                |llm| llm.plan(&request, today),
            )
            .await
    } else {
        Outcome::Offline(String::new())
    };
    let spec = match by_model {
        Outcome::Answered { value, model, .. } => {
            ctx.step(
                LogLevel::Info,
                format!(
                    "planning request with {model}: {}",
                    clip(&ctx.job.request_text, 200)
                ),
                serde_json::json!({ "parser": "llm", "model": model, "today": today }),
            )
            .await?;
            value
        }
        Outcome::Paused(why) => {
            ctx.step(
                LogLevel::Warn,
                format!("paused: {why}"),
                serde_json::json!({ "parser": "llm", "paused": true }),
            )
            .await?;
            return Err(NodeError::Fatal(format!(
                "paused before planning: {why}; `procura retry` resumes the job once the budget allows"
            )));
        }
        Outcome::Offline(why) => {
            if !why.is_empty() {
                ctx.step(
                    LogLevel::Warn,
                    format!("the model did not plan this request, the offline parser does: {why}"),
                    serde_json::json!({ "parser": "offline", "fallback": true }),
                )
                .await?;
            }
            ctx.step(
                LogLevel::Info,
                format!("planning request: {}", clip(&ctx.job.request_text, 200)),
                serde_json::json!({ "parser": "offline", "today": today }),
            )
            .await?;
            for step in parsed.steps {
                ctx.step(LogLevel::Info, step.message, step.data).await?;
            }
            parsed.spec
        }
    };
    ctx.step(
        LogLevel::Info,
        summary(&spec),
        serde_json::to_value(&spec).unwrap_or_default(),
    )
    .await?;
    Ok(NodeOutput::Planned(spec))
}

fn clip(text: &str, max_chars: usize) -> String {
    let mut out: String = text.chars().take(max_chars).collect();
    if text.chars().count() > max_chars {
        out.push('…');
    }
    out
}

fn summary(spec: &procura_common::spec::SearchSpec) -> String {
    let mut parts = Vec::new();
    if let Some(item) = &spec.item {
        parts.push(item.clone());
    }
    if let Some(q) = spec.quantity {
        parts.push(format!("quantity {q}"));
    }
    if let Some(b) = &spec.budget {
        let scope = match b.scope {
            procura_common::spec::BudgetScope::PerUnit => "per unit",
            procura_common::spec::BudgetScope::Total => "total",
        };
        parts.push(format!("budget {} {} {scope}", b.amount, b.currency));
    }
    if let Some(d) = spec.deadline {
        parts.push(format!("deadline {d}"));
    }
    if !spec.required_specs.is_empty() {
        parts.push(format!("{} required specs", spec.required_specs.len()));
    }
    if parts.is_empty() {
        "plan ready: nothing structured could be read from the request".to_string()
    } else {
        format!("plan ready: {}", parts.join(", "))
    }
}
