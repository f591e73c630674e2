//! Unified diff between a payload as captured and its conformant form.
//!
//! Kept readable and cheap whatever the payload: long unchanged stretches collapse into hunk
//! headers, a long run of removed (or added) lines shows only its first and last lines around a
//! `~ N removed lines not shown ~` marker (no unified diff line starts with `~`), and the line
//! matching is bounded, so a 5 MB body under an unknown field costs milliseconds, not minutes.
//! The hunk headers count every line, shown or not, and number lines as the file does (a
//! stream's line is diffed alone, at its place in the stream).
//!
//! The `+++` label says what the new side is: `(conformant)` when checking it again finds
//! nothing, else which fixes it has and what it still fails
//! (`(after safe fixes; still failing: type-mismatch at /groupId)`).

use crate::fix::Selection;
use crate::report::{Conformant, Ending, FileReport, Left};
use similar::{Algorithm, DiffOp, DiffableStr};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write;

/// Lines of context around each change; long unchanged stretches collapse into hunk headers.
const CONTEXT: usize = 3;

/// A run of more removed (or added) lines than this is collapsed.
pub const COLLAPSE_OVER: usize = 12;

/// Lines shown at each end of a collapsed run.
const KEEP: usize = 5;

/// The most edits the line matcher looks for; past it, the lines in question are shown as
/// removed and added whole (a correct diff, not the shortest), so the cost stays bounded and the
/// output is the same on every machine.
const MAX_EDITS: usize = 2_000;

/// Findings left named in a label; more are counted.
const LEFT_SHOWN: usize = 3;

/// The diff of a whole file against a conformant text.
pub fn unified(path: &str, captured: &str, conformant: &str) -> String {
    diff(path, captured, conformant, "conformant", 0)
}

/// The diff a report shows (none without a conformant text): the file, or the stream's line, as
/// captured against its fixed text, numbered by the lines of the file and labelled with what
/// the fixed text still fails.
pub fn of_report(path: &str, report: &FileReport) -> Option<String> {
    let (source, conformant) = (report.source.as_ref()?, report.conformant.as_ref()?);
    let (captured, fixed) = match conformant.ending {
        Ending::AsIs => (
            Cow::Borrowed(source.text.as_str()),
            Cow::Borrowed(conformant.text.as_str()),
        ),
        Ending::Newline => (
            Cow::Owned(format!("{}\n", source.text)),
            Cow::Owned(format!("{}\n", conformant.text)),
        ),
    };
    let label = label(conformant);
    Some(diff(path, &captured, &fixed, &label, report.line_base))
}

/// What the new side of a diff is: `conformant`, or which fixes it has and what it still fails.
pub fn label(conformant: &Conformant) -> String {
    let after = match conformant.fixes {
        Selection::All => "after fixes",
        Selection::Safe => "after safe fixes",
    };
    let left = &conformant.left;
    match (conformant.fixes, left.is_empty()) {
        (Selection::All, true) => "conformant".to_string(),
        (Selection::Safe, true) => format!("{after}; conformant"),
        (_, false) => {
            let mut named: Vec<String> = left.iter().take(LEFT_SHOWN).map(where_left).collect();
            if left.len() > LEFT_SHOWN {
                named.push(format!("{} more", left.len() - LEFT_SHOWN));
            }
            let list = match named.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => named.concat(),
            };
            format!("{after}; still failing: {list}")
        }
    }
}

/// `type-mismatch at /groupId`, `content-type at line 3`, `unknown-field at /x (line 7)`.
fn where_left(left: &Left) -> String {
    let rule = left.rule.id();
    match (left.pointer.is_root(), left.line) {
        (false, None) => format!("{rule} at {}", left.pointer),
        (false, Some(line)) => format!("{rule} at {} (line {line})", left.pointer),
        (true, Some(line)) => format!("{rule} at line {line}"),
        (true, None) => format!("{rule} at the body"),
    }
}

