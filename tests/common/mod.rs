//! Helpers shared by the integration tests: run the `paylint` binary, parse its JSON report,
//! and build inputs and catalogs in temporary folders.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The package root: the corpus paths in expectations are relative to it.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

impl Run {
    fn from_output(out: Output) -> Run {
        Run {
            code: out.status.code().expect("paylint was killed by a signal"),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            raw_stdout: out.stdout,
        }
    }

    /// The JSON report on stdout.
    pub fn report(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not a JSON report ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The diagnostics of the JSON report.
    pub fn diags(&self) -> Vec<Diag> {
        diags(&self.report())
    }
}

/// A command for the binary, run in `dir`, with a colour-neutral environment.
pub fn command_in(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paylint"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::null());
    cmd
}

/// Runs paylint in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    Run::from_output(command_in(dir, args).output().expect("paylint runs"))
}

/// Runs paylint in the package root (so `corpus/...` paths work and are reported as given).
pub fn run(args: &[&str]) -> Run {
    run_in(&root(), args)
}

/// Runs paylint in `dir` with extra environment variables.
pub fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = command_in(dir, args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::from_output(cmd.output().expect("paylint runs"))
}

/// Runs paylint in `dir` with `--format json` added; asserts the exit status.
pub fn json_in(dir: &Path, args: &[&str], code: i32) -> Run {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let r = run_in(dir, &all);
    assert_eq!(
        r.code, code,
        "exit status of paylint {all:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r
}

/// As `json_in`, in the package root.
pub fn json(args: &[&str], code: i32) -> Run {
    json_in(&root(), args, code)
}

/// One diagnostic of the JSON report.
#[derive(Debug, Clone, PartialEq)]
pub struct Diag {
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub pointer: String,
    pub resource: Option<String>,
    pub direction: Option<String>,
    pub payload: u64,
}

impl Diag {
    /// `(rule, line, column, pointer)`, the part most tests compare.
    pub fn at(&self) -> (&str, u64, u64, &str) {
        (&self.rule, self.line, self.column, &self.pointer)
    }
}

fn string(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("`{key}` is not a string in {v}"))
        .to_string()
}

fn opt_string(v: &Value, key: &str) -> Option<String> {
    match &v[key] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => panic!("`{key}` is neither null nor a string: {other}"),
    }
}

fn number(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("`{key}` is not an unsigned integer in {v}"))
}

pub fn diags(report: &Value) -> Vec<Diag> {
    report["diagnostics"]
        .as_array()
        .expect("`diagnostics` is an array")
        .iter()
        .map(|d| Diag {
            rule: string(d, "rule"),
            severity: string(d, "severity"),
            message: string(d, "message"),
            file: string(d, "file"),
            line: number(d, "line"),
            column: number(d, "column"),
            pointer: string(d, "pointer"),
            resource: opt_string(d, "resource"),
            direction: opt_string(d, "direction"),
            payload: number(d, "payload"),
        })
        .collect()
}

/// `(files, payloads, errors, warnings)` of the report's summary.
pub fn summary(report: &Value) -> (u64, u64, u64, u64) {
    let s = &report["summary"];
    (
        number(s, "files"),
        number(s, "payloads"),
        number(s, "errors"),
        number(s, "warnings"),
    )
}

/// Writes `contents` to `dir/name` (creating parent folders) and returns the path.
pub fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, contents).unwrap();
    path
}

pub const GROUP: &str = "b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab";
pub const ODATA_TYPE: &str = "#microsoft.graph.ProvisionPolicyAssignmentItem";
pub const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A user catalog folder `dir/name` with a second resource, `Widget`
/// (`@odata.type` `#contoso.graph.Widget`), and a few value constraints.
pub fn widget_catalog(dir: &Path, name: &str) -> PathBuf {
    let schema = serde_json::json!({
        "$schema": DRAFT,
        "type": "object",
        "properties": {
            "@odata.type": {"const": "#contoso.graph.Widget"},
            "name": {"type": "string", "minLength": 5},
            "color": {"type": "string", "enum": ["red", "green"]},
            "size": {"type": "integer", "minimum": 1},
            "code": {"type": "string", "pattern": "^[A-Z]{3}$"}
        },
        "required": ["name"],
        "patternProperties": {"@": {}},
        "additionalProperties": false
    });
    write(
        dir,
        &format!("{name}/Widget.schema.json"),
        serde_json::to_string_pretty(&schema).unwrap(),
    );
    dir.join(name)
}

/// Runs `paylint catalog import CSDL --out OUT EXTRA...` in `dir`.
pub fn catalog_import(dir: &Path, csdl: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "catalog",
        "import",
        csdl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    run_in(dir, &args)
}
