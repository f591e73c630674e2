//! `--format sarif`: a SARIF 2.1.0 log with one run, for code-scanning services (GitHub code
//! scanning, Azure DevOps, the SARIF viewers).
//!
//! The header with the tool and every rule is written by `start`; results are held, serialized,
//! until `finish` writes them and closes the run, so that GitHub code scanning's upload limits
//! can be kept with the most severe results ([`GITHUB_LIMITS`], from GitHub's "SARIF support for
//! code scanning" and "SARIF results exceed limit" pages):
//!
//! - results per run: 25,000 (a log with more is rejected whole). Past that, a new error takes
//!   the place of the latest warning held; a warning, or an error when no warning is left, is
//!   left out. What was left out is counted in a `toolExecutionNotifications` entry of the
//!   invocation and in [`Renderer::notes`] (standard error), which says to use `--format json`
//!   or `jsonl` for every finding. At most the limit is held in memory.
//! - locations per result: 1,000; every paylint result has one.
//! - rules per run: 25,000; paylint has [`Rule::ALL`]. Runs per file: 20; paylint writes one.
//!   Tags per rule, thread flow locations and tool extensions: paylint writes none.
//! - the file itself: 10 MB gzip-compressed (the upload is compressed); 25,000 results of
//!   paylint's are far below that.
//!
//! - `tool.driver.rules` lists every rule of [`Rule::ALL`] in that order; a result's `ruleIndex`
//!   is its rule's place there.
//! - `artifactLocation.uri` is the file's path relative to the working directory, with `/`
//!   separators and percent-encoding (a URI reference), resolved against `%SRCROOT%` (the
//!   working directory, given in `originalUriBaseIds`). A path outside the working directory
//!   becomes a `file://` URI; standard input is `stdin`.
//! - Columns count characters (`columnKind` `unicodeCodePoints`), as in every paylint report.
//! - `partialFingerprints["paylint/v1"]` is the baseline fingerprint of the finding
//!   ([`crate::fingerprint::fingerprint`]: FNV-1a 64 of file, rule, JSON Pointer and payload index)
//!   over the working-directory-relative path, so it does not change when lines move, and for a
//!   path given relative it equals the finding's entry in a `--write-baseline` file. The second
//!   and later findings with the same fingerprint in a file get `:1`, `:2`… appended, so every
//!   result of a file has its own.
//! - `properties` carries the JSON Pointer, the payload index, and the resource and direction
//!   when known.

use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::report::{FileReport, Summary};
use crate::rule::{Rule, Severity};
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// The `$schema` of the log: the OASIS schema of SARIF 2.1.0 (errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base id relative artifact URIs are resolved against (the working directory).
pub const SRCROOT: &str = "%SRCROOT%";

/// The key of paylint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "paylint/v1";

/// What a consumer accepts in one log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Results in a run.
    pub results_per_run: usize,
    /// Locations in a result (paylint writes one).
    pub locations_per_result: usize,
    /// Rules in `tool.driver.rules`.
    pub rules_per_run: usize,
}

/// GitHub code scanning's: a log over any of them is rejected.
pub const GITHUB_LIMITS: Limits = Limits {
    results_per_run: 25_000,
    locations_per_result: 1_000,
    rules_per_run: 25_000,
};

/// Results left out to keep within [`Limits::results_per_run`], by severity.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub errors: usize,
    pub warnings: usize,
}

impl Cut {
    pub fn total(&self) -> usize {
        self.errors + self.warnings
    }
}

pub struct Sarif {
    /// The working directory: paths are reported relative to it.
    base: Option<PathBuf>,
    limits: Limits,
    /// The results kept so far, serialized, in report order (`None`: a warning an error took
    /// the place of), and where the kept warnings are, latest last.
    held: Vec<Option<String>>,
    kept: usize,
    kept_warnings: Vec<usize>,
    cut: Cut,
    /// All results, kept or not, by severity.
    total: Cut,
    /// The file being reported (several reports for a long NDJSON stream) and how often each
    /// fingerprint has been seen in it.
    current: Option<PathBuf>,
    seen: HashMap<String, usize>,
}