/// The diff of `captured` against `conformant`, its new side labelled `label`, its lines
/// numbered from `line_base + 1`.
fn diff(path: &str, captured: &str, conformant: &str, label: &str, line_base: usize) -> String {
    let old = captured.tokenize_lines();
    let new = conformant.tokenize_lines();
    let hunks = similar::group_diff_ops(line_ops(&old, &new), CONTEXT);
    if hunks.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {path} (as captured)\n+++ {path} ({label})\n");
    for ops in &hunks {
        hunk(&mut out, ops, &old, &new, line_base);
    }
    out
}

/// One hunk: its header, then its lines, long runs of changes collapsed.
fn hunk(out: &mut String, ops: &[DiffOp], old: &[&str], new: &[&str], base: usize) {
    let (first, last) = (&ops[0], &ops[ops.len() - 1]);
    let _ = writeln!(
        out,
        "@@ -{} +{} @@",
        range(base + first.old_range().start, base + last.old_range().end),
        range(base + first.new_range().start, base + last.new_range().end)
    );
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => lines(out, ' ', &old[old_range], ""),
            similar::DiffTag::Delete => lines(out, '-', &old[old_range], "removed"),
            similar::DiffTag::Insert => lines(out, '+', &new[new_range], "added"),
            similar::DiffTag::Replace => {
                lines(out, '-', &old[old_range], "removed");
                lines(out, '+', &new[new_range], "added");
            }
        }
    }
}

/// A hunk header range: 1-based start and length, the length left out when it is 1 (an empty
/// range starts at the line before it), as `diff -u` writes them.
fn range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

/// Lines with their tag; a run of changes longer than [`COLLAPSE_OVER`] shows its first and last
/// [`KEEP`] lines and a marker saying how many are not shown.
fn lines(out: &mut String, tag: char, run: &[&str], what: &str) {
    if what.is_empty() || run.len() <= COLLAPSE_OVER {
        run.iter().for_each(|l| line(out, tag, l));
        return;
    }
    run[..KEEP].iter().for_each(|l| line(out, tag, l));
    let _ = writeln!(
        out,
        "~ {} {what} lines not shown ~",
        thousands(run.len() - 2 * KEEP)
    );
    run[run.len() - KEEP..]
        .iter()
        .for_each(|l| line(out, tag, l));
}

fn line(out: &mut String, tag: char, text: &str) {
    out.push(tag);
    out.push_str(text);
    if !text.ends_with(['\r', '\n']) {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Which lines of `a` are removed and which of `b` are added: every line but those Myers'
/// algorithm pairs up among the lines both sides have, when it takes at most [`MAX_EDITS`]
/// edits (a line only one side has is a change whatever happens).
fn changed(a: &[&str], b: &[&str]) -> (Vec<bool>, Vec<bool>) {
    let mut removed = vec![true; a.len()];
    let mut added = vec![true; b.len()];
    let in_a: HashSet<&str> = a.iter().copied().collect();
    let in_b: HashSet<&str> = b.iter().copied().collect();
    let keep_a: Vec<usize> = (0..a.len()).filter(|&i| in_b.contains(a[i])).collect();
    let keep_b: Vec<usize> = (0..b.len()).filter(|&j| in_a.contains(b[j])).collect();
    let ka: Vec<&str> = keep_a.iter().map(|&i| a[i]).collect();
    let kb: Vec<&str> = keep_b.iter().map(|&j| b[j]).collect();
    if within_edits(&ka, &kb, MAX_EDITS) {
        for op in similar::capture_diff_slices(Algorithm::Myers, &ka, &kb) {
            if let DiffOp::Equal {
                old_index,
                new_index,
                len,
            } = op
            {
                for k in 0..len {
                    removed[keep_a[old_index + k]] = false;
                    added[keep_b[new_index + k]] = false;
                }
            }
        }
    }
    (removed, added)
}

/// The equal, removed and added runs that turn `old` into `new`, in order: the unchanged lines
/// at both ends are set aside, then lines that appear only on one side (removed or added,
/// whatever else happens: a removed 50,000-element array is all of those), and Myers' algorithm
/// matches what is left when it takes at most [`MAX_EDITS`] edits.
fn line_ops(old: &[&str], new: &[&str]) -> Vec<DiffOp> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let (removed, added) = changed(a, b);
    let mut ops = Vec::new();
    if prefix > 0 {
        ops.push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: prefix,
        });
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let (i0, j0) = (i, j);
        while i < a.len() && j < b.len() && !removed[i] && !added[j] {
            i += 1;
            j += 1;
        }
        if i > i0 {
            ops.push(DiffOp::Equal {
                old_index: prefix + i0,
                new_index: prefix + j0,
                len: i - i0,
            });
        }
        let (i1, j1) = (i, j);
        // Unchanged lines pair up in order, so when one side runs out the other has only
        // changes left; `|| i == a.len()` keeps the loop finite whatever happens.
        while i < a.len() && (removed[i] || j == b.len()) {
            i += 1;
        }
        while j < b.len() && (added[j] || i == a.len()) {
            j += 1;
        }
        match (i > i1, j > j1) {
            (true, true) => ops.push(DiffOp::Replace {
                old_index: prefix + i1,
                old_len: i - i1,
                new_index: prefix + j1,
                new_len: j - j1,
            }),
            (true, false) => ops.push(DiffOp::Delete {
                old_index: prefix + i1,
                old_len: i - i1,
                new_index: prefix + j1,
            }),
            (false, true) => ops.push(DiffOp::Insert {
                old_index: prefix + i1,
                new_index: prefix + j1,
                new_len: j - j1,
            }),
            (false, false) => {}
        }
    }
    if suffix > 0 {
        ops.push(DiffOp::Equal {
            old_index: old.len() - suffix,
            new_index: new.len() - suffix,
            len: suffix,
        });
    }
    ops
}

