//! `--format github`: GitHub Actions workflow commands, one line per finding, which the runner
//! turns into annotations on the file and line:
//!
//! ```text
//! ::error file=corpus/x.json,line=3,col=5,title=paylint unknown-field::unknown field `groupID`…
//! ```
//!
//! `::warning` for warnings. The file is named relative to the working directory with `/`
//! separators (the runner resolves it against the workspace); a finding on standard input has no
//! file, line or column. The message is the finding's message and hint. Nothing else is printed:
//! no summary line, so every line of the output is a command.
//!
//! Escaping is the runner's (`ActionCommand.cs` in actions/runner, `command.ts` in
//! actions/toolkit): in the message `%`, `\r`, `\n` become `%25`, `%0D`, `%0A`; in property
//! values `:` and `,` also become `%3A` and `%2C`.

use super::sarif::artifact;
use super::Renderer;
use crate::report::{FileReport, Summary};
use crate::rule::Severity;
use std::io::{self, Write};
use std::path::PathBuf;

pub struct Github {
    /// The working directory: files are named relative to it.
    base: Option<PathBuf>,
}

impl Github {
    pub fn new() -> Self {
        Github::with_base(std::env::current_dir().ok())
    }

    pub fn with_base(base: Option<PathBuf>) -> Self {
        Github { base }
    }
}

impl Default for Github {
    fn default() -> Self {
        Github::new()
    }
}

/// Escapes a command's data (the message after `::`).
pub fn escape_data(s: &str) -> String {
    escape(s, Field::Data)
}

/// Escapes a property value (`file=`, `title=`).
pub fn escape_property(s: &str) -> String {
    escape(s, Field::Property)
}

/// What part of a workflow command is escaped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// The message after `::`.
    Data,
    /// A property value: `:` and `,` are escaped too.
    Property,
}

fn escape(s: &str, field: Field) -> String {
    let property = field == Field::Property;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if super::is_control(c) => super::push_control(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

impl Renderer for Github {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if report.diagnostics.is_empty() {
            return Ok(());
        }
        let artifact = artifact(&report.path, self.base.as_deref());
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = Vec::with_capacity(4);
            if !artifact.stdin {
                properties.push(format!("file={}", escape_property(&artifact.display)));
                properties.push(format!("line={}", d.line));
                properties.push(format!("col={}", d.column));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!("paylint {}", d.rule.id()))
            ));
            writeln!(
                out,
                "::{command} {}::{}",
                properties.join(","),
                escape_data(&d.full_message())
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% a:b, c\r\nd%0A"),
            "100%25 a:b, c%0D%0Ad%250A"
        );
        assert_eq!(escape_data("plain `text`"), "plain `text`");
    }

    #[test]
    fn control_characters_are_written_visibly() {
        assert_eq!(
            escape_data("a\u{1b}[31mb\u{0}c\u{7f}\u{9b}d\te"),
            "a\\u{001B}[31mb\\u{0000}c\\u{007F}\\u{009B}d\te"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(
            escape_property("dir/a,b:c%d\ne\rf.json"),
            "dir/a%2Cb%3Ac%25d%0Ae%0Df.json"
        );
        assert_eq!(
            escape_property("paylint unknown-field"),
            "paylint unknown-field"
        );
    }

    /// The runner unescapes with plain replaces, `%25` last; escaping then unescaping is the
    /// identity, even for text that already looks escaped.
    #[test]
    fn escaping_round_trips_through_the_runners_unescape() {
        fn unescape(s: &str, property: bool) -> String {
            let mut s = s.replace("%0D", "\r").replace("%0A", "\n");
            if property {
                s = s.replace("%3A", ":").replace("%2C", ",");
            }
            s.replace("%25", "%")
        }
        for text in [
            "%",
            "%25",
            "%0A",
            "a\nb\r\nc",
            "%3A:%2C,",
            "%%0D0A",
            "x%253A",
        ] {
            assert_eq!(unescape(&escape_data(text), false), text);
            assert_eq!(unescape(&escape_property(text), true), text);
        }
    }
}