impl Sarif {
    /// Paths relative to the current working directory.
    pub fn new() -> Self {
        Sarif::with_base(std::env::current_dir().ok())
    }

    /// Paths relative to `base` (none: relative paths as given, absolute ones as `file://`).
    pub fn with_base(base: Option<PathBuf>) -> Self {
        Sarif::with_limits(base, GITHUB_LIMITS)
    }

    /// Paths relative to `base`, within `limits`.
    pub fn with_limits(base: Option<PathBuf>, limits: Limits) -> Self {
        Sarif {
            base,
            limits,
            held: Vec::new(),
            kept: 0,
            kept_warnings: Vec::new(),
            cut: Cut::default(),
            total: Cut::default(),
            current: None,
            seen: HashMap::new(),
        }
    }

    /// What was left out to keep within the limits.
    pub fn cut(&self) -> Cut {
        self.cut
    }

    /// Holds one serialized result, or leaves it (or a warning held) out at the limit.
    fn hold(&mut self, severity: Severity, result: String) {
        match severity {
            Severity::Error => self.total.errors += 1,
            Severity::Warning => self.total.warnings += 1,
        }
        if self.kept >= self.limits.results_per_run {
            match severity {
                Severity::Warning => {
                    self.cut.warnings += 1;
                    return;
                }
                Severity::Error => match self.kept_warnings.pop() {
                    Some(at) => {
                        self.held[at] = None;
                        self.kept -= 1;
                        self.cut.warnings += 1;
                    }
                    None => {
                        self.cut.errors += 1;
                        return;
                    }
                },
            }
        }
        if severity == Severity::Warning {
            self.kept_warnings.push(self.held.len());
        }
        self.held.push(Some(result));
        self.kept += 1;
    }

    /// The words of what was cut, if anything was.
    fn cut_message(&self) -> Option<String> {
        if self.cut.total() == 0 {
            return None;
        }
        let all = self.total.total();
        let limit = self.limits.results_per_run;
        Some(format!(
            "SARIF: {all} results, more than the {limit} GitHub code scanning accepts in a run: \
             kept the {limit} most severe ({} of {} errors, {} of {} warnings), left out {} \
             errors and {} warnings; --format json or --format jsonl reports every finding",
            self.total.errors - self.cut.errors,
            self.total.errors,
            self.total.warnings - self.cut.warnings,
            self.total.warnings,
            self.cut.errors,
            self.cut.warnings
        ))
    }

    fn result(&mut self, artifact: &Artifact, d: &Diagnostic) -> Value {
        let rule_index = Rule::ALL
            .iter()
            .position(|r| *r == d.rule)
            .expect("every rule is in Rule::ALL");
        let mut location = Map::new();
        let mut artifact_location = Map::new();
        artifact_location.insert("uri".into(), artifact.uri.clone().into());
        if artifact.relative && self.base.is_some() {
            artifact_location.insert("uriBaseId".into(), SRCROOT.into());
        }
        location.insert("artifactLocation".into(), artifact_location.into());
        let mut region = Map::new();
        region.insert("startLine".into(), d.line.into());
        region.insert("startColumn".into(), d.column.into());
        location.insert("region".into(), region.into());
        let base_print = crate::fingerprint::fingerprint(&artifact.display, d);
        let seen = self.seen.entry(base_print.clone()).or_insert(0);
        let print = if *seen == 0 {
            base_print
        } else {
            format!("{base_print}:{seen}")
        };
        *seen += 1;
        let mut properties = Map::new();
        properties.insert("pointer".into(), d.pointer.to_string().into());
        properties.insert("payload".into(), d.payload.into());
        if let Some(resource) = &d.resource {
            properties.insert("resource".into(), resource.clone().into());
        }
        if let Some(direction) = d.direction {
            properties.insert("direction".into(), direction.as_str().into());
        }
        json!({
            "ruleId": d.rule.id(),
            "ruleIndex": rule_index,
            "level": level(d.severity),
            "message": {"text": d.full_message()},
            "locations": [{"physicalLocation": location}],
            "partialFingerprints": {FINGERPRINT_KEY: print},
            "properties": properties,
        })
    }
}

