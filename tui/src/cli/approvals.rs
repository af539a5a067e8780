//! `procura approvals`, `approve`, `reject` and `edit`: the approvals inbox
//! for scripts.

use std::io::Write;

use anyhow::{Context, bail};
use clap::Subcommand;
use procura_common::api::ProcuraClient;
use procura_common::job::JobId;
use procura_common::negotiation::{Approval, DraftEdit, DraftedBy};
use procura_common::text::sanitize as sanitise;
use procura_common::transport::context_with_timeout;
use uuid::Uuid;

use super::CALL_TIMEOUT;
use super::output::{clip, print_json};

#[derive(Debug, Subcommand)]
pub enum ApprovalCommand {
    /// Drafts waiting for approval, oldest first.
    Approvals {
        /// A JSON array: id, vendor, to, subject, body, job_id, state, ….
        #[arg(long)]
        json: bool,
        /// Only this job's drafts (its id or the first characters of it).
        #[arg(long)]
        job: Option<String>,
    },
    /// Approve a draft: it is sent once (the approver role).
    Approve {
        /// The draft's id, or the first characters of it.
        id: String,
    },
    /// Reject a draft; it is never sent (the approver role).
    Reject {
        id: String,
        /// Why, for the audit trail and the job's log.
        #[arg(long)]
        reason: String,
    },
    /// Change a draft's subject or body; with neither option, opens it in
    /// $EDITOR (the first line is the subject, the body follows a blank line).
    Edit {
        id: String,
        #[arg(long)]
        subject: Option<String>,
        /// A file holding the new body ("-" for stdin).
        #[arg(long, value_name = "FILE")]
        body_file: Option<String>,
    },
}

pub async fn run(
    client: &ProcuraClient,
    command: ApprovalCommand,
    job: Option<JobId>,
) -> anyhow::Result<i32> {
    let ctx = || context_with_timeout(CALL_TIMEOUT);
    match command {
        ApprovalCommand::Approvals { json, .. } => {
            let drafts = client.approvals(ctx(), job).await??;
            if json {
                print_json(&drafts)?;
            } else {
                print_table(&drafts);
            }
        }
        ApprovalCommand::Approve { id } => {
            let id = resolve(client, &id).await?;
            let approved = client.approve(ctx(), id).await??;
            println!(
                "{} approved: to {} ({})",
                approved.id,
                approved.vendor,
                to(&approved)
            );
        }
        ApprovalCommand::Reject { id, reason } => {
            let id = resolve(client, &id).await?;
            let rejected = client.reject(ctx(), id, reason).await??;
            println!("{} rejected: to {}", rejected.id, rejected.vendor);
        }
        ApprovalCommand::Edit {
            id,
            subject,
            body_file,
        } => {
            let id = resolve(client, &id).await?;
            let current = client
                .approvals(ctx(), None)
                .await??
                .into_iter()
                .find(|a| a.id == id)
                .with_context(|| format!("draft {id} is not waiting for approval"))?;
            let edit = if subject.is_none() && body_file.is_none() {
                in_editor(&current)?
            } else {
                DraftEdit {
                    id,
                    subject: subject.unwrap_or(current.subject),
                    body: match body_file.as_deref() {
                        Some(path) => read_body(path)?,
                        None => current.body,
                    },
                }
            };
            let edited = client.edit_draft(ctx(), edit).await??;
            println!("{} edited: {}", edited.id, edited.subject);
        }
    }
    Ok(0)
}

fn to(a: &Approval) -> String {
    a.to.clone().unwrap_or_else(|| "no address on file".into())
}

