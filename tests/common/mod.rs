//! Helpers shared by the integration tests: run paylint (in this process, or the binary in a
//! folder of its own), parse its JSON report, build inputs and catalogs in temporary folders,
//! and look at files from outside.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

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
    pub fn from_output(out: Output) -> Run {
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

    /// The rule ids of the JSON report's diagnostics, in order.
    pub fn rules(&self) -> Vec<String> {
        self.diags().into_iter().map(|d| d.rule).collect()
    }

    /// The files of the JSON report's diagnostics, in order, without repeats.
    pub fn files(&self) -> Vec<String> {
        let mut files: Vec<String> = self.diags().into_iter().map(|d| d.file).collect();
        files.dedup();
        files
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
        // A test run inside GitHub Actions must not write the real job summary.
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdin(Stdio::null());
    cmd
}

/// Runs paylint in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    Run::from_output(command_in(dir, args).output().expect("paylint runs"))
}

/// Runs paylint in this process, in the package root (the tests' working directory, so
/// `corpus/...` paths work and are reported as given): what `main` does, without spawning the
/// binary: the same output, error message and exit status.
pub fn run(args: &[&str]) -> Run {
    use clap::Parser;
    use paylint::cli;
    let argv = std::iter::once("paylint").chain(args.iter().copied());
    let parsed = match cli::Args::try_parse_from(argv) {
        Ok(parsed) => parsed,
        // clap's own words: usage errors on stderr (exit 2), --help and --version on stdout.
        Err(e) if e.use_stderr() => return text_run(e.exit_code(), "", &e.to_string()),
        Err(e) => return text_run(e.exit_code(), &e.to_string(), ""),
    };
    let mut out = Vec::new();
    let outcome = cli::run(parsed, cli::Terminal::default(), &mut out);
    let stderr = match &outcome {
        Err(e) if !e.is_closed_output() => format!("paylint: {e}\n"),
        _ => String::new(),
    };
    Run {
        code: cli::exit_status(&outcome),
        stdout: String::from_utf8_lossy(&out).into_owned(),
        stderr,
        raw_stdout: out,
    }
}

fn text_run(code: i32, stdout: &str, stderr: &str) -> Run {
    Run {
        code,
        stdout: stdout.to_string(),
        stderr: stderr.to_string(),
        raw_stdout: stdout.as_bytes().to_vec(),
    }
}

/// Runs a command of the binary (see [`command_in`]).
pub fn output(mut cmd: Command) -> Run {
    Run::from_output(cmd.output().expect("paylint runs"))
}

/// Runs `cmd`, killing it if it has not finished after `limit`.
pub fn run_with_timeout(mut cmd: Command, limit: Duration) -> Option<Run> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("paylint starts");
    // Drain the pipes on threads, so a large report cannot fill them and stall the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut b).map(|_| b)
    });
    let err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut b).map(|_| b)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out.join().unwrap().unwrap();
    let stderr = err.join().unwrap().unwrap();
    Some(Run {
        code: status.code().expect("paylint was killed by a signal"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        raw_stdout: stdout,
    })
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

/// As `json_in`, in the package root and in this process (see [`run`]).
pub fn json(args: &[&str], code: i32) -> Run {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let r = run(&all);
    assert_eq!(
        r.code, code,
        "exit status of paylint {all:?}\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    r
}

/// The JSON report's diagnostics of a run in `dir` (with `--format json`), asserting the exit
/// status.
pub fn diags_in(dir: &Path, args: &[&str], code: i32) -> Vec<Diag> {
    json_in(dir, args, code).diags()
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
    pub fn at(&self) -> At<'_> {
        (&self.rule, self.line, self.column, &self.pointer)
    }
}

/// `(rule, line, column, pointer)` of a finding.
pub type At<'a> = (&'a str, u64, u64, &'a str);

/// `(rule, line, column, pointer)` of each diagnostic.
pub fn ats(diags: &[Diag]) -> Vec<At<'_>> {
    diags.iter().map(Diag::at).collect()
}

/// The rule id of each diagnostic.
pub fn rules_of(diags: &[Diag]) -> Vec<&str> {
    diags.iter().map(|d| d.rule.as_str()).collect()
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

/// What a file looks like from outside: its bytes (for a file), mode, inode, modification time
/// and whether it is a symbolic link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub bytes: Vec<u8>,
    pub mode: u32,
    pub inode: u64,
    pub mtime: SystemTime,
    pub symlink: bool,
}

/// The permission bits (`0o644`) and the inode.
#[cfg(unix)]
fn mode_and_inode(m: &std::fs::Metadata) -> (u32, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.mode() & 0o7777, m.ino())
}

#[cfg(not(unix))]
fn mode_and_inode(m: &std::fs::Metadata) -> (u32, u64) {
    (u32::from(m.permissions().readonly()), 0)
}

pub fn stat(path: &Path) -> Stat {
    let m = std::fs::symlink_metadata(path).unwrap();
    let (mode, inode) = mode_and_inode(&m);
    Stat {
        bytes: if m.is_file() {
            std::fs::read(path).unwrap()
        } else {
            Vec::new()
        },
        mode,
        inode,
        mtime: m.modified().unwrap(),
        symlink: m.file_type().is_symlink(),
    }
}

/// Sets the modification time of `path` (a file, or every regular file under a folder) to a
/// day in 2001, so any rewrite shows in the mtime whatever the clock's resolution.
pub fn age(path: &Path) {
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let set = |file: &Path| {
        std::fs::File::options()
            .write(true)
            .open(file)
            .unwrap()
            .set_modified(old)
            .unwrap()
    };
    let mut stack = vec![path.to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = std::fs::symlink_metadata(&p).unwrap();
        if m.is_dir() {
            for entry in std::fs::read_dir(&p).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else if m.is_file() {
            set(&p);
        }
    }
}

#[cfg(unix)]
pub fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}
