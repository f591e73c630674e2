//! `--format human`: rustc/ruff-style findings with the source line and a caret, the hint, a
//! unified diff towards a conformant payload, and a one-line summary (counts, how many files had findings, and where to find more).

use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::diff;
use crate::report::{FileReport, Summary};
use crate::rule::Severity;
use crate::source::{floor_char_boundary, LineIndex, SourceFile};
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
            self.paint(
                bold,
                &format!("{}:{}:{}", printable(path), d.line, d.column)
            ),
            self.paint(bold, &printable(&d.message))
        )?;
        if let (Some(src), Some(lines)) = (&report.source, &report.lines) {
            self.snippet(out, src, lines, report.line_base, d, color)?;
        }
        if let Some(hint) = &d.hint {
            let gutter = " ".repeat(d.line.to_string().len());
            writeln!(
                out,
                "{gutter} {} {}",
                self.paint(blue, "= help:"),
                printable(hint)
            )?;
        }
        writeln!(out)
    }

    /// The finding's source line, with a caret under what it points at.
    fn snippet(
        &self,
        out: &mut dyn Write,
        src: &SourceFile,
        lines: &LineIndex,
        line_base: usize,
        d: &Diagnostic,
        color: AnsiColor,
    ) -> io::Result<()> {
        let blue = Style::new().bold().fg_color(Some(AnsiColor::Blue.into()));
        let local = d.line.saturating_sub(line_base).max(1);
        let line_text = lines.line_text(&src.text, local);
        let number = d.line.to_string();
        let gutter = " ".repeat(number.len());
        let line_end = lines.line_start(local - 1) + line_text.len();
        let span_end = d.span.end.clamp(d.span.start, line_end.max(d.span.start));
        // The caret is never wider than the snippet: count no further.
        let width = src
            .text
            .get(d.span.start..span_end)
            .map_or(1, |s| s.chars().take(SNIPPET_WIDTH).count())
            .clamp(1, SNIPPET_WIDTH);
        let (at, past) = caret(&src.text, lines, local, line_text, d);
        let (shown, column) = window(line_text, at, past);
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
            " ".repeat(column),
            self.paint(
                Style::new().bold().fg_color(Some(color.into())),
                &"^".repeat(width)
            )
        )?;
        Ok(())
    }

    /// A diff made by [`diff::of_report`], coloured.
    fn diff(&self, out: &mut dyn Write, text: &str) -> io::Result<()> {
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
            let line = line.trim_end_matches('\r');
            writeln!(
                out,
                "{}",
                self.paint(style, &printable(&shorten(line, DIFF_LINE_WIDTH)))
            )?;
        }
        writeln!(out)
    }
}

/// Characters of a source line shown around a finding; a longer line (a minified body) is cut
/// to a window around the column.
const SNIPPET_WIDTH: usize = 120;
/// Characters of a diff line shown.
const DIFF_LINE_WIDTH: usize = 200;

/// Where the caret goes in `line` (the `local`th line of `text`): a char boundary of the line,
/// and how many chars after it (a span starting on the `\r` or `\n` that ends the line).
///
/// The line and column were computed from `span.start`, so when it falls on this line its byte
/// offset is the caret's, found without counting the chars before it. Otherwise (a finding
/// placed by hand, at 1:1) the column is walked from the start of the line.
fn caret(
    text: &str,
    lines: &LineIndex,
    local: usize,
    line: &str,
    d: &Diagnostic,
) -> (usize, usize) {
    let start = lines.line_start(local - 1);
    let offset = floor_char_boundary(text, d.span.start.min(text.len()));
    if offset >= start && lines.line_of(offset) == local - 1 {
        let at = (offset - start).min(line.len());
        // Only the ASCII `\r`s and `\n` ending the line lie past it: bytes are chars.
        return (at, offset - start - at);
    }
    let column = d.column.saturating_sub(1);
    match line.char_indices().nth(column) {
        Some((at, _)) => (at, 0),
        None => (line.len(), column - line.chars().count()),
    }
}

