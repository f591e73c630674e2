use clap::Parser;
use std::io::{BufWriter, IsTerminal, Write};

/// Checking a file allocates many small strings and frees them soon after; mimalloc's per-thread
/// free lists make that a fraction of the system allocator's cost (measured with callgrind).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = paylint::cli::Args::parse();
    let stdout = std::io::stdout();
    let term = paylint::cli::Terminal {
        stdout_is_tty: stdout.is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
    };
    let mut out = BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut err = std::io::stderr().lock();
    let code = paylint::cli::run(args, term, &mut out, &mut err);
    let _ = out.flush();
    std::process::exit(code);
}