impl Default for Sarif {
    fn default() -> Self {
        Sarif::new()
    }
}

/// The SARIF `level` of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `tool.driver`: paylint and every rule.
fn driver() -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| {
            let info = crate::rules::info(*rule);
            json!({
                "id": rule.id(),
                "name": format!("{rule:?}"),
                "shortDescription": {"text": info.summary},
                "fullDescription": {"text": info.explanation},
                "help": {"text": info.explanation, "markdown": info.explanation},
                "helpUri": crate::rule::RULES_URL,
                "defaultConfiguration": {"level": level(info.severity)},
            })
        })
        .collect();
    json!({
        "name": "paylint",
        "fullName": concat!("paylint ", env!("CARGO_PKG_VERSION")),
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": crate::rule::HOMEPAGE,
        "rules": rules,
    })
}

impl Renderer for Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"$schema\":\"{SCHEMA_URI}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{{\"driver\":"
        )?;
        serde_json::to_writer(&mut *out, &driver())?;
        out.write_all(b"},\"columnKind\":\"unicodeCodePoints\"")?;
        if let Some(base) = self.base.as_deref().and_then(directory_uri) {
            write!(out, ",\"originalUriBaseIds\":")?;
            serde_json::to_writer(&mut *out, &json!({SRCROOT: {"uri": base}}))?;
        }
        out.write_all(b",\n\"results\":[")
    }

    fn file(&mut self, _out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if self.current.as_deref() != Some(report.path.as_path()) {
            self.current = Some(report.path.clone());
            self.seen.clear();
        }
        let artifact = artifact(&report.path, self.base.as_deref());
        for d in &report.diagnostics {
            let result = self.result(&artifact, d).to_string();
            self.hold(d.severity, result);
        }
        if !report.continuation {
            self.current = None;
            self.seen.clear();
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let mut first = true;
        for result in self.held.drain(..).flatten() {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            out.write_all(result.as_bytes())?;
            first = false;
        }
        if !first {
            out.write_all(b"\n")?;
        }
        let mut invocation = json!({"executionSuccessful": s.internal_errors == 0});
        if let Some(message) = self.cut_message() {
            invocation["toolExecutionNotifications"] = json!([{
                "level": "warning",
                "message": {"text": message},
                "properties": {"resultsLeftOut": {"errors": self.cut.errors, "warnings": self.cut.warnings}},
            }]);
        }
        out.write_all(b"],\n\"invocations\":[")?;
        serde_json::to_writer(&mut *out, &invocation)?;
        writeln!(out, "]}}]}}")
    }

    fn notes(&self) -> Vec<String> {
        self.cut_message().into_iter().collect()
    }
}

/// Where a file's findings are reported, as the machine-readable formats name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Relative to the working directory with `/` separators (`corpus/a b.json`), the absolute
    /// path when outside it, `stdin` for standard input.
    pub display: String,
    /// `display` as a URI reference (`corpus/a%20b.json`), `file:///…` when absolute.
    pub uri: String,
    /// `uri` is relative to the working directory.
    pub relative: bool,
    /// The file is standard input.
    pub stdin: bool,
}

