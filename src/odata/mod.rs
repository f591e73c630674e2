//! OData service descriptions: a CSDL (`$metadata`) document read as a compiler reads its input
//! ([`csdl`] reads the XML into declarations with their positions, [`build`] resolves names,
//! validates and compiles them into a [`Model`]), a [`cache`] of compiled models keyed by the
//! document's content, and the [`resolve`]r that addresses the model with a request URL, segment
//! by segment, the way an OData URL parser does.
//!
//! Nothing here knows about payloads or findings: the checker asks the model what a body should
//! be, and the rules say what is wrong with it.

pub mod build;
pub mod cache;
pub mod csdl;
pub mod exchange;
pub mod model;
pub mod resolve;
pub mod table;
pub mod url;

pub use build::{compile, Limits, Problem, ProblemSeverity};
pub use model::Model;

/// Where something is in a document: 1-based line and column (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` of `text`.
    pub fn of(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}
