//! Findings to LSP: diagnostics (the rule id as `code`, a link to its documentation, the
//! severity, the range in the client's column units) and code actions (each fix a quick fix,
//! preferred when safe, and one action for every safe fix of the document).

use super::document::{Document, Encoding};
use super::lint::{Checked, Finding, TextChange};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeDescription, Diagnostic,
    DiagnosticSeverity, NumberOrString, Range, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use std::str::FromStr;

/// Where the rules are documented (a `{rule}` in it is replaced by the rule's id; the
/// `rulesUrl` initialization option sets another).
pub const RULES_URL: &str = crate::rule::RULES_URL;

/// The kind of the "fix all" action, which editors can run on save
/// (`"editor.codeActionsOnSave": {"source.fixAll.paylint": "explicit"}`).
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.paylint")
}

pub fn diagnostic(doc: &Document, enc: Encoding, f: &Finding, rules_url: &str) -> Diagnostic {
    let message = match &f.hint {
        Some(h) => format!("{}; {h}", f.message),
        None => f.message.clone(),
    };
    Diagnostic {
        range: doc.range(f.span.clone(), enc),
        severity: Some(if f.error {
            DiagnosticSeverity::ERROR
        } else {
            DiagnosticSeverity::WARNING
        }),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: Uri::from_str(&rules_url.replace("{rule}", f.rule))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("paylint".into()),
        message,
        related_information: None,
        tags: None,
        data: None,
    }
}

pub fn diagnostics(doc: &Document, enc: Encoding, checked: &Checked, url: &str) -> Vec<Diagnostic> {
    checked
        .findings
        .iter()
        .map(|f| diagnostic(doc, enc, f, url))
        .collect()
}

fn edits(doc: &Document, enc: Encoding, changes: &[TextChange]) -> Vec<TextEdit> {
    changes
        .iter()
        .map(|c| TextEdit {
            range: doc.range(c.span.clone(), enc),
            new_text: c.text.clone(),
        })
        .collect()
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn overlaps(a: &Range, b: &Range) -> bool {
    let before = |x: &lsp_types::Position, y: &lsp_types::Position| {
        (x.line, x.character) < (y.line, y.character)
    };
    // Touching counts: a cursor at the end of a finding asks about it.
    !before(&a.end, &b.start) && !before(&b.end, &a.start)
}

/// The code actions for `range` of the document: a quick fix per finding there that has a fix
/// (safe ones preferred), then "fix all" when the document has safe fixes. `only` is the
/// client's filter of kinds.
pub fn code_actions(
    uri: &Uri,
    doc: &Document,
    enc: Encoding,
    checked: &Checked,
    range: Range,
    only: Option<&[CodeActionKind]>,
    rules_url: &str,
) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|kinds| {
            kinds.iter().any(|k| {
                kind.as_str() == k.as_str()
                    || kind.as_str().starts_with(&format!("{}.", k.as_str()))
            })
        })
    };
    let mut out = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        for f in &checked.findings {
            let Some(fix) = &f.fix else { continue };
            let diag = diagnostic(doc, enc, f, rules_url);
            if !overlaps(&diag.range, &range) {
                continue;
            }
            let title = if fix.safe {
                fix.title.clone()
            } else {
                format!("{} (unsafe: check the result)", fix.title)
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diag]),
                edit: Some(workspace_edit(uri, edits(doc, enc, &fix.edits))),
                is_preferred: Some(fix.safe),
                ..CodeAction::default()
            }));
        }
    }
    if !checked.fix_all.is_empty() && wants(&fix_all_kind()) {
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: "Fix all safe paylint fixes in this file".into(),
            kind: Some(fix_all_kind()),
            edit: Some(workspace_edit(uri, edits(doc, enc, &checked.fix_all))),
            ..CodeAction::default()
        }));
    }
    out
}