/// Names `path` (as reported) relative to `base`, the working directory. A relative path is
/// taken as relative to `base` already (`./` dropped, `..` kept); an absolute one is made
/// relative when it lies under `base`.
pub fn artifact(path: &Path, base: Option<&Path>) -> Artifact {
    if path.as_os_str() == "-" {
        return Artifact {
            display: "stdin".into(),
            uri: "stdin".into(),
            relative: false,
            stdin: true,
        };
    }
    let relative = if path.is_absolute() {
        base.and_then(|b| path.strip_prefix(b).ok())
    } else {
        Some(path)
    };
    match relative {
        Some(rel) => {
            let segments: Vec<&OsStr> = rel
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(s),
                    Component::ParentDir => Some(OsStr::new("..")),
                    _ => None,
                })
                .collect();
            if segments.is_empty() {
                // Only `.` itself: not a file paylint reports, but name it all the same.
                return Artifact {
                    display: ".".into(),
                    uri: ".".into(),
                    relative: true,
                    stdin: false,
                };
            }
            let display = segments
                .iter()
                .map(|s| s.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let uri = segments
                .iter()
                .map(|s| encode_segment(s, Segment::Path))
                .collect::<Vec<_>>()
                .join("/");
            Artifact {
                display,
                uri,
                relative: true,
                stdin: false,
            }
        }
        None => {
            let (display, uri) = absolute(path);
            Artifact {
                display,
                uri,
                relative: false,
                stdin: false,
            }
        }
    }
}

/// An absolute path with `/` separators, and its `file://` URI.
fn absolute(path: &Path) -> (String, String) {
    let mut display = String::new();
    let mut uri = String::from("file://");
    for c in path.components() {
        match c {
            Component::Prefix(p) => {
                // A Windows drive (`C:`): `file:///C:/…`.
                display.push_str(&p.as_os_str().to_string_lossy());
                uri.push('/');
                uri.push_str(&encode_segment(p.as_os_str(), Segment::Drive));
            }
            Component::RootDir => {}
            Component::CurDir => {}
            Component::ParentDir => {
                display.push_str("/..");
                uri.push_str("/..");
            }
            Component::Normal(s) => {
                display.push('/');
                display.push_str(&s.to_string_lossy());
                uri.push('/');
                uri.push_str(&encode_segment(s, Segment::Path));
            }
        }
    }
    (display, uri)
}

/// The `file://` URI of a directory, ending in `/` as `originalUriBaseIds` requires.
fn directory_uri(dir: &Path) -> Option<String> {
    if !dir.is_absolute() {
        return None;
    }
    // `absolute` never ends in `/` but for the root itself (`file://`), which needs it too.
    let (_, mut uri) = absolute(dir);
    uri.push('/');
    Some(uri)
}

/// What a segment of a URI path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// A folder or file name.
    Path,
    /// A Windows drive (`C:`): its colon is kept.
    Drive,
}

/// Percent-encodes one path segment (RFC 3986 `pchar`, less `:` so that a relative reference
/// never looks like it has a scheme; `:` is kept for a Windows drive). Bytes that are not
/// UTF-8 (Unix file names) are encoded as they are.
pub fn encode_segment(segment: &OsStr, kind: Segment) -> String {
    let drive = kind == Segment::Drive;
    let bytes = segment_bytes(segment);
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes.iter() {
        let keep =
            b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) || (drive && b == b':');
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(unix)]
fn segment_bytes(segment: &OsStr) -> Cow<'_, [u8]> {
    use std::os::unix::ffi::OsStrExt;
    Cow::Borrowed(segment.as_bytes())
}

