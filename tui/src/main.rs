use std::process::ExitCode;

use clap::Parser;
use procura_tui::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    let _log_guard = procura_tui::logging::init(args.command.is_none());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("procura: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match args.command {
            None => procura_tui::tui::run(cli_socket(&args.socket))
                .await
                .map(|()| 0),
            Some(command) => cli::run(args.socket, command).await,
        }
    });
    match outcome {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            eprintln!("procura: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn cli_socket(explicit: &Option<std::path::PathBuf>) -> std::path::PathBuf {
    procura_common::transport::client_socket_path(explicit.as_deref())
}
