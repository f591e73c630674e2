//! The command line: arguments, the configuration they merge into, the choice of renderer and
//! colours, and how the run ended ([`Status`], or a [`CliError`]). Writes only to the stream it
//! is given; `main` maps the outcome to an exit status.

use crate::baseline::{self, Baseline, BaselineError};
use crate::catalog::{Catalog, CatalogError};
use crate::config::{Config, ConfigError, FailOn, SettingError};
use crate::direction::Direction;
use crate::engine::{self, FixMode, Options, RunError};
use crate::render::{human::Human, json::Json, Renderer};
use clap::{Parser, ValueEnum};
use std::fmt;
use std::io::Write;
use std::path::PathBuf;

mod catalog_command;

/// What each exit status means: `--help` and the manual page's EXIT STATUS.
macro_rules! exit_status_text {
    () => {
        "  0  nothing fails the run: no error finding (with --fail-on warning no warning either;
     with --exit-zero findings of any severity)
  1  at least one finding fails the run
  2  paylint could not do its job: bad arguments, a bad configuration, a path that does not
     exist, a bad catalog or metadata, an internal-error on some file, or no payload found at
     all (a gate pointed at the wrong folder; --allow-empty where that is expected)
"
    };
}

/// Typical runs: `--help` and the manual page's EXAMPLES.
macro_rules! examples_text {
    () => {
        "  paylint captures/                          lint a folder (exit 1 on error findings)
  paylint body.json --resource ProvisionPolicyAssignmentItem --direction request
  paylint captures/ --statistics             the findings, then counts by rule
  paylint - --format jsonl < captures.ndjson NDJSON on standard input, a finding per line
  paylint captures/ --format github          annotations, and a job summary in GitHub Actions
  paylint captures/ --format sarif > paylint.sarif || [ $? -eq 1 ]
                                             SARIF for code scanning: findings pass, 2 fails
  paylint captures/ --format junit > paylint-junit.xml
  paylint captures/ --write-baseline base.json, then paylint captures/ --baseline base.json
                                             fail only on findings not in the baseline
  paylint --fix --diff captures/             show the safe fixes; --fix alone writes them
"
    };
}

/// Lint captured API payloads against their resource schemas and operations.
#[derive(Debug, Parser)]
#[command(
    name = "paylint",
    version,
    about,
    long_about = None,
    after_long_help = concat!(
        "Exit status:\n",
        exit_status_text!(),
        "\nExamples:\n",
        examples_text!()
    ),
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
    pub direction: Option<DirectionArg>,

    /// Extra catalog folder (NAME.schema.json, NAME.operations.json); a file replaces the
    /// built-in one of the same name. Repeatable.
    #[arg(long = "schemas", value_name = "DIR")]
    pub schemas: Vec<PathBuf>,

    /// OData metadata (CSDL XML, `$metadata`; V4, V2 or V3) to check messages against: URLs are
    /// resolved against its model. The compiled model is cached by content hash.
    #[arg(long, value_name = "FILE")]
    pub metadata: Option<PathBuf>,

    /// A service root URLs start with (`/v1.0`, `https://host/odata/v4`); repeatable. Without
    /// one, leading segments that name nothing in the model are taken as the root.
    #[arg(long = "service-root", value_name = "URL")]
    pub service_roots: Vec<String>,

    /// Names in the metadata that resolve to nothing are warnings (their values are not
    /// checked), not errors.
    #[arg(long)]
    pub allow_unresolved: bool,

    /// Do not read or write the cache of compiled metadata.
    #[arg(long)]
    pub no_cache: bool,

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
    pub fail_on: Option<FailOnArg>,

    /// Exit 0 even with findings (`--fail-on never`); 2 still means paylint could not do its
    /// job.
    #[arg(long, conflicts_with = "fail_on")]
    pub exit_zero: bool,

    /// A run that finds no payload at all exits 0, not 2 (for callers that may run on nothing:
    /// a hook on files without payloads, a chunk of blank lines).
    #[arg(long)]
    pub allow_empty: bool,

    /// Read no configuration file: the defaults and the command line only.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,

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
    #[arg(long, value_name = "K/N", value_parser = engine::Shard::parse)]
    pub shard: Option<engine::Shard>,

    /// The file name reports give standard input (`-`), e.g. the stream a chunk came from.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<PathBuf>,

    /// The line number of standard input's first line, so a chunk of a larger NDJSON stream
    /// reports the stream's line numbers (default 1).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub stdin_first_line: u64,

    /// The index (from 0) of standard input's first payload, so a chunk of a larger NDJSON
    /// stream reports the stream's payload numbers (default 0).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub stdin_first_payload: u64,

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
        /// Names that resolve to nothing (a misspelt type, a namespace not in the document) are
        /// warnings, printed, and accept any value; without it they are errors.
        #[arg(long)]
        allow_unresolved: bool,
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