/// The part of `line` shown for a finding whose caret is at byte `at` of the line (a char
/// boundary) plus `past` chars, and the caret's column within it. Tabs are shown as spaces.
///
/// A line of at most `SNIPPET_WIDTH` chars is shown whole. A longer one (a minified body) is
/// cut to `SNIPPET_WIDTH` chars starting a third of the width before the caret, or ending at the
/// end of the line, marked `…` where it is cut. Only the chars within `SNIPPET_WIDTH` of the
/// caret are ever looked at: a one-line body with thousands of findings would otherwise be
/// counted and copied whole for each of them (quadratic: minutes for a megabyte).
fn window(line: &str, at: usize, past: usize) -> (String, usize) {
    let (before, after) = line.split_at(at);
    // Byte offsets of up to SNIPPET_WIDTH chars on either side of the caret, nearest first
    // (one more ahead, to tell whether the line ends within the width).
    let back: Vec<usize> = before
        .char_indices()
        .rev()
        .map(|(i, _)| i)
        .take(SNIPPET_WIDTH)
        .collect();
    let ahead: Vec<usize> = after
        .char_indices()
        .map(|(i, _)| at + i)
        .take(SNIPPET_WIDTH + 1)
        .collect();
    let reaches_start = back.last().is_none_or(|&i| i == 0);
    let reaches_end = ahead.len() <= SNIPPET_WIDTH;
    if reaches_start && reaches_end && back.len() + ahead.len() <= SNIPPET_WIDTH {
        return (visible(line), back.len() + past);
    }
    // Chars shown before the caret: a third of the width, fewer at the line start, more when the
    // window would otherwise run past the line end.
    let mut skip = (SNIPPET_WIDTH / 3).saturating_sub(past).min(back.len());
    if reaches_end {
        skip = skip.max(SNIPPET_WIDTH - ahead.len());
    }
    let from = if skip == 0 { at } else { back[skip - 1] };
    let to = ahead
        .get(SNIPPET_WIDTH - skip)
        .copied()
        .unwrap_or(line.len());
    let mut shown = String::with_capacity(to - from + 6);
    if from > 0 {
        shown.push('…');
    }
    shown.push_str(&visible(&line[from..to]));
    if to < line.len() {
        shown.push('…');
    }
    (shown, skip + past + usize::from(from > 0))
}

/// Text from a capture (a message quoting a key, a hint, a diff line, a path) made safe for a
/// terminal: control characters, line breaks among them, written as `\u{001B}`, so a hostile
/// key cannot move the cursor, recolour or clear the screen, or break the report's layout.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\t') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c.is_control() && c != '\t' {
            crate::render::push_control(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A source snippet as shown under a finding: one column per char, so the caret stays under
/// its column — tabs as spaces, other C0 controls and DEL as their Unicode control pictures
/// (`␛`, `␀`), C1 controls as `�`.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
            '\u{7f}' => '\u{2421}',
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `line` cut to `width` characters, saying how many were left out.
fn shorten(line: &str, width: usize) -> std::borrow::Cow<'_, str> {
    match line.char_indices().nth(width) {
        None => line.into(),
        Some((cut, _)) => {
            let more = line[cut..].chars().count();
            format!("{}… ({more} more characters)", &line[..cut]).into()
        }
    }
}

