//! Editing a draft in the operator's own editor from the TUI.
//!
//! The app only asks for it ([`Action::EditInEditor`]); the event loop
//! returns to [`super::run`], which owns the real terminal: it stops
//! reading keys, hands the terminal back (cooked mode, main screen), runs
//! [`edit`] and takes the terminal again. So the app stays pure and
//! testable on `TestBackend`, and only [`parse`] needs a test of its own.
//! The file is the CLI's `procura edit` file: the subject on the first
//! line, a blank line, then the body.
//!
//! [`Action::EditInEditor`]: super::msg::Action::EditInEditor

use procura_common::negotiation::{Approval, DraftEdit};
use uuid::Uuid;

use super::sanitize::{sanitize, sanitize_lines};
use crate::cli::approvals::{parse_edited, run_editor};

/// What the editor is given for `draft` (sanitised, as shown).
pub fn file_text(draft: &Approval) -> String {
    format!("{}\n\n{}", draft.subject, draft.body)
}

/// The edit in the text the editor left, or why there is none. An editor
/// can insert anything, so the text is sanitised as typed text is, and
/// held to the daemon's limits here rather than sent to be refused.
pub fn parse(id: Uuid, text: &str) -> Result<DraftEdit, String> {
    let edit = parse_edited(id, text).map_err(|e| e.to_string())?;
    let subject = sanitize(&edit.subject).trim().to_string();
    let body = sanitize_lines(&edit.body);
    let (s, b) = (subject.chars().count(), body.chars().count());
    if s > DraftEdit::MAX_SUBJECT_CHARS {
        return Err(format!(
            "the subject is {s} characters, at most {} fit; the draft is unchanged",
            DraftEdit::MAX_SUBJECT_CHARS
        ));
    }
    if b > DraftEdit::MAX_BODY_CHARS {
        return Err(format!(
            "the body is {b} characters, at most {} fit; the draft is unchanged",
            DraftEdit::MAX_BODY_CHARS
        ));
    }
    Ok(DraftEdit { id, subject, body })
}

/// Runs `$EDITOR` (else `$VISUAL`, else `vi`) on `draft` and reads the
/// edit back. Blocks until the editor exits; the terminal must have been
/// handed back first.
pub fn edit(draft: &Approval) -> Result<DraftEdit, String> {
    let text = run_editor(&file_text(draft)).map_err(|e| format!("{e:#}"))?;
    parse(draft.id, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editors_text_becomes_an_edit() {
        let id = Uuid::from_u128(5);
        let edit = parse(id, "Quote for 12 chairs\n\nHello,\r\n\nbest price?\n\n").unwrap();
        assert_eq!(edit.id, id);
        assert_eq!(edit.subject, "Quote for 12 chairs");
        assert_eq!(edit.body, "Hello,\n\nbest price?\n");
    }

    #[test]
    fn what_an_editor_can_insert_is_sanitised() {
        let edit = parse(
            Uuid::nil(),
            "Sub\u{1b}[31mject\u{202e}\n\nline\u{1b}]0;title\u{07} one\n\tline two\n",
        )
        .unwrap();
        assert_eq!(edit.subject, "Subject");
        assert_eq!(edit.body, "line one\n line two\n");
    }

    #[test]
    fn a_file_without_a_subject_or_body_or_too_long_is_refused() {
        let id = Uuid::nil();
        for text in [
            "",
            "only a subject",
            "\n\nbody without a subject",
            "Subject\n\n \n",
        ] {
            let e = parse(id, text).unwrap_err();
            assert!(e.contains("the draft is unchanged"), "{text:?}: {e}");
        }
        let long = format!("{}\n\nbody\n", "s".repeat(301));
        assert!(parse(id, &long).unwrap_err().contains("at most 300"));
        let long = format!("Subject\n\n{}\n", "b".repeat(50_000));
        assert!(parse(id, &long).unwrap_err().contains("at most 50000"));
    }

    #[test]
    fn the_file_round_trips_a_draft_unchanged() {
        let draft = crate::tui::approvals_fixtures::draft(1, "thames-office", 5);
        let edit = parse(draft.id, &file_text(&draft)).unwrap();
        assert_eq!(
            (edit.subject.as_str(), edit.body.trim_end()),
            (draft.subject.as_str(), draft.body.trim_end())
        );
    }
}
