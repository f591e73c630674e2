//! Renderers: turn file reports and the run's summary into one output format. They are
//! interchangeable; none of them decides what is a finding.

pub mod github;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod sarif;

use crate::report::{FileReport, Summary};
use std::io::{self, Write};

/// Characters a terminal or a CI log acts on rather than shows: C0 controls but tab and line
/// breaks, DEL and C1 controls. Text formats write them as `\u{001B}` (see [`push_control`]),
/// so a hostile capture cannot move the cursor, recolour or clear the screen of its reader.
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Writes a character visibly as its code point: `\u{001B}`.
pub fn push_control(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\u{{{:04X}}}", c as u32);
}

/// An output format, fed one file at a time so memory stays flat.
pub trait Renderer {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
    /// What the user should know about the output that is no finding (results a consumer's
    /// limit made the renderer leave out), after `finish`; `main` prints it on standard error.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}
