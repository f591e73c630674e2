//! Configuration: `paylint.toml` (found upward from the working directory, or `--config FILE`)
//! and the policy it gives — rule severities, per-path overrides, include and exclude globs,
//! extra catalog folders and `fail-on`. Command-line flags are merged on top by `cli`.

use crate::diagnostic::Finding;
use crate::rule::{Rule, Severity};
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "paylint.toml";

/// A configuration file that cannot be used (exit 2); names the file and the key.
#[derive(Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub problem: ConfigProblem,
}

/// What is wrong with a configuration file.
#[derive(Debug)]
pub enum ConfigProblem {
    /// It cannot be read.
    Read(std::io::Error),
    /// It is not paylint's TOML: toml's words (which name the key), and where (1-based line
    /// and column, with the line's text and how many characters the problem spans).
    Toml { message: String, at: Option<Place> },
    /// Settings in it that cannot be used: every one, each where it is written when it can be
    /// found in the text.
    Settings(Vec<(SettingError, Option<Place>)>),
}

/// Where in a configuration file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    /// The line's text, and the problem's width on it in characters (at least 1).
    pub text: String,
    pub width: usize,
}

impl Place {
    /// The place of the byte range `span` in `text`.
    fn of(text: &str, span: std::ops::Range<usize>) -> Place {
        let start = floor_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r');
        let end = floor_boundary(text, span.end.clamp(start, line_end));
        Place {
            line: text[..line_start].matches('\n').count() + 1,
            column: text[line_start..start].chars().count() + 1,
            text: line_text.to_string(),
            width: text[start..end].chars().count().max(1),
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `bad configuration in FILE: ...` on one line, or for a problem with a place
/// `bad configuration: FILE:LINE:COLUMN: message`, then the line with a caret under the
/// problem; several problems one after the other, each on its own lines (as the human report
/// shows findings).
impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display().to_string();
        match &self.problem {
            ConfigProblem::Read(e) => write!(f, "bad configuration in {file}: cannot read it: {e}"),
            ConfigProblem::Toml { message, at } => problem(f, &file, message, at.as_ref()),
            ConfigProblem::Settings(all) => {
                for (i, (e, at)) in all.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    problem(f, &file, &e.to_string(), at.as_ref())?;
                }
                Ok(())
            }
        }
    }
}

fn problem(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    message: &str,
    at: Option<&Place>,
) -> fmt::Result {
    let Some(at) = at else {
        return write!(f, "bad configuration in {file}: {message}");
    };
    let number = at.line.to_string();
    let gutter = " ".repeat(number.len());
    write!(
        f,
        "bad configuration: {file}:{}:{}: {message}\n{gutter} |\n{number} | {}\n{gutter} | {}{}",
        at.line,
        at.column,
        at.text,
        " ".repeat(at.column - 1),
        "^".repeat(at.width)
    )
}

/// Where `word` (a rule id, a glob) is written in `text` as a key (`word =`, `"word" =`) or, for
/// `Value`, as a string (`"word"`): the first such place.
fn find_in(text: &str, word: &str, as_: Written) -> Option<Place> {
    let needle = match as_ {
        Written::Key => word.to_string(),
        Written::Value => format!("\"{word}\""),
    };
    let mut from = 0;
    while let Some(i) = text[from..].find(&needle).map(|i| i + from) {
        from = i + needle.len();
        let before = text[..i].chars().next_back();
        let after = text[from..].trim_start_matches('"').trim_start();
        let ok = match as_ {
            Written::Key => {
                matches!(before, None | Some(' ' | '\t' | '\n' | '{' | ',' | '"'))
                    && after.starts_with('=')
            }
            Written::Value => true,
        };
        if ok {
            let start = if before == Some('"') { i - 1 } else { i };
            return Some(Place::of(
                text,
                start..from + usize::from(before == Some('"')),
            ));
        }
    }
    None
}

/// How a setting is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    Key,
    Value,
}

impl std::error::Error for ConfigError {}

