//! The `paylint` binary: parses the arguments, runs [`paylint::cli::run`] on stdout, prints
//! the error if there is one and exits with the status of the outcome. Everything else is the
//! library's.

use clap::Parser;
use paylint::cli;
use std::io::{BufWriter, IsTerminal, Write};

/// Checking a file allocates many small strings and frees them soon after; mimalloc's per-thread
/// free lists make that a fraction of the system allocator's cost (measured with callgrind).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = cli::Args::parse();
    let stdout = std::io::stdout();
    let term = cli::Terminal {
        stdout_is_tty: stdout.is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        github_step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from),
    };
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let outcome = cli::run_noting(args, term, &mut out, &mut std::io::stderr());
    let _ = out.flush();
    match &outcome {
        // A closed output ends the run quietly: its reader has what it wanted.
        Err(e) if !e.is_closed_output() => {
            let _ = writeln!(std::io::stderr(), "paylint: {e}");
        }
        _ => {}
    }
    std::process::exit(cli::exit_status(&outcome));
}
