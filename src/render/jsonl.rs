//! `--format jsonl`: one finding per line, each the JSON report's diagnostic object; no header and
//! no summary, so the outputs of many runs (shards, map tasks) merge by concatenation.

use super::json::JsonDiagnostic;
use super::Renderer;
use crate::report::{FileReport, Summary};
use std::io::{self, Write};

pub struct JsonLines;

impl Renderer for JsonLines {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let file = report.display_path();
        let mut buf = Vec::with_capacity(512 * report.diagnostics.len());
        for d in &report.diagnostics {
            JsonDiagnostic::new(&file, d).write_to(&mut buf);
            buf.push(b'\n');
        }
        out.write_all(&buf)
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