/// A rule level or a glob that cannot be used, in the file or on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingError {
    /// `--rule SPEC` is not RULE=LEVEL.
    RuleSpec { spec: String },
    /// `--rule SPEC` gives no level paylint knows.
    Level { spec: String },
    /// No rule has this id; `key` says where it was (`rules`, `overrides[0].rules`, `--rule`).
    UnknownRule { key: String, id: String },
    /// A glob that cannot be used; `key` says where it was (`include`, `--exclude`, ...).
    Glob { key: String, error: GlobError },
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SettingError::RuleSpec { spec } => write!(
                f,
                "`--rule {spec}`: write RULE=LEVEL, e.g. read-only-field=error"
            ),
            SettingError::Level { spec } => write!(
                f,
                "`--rule {spec}`: the level must be error, warning or off"
            ),
            SettingError::UnknownRule { key, id } => {
                let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                write!(
                    f,
                    "`{key}`: unknown rule `{id}` (rules: {})",
                    ids.join(", ")
                )
            }
            SettingError::Glob { key, error } => write!(f, "`{key}`: {error}"),
        }
    }
}

impl std::error::Error for SettingError {}

/// A glob that does not parse (`pattern`), or a set of globs that cannot be built.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobError {
    pub pattern: Option<String>,
    pub error: globset::Error,
}

impl fmt::Display for GlobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.pattern {
            Some(p) => write!(f, "bad glob `{p}`: {}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

/// A rule's level as written in the configuration or on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "off" => Some(Level::Off),
            _ => None,
        }
    }
}

/// Which findings fail the run (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
    /// None: the run exits 0 with findings (`--exit-zero`); 2 still means paylint could not
    /// do its job.
    Never,
}

impl FailOn {
    /// Do findings with these counts fail the run?
    pub fn fails(self, errors: usize, warnings: usize) -> bool {
        match self {
            FailOn::Error => errors > 0,
            FailOn::Warning => errors + warnings > 0,
            FailOn::Never => false,
        }
    }
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<FailOn>,
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    schemas: Vec<PathBuf>,
    metadata: Option<PathBuf>,
    #[serde(default)]
    service_root: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Vec<String>,
    #[serde(default)]
    rules: BTreeMap<String, Level>,
}

/// The policy a run applies to its findings and its walk.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    /// Globs are matched against paths relative to this folder.
    pub root: PathBuf,
    pub fail_on: FailOn,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    exclude_patterns: Vec<String>,
    /// Extra catalog folders, resolved against the configuration's folder.
    pub schemas: Vec<PathBuf>,
    /// OData metadata to check messages against, resolved against the configuration's folder.
    pub metadata: Option<PathBuf>,
    /// Service roots URLs start with (`/v1.0`, `https://host/odata`).
    pub service_roots: Vec<String>,
    rules: BTreeMap<Rule, Level>,
    overrides: Vec<(GlobSet, BTreeMap<Rule, Level>)>,
}

impl Config {
    /// The defaults, no file read (`--isolated`): globs are relative to `cwd`.
    pub fn isolated(cwd: &Path) -> Config {
        Config {
            root: cwd.to_path_buf(),
            ..Config::default()
        }
    }

