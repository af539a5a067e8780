use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use procura_daemon::config::Config;

/// procurad: the Procura agent daemon. Runs in the foreground; ready once
/// its socket answers.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// TOML configuration file.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the private database and files
    /// (default: $XDG_STATE_HOME/procura).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// Unix socket to listen on (default: $XDG_RUNTIME_DIR/procura/procurad.sock).
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Serve the demo shops on loopback and use them as the sources.
    #[arg(long)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Run the product extractor on saved pages and print one JSON object
    /// per line (no daemon, no network).
    Extract(procura_extract::cli::ExtractArgs),
    /// Rebuild the search index (vectors) from Postgres, the source of
    /// truth. With Qdrant Edge (the default) stop procurad first.
    Reindex,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(Command::Extract(extract)) = &args.command {
        let _stderr_only = procura_daemon::logging::init(None);
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        return procura_extract::cli::run(extract, &mut out);
    }
    let mut config = Config::load(args.config.as_deref()).context("loading configuration")?;
    if let Some(dir) = args.state_dir {
        config.state_dir = dir;
    }
    if let Some(socket) = args.socket {
        config.socket = socket;
    }
    if args.demo {
        config.demo = true;
    }
    let logs_dir = config.logs.directory(&config.state_dir);
    let _log_files = procura_daemon::logging::init(Some((&logs_dir, config.logs.keep_days)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("procurad")
        .build()
        .context("starting the async runtime")?;
    if let Some(Command::Reindex) = &args.command {
        let timings = runtime
            .block_on(procura_daemon::reindex(config))
            .context("procurad reindex failed")?;
        println!("{timings}");
        return Ok(());
    }
    runtime
        .block_on(procura_daemon::run(config))
        .context("procurad failed")
}