fn print_table(drafts: &[Approval]) {
    if drafts.is_empty() {
        println!("no drafts waiting for approval");
        return;
    }
    println!(
        "{:<8}  {:<18}  {:<28}  {:<10}  SUBJECT",
        "ID", "VENDOR", "TO", "BY"
    );
    for a in drafts {
        let by = match &a.drafted_by {
            DraftedBy::Template => "template".to_string(),
            DraftedBy::Model { model } => model.clone(),
        };
        println!(
            "{:<8}  {:<18}  {:<28}  {:<10}  {}",
            &a.id.to_string()[..8],
            clip(&sanitise(&a.vendor), 18),
            clip(&sanitise(&to(a)), 28),
            clip(&sanitise(&by), 10),
            clip(&sanitise(&a.subject), 60)
        );
    }
}

/// A draft's id from its full form or a prefix of a pending draft's id.
async fn resolve(client: &ProcuraClient, text: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = text.parse::<Uuid>() {
        return Ok(id);
    }
    let prefix = text.trim().to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        bail!("{text:?} is not a draft id (give the id, or at least its first 4 characters)");
    }
    let drafts = client
        .approvals(context_with_timeout(CALL_TIMEOUT), None)
        .await
        .context("listing drafts to resolve the id")??;
    let matches: Vec<Uuid> = drafts
        .iter()
        .map(|a| a.id)
        .filter(|id| id.to_string().starts_with(&prefix))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no draft waiting for approval has an id starting with {prefix}"),
        many => bail!(
            "{} drafts start with {prefix}; give more characters",
            many.len()
        ),
    }
}

fn read_body(path: &str) -> anyhow::Result<String> {
    if path == "-" {
        let mut body = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut body)
            .context("reading the body from stdin")?;
        return Ok(body);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading the body from {path}"))
}

/// Opens the draft in `$EDITOR` (else `$VISUAL`, else `vi`): the first
/// line is the subject, the body follows a blank line.
fn in_editor(draft: &Approval) -> anyhow::Result<DraftEdit> {
    let text = run_editor(&format!("{}\n\n{}", draft.subject, draft.body))?;
    parse_edited(draft.id, &text)
}

/// Runs `$EDITOR` (else `$VISUAL`, else `vi`) on a temporary file holding
/// `text` and returns the file as the editor left it. The TUI uses it too,
/// with the terminal handed back for the while.
pub(crate) fn run_editor(text: &str) -> anyhow::Result<String> {
    let mut file = tempfile::Builder::new()
        .prefix("procura-draft-")
        .suffix(".txt")
        .tempfile()
        .context("creating a file for the editor")?;
    file.write_all(text.as_bytes())
        .context("writing the draft")?;
    file.flush().context("writing the draft")?;
    let editor = std::env::var("EDITOR")
        .or_else(|_| std::env::var("VISUAL"))
        .unwrap_or_else(|_| "vi".into());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = std::process::Command::new(program)
        .args(words)
        .arg(file.path())
        .status()
        .with_context(|| format!("running the editor {editor:?}"))?;
    if !status.success() {
        bail!("the editor {editor:?} failed ({status}); the draft is unchanged");
    }
    std::fs::read_to_string(file.path()).context("reading the edited draft")
}

pub fn parse_edited(id: Uuid, text: &str) -> anyhow::Result<DraftEdit> {
    let (subject, body) = text.split_once('\n').unwrap_or((text, ""));
    let body = body.strip_prefix('\n').unwrap_or(body);
    if subject.trim().is_empty() || body.trim().is_empty() {
        bail!(
            "the edited draft needs a subject on its first line and a body after a blank line; the draft is unchanged"
        );
    }
    Ok(DraftEdit {
        id,
        subject: subject.trim().to_string(),
        body: body.trim_end().to_string() + "\n",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edited_file_splits_into_subject_and_body() {
        let id = Uuid::nil();
        let edit = parse_edited(id, "New subject\n\nHello,\n\nbest price?\n\n").unwrap();
        assert_eq!(edit.subject, "New subject");
        assert_eq!(edit.body, "Hello,\n\nbest price?\n");
        assert!(parse_edited(id, "only a subject").is_err());
        assert!(parse_edited(id, "\n\nbody without subject").is_err());
    }
}
