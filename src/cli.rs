//! The command line: arguments, the choice of renderer and colours, and the exit status.
//! Writes only to the streams it is given.

use crate::baseline::{self, Baseline};
use crate::catalog::Catalog;
use crate::config::{Config, FailOn};
use crate::diagnostic::Direction;
use crate::lint::{self, FixMode, Options};
use crate::render::{human::Human, json::Json, Renderer};
use clap::{Parser, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Lint captured API payloads against their resource schemas and operations.
#[derive(Debug, Parser)]
#[command(
    name = "paylint",
    version,
    about,
    long_about = None,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or folders to check (folders are walked for the formats paylint reads); `-` reads
    /// NDJSON from standard input.
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

    /// Configuration file (default: paylint.toml in this folder or the nearest one above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Set a rule's level: RULE=error|warning|off. Repeatable; wins over the configuration.
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    pub rules: Vec<String>,

    /// Skip files matching this glob (relative to the configuration's folder). Repeatable.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Which findings make the exit status 1 (default: error, or the configuration's).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Report and fail only on findings not recorded in this baseline.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in a baseline file (then exit 0 unless paylint failed).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Apply the safe fixes in place (.json, .http, .md): @odata.type case or missing `#`, and
    /// near-miss field names with a single candidate. Writes atomically.
    #[arg(long)]
    pub fix: bool,

    /// With --fix: show the safe fixes as a diff and write nothing.
    #[arg(long, requires = "fix")]
    pub diff: bool,

    /// Worker threads (default: one per core). The output is the same for any number.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Check only the K-th of N shares of the files (by a hash of the path), to split a tree
    /// across N jobs with no overlap and no gap.
    #[arg(long, value_name = "K/N", value_parser = lint::Shard::parse)]
    pub shard: Option<lint::Shard>,

    /// The file name reports give standard input (`-`), e.g. the stream a chunk came from.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<PathBuf>,

    /// The line number of standard input's first line, so a chunk of a larger NDJSON stream
    /// reports the stream's line numbers (default 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub stdin_first_line: u64,

    /// Show counts of findings by rule.
    #[arg(long)]
    pub statistics: bool,

    /// Findings only: no summary, no diff.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Manpage,
    /// Run the language server (LSP over standard input and output), for editors.
    Server,
    /// Build or inspect the catalog of resources.
    Catalog {
        #[command(subcommand)]
        action: CatalogCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Turn OData CSDL metadata ($metadata XML) into a catalog folder: a schema per entity and
    /// complex type, and an index of their operations.
    Import {
        /// The CSDL (EDMX) XML file.
        #[arg(value_name = "METADATA")]
        metadata: PathBuf,
        /// The catalog folder to write (created; an earlier import there is replaced).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Responses require every Nullable="false" property, not only the key (for services
        /// that always send them; Graph does not: GET /me omits birthday unless selected).
        #[arg(long)]
        strict_responses: bool,
    },
    /// List the resources and operations the catalog knows.
    List {
        /// Catalog folders to add to the built-in catalog, as for linting. Repeatable.
        #[arg(long = "schemas", value_name = "DIR")]
        schemas: Vec<PathBuf>,
        /// Only resources whose name contains this text (case-insensitive).
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    /// One finding per line (the JSON report's diagnostic objects), for merging by concatenation.
    Jsonl,
    Sarif,
    Junit,
    Github,
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
    match &args.command {
        Some(Command::Completions { shell }) => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "paylint", out);
            return EXIT_CLEAN;
        }
        Some(Command::Manpage) => {
            let cmd = <Args as clap::CommandFactory>::command();
            return match clap_mangen::Man::new(cmd).render(out) {
                Ok(()) => EXIT_CLEAN,
                Err(e) => {
                    let _ = writeln!(err, "paylint: cannot write the manual page: {e}");
                    EXIT_TROUBLE
                }
            };
        }
        Some(Command::Server) => return crate::server::run(err),
        Some(Command::Catalog { action }) => {
            return match catalog_command(action, out) {
                Ok(()) => EXIT_CLEAN,
                Err(message) => {
                    let _ = writeln!(err, "paylint: {message}");
                    EXIT_TROUBLE
                }
            };
        }
        None => {}
    }
    match lint_with(args, term, out) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(err, "paylint: {message}");
            EXIT_TROUBLE
        }
    }
}

