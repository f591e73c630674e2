//! The README's examples cannot drift from what paylint does. Every fenced block of README.md
//! says, on the line before it, what it is:
//!
//! - `<!-- case: PATH -->`: the block is the file PATH of this repository, whole — a golden
//!   case's expected output (`tests/cases/readme/*.stdout`, which `tests/golden.rs` checks against
//!   the binary), a case's input (`*.in/...`, which the case runs), or a catalog file;
//! - `<!-- case: PATH excerpt -->`: the block's lines are lines of PATH, in order (a line may
//!   leave out its trailing comma, so an excerpt of a JSON report still reads as JSON);
//! - `<!-- unchecked: WHY -->`: not paylint's output nor its input, and why.
//!
//! A new block without one fails here, so each example is either checked or said not to be.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fenced block of the README: the line before it, its first line number, its text.
struct Block {
    marker: String,
    line: usize,
    text: String,
}

/// The top-level fenced blocks (a fence inside a longer fence is text of that block).
fn blocks(readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence: String = lines[i].chars().take_while(|&c| c == '`').collect();
        if fence.len() < 3 {
            i += 1;
            continue;
        }
        let start = i;
        let mut text = String::new();
        i += 1;
        while i < lines.len() && lines[i].trim_end() != fence {
            text.push_str(lines[i]);
            text.push('\n');
            i += 1;
        }
        out.push(Block {
            marker: if start > 0 { lines[start - 1] } else { "" }.to_string(),
            line: start + 1,
            text,
        });
        i += 1;
    }
    out
}

/// Whether `part`'s lines are lines of `whole`, in order (trailing commas aside).
fn is_excerpt(part: &str, whole: &str) -> bool {
    let mut rest = whole.lines().map(|l| l.trim_end_matches(','));
    part.lines()
        .map(|l| l.trim_end_matches(','))
        .all(|want| rest.any(|l| l == want))
}

#[test]
fn every_example_of_the_readme_is_a_file_the_tests_check_or_says_why_not() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = blocks(&readme);
    assert!(blocks.len() > 10, "{}", blocks.len());
    let mut checked = 0;
    for b in &blocks {
        let at = format!("README.md:{}", b.line);
        let marker = b.marker.trim();
        if let Some(why) = marker
            .strip_prefix("<!-- unchecked:")
            .and_then(|m| m.strip_suffix("-->"))
        {
            assert!(!why.trim().is_empty(), "{at}: say why it is not checked");
            continue;
        }
        let Some(case) = marker
            .strip_prefix("<!-- case:")
            .and_then(|m| m.strip_suffix("-->"))
        else {
            panic!(
                "{at}: put `<!-- case: PATH -->` (the file it shows, whole), \
                 `<!-- case: PATH excerpt -->` or `<!-- unchecked: WHY -->` on the line before \
                 the block; found {marker:?}"
            );
        };
        let (path, excerpt) = match case.trim().strip_suffix(" excerpt") {
            Some(path) => (path, true),
            None => (case.trim(), false),
        };
        let file = std::fs::read_to_string(root().join(path))
            .unwrap_or_else(|e| panic!("{at}: {path}: {e}"));
        if excerpt {
            assert!(
                is_excerpt(&b.text, &file),
                "{at}: not lines of {path}, in order:\n{}",
                b.text
            );
        } else {
            assert_eq!(
                b.text, file,
                "{at} is not {path}: copy the file into the README"
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "{checked}");
}

/// The summary line the README quotes for the whole corpus is the one its golden case pins.
#[test]
fn the_corpus_summary_the_readme_quotes_is_the_binarys() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let human =
        std::fs::read_to_string(root().join("tests/cases/readme/corpus-human.stdout")).unwrap();
    let last = human.lines().last().unwrap();
    assert!(
        readme.contains(&format!("`{last}`")),
        "the README should quote `{last}`"
    );
}

#[test]
fn excerpts_keep_their_order() {
    assert!(is_excerpt("a\nc\n", "a\nb\nc,\n"));
    assert!(!is_excerpt("c\na\n", "a\nb\nc\n"));
    assert!(!is_excerpt("x\n", "a\n"));
}
