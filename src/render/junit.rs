//! `--format junit`: JUnit XML, for CI test-report views (Jenkins, GitLab, Azure DevOps, the
//! JUnit report actions). Each file is a test suite; each finding is a test case of its own, and
//! a payload without findings is one passing test case:
//!
//! ```xml
//! <testsuites name="paylint">
//!   <testsuite name="corpus/x.json" tests="3" failures="1" errors="0" skipped="0">
//!     <testcase name="payload 0 unknown-field /groupID" classname="corpus/x.json">
//!       <failure message="unknown field `groupID` …" type="unknown-field">…</failure>
//!     </testcase>
//!     <testcase name="payload 0 read-only-field /id" classname="corpus/x.json">
//!       <system-out>corpus/x.json:4:3: warning[read-only-field] …</system-out>
//!     </testcase>
//!     <testcase name="payload 1" classname="corpus/x.json"/>
//!   </testsuite>
//! </testsuites>
//! ```
//!
//! - One failure per test case: consumers that count `<failure>` elements and those that count
//!   failing test cases agree, and those that show only a test case's first failure (Jenkins,
//!   Azure DevOps) show every finding.
//! - A finding's test case is named `payload P RULE POINTER` (no pointer for the body's root),
//!   stable when lines move, like the SARIF fingerprint; a second finding of the same name in
//!   the file gets ` (2)`, and so on. Payloads are numbered from 0, as `payload` in the JSON
//!   report. A file-level finding (an unreadable file) belongs to payload 0.
//! - An error is a `<failure>` (`message` the message and hint, `type` the rule id, the text
//!   `FILE:LINE:COLUMN: error[RULE] message` and the JSON Pointer); an `internal-error` (paylint
//!   failed on the file, exit 2) is an `<error>` instead. A warning's test case passes, the line
//!   `FILE:LINE:COLUMN: warning[RULE] message` in its `<system-out>`: visible without turning CI
//!   red. `tests`, `failures` and `errors` count test cases.
//! - The root `<testsuites>` carries no totals: suites are written as files finish, so the
//!   totals are unknown when it opens (the attributes are optional; consumers add up the suites).
//! - A file's reports may come in several parts (a long NDJSON stream); its findings are
//!   gathered until the last part, then its suite is written.
//! - Text and attributes are escaped for XML 1.0; line breaks and tabs in attributes are written
//!   as character references so parsers keep them; characters XML 1.0 cannot carry at all
//!   (control characters) are written as `\u{…}`.

use super::sarif::artifact;
use super::Renderer;
use crate::report::{FileReport, Summary};
use crate::rule::{Rule, Severity};
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::PathBuf;

pub struct Junit {
    /// The working directory: files are named relative to it.
    base: Option<PathBuf>,
    pending: Option<Pending>,
}

/// A file whose suite has not been written yet.
struct Pending {
    path: PathBuf,
    payloads: usize,
    findings: Vec<Finding>,
}

/// What the suite shows of one diagnostic.
struct Finding {
    payload: usize,
    severity: Severity,
    rule: Rule,
    message: String,
    line: usize,
    column: usize,
    pointer: String,
}

impl Junit {
    pub fn new() -> Self {
        Junit::with_base(std::env::current_dir().ok())
    }

    pub fn with_base(base: Option<PathBuf>) -> Self {
        Junit {
            base,
            pending: None,
        }
    }

    fn suite(&self, out: &mut dyn Write, file: Pending) -> io::Result<()> {
        let name = artifact(&file.path, self.base.as_deref()).display;
        let mut by_payload: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
        for f in &file.findings {
            by_payload.entry(f.payload).or_default().push(f);
        }
        let payloads = by_payload
            .keys()
            .next_back()
            .map_or(file.payloads, |last| file.payloads.max(last + 1));
        let mut cases = String::new();
        let (mut tests, mut failures, mut errors) = (0, 0, 0);
        let mut names: HashMap<String, usize> = HashMap::new();
        let none = Vec::new();
        for payload in 0..payloads {
            let findings = by_payload.get(&payload).unwrap_or(&none);
            if findings.is_empty() {
                tests += 1;
                open_case(&mut cases, &format!("payload {payload}"), &name);
                cases.push_str("/>\n");
                continue;
            }
            for f in findings {
                tests += 1;
                let mut case = format!("payload {payload} {}", f.rule.id());
                if !f.pointer.is_empty() {
                    case.push(' ');
                    case.push_str(&f.pointer);
                }
                let seen = names.entry(case.clone()).or_insert(0);
                *seen += 1;
                if *seen > 1 {
                    case.push_str(&format!(" ({seen})"));
                }
                open_case(&mut cases, &case, &name);
                cases.push_str(">\n");
                match outcome(&mut cases, f, &name) {
                    "error" => errors += 1,
                    "failure" => failures += 1,
                    _ => {}
                }
                cases.push_str("    </testcase>\n");
            }
        }
        let mut xml = String::new();
        xml.push_str("  <testsuite name=\"");
        escape(&name, Xml::Attribute, &mut xml);
        xml.push_str(&format!(
            "\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\">\n"
        ));
        xml.push_str(&cases);
        xml.push_str("  </testsuite>\n");
        out.write_all(xml.as_bytes())
    }
}

