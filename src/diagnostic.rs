//! Findings as values: what a rule found ([`Finding`]: rule, severity, message, hint, span,
//! pointer and fix) and the same placed at its line and column in its file ([`Diagnostic`],
//! what reports hold). How a diagnostic is shown is the renderers' business; what a fix
//! changes is `fix`'s.

use crate::direction::Direction;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::{Position, Span};

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

/// What a rule found: which rule, how serious, what it says and what would fix it, and where
/// it is in the text. It is placed in its file (line and column) as a [`Diagnostic`].
#[derive(Debug, Clone)]
pub struct Finding {
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
    /// Index of the payload in its file, once the check knows which; `None` for a finding
    /// about the whole file.
    pub payload: Option<usize>,
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn new(
        rule: Rule,
        severity: Severity,
        span: Span,
        pointer: JsonPointer,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            hint: None,
            span,
            pointer,
            resource: None,
            direction: None,
            payload: None,
            fix: None,
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

    /// The finding at `position` of its file (a finding of no payload is payload 0's).
    pub fn placed(self, position: Position) -> Diagnostic {
        Diagnostic {
            rule: self.rule,
            severity: self.severity,
            message: self.message,
            hint: self.hint,
            span: self.span,
            pointer: self.pointer,
            resource: self.resource,
            direction: self.direction,
            payload: self.payload.unwrap_or(0),
            line: position.line,
            column: position.column,
            fix: self.fix,
        }
    }
}

/// A finding placed in its file: what reports are made of.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
    pub span: Span,
    pub pointer: JsonPointer,
    pub resource: Option<String>,
    pub direction: Option<Direction>,
    /// Index of the payload in its file.
    pub payload: usize,
    /// 1-based line and column (in characters) of `span.start`.
    pub line: usize,
    pub column: usize,
    /// What would remove it (the editor's quick fix; `--fix` and the diff plan theirs from the
    /// findings before they are placed).
    pub fix: Option<Fix>,
}

impl Diagnostic {
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