/// `--direction`: the command line's spelling of a [`Direction`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    Request,
    Response,
}

impl From<DirectionArg> for Direction {
    fn from(arg: DirectionArg) -> Direction {
        match arg {
            DirectionArg::Request => Direction::Request,
            DirectionArg::Response => Direction::Response,
        }
    }
}

/// `--fail-on`: the command line's spelling of a [`FailOn`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    Error,
    Warning,
    // No finding makes the exit status 1 (as `--exit-zero`).
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl Args {
    /// What the engine is to check and how, with `config` (the configuration file's policy,
    /// with the command line's levels and excludes merged in).
    pub fn options(&self, config: Config) -> Options {
        let fix = match (self.fix, self.diff) {
            (false, _) => FixMode::Off,
            (true, false) => FixMode::Apply,
            (true, true) => FixMode::Diff,
        };
        let show_diff = !self.no_diff && !self.quiet;
        Options {
            paths: self.paths.clone(),
            resource: self.resource.clone(),
            direction: self.direction.map(Direction::from),
            conformant: self.format == OutputFormat::Human && show_diff,
            max_file_size: self.max_file_size,
            config,
            fix,
            threads: self
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            shard: self.shard.unwrap_or_default(),
            stdin_name: self.stdin_name.clone(),
            stdin_first_line: self.stdin_first_line as usize,
            stdin_first_payload: self.stdin_first_payload as usize,
            service: None,
        }
    }
}

/// How a run ended, when paylint did its job (`main` maps it to the exit status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No finding that fails the run (exit 0).
    Clean,
    /// At least one finding that fails the run (exit 1).
    Findings,
    /// paylint itself failed on some file (`internal-error`); the others were checked (exit 2).
    Trouble,
}

/// The exit status of a run: 0 when it found nothing that fails it (or its reader closed the
/// output: the findings decided nothing), 1 with such findings, 2 when paylint could not do its
/// job (then `main` prints why).
pub fn exit_status(outcome: &Result<Status, CliError>) -> i32 {
    match outcome {
        Ok(Status::Clean) => 0,
        Ok(Status::Findings) => 1,
        Ok(Status::Trouble) => 2,
        Err(e) if e.is_closed_output() => 0,
        Err(_) => 2,
    }
}

/// Why paylint could not do its job (exit 2), or could not report it (a closed output).
#[derive(Debug)]
pub enum CliError {
    /// The working directory cannot be read.
    WorkingDirectory(std::io::Error),
    Config(ConfigError),
    /// A `--rule` or `--exclude` that cannot be used.
    Setting(SettingError),
    Catalog(CatalogError),
    /// `--metadata` cannot be read or is not valid metadata.
    Metadata(crate::odata::cache::LoadError),
    Baseline(BaselineError),
    Run(RunError),
    /// The report cannot be written.
    Report(std::io::Error),
    /// `catalog import`: the metadata cannot be opened, or imported.
    Open {
        path: PathBuf,
        error: std::io::Error,
    },
    Import {
        name: String,
        message: String,
    },
    /// The run found no payload at all (and no finding) in `paths`, which held `files` files
    /// of a format paylint reads: a gate pointed at the wrong folder. `--allow-empty` lets it
    /// pass.
    NothingChecked {
        paths: Vec<PathBuf>,
        files: usize,
    },
    /// A subcommand's output cannot be written.
    Write(std::io::Error),
    Manpage(std::io::Error),
}

