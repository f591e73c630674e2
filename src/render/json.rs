//! `--format json`, version 1: `tool`, `diagnostics` and `summary`. Diagnostics are written as
//! they are found (one per line), so the report never has to be held in memory.

use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::lint::{FileReport, Summary};
use serde::Serialize;
use std::io::{self, Write};

/// One diagnostic as the JSON report shows it (the contract: fields are added, never renamed).
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub rule: &'a str,
    pub severity: &'a str,
    pub message: String,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub pointer: &'a str,
    pub resource: Option<&'a str>,
    pub direction: Option<&'a str>,
    pub payload: usize,
}

impl<'a> JsonDiagnostic<'a> {
    pub fn new(file: &'a str, d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            rule: d.rule.id(),
            severity: d.severity.as_str(),
            message: d.full_message(),
            file,
            line: d.line,
            column: d.column,
            pointer: &d.pointer,
            resource: d.resource.as_deref(),
            direction: d.direction.map(|d| d.as_str()),
            payload: d.payload,
        }
    }
}

#[derive(Default)]
pub struct Json {
    written: usize,
    /// Add `statistics` (findings by rule) to the summary.
    statistics: bool,
}

impl Json {
    pub fn new(statistics: bool) -> Self {
        Json {
            written: 0,
            statistics,
        }
    }
}

impl Renderer for Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\"tool\":{{\"name\":\"paylint\",\"version\":\"{}\"}},\n\"diagnostics\":[",
            env!("CARGO_PKG_VERSION")
        )
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let file = report.display_path();
        for d in &report.diagnostics {
            out.write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &JsonDiagnostic::new(&file, d))?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        let mut summary = serde_json::json!({
            "files": s.files, "payloads": s.payloads, "errors": s.errors, "warnings": s.warnings,
        });
        let extra = summary.as_object_mut().expect("an object");
        if s.suppressed > 0 || s.baseline_fixed > 0 {
            extra.insert("baseline_suppressed".into(), s.suppressed.into());
            extra.insert("baseline_fixed".into(), s.baseline_fixed.into());
        }
        if s.fixes > 0 {
            extra.insert("fixes".into(), s.fixes.into());
        }
        if self.statistics {
            extra.insert("statistics".into(), serde_json::to_value(&s.by_rule)?);
        }
        out.write_all(if self.written == 0 {
            b"],\n\"summary\":"
        } else {
            b"\n],\n\"summary\":"
        })?;
        serde_json::to_writer(&mut *out, &summary)?;
        writeln!(out, "}}")
    }
}
