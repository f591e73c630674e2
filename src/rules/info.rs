//! What the registry knows of a rule, as data: its severity, what it reports and why, whether
//! it proposes a fix, and a failing and a passing example. The SARIF log, the README's rule
//! table and the tests read it.

use crate::diagnostic::Finding;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

/// Everything a user (or a SARIF consumer) needs to know about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub rule: Rule,
    /// The severity of its findings unless the configuration says otherwise.
    pub severity: Severity,
    /// One line: what the rule reports (SARIF's short description).
    pub summary: &'static str,
    /// Why it matters and how to fix it (SARIF's full description).
    pub explanation: &'static str,
    /// What it reports, in a few words, for the README's rule table.
    pub reports: &'static str,
    /// Whether its findings propose a fix.
    pub fix: Fixes,
    /// A body it reports and one it does not; `None` only for a rule no input can trigger.
    pub examples: Option<Examples>,
}

impl RuleInfo {
    /// A finding of this rule, at its default severity.
    pub fn finding(&self, span: Span, pointer: JsonPointer, message: impl Into<String>) -> Finding {
        Finding::new(self.rule, self.severity, span, pointer, message)
    }
}

/// What a rule's findings propose to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    /// Nothing: the rule cannot know what was meant.
    None,
    /// A change shown in the conformant diff, never written by `--fix` (it drops data or
    /// invents a value).
    DiffOnly,
    /// Some findings get a safe fix that `--fix` writes (the intent is unambiguous); the
    /// others a change shown in the diff only.
    SafeOrDiff,
}

/// A failing and a passing example of a rule: the failing one gives at least one finding of
/// the rule, the passing one none at all (the tests check both).
#[derive(Debug)]
pub struct Examples {
    pub bad: Example,
    pub good: Example,
    /// Catalog files both examples need besides the built-in catalog (name, contents), as a
    /// `--schemas` folder would hold them.
    pub schemas: &'static [(&'static str, &'static str)],
    /// OData metadata (CSDL XML) both examples are checked against with `--metadata`, if any.
    pub metadata: Option<&'static str>,
}

/// One example file.
#[derive(Debug)]
pub struct Example {
    /// Its name: the extension picks the reader, `.request.json` / `.response.json` the
    /// direction of a bare body.
    pub file: &'static str,
    pub text: &'static str,
    /// Command-line options it is linted with.
    pub args: &'static [&'static str],
    /// The part of `text` that shows what the example is about (the README's table shows
    /// it); `None` when the text is one line and says it all.
    pub shows: Option<&'static str>,
}

impl Example {
    /// A bare JSON body.
    pub const fn body(text: &'static str) -> Example {
        Example {
            file: "body.json",
            text,
            args: &[],
            shows: None,
        }
    }

    /// A file of another name.
    pub const fn file(file: &'static str, text: &'static str) -> Example {
        Example {
            file,
            text,
            args: &[],
            shows: None,
        }
    }

    /// With command-line options.
    pub const fn with_args(mut self, args: &'static [&'static str]) -> Example {
        self.args = args;
        self
    }

    /// Showing `part` of the text.
    pub const fn showing(mut self, part: &'static str) -> Example {
        self.shows = Some(part);
        self
    }

    /// What the README shows of it.
    pub fn shown(&self) -> &'static str {
        self.shows.unwrap_or(self.text)
    }
}
