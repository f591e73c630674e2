//! Turns fix actions into byte edits of the file text and applies them. Only the bytes of each
//! fix change: formatting, key order and line endings of everything else stay as they were.
//!
//! Removals and insertions in one object are planned together so that commas stay right
//! however many members go or come.

use crate::diagnostic::{FixAction, Safety};
use crate::json::{Member, Node};
use crate::pointer::JsonPointer;
use crate::source::Span;
use std::collections::BTreeMap;

/// Replace `span` of the text with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// Per object: the key offsets of members to remove, and (key, value) members to add.
type ObjectPlan = (Vec<usize>, Vec<(String, String)>);

/// Plans the edits for `actions` on the body rooted at `root` within `text`. Actions whose
/// target cannot be found are skipped.
pub fn plan(text: &str, root: &Node, actions: &[&FixAction]) -> Vec<Edit> {
    let mut edits = Vec::new();
    // Per object: (member key offsets to remove, members to insert).
    let mut objects: BTreeMap<&JsonPointer, ObjectPlan> = BTreeMap::new();
    for action in actions {
        match action {
            FixAction::RenameKey { key_span, new_key } => edits.push(Edit {
                span: *key_span,
                text: serde_json::to_string(new_key).expect("strings serialize"),
            }),
            FixAction::ReplaceValue { span, new_json } => edits.push(Edit {
                span: *span,
                text: new_json.clone(),
            }),
            FixAction::RemoveMember { object, key_start } => {
                objects.entry(object).or_default().0.push(*key_start)
            }
            FixAction::InsertMember {
                object,
                key,
                value_json,
            } => {
                let inserts = &mut objects.entry(object).or_default().1;
                if !inserts.iter().any(|(k, _)| k == key) {
                    inserts.push((key.clone(), value_json.clone()));
                }
            }
        }
    }
    for (pointer, (removals, inserts)) in objects {
        if let Some(node) = root.pointer(pointer) {
            if let Some(members) = node.members() {
                plan_object(text, node.span, members, &removals, &inserts, &mut edits);
            }
        }
    }
    // A rename or replacement inside a removed member is moot.
    let removals: Vec<Span> = edits
        .iter()
        .filter(|e| e.text.is_empty() && e.span.start < e.span.end)
        .map(|e| e.span)
        .collect();
    edits.retain(|e| {
        e.text.is_empty()
            || e.span.start == e.span.end
            || !removals
                .iter()
                .any(|r| r.start <= e.span.start && e.span.end <= r.end)
    });
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    edits.dedup();
    edits
}

/// How an object is written: line ends, one member per line or all on one, and the
/// members' indentation.
struct Style {
    eol: &'static str,
    multiline: bool,
    indent: String,
}

impl Style {
    fn of(text: &str, span: Span, members: &[Member]) -> Style {
        let inside = &text[span.start..span.end];
        Style {
            eol: if inside.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            },
            multiline: inside.contains('\n'),
            indent: members
                .first()
                .map(|m| indent_of(text, m.key_span.start))
                .unwrap_or_default(),
        }
    }
}

/// `"key": value`.
fn render((k, v): &(String, String)) -> String {
    format!(
        "{}: {v}",
        serde_json::to_string(k).expect("strings serialize")
    )
}

