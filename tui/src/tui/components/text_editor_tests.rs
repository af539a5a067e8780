//! The multi-line editor on its own: editing, joins, multi-byte and wide
//! characters, wrapping and the cursor's row.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{TextEditor, rows};
use crate::tui::theme::Theme;

fn press(e: &mut TextEditor, code: KeyCode) -> bool {
    e.handle_key(KeyEvent::from(code))
}

fn type_str(e: &mut TextEditor, s: &str) {
    for c in s.chars() {
        if c == '\n' {
            press(e, KeyCode::Enter);
        } else {
            press(e, KeyCode::Char(c));
        }
    }
}

/// The editor drawn in `width` × `height` cells, focused, one string a row.
fn drawn(e: &TextEditor, width: u16, height: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(width, height)).unwrap();
    t.draw(|f| e.draw(f, f.area(), true, Theme::new(false)))
        .unwrap();
    let buf = t.backend().buffer().clone();
    (0..height)
        .map(|y| {
            // As TestBackend prints it: a wide character hides the cell
            // after it.
            let (mut row, mut hidden) = (String::new(), 0);
            for x in 0..width {
                let symbol = buf[(x, y)].symbol();
                if hidden == 0 {
                    row.push_str(symbol);
                }
                hidden = ratatui::text::Span::raw(symbol)
                    .width()
                    .max(hidden)
                    .saturating_sub(1);
            }
            row
        })
        .collect()
}

