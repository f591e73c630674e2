//! `--format jsonl`: one finding per line, each the JSON report's diagnostic object; no header and
//! no summary, so the outputs of many runs (shards, map tasks) merge by concatenation.

use super::json::JsonDiagnostic;
use super::Renderer;
use crate::lint::{FileReport, Summary};
use std::io::{self, Write};

pub struct JsonLines;

impl Renderer for JsonLines {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let file = report.display_path();
        for d in &report.diagnostics {
            serde_json::to_writer(&mut *out, &JsonDiagnostic::new(&file, d))?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
