//! `--format human`: rustc/ruff-style findings with the source line and a caret, the hint, a
//! unified diff towards a conformant payload, and a one-line summary.

use super::Renderer;
use crate::diagnostic::{Diagnostic, Severity};
use crate::diff;
use crate::lint::{FileReport, Summary};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

pub struct Human {
    pub color: bool,
    pub show_diff: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// Counts by rule before the summary.
    pub statistics: bool,
}

impl Human {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn diagnostic(
        &self,
        out: &mut dyn Write,
        path: &str,
        report: &FileReport,
        d: &Diagnostic,
    ) -> io::Result<()> {
        let (label, color) = match d.severity {
            Severity::Error => ("error", AnsiColor::Red),
            Severity::Warning => ("warning", AnsiColor::Yellow),
        };
        let bold = Style::new().bold();
        let blue = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
        let head = self.paint(
            Style::new().bold().fg_color(Some(color.into())),
            &format!("{label}[{}]", d.rule.id()),
        );
        writeln!(
            out,
            "{}: {head}: {}",
            self.paint(bold, &format!("{path}:{}:{}", d.line, d.column)),
            self.paint(bold, &d.message)
        )?;
        if let (Some(src), Some(lines)) = (&report.source, &report.lines) {
            if d.span.end > d.span.start || d.line > 0 {
                let local = d.line.saturating_sub(report.line_base).max(1);
                let line_text = lines.line_text(&src.text, local);
                let number = d.line.to_string();
                let gutter = " ".repeat(number.len());
                let line_end = lines.line_start(local - 1) + line_text.len();
                let span_end = d.span.end.clamp(d.span.start, line_end.max(d.span.start));
                let width = src
                    .text
                    .get(d.span.start..span_end)
                    .map_or(1, |s| s.chars().count())
                    .max(1);
                let shown = line_text.replace('\t', " ");
                writeln!(out, "{gutter} {}", self.paint(blue, "|"))?;
                writeln!(
                    out,
                    "{} {} {shown}",
                    self.paint(blue, &number),
                    self.paint(blue, "|")
                )?;
                writeln!(
                    out,
                    "{gutter} {} {}{}",
                    self.paint(blue, "|"),
                    " ".repeat(d.column - 1),
                    self.paint(
                        Style::new().bold().fg_color(Some(color.into())),
                        &"^".repeat(width)
                    )
                )?;
            }
        }
        if let Some(hint) = &d.hint {
            let gutter = " ".repeat(d.line.to_string().len());
            writeln!(out, "{gutter} {} {hint}", self.paint(blue, "= help:"))?;
        }
        writeln!(out)
    }

    fn diff(
        &self,
        out: &mut dyn Write,
        path: &str,
        captured: &str,
        conformant: &str,
    ) -> io::Result<()> {
        let text = diff::unified(path, captured, conformant);
        for line in text.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold()
            } else if line.starts_with('+') {
                Style::new().fg_color(Some(AnsiColor::Green.into()))
            } else if line.starts_with('-') {
                Style::new().fg_color(Some(AnsiColor::Red.into()))
            } else if line.starts_with("@@") {
                Style::new().fg_color(Some(AnsiColor::Cyan.into()))
            } else {
                Style::new()
            };
            writeln!(out, "{}", self.paint(style, line.trim_end_matches('\r')))?;
        }
        writeln!(out)
    }
}

impl Renderer for Human {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let path = report.display_path();
        for d in &report.diagnostics {
            self.diagnostic(out, &path, report, d)?;
        }
        if self.show_diff {
            if let (Some(src), Some(fixed)) = (&report.source, &report.conformant) {
                self.diff(out, &path, &src.text, fixed)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, s: &Summary) -> io::Result<()> {
        if self.statistics {
            let width = s.by_rule.values().max().map_or(1, |n| n.to_string().len());
            for (rule, n) in &s.by_rule {
                writeln!(out, "{n:>width$}  {rule}")?;
            }
            if !s.by_rule.is_empty() {
                writeln!(out)?;
            }
        }
        if self.quiet {
            return Ok(());
        }
        if s.suppressed > 0 || s.baseline_fixed > 0 {
            writeln!(
                out,
                "baseline: {} findings suppressed, {} baseline entries now fixed",
                s.suppressed, s.baseline_fixed
            )?;
        }
        if s.fixes > 0 {
            writeln!(
                out,
                "fixed: {} safe fixes written to {} files",
                s.fixes, s.files_fixed
            )?;
        }
        let line = format!(
            "{} files, {} payloads: {} errors, {} warnings",
            s.files, s.payloads, s.errors, s.warnings
        );
        let style = if s.errors > 0 {
            Style::new().bold().fg_color(Some(AnsiColor::Red.into()))
        } else if s.warnings > 0 {
            Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()))
        } else {
            Style::new().bold().fg_color(Some(AnsiColor::Green.into()))
        };
        writeln!(out, "{}", self.paint(style, &line))
    }
}
