//! `procura`'s terminal UI.
//!
//! The model is gitui's: [`App`] is pure state that draws into any ratatui
//! backend and turns keys into [`Action`]s; the [`network`] worker owns the
//! connection to `procurad` and reports [`Update`]s; the event loop in
//! [`event_loop`] multiplexes terminal events, updates and a clock tick,
//! and redraws only when something changed. Nothing is ever printed: the
//! caller sends `tracing` to a file. Editing a draft in `$EDITOR` leaves
//! the loop for [`run`] to lend the terminal out ([`external_editor`]).
//!
//! Product screenshots are drawn with the terminal's graphics protocol
//! (kitty, sixel or iTerm2), found by querying the terminal at start-up
//! ([`graphics`]), or in half-blocks where it has none or does not answer
//! within a second (plain SSH, tmux without passthrough).
//! `PROCURA_TUI_IMAGES=halfblocks` skips the query; `kitty`, `sixel` or
//! `iterm2` forces a protocol.

pub mod app;
pub mod components;
pub mod external_editor;
pub mod format;
pub mod graphics;
pub mod msg;
pub mod network;
pub mod sanitize;
pub mod terminal;
pub mod theme;
pub mod usage_text;

#[cfg(test)]
mod app_approvals_tests;
#[cfg(test)]
mod app_negotiations_tests;
#[cfg(test)]
mod app_products_tests;
#[cfg(test)]
mod app_rank_tests;
#[cfg(test)]
mod app_tests;
#[cfg(test)]
mod approvals_fixtures;
#[cfg(test)]
mod approvals_snapshot_tests;
#[cfg(test)]
mod negotiations_fixtures;
#[cfg(test)]
mod negotiations_snapshot_tests;
#[cfg(test)]
mod network_negotiations_tests;
#[cfg(test)]
mod network_products_tests;
#[cfg(test)]
mod network_rank_tests;
#[cfg(test)]
mod network_tests;
#[cfg(test)]
mod product_snapshot_tests;
#[cfg(test)]
mod rank_fixtures;
#[cfg(test)]
mod rank_snapshot_tests;
#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod usage_snapshot_tests;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Local, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::{Stream, StreamExt};
use procura_common::negotiation::Approval;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};

pub use app::{App, Screen};
pub use msg::{Action, ActionKind, Update};

use network::{NetConfig, run_worker};
use terminal::TerminalGuard;
use theme::Theme;

/// How often the clock is checked (ages and the retry countdown).
const TICK: Duration = Duration::from_millis(250);

/// Runs the terminal UI against the daemon at `socket_path` until the
/// operator quits. It reconnects by itself whenever the daemon goes away.
///
/// It takes over the terminal (raw mode, alternate screen) and gives it
/// back on return, on error and on panic. Call it on a multi-threaded
/// tokio runtime; [`run_blocking`] brings its own.
pub async fn run(socket_path: PathBuf) -> anyhow::Result<()> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        bail!("the procura terminal UI needs a terminal; use the CLI subcommands in scripts");
    }
    let offset = *Local::now().offset();
    let mut app = App::new(&socket_path, Theme::from_env(), Utc::now(), offset);
    let (action_tx, action_rx) = mpsc::unbounded_channel();
    let (update_tx, mut update_rx) = mpsc::unbounded_channel();
    // The signal task holds a weak sender so that, the worker gone, the
    // channel closes and the loop notices.
    let signals = tokio::spawn(forward_signals(update_tx.downgrade()));
    let worker = tokio::spawn(run_worker(
        NetConfig::new(socket_path),
        action_rx,
        update_tx,
    ));

    let mut guard = TerminalGuard::enter().context("setting up the terminal")?;
    let picker = tokio::task::spawn_blocking(graphics::detect)
        .await
        .unwrap_or_else(|_| Picker::halfblocks());
    app.set_picker(picker);
    let result = async {
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))
            .context("setting up the terminal")?;
        terminal.clear().context("clearing the terminal")?;
        loop {
            // A fresh event stream each time: the old one is dropped when
            // the loop returns, so nothing reads the keys meant for the
            // editor.
            let exit = event_loop(
                &mut terminal,
                &mut app,
                EventStream::new(),
                &mut update_rx,
                &action_tx,
                Utc::now,
            )
            .await?;
            let LoopExit::EditDraft(draft) = exit else {
                return Ok(());
            };
            guard
                .suspend()
                .context("handing the terminal to the editor")?;
            let sent = (*draft).clone();
            let edited = tokio::task::spawn_blocking(move || external_editor::edit(&sent))
                .await
                .unwrap_or_else(|e| Err(format!("the editor task failed: {e}")));
            guard.resume().context("taking the terminal back")?;
            // The editor drew over the screen and showed the cursor: draw
            // everything again, and hide the cursor ratatui thinks hidden.
            terminal.clear().context("clearing the terminal")?;
            terminal.hide_cursor().context("hiding the cursor")?;
            for action in app.edited_externally(&draft, edited) {
                if action_tx.send(action).is_err() {
                    bail!("the network worker stopped");
                }
            }
        }
    }
    .await;
    worker.abort();
    signals.abort();
    let restored = guard.restore().context("restoring the terminal");
    result.and(restored)
}