/// The edits that remove the members whose key starts at one of `removals` and add
/// `inserts`, in the object's own style.
fn plan_object(
    text: &str,
    span: Span,
    members: &[Member],
    removals: &[usize],
    inserts: &[(String, String)],
    edits: &mut Vec<Edit>,
) {
    let removed: Vec<bool> = members
        .iter()
        .map(|m| removals.contains(&m.key_span.start))
        .collect();
    let style = Style::of(text, span, members);
    if removed.iter().all(|&r| r) {
        if members.is_empty() && inserts.is_empty() {
            return;
        }
        // Nothing of the object is kept: write its inside anew.
        edits.push(Edit {
            span: Span::new(span.start + 1, span.end - 1),
            text: new_inside(text, span, inserts, &style),
        });
        return;
    }
    remove_runs(members, &removed, edits);
    if !inserts.is_empty() {
        let last_kept = members
            .iter()
            .zip(&removed)
            .rev()
            .find(|(_, &r)| !r)
            .map(|(m, _)| m);
        let at = last_kept.expect("some member is kept").value.span.end;
        let sep = if style.multiline && !style.indent.is_empty() {
            format!(",{}{}", style.eol, style.indent)
        } else {
            ", ".to_string()
        };
        let added: String = inserts
            .iter()
            .map(|m| format!("{sep}{}", render(m)))
            .collect();
        edits.push(Edit {
            span: Span::new(at, at),
            text: added,
        });
    }
}

/// The inside of an object of which no member is kept: the inserted members only.
fn new_inside(text: &str, span: Span, inserts: &[(String, String)], style: &Style) -> String {
    if inserts.is_empty() {
        return String::new();
    }
    if !style.multiline {
        return inserts.iter().map(render).collect::<Vec<_>>().join(", ");
    }
    let eol = style.eol;
    let closing = indent_of(text, span.end - 1);
    let member_indent = if style.indent.is_empty() {
        format!("{closing}  ")
    } else {
        style.indent.clone()
    };
    let body: Vec<String> = inserts
        .iter()
        .map(|m| format!("{member_indent}{}", render(m)))
        .collect();
    format!("{eol}{}{eol}{closing}", body.join(&format!(",{eol}")))
}

/// Runs of removed members: up to the next kept key, or (for a run at the end) from the end of
/// the last kept value.
fn remove_runs(members: &[Member], removed: &[bool], edits: &mut Vec<Edit>) {
    let mut i = 0;
    while i < members.len() {
        if !removed[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < members.len() && removed[i] {
            i += 1;
        }
        let span = if i < members.len() {
            Span::new(members[start].key_span.start, members[i].key_span.start)
        } else {
            Span::new(
                members[start - 1].value.span.end,
                members[i - 1].value.span.end,
            )
        };
        edits.push(Edit {
            span,
            text: String::new(),
        });
    }
}

/// The whitespace before `offset` on its line, if only whitespace precedes it there.
fn indent_of(text: &str, offset: usize) -> String {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if before.chars().all(|c| c == ' ' || c == '\t') {
        before.to_string()
    } else {
        String::new()
    }
}

/// Applies sorted, non-overlapping edits.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.span.start < at {
            continue; // overlapping: keep the first
        }
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Which fixes to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// All of them: the conformant body of a diff.
    All,
    /// Only the safe ones: what `--fix` writes.
    Safe,
}

/// The actions of the fixes `selection` takes.
pub fn select<'a>(
    fixes: impl Iterator<Item = &'a crate::diagnostic::Fix>,
    selection: Selection,
) -> Vec<&'a FixAction> {
    fixes
        .filter(|f| selection == Selection::All || f.safety == Safety::Safe)
        .map(|f| &f.action)
        .collect()
}

/// Replaces `path` with `contents` atomically: a temporary file in the same folder, the original
/// permissions, then a rename. A crash leaves either the old file or the new one, never half.
pub fn write_atomic(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = AtomicFile::beside(path)?;
    file.write_all(contents)?;
    file.commit()
}

/// A file's new contents, written to a temporary file in the same folder and put in its place
/// by [`AtomicFile::commit`] (with the original permissions); dropped uncommitted, it leaves the
/// file as it was and no temporary file.
pub struct AtomicFile {
    target: std::path::PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// A temporary file beside `path` (beside the file it points to, through a symbolic link:
    /// that is the file the user means to fix).
    pub fn beside(path: &std::path::Path) -> std::io::Result<AtomicFile> {
        let target = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".paylint-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(AtomicFile { target, tmp })
    }