fn catalog_command(action: &CatalogCommand, out: &mut dyn Write) -> Result<(), String> {
    let write_error = |e: std::io::Error| format!("cannot write: {e}");
    match action {
        CatalogCommand::Import {
            metadata,
            out: dir,
            strict_responses,
        } => {
            let started = std::time::Instant::now();
            let file = std::fs::File::open(metadata)
                .map_err(|e| format!("cannot open {}: {e}", metadata.display()))?;
            let name = metadata.display().to_string();
            let stats = crate::catalog::import::import_into(
                std::io::BufReader::new(file),
                &name,
                crate::catalog::import::ImportOptions {
                    strict_responses: *strict_responses,
                },
                dir,
            )
            .map_err(|e| format!("cannot import {name}: {e}"))?;
            writeln!(
                out,
                "imported {name} into {}: {} entity types, {} complex types, {} enum types, \
                 {} operations, {} bytes in {:.2} s",
                dir.display(),
                stats.entity_types,
                stats.complex_types,
                stats.enum_types,
                stats.operations,
                stats.bytes_written,
                started.elapsed().as_secs_f64()
            )
            .map_err(write_error)?;
            writeln!(out, "lint with: paylint --schemas {} PATHS", dir.display())
                .map_err(write_error)
        }
        CatalogCommand::List { schemas, filter } => {
            let cwd = std::env::current_dir()
                .map_err(|e| format!("cannot read the working directory: {e}"))?;
            let config = Config::discover(None, &cwd).map_err(|e| e.to_string())?;
            let mut dirs = config.schemas.clone();
            dirs.extend(schemas.iter().cloned());
            let catalog = Catalog::load(&dirs).map_err(|e| e.to_string())?;
            let needle = filter.as_deref().map(str::to_ascii_lowercase);
            for r in catalog.resources() {
                if needle
                    .as_deref()
                    .is_some_and(|n| !r.name.to_ascii_lowercase().contains(n))
                {
                    continue;
                }
                let ty = r.odata_type.as_deref().unwrap_or("(no @odata.type)");
                writeln!(out, "{}  {ty}  ({})", r.name, r.source).map_err(write_error)?;
                for op in &r.operations {
                    writeln!(out, "    {:<6} {}", op.method, op.path).map_err(write_error)?;
                }
            }
            Ok(())
        }
    }
}

fn lint_with(args: Args, term: Terminal, out: &mut dyn Write) -> Result<i32, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let mut config = Config::discover(args.config.as_deref(), &cwd).map_err(|e| e.to_string())?;
    for spec in &args.rules {
        config.set_rule(spec)?;
    }
    config.add_excludes(&args.excludes)?;
    if let Some(f) = args.fail_on {
        config.fail_on = f;
    }
    // Folders from the command line come last, so their files win.
    let mut schema_dirs = config.schemas.clone();
    schema_dirs.extend(args.schemas.iter().cloned());
    // Kept to the end of the process, never dropped: freeing an imported catalog's thousands of
    // resources and operations cost more than a small run's checks (this runs once per process).
    let catalog: &Catalog = Box::leak(Box::new(
        Catalog::load(&schema_dirs).map_err(|e| e.to_string())?,
    ));
    let mut baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => term.stdout_is_tty && !term.no_color,
    };
    let show_diff = !args.no_diff && !args.quiet;
    let mut renderer: Box<dyn Renderer> = match args.format {
        OutputFormat::Human => Box::new(Human {
            color,
            show_diff,
            quiet: args.quiet,
            statistics: args.statistics,
        }),
        OutputFormat::Json => Box::new(Json::new(args.statistics)),
        OutputFormat::Jsonl => Box::new(crate::render::jsonl::JsonLines),
        OutputFormat::Sarif => Box::new(crate::render::sarif::Sarif::new()),
        OutputFormat::Junit => Box::new(crate::render::junit::Junit::new()),
        OutputFormat::Github => Box::new(crate::render::github::Github::new()),
    };
    let fix = match (args.fix, args.diff) {
        (false, _) => FixMode::Off,
        (true, false) => FixMode::Apply,
        (true, true) => FixMode::Diff,
    };
    let fail_on = config.fail_on;
    let options = Options {
        paths: args.paths,
        resource: args.resource,
        direction: args.direction,
        conformant: args.format == OutputFormat::Human && show_diff,
        max_file_size: args.max_file_size,
        config,
        fix,
        threads: args
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
        shard: args.shard.unwrap_or_default(),
        stdin_name: args.stdin_name,
        stdin_first_line: args.stdin_first_line as usize,
    };
    let plan = lint::Plan::new(&options, catalog).map_err(|e| e.to_string())?;
    let write_error = |e: std::io::Error| format!("cannot write the report: {e}");
    renderer.start(out).map_err(write_error)?;
    let mut recorded: Vec<baseline::Entry> = Vec::new();
    let recording = args.write_baseline.is_some();
    let summary = plan
        .run(baseline.as_mut(), &mut |report| {
            if recording {
                // All current findings, those a baseline suppressed included.
                let all = if report.suppressed.is_empty() {
                    &report.diagnostics
                } else {
                    &report.suppressed
                };
                recorded.extend(all.iter().map(|d| baseline::Entry::new(&report.path, d)));
            }
            renderer.file(out, &report)
        })
        .map_err(|e| e.to_string())?;
    renderer
        .finish(out, &summary)
        .and_then(|_| out.flush())
        .map_err(write_error)?;
    if let Some(path) = &args.write_baseline {
        baseline::write(path, recorded)?;
        if summary.internal_errors == 0 {
            return Ok(EXIT_CLEAN);
        }
    }
    Ok(if summary.internal_errors > 0 {
        EXIT_TROUBLE
    } else if summary.errors > 0 || (fail_on == FailOn::Warning && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}
