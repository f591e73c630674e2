//! Baselines: record today's findings (`--write-baseline FILE`) so that a later run
//! (`--baseline FILE`) reports and fails only on new ones. A finding is known by a fingerprint
//! of its file, rule, JSON Pointer and payload index — not its line, so it survives edits that
//! move lines.

use crate::diagnostic::Diagnostic;
use crate::fingerprint::{fingerprint, portable_path};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

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
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a paylint baseline: {e}", path.display()))?;
        if file.version != 1 {
            return Err(format!(
                "{}: baseline version {} is not supported (1 is)",
                path.display(),
                file.version
            ));
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
pub fn write(path: &Path, findings: Vec<Entry>) -> Result<(), String> {
    let file = BaselineFile {
        version: 1,
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    text.push('\n');
    crate::fix::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
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
