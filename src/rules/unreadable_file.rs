//! `unreadable-file`: the file could not be read (permissions, vanished, not a regular file).

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::input::problem::Unreadable;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;
use std::io::ErrorKind;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnreadableFile,
    severity: Severity::Error,
    summary: "The file could not be read.",
    explanation: "The operating system refused to read the file (permission denied, removed \
during the run, a loop of symbolic links, a file larger than --max-file-size). The other files \
are still checked.",
    reports: "the file could not be read (permissions, a symlink loop, over `--max-file-size`, not a regular file)",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file("lines.ndjson", r#"{"groupId": "longer than the limit"}"#)
            .with_args(&["--max-file-size", "20"]),
        good: Example::file("lines.ndjson", r#"{"groupId": "g"}"#)
            .with_args(&["--max-file-size", "20"]),
        schemas: &[],
        metadata: None,
    }),
};

/// The finding for a file (or a line of a stream) that could not be read; it points at the
/// start of the file.
pub fn diagnose(why: &Unreadable) -> Finding {
    let walk_hint = "fix the permissions or the link, or leave the path out";
    let (message, hint) = match why {
        Unreadable::NotARegularFile => (
            "not a regular file (a device, FIFO or socket); skipped".to_string(),
            "name only regular files",
        ),
        Unreadable::Open(e) => (
            format!("cannot open the file: {e}"),
            match e.kind {
                ErrorKind::NotFound => {
                    "the file was removed or renamed after it was found; lint again if that was a \
                     mistake"
                }
                ErrorKind::PermissionDenied => {
                    "fix its permissions, or leave it out of the paths you lint"
                }
                _ => "check the file system, or leave the file out of the paths you lint",
            },
        ),
        Unreadable::TooLarge { len, limit } => (
            format!("the file is {len} bytes, over the {limit}-byte limit; not read"),
            "raise --max-file-size if this file should be checked",
        ),
        Unreadable::Read(e) => (
            format!("cannot read the file: {e}"),
            "check the file system",
        ),
        Unreadable::Grew { limit } => (
            format!("the file grew over the {limit}-byte limit while being read"),
            "raise --max-file-size",
        ),
        Unreadable::LineTooLong { line, limit } => (
            format!("line {line} is longer than the {limit}-byte limit; not checked"),
            "raise --max-file-size if this line should be checked",
        ),
        Unreadable::Line { line, failure } => (
            format!("cannot read line {line}: {failure}"),
            "check the file system",
        ),
        Unreadable::LinkLoop { ancestor } => (
            format!("symbolic link loop back to {}", ancestor.display()),
            walk_hint,
        ),
        Unreadable::Folder(e) => (format!("cannot read the folder: {e}"), walk_hint),
        Unreadable::Walk { message } => (message.clone(), walk_hint),
        Unreadable::FixesNotWritten(e) => (
            format!("cannot write the fixes (the file is unchanged): {e}"),
            "check that the folder is writable",
        ),
        Unreadable::BodyFile { path, cause } => {
            let why = match cause.as_deref() {
                None => "it is not UTF-8 text".to_string(),
                Some(cause) => diagnose(cause).message,
            };
            return INFO
                .finding(Span::new(0, 0), JsonPointer::root(), format!(
                    "cannot read the body file `{path}`: {why}; the body is not checked"
                ))
                .with_hint("the path is relative to the .http file's folder");
        }
    };
    INFO.finding(Span::new(0, 0), JsonPointer::root(), message)
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::problem::IoFailure;

    #[test]
    fn the_hint_follows_the_kind_of_failure() {
        let open = |kind| {
            diagnose(&Unreadable::Open(IoFailure {
                kind,
                text: "oops".into(),
            }))
        };
        let d = open(ErrorKind::PermissionDenied);
        assert_eq!(d.message, "cannot open the file: oops");
        assert!(d.hint.unwrap().contains("permissions"));
        assert!(open(ErrorKind::NotFound).hint.unwrap().contains("removed"));
        assert!(open(ErrorKind::Other).hint.unwrap().contains("file system"));
        let d = diagnose(&Unreadable::TooLarge { len: 10, limit: 5 });
        assert_eq!(
            d.message,
            "the file is 10 bytes, over the 5-byte limit; not read"
        );
        assert_eq!(d.rule, Rule::UnreadableFile);
    }
}