#[cfg(not(unix))]
fn segment_bytes(segment: &OsStr) -> Cow<'_, [u8]> {
    match segment.to_string_lossy() {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(path: &str) -> Artifact {
        artifact(Path::new(path), Some(Path::new("/work/project")))
    }

    #[test]
    fn relative_paths_are_uri_references() {
        let a = rel("corpus/invalid/x.json");
        assert_eq!(a.display, "corpus/invalid/x.json");
        assert_eq!(a.uri, "corpus/invalid/x.json");
        assert!(a.relative && !a.stdin);
        assert_eq!(rel("./a b/c#1%.json").uri, "a%20b/c%231%25.json");
        assert_eq!(rel("./a b/c#1%.json").display, "a b/c#1%.json");
        assert_eq!(rel("../up/x.json").uri, "../up/x.json");
        assert_eq!(rel("x:y?.json").uri, "x%3Ay%3F.json");
        assert_eq!(rel("é[1].json").uri, "%C3%A9%5B1%5D.json");
    }

    #[cfg(unix)]
    #[test]
    fn absolute_paths_under_the_base_become_relative() {
        let a = rel("/work/project/corpus/a b.json");
        assert_eq!(a.uri, "corpus/a%20b.json");
        assert_eq!(a.display, "corpus/a b.json");
        assert!(a.relative);
        let b = rel("/elsewhere/x y.json");
        assert_eq!(b.uri, "file:///elsewhere/x%20y.json");
        assert_eq!(b.display, "/elsewhere/x y.json");
        assert!(!b.relative);
        assert_eq!(
            directory_uri(Path::new("/work/my project")).as_deref(),
            Some("file:///work/my%20project/")
        );
        assert_eq!(directory_uri(Path::new("/")).as_deref(), Some("file:///"));
        let top = artifact(Path::new("/tmp/x.json"), Some(Path::new("/")));
        assert_eq!((top.uri.as_str(), top.relative), ("tmp/x.json", true));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_encoded_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let name = OsStr::from_bytes(b"caf\xe9.json");
        assert_eq!(encode_segment(name, Segment::Path), "caf%E9.json");
    }

    #[test]
    fn stdin_is_named_stdin() {
        let a = rel("-");
        assert_eq!((a.uri.as_str(), a.stdin), ("stdin", true));
    }

    fn held(sarif: &Sarif) -> Vec<String> {
        sarif.held.iter().flatten().cloned().collect()
    }

    #[test]
    fn at_the_limit_errors_take_the_place_of_the_latest_warnings() {
        let limits = Limits {
            results_per_run: 3,
            ..GITHUB_LIMITS
        };
        let mut s = Sarif::with_limits(None, limits);
        for (severity, name) in [
            (Severity::Warning, "w1"),
            (Severity::Error, "e1"),
            (Severity::Warning, "w2"),
            (Severity::Warning, "w3"),
            (Severity::Error, "e2"),
            (Severity::Error, "e3"),
            (Severity::Error, "e4"),
        ] {
            s.hold(severity, name.into());
        }
        assert_eq!(
            held(&s),
            ["e1", "e2", "e3"],
            "report order, errors first to stay"
        );
        assert_eq!(
            s.cut(),
            Cut {
                errors: 1,
                warnings: 3
            }
        );
        let note = s.notes().join("");
        assert!(
            note.starts_with("SARIF: 7 results, more than the 3 GitHub code scanning accepts")
                && note.contains("(3 of 4 errors, 0 of 3 warnings)")
                && note.ends_with("--format json or --format jsonl reports every finding"),
            "{note}"
        );
        let mut under = Sarif::with_limits(None, limits);
        under.hold(Severity::Warning, "w".into());
        assert!(under.notes().is_empty());
    }

    #[test]
    fn the_run_keeps_within_githubs_other_limits() {
        assert!(Rule::ALL.len() <= GITHUB_LIMITS.rules_per_run);
        let d = driver();
        assert_eq!(d["informationUri"], crate::rule::HOMEPAGE);
        assert!(crate::rule::RULES_URL.starts_with(crate::rule::HOMEPAGE));
        for r in d["rules"].as_array().unwrap() {
            assert_eq!(r["helpUri"], crate::rule::RULES_URL);
        }
    }

    #[test]
    fn every_rule_is_described_in_order() {
        let d = driver();
        let rules = d["rules"].as_array().unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        for (rule, r) in Rule::ALL.iter().zip(rules) {
            assert_eq!(r["id"], rule.id());
            assert_eq!(
                r["shortDescription"]["text"],
                crate::rules::info(*rule).summary
            );
            assert_eq!(
                r["fullDescription"]["text"],
                crate::rules::info(*rule).explanation
            );
            assert_eq!(
                r["defaultConfiguration"]["level"],
                level(crate::rules::info(*rule).severity)
            );
        }
    }
}