impl Renderer for Human {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() && report.conformant.is_none() {
            return Ok(());
        }
        let path = report.display_path();
        for d in &report.diagnostics {
            self.diagnostic(out, &path, report, d)?;
        }
        if self.show_diff {
            if let Some(text) = diff::of_report(&path, report) {
                self.diff(out, &text)?;
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
            let b = s.bodies;
            if b.total() > 0 {
                write!(
                    out,
                    "bodies: {} of {} checked against a description; {} not (a finding says why)",
                    b.checked,
                    b.total(),
                    b.unchecked
                )?;
                if b.undescribed > 0 {
                    write!(
                        out,
                        "; {} with no type to check against (a stream, a 202, a redirect: a finding says so)",
                        b.undescribed
                    )?;
                }
                writeln!(out)?;
                writeln!(out)?;
            }
        }
        if self.quiet {
            return Ok(());
        }
        if s.suppressed > 0 || s.baseline_fixed > 0 {
            writeln!(
                out,
                "baseline: {} suppressed, {} now fixed",
                count(s.suppressed, "finding"),
                count(s.baseline_fixed, "baseline entry")
            )?;
        }
        if s.fixes > 0 {
            writeln!(
                out,
                "fixed: {} written to {}",
                count(s.fixes, "safe fix"),
                count(s.files_fixed, "file")
            )?;
        }
        let line = summary_line(s, self.statistics);
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

/// `n` and the noun, plural unless `n` is 1: `1 file`, `2 files`, `0 errors`, `2 fixes`,
/// `2 entries`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if let Some(stem) = noun.strip_suffix('y') {
        format!("{n} {stem}ies")
    } else if noun.ends_with('x') || noun.ends_with('s') {
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// The report's last line: `2 errors, 1 warning in 3 of 10 files (12 payloads); --statistics
/// for counts by rule`, or `no findings in 10 files (12 payloads)`. The pointer to
/// `--statistics` is left out when the counts are already shown.
pub fn summary_line(s: &Summary, statistics: bool) -> String {
    let payloads = count(s.payloads, "payload");
    let skipped = match s.skipped_entries {
        0 => String::new(),
        n => format!(
            "; {} skipped (no API calls: images, scripts, styles, fonts, other hosts)",
            count(n, "HAR entry")
        ),
    };
    if s.errors == 0 && s.warnings == 0 {
        return format!(
            "no findings in {} ({payloads}){skipped}",
            count(s.files, "file")
        );
    }
    let files = if s.files == 1 { "file" } else { "files" };
    let mut line = format!(
        "{}, {} in {} of {} {files} ({payloads}){skipped}",
        count(s.errors, "error"),
        count(s.warnings, "warning"),
        s.files_with_findings,
        s.files
    );
    if !statistics {
        line.push_str("; --statistics for counts by rule");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_how_many_files_failed_in_the_right_number() {
        let mut s = Summary::default();
        (
            s.files,
            s.files_with_findings,
            s.payloads,
            s.errors,
            s.warnings,
        ) = (10, 3, 12, 2, 1);
        assert_eq!(
            summary_line(&s, false),
            "2 errors, 1 warning in 3 of 10 files (12 payloads); --statistics for counts by rule"
        );
        assert_eq!(
            summary_line(&s, true),
            "2 errors, 1 warning in 3 of 10 files (12 payloads)"
        );
        (
            s.files,
            s.files_with_findings,
            s.payloads,
            s.errors,
            s.warnings,
        ) = (1, 1, 1, 1, 0);
        assert_eq!(
            summary_line(&s, true),
            "1 error, 0 warnings in 1 of 1 file (1 payload)"
        );
        (s.errors, s.files_with_findings) = (0, 0);
        assert_eq!(summary_line(&s, false), "no findings in 1 file (1 payload)");
        assert_eq!(count(2, "safe fix"), "2 safe fixes");
        assert_eq!(count(2, "baseline entry"), "2 baseline entries");
    }

    #[test]
    fn text_from_captures_cannot_drive_the_terminal() {
        assert_eq!(printable("plain\ttext é"), "plain\ttext é");
        assert_eq!(
            printable("a\u{1b}[2Jb\r\nc\u{0}\u{7f}\u{9b}"),
            "a\\u{001B}[2Jb\\u{000D}\\u{000A}c\\u{0000}\\u{007F}\\u{009B}"
        );
        assert_eq!(visible("a\tb\u{1b}c\u{0}\u{7f}\u{85}d"), "a b␛c␀␡\u{fffd}d");
        // One column per char: the caret stays aligned.
        let line = "{\"\u{1b}[31m\": 1, \"x\": 2}";
        let at = line.find("\"x\"").unwrap();
        let (shown, column) = window(line, at, 0);
        assert_eq!(shown.chars().nth(column), Some('"'));
        assert_eq!(shown.chars().nth(column + 1), Some('x'));
    }

    /// The window as it was computed before it was bounded: from the whole line, by char
    /// `column`. The bounded one must show exactly this.
    fn whole_line_window(line: &str, column: usize) -> (String, usize) {
        let line = visible(line);
        let total = line.chars().count();
        if total <= SNIPPET_WIDTH {
            return (line, column);
        }
        let start = column
            .saturating_sub(SNIPPET_WIDTH / 3)
            .min(total - SNIPPET_WIDTH);
        let mut shown: String = line.chars().skip(start).take(SNIPPET_WIDTH).collect();
        let mut column = column - start;
        if start > 0 {
            shown.insert(0, '…');
            column += 1;
        }
        if start + SNIPPET_WIDTH < total {
            shown.push('…');
        }
        (shown, column)
    }

    /// `window` at char `column` of `line` (past its end by `column - chars`).
    fn window_at(line: &str, column: usize) -> (String, usize) {
        match line.char_indices().nth(column) {
            Some((at, _)) => window(line, at, 0),
            None => window(line, line.len(), column - line.chars().count()),
        }
    }

    #[test]
    fn long_lines_are_cut_around_the_finding() {
        let line = format!("{}X{}", "a".repeat(1000), "b".repeat(1000));
        let (shown, col) = window_at(&line, 1000);
        assert_eq!(shown.chars().nth(col), Some('X'));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert!(shown.chars().count() <= SNIPPET_WIDTH + 2);
        assert_eq!(window_at("short", 2), ("short".to_string(), 2));
        let (start, col) = window_at(&line, 3);
        assert_eq!(col, 3);
        assert!(!start.starts_with('…'));
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdefg", 3), "abc… (4 more characters)");
    }

    #[test]
    fn the_bounded_window_shows_what_the_whole_line_window_showed() {
        // Lengths around the width, multi-byte chars and tabs, every column and two past the end
        // (a span starting on the `\r\n` that ends the line).
        let pieces = ["a", "é", "\t", "日本", "😀", "x\ty"];
        for len in (0..10)
            .chain(35..45)
            .chain(115..126)
            .chain([200, 239, 240, 241, 300])
        {
            for (k, piece) in pieces.iter().enumerate() {
                let line: String = (0..len)
                    .map(|i| if i % (k + 2) == 0 { piece } else { "b" })
                    .collect::<String>()
                    .chars()
                    .take(len)
                    .collect();
                let total = line.chars().count();
                for column in 0..=total + 2 {
                    assert_eq!(
                        window_at(&line, column),
                        whole_line_window(&line, column),
                        "{len} chars of {piece:?}, column {column}: {line:?}"
                    );
                }
            }
        }
    }
}
