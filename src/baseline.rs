//! Baselines: record today's findings (`--write-baseline FILE`) so that a later run
//! (`--baseline FILE`) reports and fails only on new ones. A finding is known by a fingerprint
//! of its file, rule, JSON Pointer and payload index — not its line, so it survives edits that
//! move lines.

use crate::diagnostic::Diagnostic;
use crate::fingerprint::{fingerprint, portable_path};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A baseline that cannot be read or written (exit 2).
#[derive(Debug)]
pub enum BaselineError {
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    NotABaseline {
        path: PathBuf,
        error: serde_json::Error,
    },
    /// A version this paylint does not read.
    Version {
        path: PathBuf,
        version: u32,
    },
    Serialize(serde_json::Error),
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineError::Read { path, error } => {
                write!(f, "cannot read the baseline {}: {error}", path.display())
            }
            BaselineError::NotABaseline { path, error } => {
                write!(f, "{} is not a paylint baseline: {error}", path.display())
            }
            BaselineError::Version { path, version } => write!(
                f,
                "{}: baseline version {version} is not supported (1 is)",
                path.display()
            ),
            BaselineError::Serialize(error) => write!(f, "{error}"),
            BaselineError::Write { path, error } => {
                write!(f, "cannot write the baseline {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for BaselineError {}

#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
pub struct Entry {
    pub fingerprint: String,
    pub file: String,
    pub rule: String,
    pub pointer: String,
    pub payload: usize,
}

impl Entry {
    pub fn new(path: &Path, d: &Diagnostic) -> Entry {
        let file = portable_path(path);
        Entry {
            fingerprint: fingerprint(&file, d),
            file,
            rule: d.rule.id().to_string(),
            pointer: d.pointer.to_string(),
            payload: d.payload,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A loaded baseline: how many findings of each fingerprint it still forgives.
#[derive(Debug, Default)]
pub struct Baseline {
    remaining: HashMap<String, usize>,
    pub suppressed: usize,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let path_buf = || path.to_path_buf();
        let text = std::fs::read_to_string(path).map_err(|error| BaselineError::Read {
            path: path_buf(),
            error,
        })?;
        let file: BaselineFile =
            serde_json::from_str(&text).map_err(|error| BaselineError::NotABaseline {
                path: path_buf(),
                error,
            })?;
        if file.version != 1 {
            return Err(BaselineError::Version {
                path: path_buf(),
                version: file.version,
            });
        }
        let mut remaining = HashMap::new();
        for e in file.findings {
            *remaining.entry(e.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline {
            remaining,
            suppressed: 0,
        })
    }

    /// Drops the findings the baseline knows (each entry forgives one finding).
    pub fn filter(&mut self, path: &Path, diagnostics: &mut Vec<Diagnostic>) {
        let file = portable_path(path);
        diagnostics.retain(|d| match self.remaining.get_mut(&fingerprint(&file, d)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                self.suppressed += 1;
                false
            }
            _ => true,
        });
    }

    /// Baseline entries that matched no finding: fixed since the baseline was written.
    pub fn fixed(&self) -> usize {
        self.remaining.values().sum()
    }
}

/// Writes a baseline atomically.
pub fn write(path: &Path, findings: Vec<Entry>) -> Result<(), BaselineError> {
    let file = BaselineFile {
        version: 1,
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(BaselineError::Serialize)?;
    text.push('\n');
    crate::fix::write_atomic(path, text.as_bytes()).map_err(|error| BaselineError::Write {
        path: path.to_path_buf(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;
    use crate::source::Span;

    fn diag(line: usize, pointer: &str) -> Diagnostic {
        crate::diagnostic::Finding::new(
            Rule::UnknownField,
            crate::rule::Severity::Error,
            Span::new(line * 10, line * 10 + 3),
            crate::pointer::JsonPointer::parse(pointer).unwrap(),
            "m",
        )
        .placed(crate::source::Position { line, column: 1 })
    }

    #[test]
    fn a_baseline_round_trips_and_bad_ones_say_what_is_wrong() {
        let t = tempfile::TempDir::new().unwrap();
        let path = t.path().join("b.json");
        let entry = Entry::new(Path::new("./a.json"), &diag(2, "/x"));
        assert_eq!(entry.file, "a.json");
        write(&path, vec![entry.clone()]).unwrap();
        let mut b = Baseline::load(&path).unwrap();
        let mut ds = vec![diag(7, "/x")];
        b.filter(Path::new("a.json"), &mut ds);
        assert!(ds.is_empty());
        std::fs::write(&path, r#"{"version": 2, "findings": []}"#).unwrap();
        let e = Baseline::load(&path).unwrap_err().to_string();
        assert!(
            e.ends_with("baseline version 2 is not supported (1 is)"),
            "{e}"
        );
        std::fs::write(&path, "[]").unwrap();
        let e = Baseline::load(&path).unwrap_err().to_string();
        assert!(e.contains("is not a paylint baseline"), "{e}");
        let e = Baseline::load(&t.path().join("none.json")).unwrap_err();
        assert!(e.to_string().starts_with("cannot read the baseline"), "{e}");
    }

    #[test]
    fn each_entry_forgives_one_finding() {
        let mut b = Baseline::default();
        let e = Entry::new(Path::new("a.json"), &diag(1, "/x"));
        b.remaining.insert(e.fingerprint.clone(), 1);
        b.remaining.insert("gone".into(), 1);
        let mut ds = vec![diag(5, "/x"), diag(6, "/x"), diag(7, "/y")];
        b.filter(Path::new("./a.json"), &mut ds);
        assert_eq!(ds.len(), 2);
        assert_eq!(b.suppressed, 1);
        assert_eq!(b.fixed(), 1);
    }
}