    /// `--config FILE`, else `paylint.toml` in the working directory or the nearest folder above
    /// it, else the defaults.
    pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<Config, ConfigError> {
        if let Some(file) = explicit {
            return Config::load(file);
        }
        for dir in cwd.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate);
            }
        }
        Ok(Config::isolated(cwd))
    }

    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: file.to_path_buf(),
            problem: ConfigProblem::Read(e),
        })?;
        Config::parse(&text, file)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let err = |problem: ConfigProblem| ConfigError {
            file: file.to_path_buf(),
            problem,
        };
        let mut problems: Vec<(SettingError, Option<Place>)> = Vec::new();
        let mut note = |e: SettingError| {
            let at = match &e {
                SettingError::UnknownRule { id, .. } => find_in(text, id, Written::Key),
                SettingError::Glob {
                    error:
                        GlobError {
                            pattern: Some(p), ..
                        },
                    ..
                } => find_in(text, p, Written::Value),
                _ => None,
            };
            problems.push((e, at));
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            err(ConfigProblem::Toml {
                message: e.message().trim().replace('\n', "; "),
                at: e.span().map(|span| Place::of(text, span)),
            })
        })?;
        let root = config_root(file);
        let mut globs = |key: &str, patterns: &[String]| -> Option<GlobSet> {
            if patterns.is_empty() {
                return None;
            }
            build_globs(patterns)
                .map_err(|error| {
                    let key = key.to_string();
                    note(SettingError::Glob { key, error })
                })
                .ok()
        };
        let include = globs("include", &raw.include);
        let exclude = globs("exclude", &raw.exclude);
        let mut overrides = Vec::new();
        for (i, o) in raw.overrides.iter().enumerate() {
            let key = format!("overrides[{i}]");
            let set = build_globs(&o.files).map_err(|error| {
                let key = format!("{key}.files");
                note(SettingError::Glob { key, error })
            });
            let levels = rule_levels(&o.rules, &format!("{key}.rules"), &mut note);
            if let Ok(set) = set {
                overrides.push((set, levels));
            }
        }
        let rules = rule_levels(&raw.rules, "rules", &mut note);
        if !problems.is_empty() {
            return Err(err(ConfigProblem::Settings(problems)));
        }
        Ok(Config {
            file: Some(file.to_path_buf()),
            fail_on: raw.fail_on.unwrap_or_default(),
            include,
            exclude,
            exclude_patterns: raw.exclude.clone(),
            schemas: raw.schemas.iter().map(|s| root.join(s)).collect(),
            metadata: raw.metadata.as_ref().map(|m| root.join(m)),
            service_roots: raw.service_root.clone(),
            rules,
            overrides,
            root,
        })
    }

    /// `--rule RULE=LEVEL` from the command line: wins over the file.
    pub fn set_rule(&mut self, spec: &str) -> Result<(), SettingError> {
        let spec_owned = || spec.to_string();
        let (id, level) = spec
            .split_once('=')
            .ok_or_else(|| SettingError::RuleSpec { spec: spec_owned() })?;
        let rule = Rule::from_id(id.trim()).ok_or_else(|| unknown_rule(id.trim(), "--rule"))?;
        let level =
            Level::parse(level.trim()).ok_or_else(|| SettingError::Level { spec: spec_owned() })?;
        self.rules.insert(rule, level);
        // A command-line level also wins over per-path overrides of the file.
        for (_, rules) in &mut self.overrides {
            rules.remove(&rule);
        }
        Ok(())
    }

    /// `--exclude GLOB` from the command line: added to the file's.
    pub fn add_excludes(&mut self, patterns: &[String]) -> Result<(), SettingError> {
        if patterns.is_empty() {
            return Ok(());
        }
        let mut all = self.exclude_patterns.clone();
        all.extend(patterns.iter().cloned());
        let globs = build_globs(&all).map_err(|error| SettingError::Glob {
            key: "--exclude".to_string(),
            error,
        })?;
        self.exclude = Some(globs);
        self.exclude_patterns = all;
        Ok(())
    }

    /// The path matched by globs: relative to the configuration's folder when under it.
    fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        match std::path::absolute(path).map(|p| normalize(&p)) {
            Ok(abs) => match abs.strip_prefix(&self.root) {
                Ok(rel) => std::borrow::Cow::Owned(rel.to_path_buf()),
                Err(_) => std::borrow::Cow::Owned(abs),
            },
            Err(_) => std::borrow::Cow::Borrowed(path),
        }
    }

    /// Is this file (walked or named) excluded?
    pub fn excluded(&self, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|set| {
            let rel = self.relative(path);
            set.is_match(&*rel)
                || rel
                    .ancestors()
                    .skip(1)
                    .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
        })
    }

    /// Is a walked file included (every file is, when `include` is not set)?
    pub fn included(&self, path: &Path) -> bool {
        self.include
            .as_ref()
            .is_none_or(|set| set.is_match(&*self.relative(path)))
    }

    /// The severity of `rule` for `path`, or `None` when it is turned off.
    pub fn severity(&self, rule: Rule, path: &Path) -> Option<Severity> {
        let mut level = self.rules.get(&rule).copied();
        if !self.overrides.is_empty() {
            let rel = self.relative(path);
            for (set, rules) in &self.overrides {
                if let Some(l) = rules.get(&rule) {
                    if set.is_match(&*rel) {
                        level = Some(*l);
                    }
                }
            }
        }
        match level {
            None => Some(crate::rules::info(rule).severity),
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Off) => None,
        }
    }

    /// Does nothing change the default severities?
    pub fn is_default_policy(&self) -> bool {
        self.rules.is_empty() && self.overrides.is_empty()
    }

    /// Gives the findings of `path` their levels: a rule turned off drops its findings, the
    /// others take their severity.
    pub fn apply_levels(&self, path: &Path, diagnostics: &mut Vec<Finding>) {
        if self.is_default_policy() {
            return;
        }
        diagnostics.retain_mut(|d| match self.severity(d.rule, path) {
            Some(severity) => {
                d.severity = severity;
                true
            }
            None => false,
        });
    }
}

