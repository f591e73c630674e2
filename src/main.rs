use clap::Parser;
use paylint::cli::{self, Status};
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
    };
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let outcome = cli::run(args, term, &mut out);
    let _ = out.flush();
    // The exit statuses, in one place.
    let code = match outcome {
        Ok(Status::Clean) => 0,
        Ok(Status::Findings) => 1,
        Ok(Status::Trouble) => 2,
        // The reader closed the output (`paylint ... | head`): it has what it wanted, and the
        // findings decided nothing.
        Err(e) if e.is_closed_output() => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "paylint: {e}");
            2
        }
    };
    std::process::exit(code);
}