#[test]
fn typing_enter_and_the_arrows_edit_in_place() {
    let mut e = TextEditor::new("", 1000);
    type_str(&mut e, "Hello,\nbest price?");
    assert_eq!(e.text(), "Hello,\nbest price?");
    assert_eq!(e.cursor(), (1, 11));
    press(&mut e, KeyCode::Home);
    press(&mut e, KeyCode::Up);
    press(&mut e, KeyCode::End);
    type_str(&mut e, " team");
    assert_eq!(e.text(), "Hello, team\nbest price?");
    // Enter in the middle of a line splits it.
    press(&mut e, KeyCode::Left);
    press(&mut e, KeyCode::Left);
    press(&mut e, KeyCode::Enter);
    assert_eq!(e.text(), "Hello, te\nam\nbest price?");
    assert_eq!(e.cursor(), (1, 0));
    // Right at a line's end goes to the next line's start, Left back.
    press(&mut e, KeyCode::End);
    press(&mut e, KeyCode::Right);
    assert_eq!(e.cursor(), (2, 0));
    press(&mut e, KeyCode::Left);
    assert_eq!(e.cursor(), (1, 2));
    assert!(
        !press(&mut e, KeyCode::Tab),
        "Tab is the form's, not the editor's"
    );
    assert!(!e.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    assert_eq!(
        e.text(),
        "Hello, te\nam\nbest price?",
        "Ctrl-S types nothing"
    );
}

#[test]
fn backspace_and_delete_join_lines_at_their_ends() {
    let mut e = TextEditor::new("one\ntwo\nthree", 1000);
    // Backspace at the start of a line joins it to the one above.
    press(&mut e, KeyCode::Down);
    press(&mut e, KeyCode::Home);
    press(&mut e, KeyCode::Backspace);
    assert_eq!(e.text(), "onetwo\nthree");
    assert_eq!(e.cursor(), (0, 3));
    // Delete at the end of a line joins the next one to it.
    press(&mut e, KeyCode::End);
    press(&mut e, KeyCode::Delete);
    assert_eq!(e.text(), "onetwothree");
    assert_eq!(e.cursor(), (0, 6));
    // Nothing before the start or after the end.
    press(&mut e, KeyCode::End);
    press(&mut e, KeyCode::Delete);
    e.handle_key(KeyEvent::new(KeyCode::Home, KeyModifiers::CONTROL));
    press(&mut e, KeyCode::Backspace);
    assert_eq!(e.text(), "onetwothree");
    press(&mut e, KeyCode::Delete);
    assert_eq!(e.text(), "netwothree");
}

#[test]
fn the_cursor_moves_by_characters_not_bytes() {
    // é is 2 bytes, € 3, 😀 4 and two cells wide, 中 3 and two cells.
    let mut e = TextEditor::new("é€😀中", 1000);
    press(&mut e, KeyCode::End);
    assert_eq!(e.cursor(), (0, 4));
    press(&mut e, KeyCode::Left);
    press(&mut e, KeyCode::Left);
    type_str(&mut e, "x");
    assert_eq!(e.text(), "é€x😀中");
    press(&mut e, KeyCode::Backspace);
    press(&mut e, KeyCode::Backspace);
    assert_eq!(e.text(), "é😀中");
    press(&mut e, KeyCode::Delete);
    assert_eq!(e.text(), "é中");
    press(&mut e, KeyCode::Enter);
    assert_eq!(e.text(), "é\n中");
    // Drawn, the cursor sits on the wide character, which takes two cells.
    let e = TextEditor::new("a😀b", 100);
    let mut e2 = e.clone();
    press(&mut e2, KeyCode::Right);
    assert_eq!(drawn(&e2, 6, 1), vec!["a😀b  "]);
}

#[test]
fn long_lines_wrap_at_spaces_and_up_down_move_by_row() {
    assert_eq!(rows("", 10), vec![(0, 0)]);
    assert_eq!(
        rows("best price for twelve", 10),
        vec![(0, 5), (5, 15), (15, 21)]
    );
    // A word longer than a row is cut; a full last row gets an empty one
    // after it for the cursor.
    assert_eq!(rows("abcdefghijkl", 5), vec![(0, 5), (5, 10), (10, 12)]);
    assert_eq!(rows("abcde", 5), vec![(0, 5), (5, 5)]);
    // Wide characters count two cells and are never split.
    assert_eq!(rows("中文中文中", 4), vec![(0, 2), (2, 4), (4, 5)]);

    let mut e = TextEditor::new("best price for twelve\nok", 1000);
    assert_eq!(
        drawn(&e, 10, 4),
        vec!["best      ", "price for ", "twelve    ", "ok        "]
    );
    // Down keeps the cell it aims for across rows of the same line.
    press(&mut e, KeyCode::Right);
    press(&mut e, KeyCode::Right);
    press(&mut e, KeyCode::Down);
    assert_eq!(e.cursor(), (0, 7));
    press(&mut e, KeyCode::Down);
    assert_eq!(e.cursor(), (0, 17));
    // A short row: the end of it, then the aim comes back.
    press(&mut e, KeyCode::Down);
    assert_eq!(e.cursor(), (1, 2));
    press(&mut e, KeyCode::Up);
    assert_eq!(e.cursor(), (0, 17));
    press(&mut e, KeyCode::PageUp);
    assert_eq!(e.cursor(), (0, 2));
}

#[test]
fn the_view_scrolls_to_the_cursor() {
    let text: Vec<String> = (1..=10).map(|n| format!("line {n}")).collect();
    let mut e = TextEditor::new(&text.join("\n"), 1000);
    assert_eq!(drawn(&e, 8, 3), vec!["line 1  ", "line 2  ", "line 3  "]);
    press(&mut e, KeyCode::PageDown);
    press(&mut e, KeyCode::PageDown);
    assert_eq!(e.cursor(), (6, 0));
    assert_eq!(drawn(&e, 8, 3), vec!["line 5  ", "line 6  ", "line 7  "]);
    e.handle_key(KeyEvent::new(KeyCode::End, KeyModifiers::CONTROL));
    assert_eq!(e.cursor(), (9, 7));
    assert_eq!(drawn(&e, 8, 3), vec!["line 8  ", "line 9  ", "line 10 "]);
}

#[test]
fn paste_keeps_lines_and_drops_escapes_and_limits_hold() {
    let mut e = TextEditor::new("", 12);
    assert!(e.insert("a\u{1b}[31mb\r\nc\td"));
    assert_eq!(e.text(), "ab\nc d");
    assert!(!e.insert("0123456789"), "only 6 more fit");
    assert_eq!(e.char_count(), 12);
    assert_eq!(e.text(), "ab\nc d012345");
    press(&mut e, KeyCode::Enter);
    press(&mut e, KeyCode::Char('x'));
    assert_eq!(
        e.text(),
        "ab\nc d012345",
        "full: neither a line nor a letter"
    );
    let long = TextEditor::new("abcdef", 3);
    assert_eq!(long.text(), "abc");
}