impl CliError {
    /// The output was closed by its reader (`paylint ... | head`): not a failure of paylint,
    /// and nothing is left to say.
    pub fn is_closed_output(&self) -> bool {
        let io = match self {
            CliError::Report(e) | CliError::Write(e) | CliError::Manpage(e) => e,
            CliError::Run(RunError::Output(e)) => e,
            _ => return false,
        };
        io.kind() == std::io::ErrorKind::BrokenPipe
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::WorkingDirectory(e) => write!(f, "cannot read the working directory: {e}"),
            CliError::Config(e) => write!(f, "{e}"),
            CliError::Setting(e) => write!(f, "{e}"),
            CliError::Catalog(e) => write!(f, "{e}"),
            CliError::Metadata(e) => write!(f, "{e}"),
            CliError::Baseline(e) => write!(f, "{e}"),
            CliError::Run(e) => write!(f, "{e}"),
            CliError::Report(e) => write!(f, "cannot write the report: {e}"),
            CliError::Open { path, error } => write!(f, "cannot open {}: {error}", path.display()),
            CliError::Import { name, message } => write!(f, "cannot import {name}: {message}"),
            CliError::NothingChecked { paths, files } => {
                let mut shown: Vec<String> = paths
                    .iter()
                    .take(3)
                    .map(|p| match p.to_str() {
                        Some("-") => "standard input".to_string(),
                        _ => p.display().to_string(),
                    })
                    .collect();
                if paths.len() > 3 {
                    shown.push(format!("{} more", paths.len() - 3));
                }
                let found = match files {
                    0 => "no file of a format paylint reads".to_string(),
                    n => format!(
                        "{}, no payload in {}",
                        crate::render::human::count(*n, "file"),
                        if *n == 1 { "it" } else { "them" }
                    ),
                };
                write!(
                    f,
                    "nothing checked in {}: {found} (folders are walked for {}, hidden entries \
                     skipped; a named file is read whatever its name; `-` reads NDJSON from \
                     standard input); check the paths, or pass --allow-empty where a run on \
                     nothing is expected",
                    shown.join(", "),
                    READ_EXTENSIONS.join(" ")
                )
            }
            CliError::Write(e) => write!(f, "cannot write: {e}"),
            CliError::Manpage(e) => write!(f, "cannot write the manual page: {e}"),
        }
    }
}

impl std::error::Error for CliError {}

impl From<ConfigError> for CliError {
    fn from(e: ConfigError) -> Self {
        CliError::Config(e)
    }
}

impl From<SettingError> for CliError {
    fn from(e: SettingError) -> Self {
        CliError::Setting(e)
    }
}

impl From<CatalogError> for CliError {
    fn from(e: CatalogError) -> Self {
        CliError::Catalog(e)
    }
}

impl From<BaselineError> for CliError {
    fn from(e: BaselineError) -> Self {
        CliError::Baseline(e)
    }
}

impl From<RunError> for CliError {
    fn from(e: RunError) -> Self {
        CliError::Run(e)
    }
}

/// The environment the run sees: whether stdout is a terminal, whether NO_COLOR is set, and
/// the job summary file GitHub Actions gives the step (`GITHUB_STEP_SUMMARY`).
#[derive(Debug, Clone, Default)]
pub struct Terminal {
    pub stdout_is_tty: bool,
    pub no_color: bool,
    /// With `--format github`, a Markdown summary of the run is appended to it.
    pub github_step_summary: Option<PathBuf>,
}

/// Runs paylint with parsed arguments, writing its output to `out` and nothing else.
pub fn run(args: Args, term: Terminal, out: &mut dyn Write) -> Result<Status, CliError> {
    run_noting(args, term, out, &mut std::io::sink())
}