/// The folder the globs and paths of the configuration `file` are relative to: its folder
/// (`.` for a bare file name), resolved once (symlinks, `..`), like the working directory that
/// file paths start from.
fn config_root(file: &Path) -> PathBuf {
    let root = file
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    std::fs::canonicalize(&root)
        .or_else(|_| std::path::absolute(&root).map(|p| normalize(&p)))
        .unwrap_or(root)
}

/// `a/b/../c` -> `a/c`, without asking the file system (this runs for every file).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn build_globs(patterns: &[String]) -> Result<GlobSet, GlobError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(Glob::new(p).map_err(|error| GlobError {
            pattern: Some(p.clone()),
            error,
        })?);
    }
    b.build().map_err(|error| GlobError {
        pattern: None,
        error,
    })
}

/// The levels of the rules paylint knows; each unknown id goes to `note`.
fn rule_levels(
    raw: &BTreeMap<String, Level>,
    key: &str,
    note: &mut dyn FnMut(SettingError),
) -> BTreeMap<Rule, Level> {
    let mut levels = BTreeMap::new();
    for (id, level) in raw {
        match Rule::from_id(id) {
            Some(rule) => {
                levels.insert(rule, *level);
            }
            None => note(unknown_rule(id, key)),
        }
    }
    levels
}