/// [`run`] on a tokio runtime of its own, for a caller without one.
pub fn run_blocking(socket_path: PathBuf) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("procura-tui")
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(run(socket_path));
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

/// Turns SIGTERM and SIGHUP into a clean exit, so the terminal is restored.
async fn forward_signals(updates: WeakUnboundedSender<Update>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::warn!("cannot listen for SIGTERM/SIGHUP");
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
    if let Some(updates) = updates.upgrade() {
        let _ = updates.send(Update::Terminate);
    }
}

/// Why [`event_loop`] returned.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopExit {
    /// [`Action::Quit`], or the terminal events ended.
    Quit,
    /// [`Action::EditInEditor`]: the caller, which owns the terminal, runs
    /// the editor on this draft and calls the loop again.
    EditDraft(Box<Approval>),
}

/// The loop behind [`run`], generic over the backend and the source of
/// terminal events so tests can drive it: it draws, then waits for a key,
/// an update or a clock tick, until a [`Action::Quit`] or
/// [`Action::EditInEditor`], the end of the events, or the worker's end
/// (an error).
pub async fn event_loop<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut events: S,
    updates: &mut UnboundedReceiver<Update>,
    actions: &UnboundedSender<Action>,
    clock: impl Fn() -> DateTime<Utc>,
) -> anyhow::Result<LoopExit>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| app.draw(f)).context("drawing")?;
            dirty = false;
        }
        let out = tokio::select! {
            ev = events.next() => match ev {
                None => return Ok(LoopExit::Quit),
                Some(Err(e)) => return Err(e).context("reading the terminal"),
                Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => {
                    dirty = true;
                    app.handle_key(k)
                }
                Some(Ok(Event::Paste(text))) => {
                    dirty = true;
                    app.handle_paste(&text)
                }
                Some(Ok(Event::Resize(..))) => {
                    dirty = true;
                    Vec::new()
                }
                Some(Ok(_)) => Vec::new(),
            },
            up = updates.recv() => {
                let Some(up) = up else {
                    bail!("the network worker stopped");
                };
                dirty = true;
                let mut out = app.apply(up);
                // Fold in whatever else is waiting before drawing once.
                while let Ok(up) = updates.try_recv() {
                    out.extend(app.apply(up));
                }
                out
            },
            _ = tick.tick() => {
                dirty |= app.tick(clock());
                Vec::new()
            },
        };
        let mut edit = None;
        for action in out {
            match action {
                Action::Quit => return Ok(LoopExit::Quit),
                Action::EditInEditor(draft) => edit = Some(draft),
                action => {
                    tracing::debug!(?action, "action");
                    if actions.send(action).is_err() {
                        bail!("the network worker stopped");
                    }
                }
            }
        }
        if let Some(draft) = edit {
            return Ok(LoopExit::EditDraft(draft));
        }
    }
}