/// [`run`], writing what the user should know but is no finding (the metadata's warnings) to
/// `notes` (`main` gives it standard error).
pub fn run_noting(
    args: Args,
    term: Terminal,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<Status, CliError> {
    match &args.command {
        Some(Command::Completions { shell }) => {
            let mut cmd = <Args as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "paylint", out);
            Ok(Status::Clean)
        }
        Some(Command::Manpage) => {
            manpage(out).map_err(CliError::Manpage)?;
            Ok(Status::Clean)
        }
        // LSP's exit status: 0 after a `shutdown` request, 1 when the client exits without one.
        Some(Command::Server) => Ok(match crate::server::run(notes) {
            0 => Status::Clean,
            _ => Status::Findings,
        }),
        Some(Command::Catalog { action }) => {
            catalog_command::run(action, out, notes)?;
            Ok(Status::Clean)
        }
        None => lint_with(args, term, out, notes),
    }
}

/// The manual page: clap_mangen's sections, with EXIT STATUS and EXAMPLES (the text `--help`
/// ends with) in place of its EXTRA section.
fn manpage(out: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(<Args as clap::CommandFactory>::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    out.write_all(roff_section("EXIT STATUS", exit_status_text!()).as_bytes())?;
    out.write_all(roff_section("EXAMPLES", examples_text!()).as_bytes())?;
    man.render_version_section(out)
}

/// A manual page section holding `text` as written (no filling), escaped for roff.
fn roff_section(title: &str, text: &str) -> String {
    let mut roff = format!(".SH \"{title}\"\n.nf\n");
    for line in text.lines() {
        let line = line.replace('\\', "\\e").replace('-', "\\-");
        if line.starts_with('.') || line.starts_with('\'') {
            roff.push_str("\\&");
        }
        roff.push_str(&line);
        roff.push('\n');
    }
    roff.push_str(".fi\n");
    roff
}

/// The extensions a walk takes (`Format::for_walked`), as the user is told them.
pub const READ_EXTENSIONS: &[&str] = &[
    ".json",
    ".http",
    ".rest",
    ".md",
    ".markdown",
    ".har",
    ".ndjson",
    ".jsonl",
];

/// The configuration (none with `--isolated`), with the command line's levels, excludes and
/// `--fail-on` (or `--exit-zero`) merged in.
fn config(args: &Args) -> Result<Config, CliError> {
    let cwd = std::env::current_dir().map_err(CliError::WorkingDirectory)?;
    let mut config = if args.isolated {
        Config::isolated(&cwd)
    } else {
        Config::discover(args.config.as_deref(), &cwd)?
    };
    for spec in &args.rules {
        config.set_rule(spec)?;
    }
    config.add_excludes(&args.excludes)?;
    if let Some(f) = args.fail_on {
        config.fail_on = f.into();
    }
    if args.exit_zero {
        config.fail_on = FailOn::Never;
    }
    Ok(config)
}

/// The renderer the arguments choose.
fn renderer(args: &Args, term: Terminal) -> Box<dyn Renderer> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => term.stdout_is_tty && !term.no_color,
    };
    match args.format {
        OutputFormat::Human => Box::new(Human {
            color,
            show_diff: !args.no_diff && !args.quiet,
            quiet: args.quiet,
            statistics: args.statistics,
        }),
        OutputFormat::Json if args.statistics => Box::new(Json::with_statistics()),
        OutputFormat::Json => Box::new(Json::new()),
        OutputFormat::Jsonl => Box::new(crate::render::jsonl::JsonLines),
        OutputFormat::Sarif => Box::new(crate::render::sarif::Sarif::new()),
        OutputFormat::Junit => Box::new(crate::render::junit::Junit::new()),
        OutputFormat::Github => Box::new(
            crate::render::github::Github::new().with_step_summary(term.github_step_summary),
        ),
    }
}

