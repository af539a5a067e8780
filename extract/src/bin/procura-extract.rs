//! `procura-extract [--url URL] [--jobs N] FILE…`: the extractor over saved
//! pages, one JSON line per page (the same code as `procurad extract`).

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "procura-extract",
    about = "Extract products from saved HTML pages"
)]
struct Cli {
    #[command(flatten)]
    args: procura_extract::cli::ExtractArgs,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match procura_extract::cli::run(&cli.args, &mut out) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("procura-extract: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
