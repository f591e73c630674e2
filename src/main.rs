use clap::Parser;
use std::io::{BufWriter, IsTerminal, Write};

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