/// Whether `b` is at most `max` line insertions and deletions away from `a`: Myers' greedy
/// forward search, stopped after `max` steps, so at most about `max²` diagonal visits.
fn within_edits(a: &[&str], b: &[&str], max: usize) -> bool {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let limit = (n + m).min(max as isize);
    let offset = limit + 1;
    // v[offset + k]: the furthest x reached on diagonal k = x - y.
    let mut v = vec![0isize; 2 * offset as usize + 1];
    for d in 0..=limit {
        let mut k = -d;
        while k <= d {
            let at = (offset + k) as usize;
            let mut x = if k == -d || (k != d && v[at - 1] < v[at + 1]) {
                v[at + 1]
            } else {
                v[at - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && y >= 0 && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at] = x;
            if x >= n && y >= m {
                return true;
            }
            k += 2;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pointer::JsonPointer;

    #[test]
    fn shows_only_changed_lines_with_context() {
        let a = "{\n  \"groupID\": \"x\"\n}\n";
        let b = "{\n  \"groupId\": \"x\"\n}\n";
        let d = unified("p.json", a, b);
        assert!(
            d.starts_with("--- p.json (as captured)\n+++ p.json (conformant)\n@@ -1,3 +1,3 @@\n"),
            "{d}"
        );
        assert!(d.contains("-  \"groupID\": \"x\"\n+  \"groupId\": \"x\"\n"));
        assert_eq!(unified("p", a, a), "");
    }

    #[test]
    fn the_label_says_what_the_fixed_text_still_fails() {
        use crate::rule::Rule;
        let left = |rule, pointer: &str, line| Left {
            rule,
            pointer: JsonPointer::parse(pointer).unwrap(),
            line,
        };
        let mut c = Conformant {
            text: String::new(),
            fixes: Selection::All,
            left: Vec::new(),
            ending: Ending::AsIs,
        };
        assert_eq!(label(&c), "conformant");
        c.fixes = Selection::Safe;
        assert_eq!(label(&c), "after safe fixes; conformant");
        c.left = vec![left(Rule::TypeMismatch, "/groupId", None)];
        assert_eq!(
            label(&c),
            "after safe fixes; still failing: type-mismatch at /groupId"
        );
        c.fixes = Selection::All;
        c.left.push(left(Rule::ContentType, "", Some(3)));
        c.left.push(left(Rule::UnknownField, "/x", Some(7)));
        assert_eq!(
            label(&c),
            "after fixes; still failing: type-mismatch at /groupId, content-type at line 3 \
             and unknown-field at /x (line 7)"
        );
        c.left.push(left(Rule::UnknownField, "/y", Some(8)));
        c.left.push(left(Rule::UnknownField, "/z", Some(9)));
        assert!(label(&c).ends_with("unknown-field at /x (line 7) and 2 more"));
    }

    #[test]
    fn a_streams_line_is_numbered_by_the_stream() {
        let d = diff("s", "{\"a\": 1}\n", "{\"b\": 1}\n", "conformant", 41);
        assert!(
            d.contains("@@ -42 +42 @@\n-{\"a\": 1}\n+{\"b\": 1}\n"),
            "{d}"
        );
        assert!(!d.contains("No newline"), "{d}");
    }

    /// What similar's own unified diff writes: the collapse aside, the output is the same.
    fn reference(a: &str, b: &str) -> String {
        similar::TextDiff::from_lines(a, b)
            .unified_diff()
            .context_radius(CONTEXT)
            .header("p (as captured)", "p (conformant)")
            .to_string()
    }

    fn numbered(range: std::ops::Range<usize>) -> String {
        range.map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn same_as_a_plain_unified_diff_below_the_threshold() {
        let base = numbered(0..40);
        let cases = [
            (base.clone(), base.replace("line 20\n", "line twenty\n")),
            (base.clone(), base.replace("line 3\n", "")),
            (base.clone(), base.replace("line 3\n", "line 3\nnew\n")),
            (
                base.clone(),
                base.replace("line 2\n", "x\n").replace("line 30\n", "y\n"),
            ),
            // Changes 7 lines apart: one hunk; 8 apart: two.
            (
                base.clone(),
                base.replace("line 10\n", "x\n").replace("line 17\n", "y\n"),
            ),
            (
                base.clone(),
                base.replace("line 10\n", "x\n").replace("line 18\n", "y\n"),
            ),
            ("a\nb".to_string(), "a\nc".to_string()),
            ("a\nb\n".to_string(), "a\nb".to_string()),
            ("".to_string(), "a\n".to_string()),
            ("a\n".to_string(), "".to_string()),
            (
                "{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n".to_string(),
                "{\r\n  \"b\": 2\r\n}\r\n".to_string(),
            ),
            // Repeated lines: `}` and `},` appear on both sides.
            (
                "[\n{\n\"a\": 1\n},\n{\n\"b\": 2\n},\n{\n\"c\": 3\n}\n]\n".to_string(),
                "[\n{\n\"a\": 1\n},\n{\n\"c\": 3\n}\n]\n".to_string(),
            ),
            (numbered(0..12), String::new()),
        ];
        for (a, b) in cases {
            assert_eq!(unified("p", &a, &b), reference(&a, &b), "{a:?} -> {b:?}");
        }
    }

    #[test]
    fn a_long_run_of_removed_lines_collapses_and_says_how_many_are_not_shown() {
        let removed = numbered(0..1000);
        let a = format!("{{\n  \"keep\": 1,\n{removed}  \"end\": 2\n}}\n");
        let b = "{\n  \"keep\": 1,\n  \"end\": 2\n}\n";
        let d = unified("p", &a, b);
        let want =
            "--- p (as captured)\n+++ p (conformant)\n@@ -1,1004 +1,4 @@\n {\n   \"keep\": 1,\n\
             -line 0\n-line 1\n-line 2\n-line 3\n-line 4\n\
             ~ 990 removed lines not shown ~\n\
             -line 995\n-line 996\n-line 997\n-line 998\n-line 999\n   \"end\": 2\n }\n";
        assert_eq!(d, want);
    }

    #[test]
    fn a_long_run_of_added_lines_collapses_too_and_counts_with_separators() {
        let added = numbered(0..12_345);
        let d = unified("p", "{\n}\n", &format!("{{\n{added}}}\n"));
        assert!(d.contains("@@ -1,2 +1,12347 @@\n {\n+line 0\n"), "{d}");
        assert!(d.contains("+line 4\n~ 12,335 added lines not shown ~\n+line 12340\n"));
        assert!(d.ends_with("+line 12344\n }\n"), "{d}");
        assert_eq!(d.lines().count(), 3 + 1 + 11 + 1);
    }

    #[test]
    fn the_threshold_is_exact_and_only_changes_collapse() {
        // 12 removed lines: all shown. 13: 5 + marker + 5.
        let d = unified("p", &format!("a\n{}b\n", numbered(0..12)), "a\nb\n");
        assert_eq!(
            d,
            reference(&format!("a\n{}b\n", numbered(0..12)), "a\nb\n")
        );
        assert!(!d.contains('~'));
        let d = unified("p", &format!("a\n{}b\n", numbered(0..13)), "a\nb\n");
        assert!(
            d.contains("-line 4\n~ 3 removed lines not shown ~\n-line 8\n"),
            "{d}"
        );
        // A replaced block: the removed and the added side collapse separately.
        let d = unified("p", &numbered(0..20), &numbered(100..130));
        assert!(d.contains("~ 10 removed lines not shown ~\n"), "{d}");
        assert!(d.contains("~ 20 added lines not shown ~\n"), "{d}");
        // Unchanged lines never do: a long unchanged stretch splits the diff into two hunks.
        let base = numbered(0..100);
        let d = unified(
            "p",
            &base,
            &base.replace("line 5\n", "x\n").replace("line 90\n", "y\n"),
        );
        assert_eq!(d.matches("@@ -").count(), 2, "{d}");
        assert!(!d.contains('~'));
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn a_five_megabyte_removal_is_fast_and_short() {
        let items: String = (0..50_000)
            .map(|i| {
                format!("    {{\n      \"id\": \"item-{i}\",\n      \"value\": {i}\n    }},\n")
            })
            .collect();
        let a =
            format!("{{\n  \"groupId\": \"g\",\n  \"extraItems\": [\n{items}    {{}}\n  ]\n}}\n");
        let b = "{\n  \"groupId\": \"g\"\n}\n";
        let start = std::time::Instant::now();
        let d = unified("p", &a, b);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert!(d.lines().count() < 30, "{d}");
        assert!(
            d.contains("@@ -1,200006 +1,3 @@\n {\n-  \"groupId\": \"g\",\n-  \"extraItems\": [\n"),
            "{d}"
        );
        assert!(d.contains("~ 199,994 removed lines not shown ~\n"), "{d}");
        assert!(d.ends_with("+  \"groupId\": \"g\"\n }\n"), "{d}");
    }

    #[test]
    fn past_the_edit_bound_the_diff_is_still_correct() {
        // Lines present on both sides in another order: more than MAX_EDITS edits apart.
        let a: Vec<String> = (0..3000).map(|i| format!("{}\n", i % 7)).collect();
        let b: Vec<String> = (0..3000).map(|i| format!("{}\n", (i * 3) % 5)).collect();
        let (a, b) = (a.concat(), b.concat());
        assert!(!within_edits(
            &a.tokenize_lines(),
            &b.tokenize_lines(),
            MAX_EDITS
        ));
        let ops = line_ops(&a.tokenize_lines(), &b.tokenize_lines());
        // Applying the ops to the old lines gives the new ones.
        let (old, new) = (a.tokenize_lines(), b.tokenize_lines());
        let mut rebuilt = Vec::new();
        for op in &ops {
            let (tag, o, n) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => {
                    assert_eq!(old[o.clone()], new[n.clone()]);
                    rebuilt.extend_from_slice(&old[o]);
                }
                similar::DiffTag::Delete => {}
                similar::DiffTag::Insert | similar::DiffTag::Replace => {
                    rebuilt.extend_from_slice(&new[n])
                }
            }
        }
        assert_eq!(rebuilt, new);
        assert!(within_edits(&["a\n", "b\n"], &["b\n"], 1));
        assert!(!within_edits(&["a\n", "b\n"], &["c\n"], 2));
        assert!(within_edits(&["a\n", "b\n"], &["c\n"], 3));
        assert!(within_edits(&[], &[], 0));
    }
}