/// The element inside the `<testcase>` of finding `f` of file `name`: `<error>` for an
/// internal error, `<failure>` for another error, `<system-out>` for a warning. Returns the
/// element's name.
fn outcome(cases: &mut String, f: &Finding, name: &str) -> &'static str {
    let label = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let place = format!(
        "{name}:{}:{}: {label}[{}] {}",
        f.line,
        f.column,
        f.rule.id(),
        f.message
    );
    match f.severity {
        Severity::Error => {
            let element = if f.rule == Rule::InternalError {
                "error"
            } else {
                "failure"
            };
            cases.push_str(&format!("      <{element} message=\""));
            escape(&f.message, Xml::Attribute, cases);
            cases.push_str("\" type=\"");
            escape(f.rule.id(), Xml::Attribute, cases);
            cases.push_str("\">");
            let mut text = place;
            if !f.pointer.is_empty() {
                text.push_str(&format!("\nat {}", f.pointer));
            }
            escape(&text, Xml::Text, cases);
            cases.push_str(&format!("</{element}>\n"));
            element
        }
        Severity::Warning => {
            cases.push_str("      <system-out>");
            escape(&place, Xml::Text, cases);
            cases.push_str("</system-out>\n");
            "system-out"
        }
    }
}

/// `    <testcase name="NAME" classname="CLASS"`, left open for `/>` or `>`.
fn open_case(xml: &mut String, name: &str, class: &str) {
    xml.push_str("    <testcase name=\"");
    escape(name, Xml::Attribute, xml);
    xml.push_str("\" classname=\"");
    escape(class, Xml::Attribute, xml);
    xml.push('"');
}

impl Default for Junit {
    fn default() -> Self {
        Junit::new()
    }
}

impl Renderer for Junit {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"paylint\">\n",
        )
    }

    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if self.pending.as_ref().is_some_and(|p| p.path != report.path) {
            // A file ended without a closing report: write it before starting the next.
            let done = self.pending.take().expect("checked");
            self.suite(out, done)?;
        }
        let pending = self.pending.get_or_insert_with(|| Pending {
            path: report.path.clone(),
            payloads: 0,
            findings: Vec::new(),
        });
        pending.payloads += report.payloads;
        pending
            .findings
            .extend(report.diagnostics.iter().map(|d| Finding {
                payload: d.payload,
                severity: d.severity,
                rule: d.rule,
                message: d.full_message(),
                line: d.line,
                column: d.column,
                pointer: d.pointer.to_string(),
            }));
        if !report.continuation {
            let done = self.pending.take().expect("just inserted");
            self.suite(out, done)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if let Some(done) = self.pending.take() {
            self.suite(out, done)?;
        }
        out.write_all(b"</testsuites>\n")
    }
}

/// Appends `s` escaped for XML 1.0 text or a double-quoted attribute.
/// Where escaped text goes in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Xml {
    /// An attribute value (`"`, tabs and line breaks are escaped too).
    Attribute,
    /// Element text.
    Text,
}

pub fn escape(s: &str, to: Xml, out: &mut String) {
    let attribute = to == Xml::Attribute;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // Parsers turn a raw CR into LF, and line breaks and tabs in attributes into spaces.
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                super::push_control(out, c)
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str, attribute: bool) -> String {
        let mut out = String::new();
        let to = if attribute { Xml::Attribute } else { Xml::Text };
        escape(s, to, &mut out);
        out
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            esc(r#"a<b>&"c"'d'"#, true),
            "a&lt;b&gt;&amp;&quot;c&quot;'d'"
        );
        assert_eq!(esc(r#"]]> "q""#, false), "]]&gt; \"q\"");
    }

    #[test]
    fn line_breaks_survive_in_attributes_and_text() {
        assert_eq!(esc("a\nb\r\tc", true), "a&#10;b&#13;&#9;c");
        assert_eq!(esc("a\nb\r\tc", false), "a\nb&#13;\tc");
    }

    #[test]
    fn characters_xml_cannot_carry_are_spelled_out() {
        assert_eq!(
            esc("a\u{0}b\u{1b}c\u{FFFF}", false),
            "a\\u{0000}b\\u{001B}c\\u{FFFF}"
        );
        assert_eq!(esc("é 😀", true), "é 😀");
    }
}
