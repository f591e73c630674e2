//! `unreadable-file`: the file could not be read (permissions, vanished, not a regular file).

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Diagnostic;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnreadableFile,
    severity: Severity::Error,
    summary: "The file could not be read.",
    explanation: "The operating system refused to read the file (permission denied, removed \
during the run, a loop of symbolic links, a file larger than --max-file-size). The other files \
are still checked.",
};

pub fn diagnose(message: String, hint: &str) -> Diagnostic {
    INFO.finding(Span::new(0, 0), JsonPointer::root(), message).with_hint(hint)
}
