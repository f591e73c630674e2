//! Fingerprints: stable identities of findings and files across runs, platforms and releases.
//! A baseline entry and a SARIF result are known by a finding's fingerprint; `--shard` splits
//! the files by a hash of their path.

use crate::diagnostic::Diagnostic;
use std::path::Path;

/// A finding's identity across runs: FNV-1a (64 bits, hex) of file, rule, pointer and payload.
/// FNV is written out here because it is tiny, stable across releases and platforms (unlike
/// std's hasher), and needs no crate.
pub fn fingerprint(file: &str, d: &Diagnostic) -> String {
    let payload = d.payload.to_string();
    format!(
        "{:016x}",
        fnv1a(&[file, d.rule.id(), d.pointer.as_str(), &payload])
    )
}

/// FNV-1a (64 bits) of `parts`, each followed by a 0xff separator byte.
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The file path as fingerprints and reports outside the tool know it: `/` separators, no
/// leading `./`.
pub fn portable_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Rule, Severity};
    use crate::source::Span;

    fn diag(line: usize, pointer: &str) -> Diagnostic {
        crate::diagnostic::Finding::new(
            Rule::UnknownField,
            Severity::Error,
            Span::new(line * 10, line * 10 + 3),
            crate::pointer::JsonPointer::parse(pointer).unwrap(),
            "m",
        )
        .placed(crate::source::Position { line, column: 1 })
    }

    #[test]
    fn fingerprints_ignore_lines_and_separate_everything_else() {
        let a = fingerprint("a.json", &diag(3, "/groupID"));
        assert_eq!(a, fingerprint("a.json", &diag(9, "/groupID")));
        assert_ne!(a, fingerprint("b.json", &diag(3, "/groupID")));
        assert_ne!(a, fingerprint("a.json", &diag(3, "/group_id")));
        let mut other_payload = diag(3, "/groupID");
        other_payload.payload = 1;
        assert_ne!(a, fingerprint("a.json", &other_payload));
        assert_eq!(portable_path(Path::new("./x/y.json")), "x/y.json");
    }

    #[test]
    fn fnv1a_separates_parts() {
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
    }
}
