//! A finding as a value: rule, severity, location, message, hint and fix. How a diagnostic is
//! shown is the renderers' business; what it proposes to change is `fix`'s.

use crate::direction::Direction;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

/// Whether a fix may be applied without a person looking at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    /// The intent is unambiguous (a case slip in `@odata.type`, one near-miss field name).
    Safe,
    /// Shown in the diff only: it drops data or invents a value.
    Unsafe,
}

/// A change to the body that would remove the finding. Objects are named by JSON Pointer, members
/// by the offset of their key (unique even for repeated keys).
#[derive(Debug, Clone, PartialEq)]
pub enum FixAction {
    RenameKey {
        key_span: Span,
        new_key: String,
    },
    ReplaceValue {
        span: Span,
        new_json: String,
    },
    RemoveMember {
        object: JsonPointer,
        key_start: usize,
    },
    InsertMember {
        object: JsonPointer,
        key: String,
        value_json: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub safety: Safety,
    pub action: FixAction,
}

/// The payload index of a finding nobody has placed yet (the engine then places it).
pub const UNASSIGNED: usize = usize::MAX;

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    /// What to do about it ("did you mean `groupId`?").
    pub hint: Option<String>,
    /// Byte span in the file of what the finding points at.
    pub span: Span,
    /// RFC 6901 pointer into the body ("" for the body itself).
    pub pointer: JsonPointer,
    pub resource: Option<String>,
    pub direction: Option<Direction>,
    /// Index of the payload in its file ([`UNASSIGNED`] until a reader or the engine sets it).
    pub payload: usize,
    pub fix: Option<Fix>,
    /// 1-based position of `span.start`, filled in once per file before rendering.
    pub line: usize,
    pub column: usize,
}

impl Diagnostic {
    pub fn new(
        rule: Rule,
        severity: Severity,
        span: Span,
        pointer: JsonPointer,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            severity,
            message: message.into(),
            hint: None,
            span,
            pointer,
            resource: None,
            direction: None,
            payload: UNASSIGNED,
            fix: None,
            line: 0,
            column: 0,
        }
    }

    /// Moves a finding made on a part of the body (an item of a collection at `base`,
    /// `/value/3`) to the whole body: its pointer and its fix's object pointer get the prefix.
    pub fn rebase(&mut self, base: &JsonPointer) {
        if base.is_root() {
            return;
        }
        self.pointer.rebase(base);
        if let Some(Fix {
            action: FixAction::RemoveMember { object, .. } | FixAction::InsertMember { object, .. },
            ..
        }) = &mut self.fix
        {
            object.rebase(base);
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_fix(mut self, safety: Safety, action: FixAction) -> Self {
        self.fix = Some(Fix { safety, action });
        self
    }

    /// The message followed by its hint, for one-line formats.
    pub fn full_message(&self) -> String {
        match &self.hint {
            Some(h) => {
                let mut out = String::with_capacity(self.message.len() + 2 + h.len());
                out.push_str(&self.message);
                out.push_str("; ");
                out.push_str(h);
                out
            }
            None => self.message.clone(),
        }
    }
}