fn unknown_rule(id: &str, key: &str) -> SettingError {
    SettingError::UnknownRule {
        key: key.to_string(),
        id: id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        let t = tempfile::TempDir::new().unwrap();
        Config::parse(text, &t.path().join(FILE_NAME))
    }

    #[test]
    fn levels_come_from_the_file_its_overrides_and_the_command_line_in_that_order() {
        let mut c = parse(
            "fail-on = \"warning\"\n\
             [rules]\nread-only-field = \"error\"\nunknown-field = \"off\"\n\
             [[overrides]]\nfiles = [\"docs/**\"]\nrules = { read-only-field = \"off\" }\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, FailOn::Warning);
        let doc = c.root.join("docs/a.md");
        let body = c.root.join("b.json");
        assert_eq!(
            c.severity(Rule::ReadOnlyField, &body),
            Some(Severity::Error)
        );
        assert_eq!(
            c.severity(Rule::ReadOnlyField, &doc),
            None,
            "the override wins"
        );
        assert_eq!(c.severity(Rule::UnknownField, &body), None);
        assert_eq!(c.severity(Rule::DuplicateKey, &body), Some(Severity::Error));
        c.set_rule("read-only-field=warning").unwrap();
        assert_eq!(
            c.severity(Rule::ReadOnlyField, &doc),
            Some(Severity::Warning),
            "the command line wins over the overrides"
        );
        assert!(!c.is_default_policy());
        assert!(Config::default().is_default_policy());
    }

    #[test]
    fn apply_levels_drops_what_is_off_and_sets_the_rest() {
        let c =
            parse("[rules]\nunknown-field = \"off\"\nmissing-required = \"warning\"\n").unwrap();
        let finding = |rule| {
            Finding::new(
                rule,
                Severity::Error,
                crate::source::Span::new(0, 1),
                crate::pointer::JsonPointer::root(),
                "m",
            )
        };
        let mut found = vec![finding(Rule::UnknownField), finding(Rule::MissingRequired)];
        c.apply_levels(Path::new("b.json"), &mut found);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].rule, found[0].severity),
            (Rule::MissingRequired, Severity::Warning)
        );
    }

    #[test]
    fn includes_and_excludes_match_paths_relative_to_the_file() {
        let mut c = parse("include = [\"captures/**\"]\nexclude = [\"captures/old\"]\n").unwrap();
        let root = c.root.clone();
        let at = |p: &str| root.join(p);
        assert!(c.included(&at("captures/a.json")));
        assert!(!c.included(&at("other/a.json")));
        assert!(
            c.excluded(&at("captures/old/a.json")),
            "a folder excludes what is in it"
        );
        assert!(!c.excluded(&at("captures/new/a.json")));
        c.add_excludes(&["**/*.har".to_string()]).unwrap();
        assert!(c.excluded(&at("captures/new/a.har")));
        assert!(
            c.excluded(&at("captures/old/a.json")),
            "the file's excludes stay"
        );
    }

    #[test]
    fn what_cannot_be_used_names_the_file_and_the_key() {
        let msg = |text: &str| parse(text).unwrap_err().to_string();
        assert!(msg("[rules]\nno-such = \"off\"\n").contains("`rules`: unknown rule `no-such`"));
        assert!(msg("include = [\"a[\"]\n").contains("`include`: bad glob `a[`"));
        assert!(
            msg("[[overrides]]\nfiles = [\"x\"]\nrules = { nope = \"off\" }\n")
                .contains("`overrides[0].rules`: unknown rule `nope`")
        );
        assert!(msg("surprise = 1\n").contains("surprise"));
        assert!(parse("").is_ok(), "an empty file is the defaults");
        let e = parse("fail-on = \"always\"\n").unwrap_err();
        assert!(matches!(e.problem, ConfigProblem::Toml { .. }), "{e:?}");
        assert!(e.to_string().starts_with("bad configuration: "), "{e}");
        let mut c = Config::default();
        assert_eq!(
            c.set_rule("unknown-field").unwrap_err().to_string(),
            "`--rule unknown-field`: write RULE=LEVEL, e.g. read-only-field=error"
        );
        assert_eq!(
            c.set_rule("unknown-field=loud").unwrap_err().to_string(),
            "`--rule unknown-field=loud`: the level must be error, warning or off"
        );
    }

    #[test]
    fn a_toml_problem_is_shown_on_its_own_lines_at_its_place() {
        let e = parse("fail-on = \"error\"\n[rules]\n  unknown-fieldd = \"off\"\nbad = é\n")
            .unwrap_err();
        let text = e.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(
            lines[0].starts_with("bad configuration: ") && lines[0].contains("paylint.toml:4:7: "),
            "{text}"
        );
        assert_eq!(&lines[1..], ["  |", "4 | bad = é", "  |       ^"], "{text}");
        let e = parse("x = [\n").unwrap_err().to_string();
        assert!(e.lines().count() >= 4, "{e}");
    }

    #[test]
    fn every_bad_setting_is_shown_at_its_place() {
        let text = "include = [\"a[\"]\n[rules]\nunknown-field = \"off\"\nno-such = \"off\"\n\
                    [[overrides]]\nfiles = [\"x\"]\nrules = { \"nope\" = \"off\" }\n";
        let e = parse(text).unwrap_err();
        let ConfigProblem::Settings(all) = &e.problem else {
            panic!("{e:?}")
        };
        assert_eq!(all.len(), 3, "{e}");
        let places: Vec<(usize, usize)> = all
            .iter()
            .map(|(_, at)| at.as_ref().map(|a| (a.line, a.column)).unwrap())
            .collect();
        // include, then overrides, then rules: in the order the file is checked.
        assert_eq!(places, [(1, 12), (7, 11), (4, 1)], "{e}");
        let shown = e.to_string();
        let heads: Vec<&str> = shown
            .lines()
            .filter(|l| l.starts_with("bad configuration"))
            .collect();
        assert_eq!(heads.len(), 3, "{shown}");
        assert!(
            heads[2].contains("paylint.toml:4:1: `rules`: unknown rule `no-such`"),
            "{shown}"
        );
        assert!(
            shown.contains("\n7 | rules = { \"nope\" = \"off\" }\n  |           ^^^^^^\n"),
            "{shown}"
        );
    }

    #[test]
    fn discovery_finds_the_nearest_file_above() {
        let t = tempfile::TempDir::new().unwrap();
        let deep = t.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(t.path().join(FILE_NAME), "fail-on = \"warning\"\n").unwrap();
        let c = Config::discover(None, &deep).unwrap();
        assert_eq!(c.file.as_deref(), Some(t.path().join(FILE_NAME).as_path()));
        assert_eq!(c.fail_on, FailOn::Warning);
        let alone = Config::isolated(&deep);
        assert_eq!((alone.file, alone.fail_on), (None, FailOn::Error));
        assert_eq!(
            parse("fail-on = \"never\"\n").unwrap().fail_on,
            FailOn::Never
        );
        assert!(!FailOn::Never.fails(3, 4));
        assert!(FailOn::Warning.fails(0, 1) && !FailOn::Error.fails(0, 1));
        let e = Config::discover(Some(&t.path().join("none.toml")), &deep).unwrap_err();
        assert!(matches!(e.problem, ConfigProblem::Read(_)));
    }
}