/// Loads `--metadata` (or the configuration's): the model, its warnings written to `notes`.
fn service(
    args: &Args,
    config: &Config,
    notes: &mut dyn Write,
) -> Result<Option<std::sync::Arc<crate::route_model::Service>>, CliError> {
    use crate::odata::{build, cache};
    let Some(path) = args.metadata.clone().or_else(|| config.metadata.clone()) else {
        return Ok(None);
    };
    let options = build::Options {
        allow_unresolved: args.allow_unresolved,
        ..build::Options::default()
    };
    let dir = if args.no_cache {
        cache::CacheDir::Off
    } else {
        cache::CacheDir::from_env()
    };
    let mut roots = config.service_roots.clone();
    roots.extend(args.service_roots.iter().cloned());
    let (service, warnings) = crate::route_model::Service::load(
        &path,
        &roots,
        &options,
        &dir,
        crate::odata::cache::Descriptions::Skipped,
    )
    .map_err(CliError::Metadata)?;
    for w in &warnings {
        let _ = writeln!(notes, "paylint: warning: metadata {}:{w}", path.display());
    }
    Ok(Some(std::sync::Arc::new(service)))
}

fn lint_with(
    args: Args,
    term: Terminal,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<Status, CliError> {
    let config = config(&args)?;
    let service = service(&args, &config, notes)?;
    // The model, like the catalog below, lives to the end of the process: freeing Graph's tens of
    // thousands of names cost 10 % of a one-page run (perf), for memory the exit frees anyway.
    if let Some(model) = &service {
        std::mem::forget(std::sync::Arc::clone(model));
    }
    // Folders from the command line come last, so their files win.
    let mut schema_dirs = config.schemas.clone();
    schema_dirs.extend(args.schemas.iter().cloned());
    // Kept to the end of the process, never dropped: freeing an imported catalog's thousands of
    // resources and operations cost more than a small run's checks (this runs once per process).
    let catalog: &Catalog = Box::leak(Box::new(Catalog::load(&schema_dirs)?));
    let mut baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut renderer = renderer(&args, term);
    let fail_on = config.fail_on;
    let mut options = args.options(config);
    options.service = service;
    let plan = engine::Plan::new(&options, catalog)?;
    renderer.start(out).map_err(CliError::Report)?;
    let mut recorded: Vec<baseline::Entry> = Vec::new();
    let recording = args.write_baseline.is_some();
    let summary = plan.run(baseline.as_mut(), &mut |report| {
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
    })?;
    renderer
        .finish(out, &summary)
        .and_then(|_| out.flush())
        .map_err(CliError::Report)?;
    for note in renderer.notes() {
        let _ = writeln!(notes, "paylint: {note}");
    }
    let nothing = summary.payloads == 0 && summary.errors == 0 && summary.warnings == 0;
    if nothing && !args.allow_empty {
        return Err(CliError::NothingChecked {
            paths: args.paths.clone(),
            files: summary.files,
        });
    }
    if let Some(path) = &args.write_baseline {
        baseline::write(path, recorded)?;
        if summary.internal_errors == 0 {
            return Ok(Status::Clean);
        }
    }
    Ok(if summary.internal_errors > 0 {
        Status::Trouble
    } else if fail_on.fails(summary.errors, summary.warnings) {
        Status::Findings
    } else {
        Status::Clean
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn args(argv: &[&str]) -> Args {
        let all = std::iter::once("paylint").chain(argv.iter().copied());
        Args::try_parse_from(all).unwrap_or_else(|e| panic!("{argv:?}: {e}"))
    }

    fn options(argv: &[&str]) -> Options {
        args(argv).options(Config::default())
    }

    #[test]
    fn fix_and_diff_choose_the_fix_mode() {
        assert_eq!(options(&["x"]).fix, FixMode::Off);
        assert_eq!(options(&["x", "--fix"]).fix, FixMode::Apply);
        assert_eq!(options(&["x", "--fix", "--diff"]).fix, FixMode::Diff);
        assert!(
            Args::try_parse_from(["paylint", "x", "--diff"]).is_err(),
            "--diff needs --fix"
        );
    }

    #[test]
    fn the_conformant_text_is_computed_only_for_a_human_report_with_a_diff() {
        assert!(options(&["x"]).conformant);
        for argv in [
            &["x", "--no-diff"][..],
            &["x", "--quiet"],
            &["x", "--format", "json"],
            &["x", "--format", "sarif"],
        ] {
            assert!(!options(argv).conformant, "{argv:?}");
        }
    }

    #[test]
    fn the_command_line_maps_onto_the_engine_options() {
        let o = options(&[
            "a",
            "b",
            "--direction",
            "response",
            "--resource",
            "R",
            "--threads",
            "3",
            "--shard",
            "2/4",
            "--max-file-size",
            "9",
            "--stdin-name",
            "s.ndjson",
            "--stdin-first-line",
            "7",
        ]);
        assert_eq!(o.paths, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(o.direction, Some(Direction::Response));
        assert_eq!(o.resource.as_deref(), Some("R"));
        assert_eq!(o.threads, 3);
        assert_eq!(o.shard, engine::Shard { index: 2, count: 4 });
        assert_eq!(o.max_file_size, 9);
        assert_eq!(o.stdin_name.as_deref(), Some(Path::new("s.ndjson")));
        assert_eq!(o.stdin_first_line, 7);
        assert!(options(&["x"]).threads >= 1);
        let e = Args::try_parse_from(["paylint", "x", "--shard", "5/4"]).unwrap_err();
        assert!(e.to_string().contains("write K/N with 1 <= K <= N"), "{e}");
    }

    #[test]
    fn outcomes_map_to_exit_statuses_and_a_closed_output_is_no_failure() {
        assert_eq!(exit_status(&Ok(Status::Clean)), 0);
        assert_eq!(exit_status(&Ok(Status::Findings)), 1);
        assert_eq!(exit_status(&Ok(Status::Trouble)), 2);
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        for closed in [
            CliError::Report(pipe()),
            CliError::Write(pipe()),
            CliError::Run(RunError::Output(pipe())),
        ] {
            assert!(closed.is_closed_output());
            assert_eq!(exit_status(&Err(closed)), 0);
        }
        let full = CliError::Report(std::io::Error::other("disk full"));
        assert!(!full.is_closed_output());
        assert_eq!(full.to_string(), "cannot write the report: disk full");
        assert_eq!(exit_status(&Err(full)), 2);
    }

    /// Runs in this process, in the package root: the status and the output.
    fn run_here(argv: &[&str]) -> (Result<Status, CliError>, String) {
        let mut out = Vec::new();
        let outcome = run(args(argv), Terminal::default(), &mut out);
        (outcome, String::from_utf8(out).unwrap())
    }

    #[test]
    fn warnings_fail_the_run_only_with_fail_on_warning() {
        let file = "corpus/invalid/unknown-field-groupID.json";
        let (outcome, out) = run_here(&[file, "--format", "jsonl"]);
        assert_eq!(outcome.unwrap(), Status::Findings);
        assert!(out.lines().all(|l| l.starts_with("{\"rule\":")), "{out}");
        let demoted = [
            file,
            "--rule",
            "unknown-field=warning",
            "--rule",
            "missing-required=warning",
        ];
        let (outcome, _) = run_here(&demoted);
        assert_eq!(outcome.unwrap(), Status::Clean);
        let (outcome, _) = run_here(&[&demoted[..], &["--fail-on", "warning"]].concat());
        assert_eq!(outcome.unwrap(), Status::Findings);
    }

    #[test]
    fn bad_settings_are_errors_with_their_words() {
        let (outcome, out) = run_here(&["corpus", "--rule", "no-such-rule=off"]);
        let e = outcome.unwrap_err();
        assert!(matches!(e, CliError::Setting(_)), "{e:?}");
        assert!(
            e.to_string()
                .starts_with("`--rule`: unknown rule `no-such-rule`"),
            "{e}"
        );
        assert!(
            out.is_empty(),
            "nothing is reported before the settings are known"
        );
        let (outcome, _) = run_here(&["corpus", "--exclude", "a[b"]);
        assert!(outcome
            .unwrap_err()
            .to_string()
            .starts_with("`--exclude`: bad glob `a[b`"));
        let (outcome, _) = run_here(&["corpus", "--resource", "nope"]);
        assert!(matches!(
            outcome.unwrap_err(),
            CliError::Run(RunError::UnknownResource { .. })
        ));
    }

    #[test]
    fn the_extensions_named_are_those_a_walk_takes() {
        for ext in READ_EXTENSIONS {
            let name = format!("a{ext}");
            assert!(
                crate::input::Format::for_walked(Path::new(&name)).is_some(),
                "{name}"
            );
        }
        assert!(crate::input::Format::for_walked(Path::new("a.txt")).is_none());
    }

    #[test]
    fn exit_zero_passes_findings_and_conflicts_with_fail_on() {
        let file = "corpus/invalid/unknown-field-groupID.json";
        let (outcome, _) = run_here(&[file, "--exit-zero", "--format", "jsonl"]);
        assert_eq!(outcome.unwrap(), Status::Clean);
        let (outcome, _) = run_here(&[file, "--fail-on", "never", "--format", "jsonl"]);
        assert_eq!(outcome.unwrap(), Status::Clean);
        assert!(
            Args::try_parse_from(["paylint", "x", "--exit-zero", "--fail-on", "error"]).is_err()
        );
        assert!(Args::try_parse_from(["paylint", "x", "--isolated", "--config", "c"]).is_err());
    }

    #[test]
    fn a_run_on_nothing_is_an_error_unless_allowed() {
        let dir = tempfile::TempDir::new().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "no payload").unwrap();
        std::fs::write(dir.path().join("blank.ndjson"), "\n\n").unwrap();
        let d = dir.path().to_str().unwrap();
        let (outcome, _) = run_here(&[d, "--format", "jsonl"]);
        let e = outcome.unwrap_err();
        assert!(
            matches!(e, CliError::NothingChecked { files: 1, .. }),
            "{e:?}"
        );
        assert_eq!(exit_status(&Err(e)), 2);
        let (outcome, _) = run_here(&[d, "--format", "jsonl", "--allow-empty"]);
        assert_eq!(outcome.unwrap(), Status::Clean);
        let e = CliError::NothingChecked {
            paths: vec!["captures".into(), "-".into()],
            files: 0,
        }
        .to_string();
        assert!(
            e.starts_with(
                "nothing checked in captures, standard input: no file of a format paylint reads ("
            ),
            "{e}"
        );
        assert!(
            e.contains(".json .http .rest") && e.contains("--allow-empty"),
            "{e}"
        );
    }

    #[test]
    fn subcommands_write_their_output() {
        let (outcome, out) = run_here(&["completions", "bash"]);
        assert_eq!(outcome.unwrap(), Status::Clean);
        assert!(out.contains("paylint"), "{out}");
        let (_, out) = run_here(&["manpage"]);
        assert!(out.starts_with(".ie"), "{}", &out[..out.len().min(40)]);
        let status = out.find(".SH \"EXIT STATUS\"\n.nf\n  0  nothing fails the run");
        let examples = out.find(".SH \"EXAMPLES\"\n.nf\n  paylint captures/ ");
        assert!(status.is_some() && examples.is_some(), "{out}");
        assert!(
            out.contains("\\-\\-allow\\-empty"),
            "dashes are escaped for roff"
        );
        assert!(!out.contains(".SH EXTRA"), "{out}");
        assert!(out.find(".SH OPTIONS") < status && status < out.find(".SH VERSION"));
        let help = <Args as clap::CommandFactory>::command()
            .render_long_help()
            .to_string();
        assert!(
            help.contains("Exit status:\n  0  ") && help.contains("\nExamples:\n"),
            "{help}"
        );
        let (_, out) = run_here(&["catalog", "list", "--filter", "provision"]);
        assert!(
            out.starts_with(
                "ProvisionPolicyAssignmentItem  #microsoft.graph.ProvisionPolicyAssignmentItem"
            ),
            "{out}"
        );
        assert!(out.contains("    PATCH  /provisioningPolicies/"), "{out}");
        let (outcome, _) = run_here(&["catalog", "import", "no/such.xml", "--out", "x"]);
        let e = outcome.unwrap_err().to_string();
        assert!(
            e.starts_with("cannot import no/such.xml: ") && e.contains("cannot read"),
            "{e}"
        );
    }
}
