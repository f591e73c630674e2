//! `unknown-field`: a property the resource does not define. OData control information and
//! instance annotations (any name containing `@`) are never unknown.

use super::info::RuleInfo;
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::Member;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnknownField,
    severity: Severity::Error,
    summary: "The body has a property the resource does not define.",
    explanation: "Services ignore or reject properties they do not know, so a misspelled name \
(groupID, group_id) silently drops the value. Names containing `@` are OData control information \
or annotations (@odata.context, @odata.etag, groupId@odata.type, @contoso.note) and are always \
allowed. A near miss gets a `did you mean` hint, and a safe rename when there is exactly one \
candidate and it is not already present.",
};

/// Is `name` OData control information or an instance annotation?
pub fn is_annotation(name: &str) -> bool {
    name.contains('@')
}

/// How close an unknown name is to a known one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Closeness {
    /// `groupID` for `groupId`.
    CaseOnly,
    /// `group_id` for `groupId`: same letters, other separators (and maybe case).
    Separators,
    /// A small edit distance: `gropId` for `groupId`.
    Typo,
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The known names closest to `name`, all of the best closeness found (empty if none is close).
pub fn near_misses<'c>(name: &str, known: &'c [String]) -> (Vec<&'c str>, Option<Closeness>) {
    // Lowered char by char on both sides, so comparing allocates nothing per candidate.
    let lower: String = name.chars().flat_map(char::to_lowercase).collect();
    let squashed = squash(name);
    let budget = match squashed.chars().count() {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    };
    let mut best: Option<Closeness> = None;
    let mut found: Vec<&str> = Vec::new();
    for cand in known {
        let closeness = if cand.chars().flat_map(char::to_lowercase).eq(lower.chars()) {
            Closeness::CaseOnly
        } else {
            let cand_squashed = squash(cand);
            if cand_squashed == squashed {
                Closeness::Separators
            } else if budget > 0
                && cand.len().abs_diff(name.len()) <= budget + 4
                && strsim::damerau_levenshtein(&cand_squashed, &squashed) <= budget
            {
                Closeness::Typo
            } else {
                continue;
            }
        };
        match best {
            Some(b) if closeness > b => {}
            Some(b) if closeness == b => found.push(cand),
            _ => {
                best = Some(closeness);
                found = vec![cand];
            }
        }
    }
    (found, best)
}

/// A finding for `member` (at `pointer`), with a hint from `known` (the resource's names at that
/// place). `rename_to` is the one safe rename target, when check found one.
pub fn diagnose(
    member: &Member,
    pointer: &JsonPointer,
    subject: &str,
    known: &[String],
    (cands, closeness): (&[String], Option<Closeness>),
    object: &JsonPointer,
    rename_to: Option<&str>,
) -> Finding {
    let message = format!("unknown field `{}` in {subject}", member.key);
    let hint = match (cands, closeness) {
        ([one], Some(Closeness::CaseOnly)) => {
            format!("did you mean `{one}`? It differs only in case")
        }
        ([one], Some(Closeness::Separators)) => {
            format!("did you mean `{one}`? It differs only in case and separators")
        }
        ([one], _) => format!("did you mean `{one}`?"),
        ([], _) if known.is_empty() => "this object defines no properties".to_string(),
        ([], _) => format!(
            "known properties here: {}; annotations (names with `@`) are always allowed",
            known
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (many, _) => format!(
            "did you mean one of {}?",
            many.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let d = INFO.finding(member.key_span, pointer.clone(), message).with_hint(hint);
    match rename_to {
        Some(target) => d.with_fix(
            Safety::Safe,
            FixAction::RenameKey {
                key_span: member.key_span,
                new_key: target.to_string(),
            },
        ),
        None => d.with_fix(
            Safety::Unsafe,
            FixAction::RemoveMember {
                object: object.clone(),
                key_start: member.key_span.start,
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        vec!["id".into(), "groupId".into()]
    }

    #[test]
    fn near_misses_by_closeness() {
        let k = known();
        assert_eq!(
            near_misses("groupID", &k),
            (vec!["groupId"], Some(Closeness::CaseOnly))
        );
        assert_eq!(
            near_misses("group_id", &k),
            (vec!["groupId"], Some(Closeness::Separators))
        );
        assert_eq!(
            near_misses("GROUP-ID", &k),
            (vec!["groupId"], Some(Closeness::Separators))
        );
        assert_eq!(
            near_misses("gropId", &k),
            (vec!["groupId"], Some(Closeness::Typo))
        );
        assert_eq!(
            near_misses("ID", &k),
            (vec!["id"], Some(Closeness::CaseOnly))
        );
        assert_eq!(near_misses("displayName", &k), (vec![], None));
        assert_eq!(near_misses("ab", &k), (vec![], None));
    }

    #[test]
    fn annotations_are_recognised() {
        for name in [
            "@odata.context",
            "@odata.etag",
            "groupId@odata.type",
            "@contoso.note",
        ] {
            assert!(is_annotation(name), "{name}");
        }
        assert!(!is_annotation("odata.type"));
    }
}
