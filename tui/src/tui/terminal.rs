//! Taking over the terminal and giving it back, even on a panic.

use std::io::{self, Write};
use std::panic::{self, PanicHookInfo};
use std::sync::Arc;

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Sync + Send + 'static>;

/// Puts the terminal back: cooked mode, main screen, visible cursor.
/// Safe to call more than once.
pub fn restore_terminal() -> io::Result<()> {
    let raw = disable_raw_mode();
    let mut out = io::stdout();
    let screen = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = out.flush();
    raw.and(screen)
}

/// While it lives, the terminal is in raw mode on the alternate screen and
/// a panic restores it before the panic message is printed. Dropping it (or
/// [`TerminalGuard::restore`]) gives the terminal back and reinstates the
/// previous panic hook.
pub struct TerminalGuard {
    active: bool,
    previous_hook: Option<Arc<Hook>>,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        let previous: Arc<Hook> = Arc::new(panic::take_hook());
        let chained = Arc::clone(&previous);
        panic::set_hook(Box::new(move |info| {
            let _ = restore_terminal();
            chained(info);
        }));
        let mut guard = TerminalGuard {
            active: true,
            previous_hook: Some(previous),
        };
        if let Err(e) = enable_raw_mode()
            .and_then(|()| execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste))
        {
            let _ = guard.restore();
            return Err(e);
        }
        Ok(guard)
    }

    /// Hands the terminal back for a while (to run the operator's editor
    /// in it), keeping the panic hook; [`TerminalGuard::resume`] takes it
    /// again.
    pub fn suspend(&mut self) -> io::Result<()> {
        if !self.active {
            return Ok(());
        }
        restore_terminal()
    }

    /// Raw mode and the alternate screen again, after
    /// [`TerminalGuard::suspend`].
    pub fn resume(&mut self) -> io::Result<()> {
        if !self.active {
            return Ok(());
        }
        enable_raw_mode()
            .and_then(|()| execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste))
    }

    pub fn restore(&mut self) -> io::Result<()> {
        if let Some(previous) = self.previous_hook.take() {
            let _ours = panic::take_hook();
            panic::set_hook(Box::new(move |info| previous(info)));
        }
        if !self.active {
            return Ok(());
        }
        self.active = false;
        restore_terminal()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Err(e) = self.restore() {
            tracing::warn!(error = %e, "could not restore the terminal");
        }
    }
}
