//! `--format json`, version 1: `tool`, `diagnostics` and `summary`. Diagnostics are written as
//! they are found (one per line), so the report never has to be held in memory.

use super::Renderer;
use crate::diagnostic::Diagnostic;
use crate::report::{FileReport, Summary};
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
            pointer: d.pointer.as_str(),
            resource: d.resource.as_deref(),
            direction: d.direction.map(|d| d.as_str()),
            payload: d.payload,
        }
    }
}

impl JsonDiagnostic<'_> {
    /// Appends the object, byte for byte what `serde_json::to_writer` writes for it, without
    /// serde's per-field machinery (this runs for every finding of a large run).
    pub fn write_to(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(b"{\"rule\":");
        push_str(buf, self.rule);
        buf.extend_from_slice(b",\"severity\":");
        push_str(buf, self.severity);
        buf.extend_from_slice(b",\"message\":");
        push_str(buf, &self.message);
        buf.extend_from_slice(b",\"file\":");
        push_str(buf, self.file);
        buf.extend_from_slice(b",\"line\":");
        push_uint(buf, self.line);
        buf.extend_from_slice(b",\"column\":");
        push_uint(buf, self.column);
        buf.extend_from_slice(b",\"pointer\":");
        push_str(buf, self.pointer);
        buf.extend_from_slice(b",\"resource\":");
        push_opt(buf, self.resource);
        buf.extend_from_slice(b",\"direction\":");
        push_opt(buf, self.direction);
        buf.extend_from_slice(b",\"payload\":");
        push_uint(buf, self.payload);
        buf.push(b'}');
    }
}

/// A number's decimal digits, without `fmt`'s machinery.
fn push_uint(buf: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

fn push_opt(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => push_str(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped as serde_json escapes it: `"`, `\\`, and control characters (the
/// short forms `\\b \\f \\n \\r \\t`, else `\\u00XX`); everything else as is.
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.push(b'"');
    let mut at = 0;
    loop {
        let end = crate::json::skip_plain(bytes, at);
        buf.extend_from_slice(&bytes[at..end]);
        let Some(&b) = bytes.get(end) else {
            break;
        };
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            0x08 => buf.extend_from_slice(b"\\b"),
            0x0c => buf.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[(b >> 4) as usize]);
                buf.push(HEX[(b & 0xf) as usize]);
            }
        }
        at = end + 1;
    }
    buf.push(b'"');
}

#[derive(Default)]
pub struct Json {
    written: usize,
    /// Add `statistics` (findings by rule) to the summary.
    statistics: bool,
}

impl Json {
    /// The report with the summary's counts.
    pub fn new() -> Self {
        Json {
            written: 0,
            statistics: false,
        }
    }

    /// The report with findings by rule in the summary too (`--statistics`).
    pub fn with_statistics() -> Self {
        Json {
            written: 0,
            statistics: true,
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
        let mut buf = Vec::with_capacity(512 * report.diagnostics.len());
        for d in &report.diagnostics {
            buf.extend_from_slice(if self.written == 0 { b"\n" } else { b",\n" });
            JsonDiagnostic::new(&file, d).write_to(&mut buf);
            self.written += 1;
        }
        out.write_all(&buf)
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
        if s.skipped_entries > 0 {
            extra.insert("skipped_entries".into(), s.skipped_entries.into());
        }
        if self.statistics {
            extra.insert("statistics".into(), serde_json::to_value(&s.by_rule)?);
            extra.insert(
                "bodies".into(),
                serde_json::json!({
                    "checked": s.bodies.checked,
                    "unchecked": s.bodies.unchecked,
                    "undescribed": s.bodies.undescribed,
                }),
            );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_objects_are_what_serde_json_writes() {
        let strings = [
            "plain",
            "",
            "quote \" backslash \\ slash /",
            "tabs\tlines\r\nbell\u{7}nul\u{0}\u{1f}\u{8}\u{c}",
            "unicode é € 𝄞 \u{7f} \u{2028}",
            "a long message with `code` spans; did you mean `groupId`? It differs only in case",
        ];
        let numbers = [
            (12, 345, 7),
            (0, 1, 0),
            (9, 10, 99),
            (1_000_000, usize::MAX, 100),
        ];
        for (s, (line, column, payload)) in strings.into_iter().zip(numbers.into_iter().cycle()) {
            for opt in [None, Some(s)] {
                let d = JsonDiagnostic {
                    rule: "unknown-field",
                    severity: "error",
                    message: s.to_string(),
                    file: s,
                    line,
                    column,
                    pointer: s,
                    resource: opt,
                    direction: opt,
                    payload,
                };
                let mut ours = Vec::new();
                d.write_to(&mut ours);
                assert_eq!(
                    String::from_utf8(ours).unwrap(),
                    serde_json::to_string(&d).unwrap()
                );
            }
        }
    }
}
