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
        let file = report.display_path();
        for d in &report.diagnostics {
            out.write_all(if self.written == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut *out, &JsonDiagnostic::new(&file, d))?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        writeln!(
            out,
            "\n],\n\"summary\":{{\"files\":{},\"payloads\":{},\"errors\":{},\"warnings\":{}}}}}",
            s.files, s.payloads, s.errors, s.warnings
        )
    }
}