    /// Puts the new contents in place of the file.
    pub fn commit(self) -> std::io::Result<()> {
        self.tmp.as_file().sync_all()?;
        if let Ok(meta) = std::fs::metadata(&self.target) {
            self.tmp.as_file().set_permissions(meta.permissions())?;
        }
        self.tmp.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl std::io::Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn run(text: &str, actions: impl Fn(&Node) -> Vec<FixAction>) -> String {
        let doc = parse(text).unwrap();
        let acts = actions(&doc.root);
        let refs: Vec<&FixAction> = acts.iter().collect();
        let out = apply(text, &plan(text, &doc.root, &refs));
        assert!(parse(&out).is_ok(), "not JSON: {out}");
        out
    }

    fn remove(root: &Node, key: &str) -> FixAction {
        FixAction::RemoveMember {
            object: JsonPointer::root(),
            key_start: root
                .member(JsonPointer::root().child(key))
                .unwrap()
                .key_span
                .start,
        }
    }

    fn insert(key: &str) -> FixAction {
        FixAction::InsertMember {
            object: JsonPointer::root(),
            key: key.into(),
            value_json: "\"<x>\"".into(),
        }
    }

    #[test]
    fn removes_members_anywhere_keeping_commas() {
        let t = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": 3\n}\n";
        assert_eq!(
            run(t, |r| vec![remove(r, "a")]),
            "{\n  \"b\": 2,\n  \"c\": 3\n}\n"
        );
        assert_eq!(
            run(t, |r| vec![remove(r, "b")]),
            "{\n  \"a\": 1,\n  \"c\": 3\n}\n"
        );
        assert_eq!(
            run(t, |r| vec![remove(r, "c")]),
            "{\n  \"a\": 1,\n  \"b\": 2\n}\n"
        );
        assert_eq!(
            run(t, |r| vec![remove(r, "b"), remove(r, "c")]),
            "{\n  \"a\": 1\n}\n"
        );
        assert_eq!(
            run(t, |r| vec![remove(r, "a"), remove(r, "c")]),
            "{\n  \"b\": 2\n}\n"
        );
        assert_eq!(
            run(t, |r| vec![remove(r, "a"), remove(r, "b"), remove(r, "c")]),
            "{}\n"
        );
    }

    #[test]
    fn inserts_in_the_style_of_the_object() {
        assert_eq!(
            run("{\r\n    \"a\": 1\r\n}", |_| vec![insert("g")]),
            "{\r\n    \"a\": 1,\r\n    \"g\": \"<x>\"\r\n}"
        );
        assert_eq!(
            run("{\"a\":1}", |_| vec![insert("g")]),
            "{\"a\":1, \"g\": \"<x>\"}"
        );
        assert_eq!(run("{}", |_| vec![insert("g")]), "{\"g\": \"<x>\"}");
        assert_eq!(
            run("{\n  \"x\": 1\n}", |r| vec![remove(r, "x"), insert("g")]),
            "{\n  \"g\": \"<x>\"\n}"
        );
        assert_eq!(
            run("{\n  \"a\": 1,\n  \"x\": 2\n}", |r| vec![
                remove(r, "x"),
                insert("g")
            ]),
            "{\n  \"a\": 1,\n  \"g\": \"<x>\"\n}"
        );
    }

    #[test]
    fn renames_and_replacements_touch_only_their_bytes() {
        let t = "{ \"groupID\" :\t\"x\", \"@odata.type\": \"#m.t\" }";
        let out = run(t, |r| {
            vec![
                FixAction::RenameKey {
                    key_span: r.member("/groupID").unwrap().key_span,
                    new_key: "groupId".into(),
                },
                FixAction::ReplaceValue {
                    span: r.pointer("/@odata.type").unwrap().span,
                    new_json: "\"#m.T\"".into(),
                },
            ]
        });
        assert_eq!(out, "{ \"groupId\" :\t\"x\", \"@odata.type\": \"#m.T\" }");
    }
}
