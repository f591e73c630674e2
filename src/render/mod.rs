//! Renderers: turn file reports and the run's summary into one output format. They are
//! interchangeable; none of them decides what is a finding.

pub mod github;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod sarif;

use crate::lint::{FileReport, Summary};
use std::io::{self, Write};

/// An output format, fed one file at a time so memory stays flat.
pub trait Renderer {
    fn start(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}
