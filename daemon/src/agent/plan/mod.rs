//! The `plan` node: turns the request text into a [`SearchSpec`] with the
//! offline parser, logging each decision.

pub mod parser;

use procura_common::log::LogLevel;

use super::{NodeContext, NodeError, NodeOutput};

pub async fn run(ctx: &mut NodeContext<'_>) -> Result<NodeOutput, NodeError> {
    let today = ctx.job.created_at.date_naive();
    let parsed = parser::parse_request(&ctx.job.request_text, today);
    ctx.step(
        LogLevel::Info,
        format!("planning request: {}", clip(&ctx.job.request_text, 200)),
        serde_json::json!({ "parser": "offline", "today": today }),
    )
    .await?;
    for step in parsed.steps {
        ctx.step(LogLevel::Info, step.message, step.data).await?;
    }
    let spec = parsed.spec;
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
