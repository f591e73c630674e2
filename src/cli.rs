//! The command line: arguments, the choice of renderer and colours, and the exit status.
//! Writes only to the streams it is given.

use crate::catalog::Catalog;
use crate::diagnostic::Direction;
use crate::lint::{self, Options};
use crate::render::{human::Human, json::Json, Renderer};
use clap::{Parser, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Lint captured API payloads against their resource schemas and operations.
#[derive(Debug, Parser)]
#[command(name = "paylint", version, about, long_about = None)]
pub struct Args {
    /// Files or folders to check (folders are walked for .json files).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,

    /// Check every body as this catalog resource (by name).
    #[arg(long, value_name = "NAME")]
    pub resource: Option<String>,

    /// The direction of bare bodies: adds that direction's rules (required properties,
    /// read-only properties in requests). Without it only rules that hold both ways apply.
    #[arg(long, value_enum)]
    pub direction: Option<Direction>,

    /// Extra catalog folder (NAME.schema.json, NAME.operations.json); a file replaces the
    /// built-in one of the same name. Repeatable.
    #[arg(long = "schemas", value_name = "DIR")]
    pub schemas: Vec<PathBuf>,

    /// Do not show the diff towards a conformant payload.
    #[arg(long)]
    pub no_diff: bool,

    /// When to use colours (`auto` honours NO_COLOR and whether stdout is a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Files larger than this many bytes are reported and not read.
    #[arg(long, default_value_t = 64 * 1024 * 1024, value_name = "BYTES")]
    pub max_file_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Exit statuses.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;

/// The environment the run sees: whether stdout is a terminal and whether NO_COLOR is set.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout_is_tty: bool,
    pub no_color: bool,
}

/// Runs paylint with parsed arguments; returns the exit status.
pub fn run(args: Args, term: Terminal, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let catalog = match Catalog::load(&args.schemas) {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(err, "paylint: {e}");
            return EXIT_TROUBLE;
        }
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => term.stdout_is_tty && !term.no_color,
    };
    let mut renderer: Box<dyn Renderer> = match args.format {
        OutputFormat::Human => Box::new(Human {
            color,
            show_diff: !args.no_diff,
        }),
        OutputFormat::Json => Box::<Json>::default(),
    };
    let options = Options {
        paths: args.paths,
        resource: args.resource,
        direction: args.direction,
        conformant: args.format == OutputFormat::Human && !args.no_diff,
        max_file_size: args.max_file_size,
    };
    let plan = match lint::Plan::new(&options, &catalog) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(err, "paylint: {e}");
            return EXIT_TROUBLE;
        }
    };
    if let Err(e) = renderer.start(out) {
        let _ = writeln!(err, "paylint: cannot write the report: {e}");
        return EXIT_TROUBLE;
    }
    let result = plan.run(&mut |report| renderer.file(out, &report));
    let summary = match result {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(err, "paylint: {e}");
            return EXIT_TROUBLE;
        }
    };
    if let Err(e) = renderer.finish(out, &summary).and_then(|_| out.flush()) {
        let _ = writeln!(err, "paylint: cannot write the report: {e}");
        return EXIT_TROUBLE;
    }
    if summary.internal_errors > 0 {
        let _ = writeln!(
            err,
            "paylint: failed on {} file(s); see the internal-error findings",
            summary.internal_errors
        );
        EXIT_TROUBLE
    } else if summary.errors > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}
