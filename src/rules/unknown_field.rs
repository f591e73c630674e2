//! `unknown-field`: a property the resource does not define. OData control information and
//! instance annotations (any name containing `@`) are never unknown.

use super::info::{Example, Examples, Fixes, RuleInfo};
use super::subject::Subject;
use crate::diagnostic::{Finding, FixAction, Safety};
use crate::json::{Member, Node};
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use std::collections::{HashMap, HashSet};

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnknownField,
    severity: Severity::Error,
    summary: "The body has a property the resource does not define.",
    explanation: "Services ignore or reject properties they do not know, so a misspelled name \
(groupID, group_id) silently drops the value. Names containing `@` are OData control information \
or annotations (@odata.context, @odata.etag, groupId@odata.type, @contoso.note) and are always \
allowed. A near miss gets a `did you mean` hint, and a safe rename when there is exactly one \
candidate and it is not already present.",
    reports: "a property the resource does not define; hints for near misses",
    fix: Fixes::SafeOrDiff,
    examples: Some(Examples {
        bad: Example::body(r#"{"groupID": "g"}"#),
        good: Example::body(
            r##"{"groupId": "g", "@odata.etag": "W/\"1\"", "groupId@odata.type": "#String"}"##,
        ),
        schemas: &[],
        metadata: None,
    }),
};

/// The unknown fields of a body: their findings, the renames they propose, and where they are.
#[derive(Debug, Default)]
pub struct UnknownFields {
    pub findings: Vec<Finding>,
    /// (object, the name a field is renamed to) -> the field renamed.
    renames: HashMap<(JsonPointer, String), String>,
    /// Where the unknown fields are.
    pointers: HashSet<JsonPointer>,
}

impl UnknownFields {
    /// The field of `object` whose rename gives `property`: a misspelling of it.
    pub fn misspelling_of(&self, object: &JsonPointer, property: &str) -> Option<&str> {
        self.renames
            .get(&(object.clone(), property.to_string()))
            .map(String::as_str)
    }

    /// Is `p` an unknown field or inside one? Its prefixes are looked up, not every unknown.
    pub fn covers(&self, p: &JsonPointer) -> bool {
        !self.pointers.is_empty()
            && (self.pointers.contains(p) || p.ancestors().any(|a| self.pointers.contains(a)))
    }
}

/// Why `unknown-field` fires: the schema allows no member `name` in the object at `object`,
/// and the name is no annotation. Each finding gets a hint from the near misses among the
/// names known there. The rename is proposed, as a safe fix, only when exactly one known name
/// is near, the object does not have it already and no other unknown field of the object is
/// renamed to it; otherwise the (unsafe) fix removes the field. What is known and present is
/// looked up once per object, not once per field: a body can carry thousands of unknowns.
pub fn find(subject: &Subject<'_>, unknowns: &[(&JsonPointer, &str)]) -> UnknownFields {
    let resource = subject.resource();
    let unknowns: Vec<(&JsonPointer, &str)> = unknowns
        .iter()
        .copied()
        .filter(|(_, name)| !is_annotation(name))
        .collect();
    let mut known_in: HashMap<&JsonPointer, Vec<String>> = HashMap::new();
    let mut members = MemberIndex::new(subject.root);
    let mut looked = Vec::with_capacity(unknowns.len());
    let mut claims: HashMap<(&JsonPointer, String), usize> = HashMap::new();
    for &(object, name) in &unknowns {
        let known = known_in
            .entry(object)
            .or_insert_with(|| resource.property_names_in(object.as_str(), Some(subject.root)));
        let (cands, closeness) = near_misses(name, known);
        let cands: Vec<String> = cands.into_iter().map(str::to_string).collect();
        let proposal = match cands.as_slice() {
            [one] if members.get(object, one).is_none() => Some(one.to_string()),
            _ => None,
        };
        if let Some(t) = &proposal {
            *claims.entry((object, t.clone())).or_default() += 1;
        }
        looked.push((cands, closeness, proposal));
    }
    let mut found = UnknownFields::default();
    for (&(object, name), (cands, closeness, proposal)) in unknowns.iter().zip(looked) {
        let Some(member) = members.get(object, name) else {
            continue;
        };
        let pointer = object.child(name);
        let rename = proposal.filter(|t| claims[&(object, t.clone())] == 1);
        if let Some(t) = &rename {
            found
                .renames
                .insert((object.clone(), t.clone()), name.to_string());
        }
        found.findings.push(diagnose(
            member,
            &pointer,
            &subject.describe(object),
            &known_in[object],
            (&cands, closeness),
            object,
            rename.as_deref(),
        ));
        found.pointers.insert(pointer);
    }
    found
}

/// The members of the objects findings are in, by key (the last of repeated keys, as
/// [`Node::member`] has it). A large object is indexed on first use, so looking up many keys of
/// it costs one pass over it; a small one is scanned.
struct MemberIndex<'a> {
    root: &'a Node,
    objects: HashMap<JsonPointer, Option<Members<'a>>>,
}

enum Members<'a> {
    Scanned(&'a [Member]),
    Indexed(HashMap<&'a str, &'a Member>),
}

/// Objects up to this many members are scanned rather than indexed.
const SCANNED_MEMBERS: usize = 16;

impl<'a> MemberIndex<'a> {
    fn new(root: &'a Node) -> Self {
        MemberIndex {
            root,
            objects: HashMap::new(),
        }
    }

    /// The member `key` of the object at pointer `object`.
    fn get(&mut self, object: &JsonPointer, key: &str) -> Option<&'a Member> {
        if !self.objects.contains_key(object) {
            let members = self.root.pointer(object).and_then(Node::members);
            let index = members.map(|ms| {
                if ms.len() <= SCANNED_MEMBERS {
                    Members::Scanned(ms)
                } else {
                    Members::Indexed(ms.iter().map(|m| (m.key.as_str(), m)).collect())
                }
            });
            self.objects.insert(object.clone(), index);
        }
        match self.objects[object].as_ref()? {
            Members::Scanned(ms) => ms.iter().rev().find(|m| m.key == key),
            Members::Indexed(index) => index.get(key).copied(),
        }
    }
}

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
/// place). `rename_to` is the one safe rename target, when [`find`] found one.
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
            quoted(known)
        ),
        (many, _) => format!("did you mean one of {}?", quoted(many)),
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

/// Every name, in backquotes.
fn quoted(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|k| format!("`{k}`")).collect();
    quoted.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::subject::testing::with_subject;

    fn found(body: &str) -> Vec<(String, Option<String>, Option<Safety>)> {
        with_subject(body, None, |s| {
            let doc = crate::json::parse(body).unwrap();
            let names: Vec<String> = doc.root.members().unwrap().iter().map(|m| m.key.clone()).collect();
            let root = JsonPointer::root();
            let unknowns: Vec<(&JsonPointer, &str)> = names
                .iter()
                .filter(|n| !["groupId", "id"].contains(&n.as_str()))
                .map(|n| (&root, n.as_str()))
                .collect();
            find(s, &unknowns)
                .findings
                .into_iter()
                .map(|d| (d.pointer.to_string(), d.hint, d.fix.map(|f| f.safety)))
                .collect()
        })
    }

    #[test]
    fn one_near_miss_is_a_safe_rename_unless_it_is_present_or_claimed_twice() {
        let f = found(r#"{"groupID": "g"}"#);
        assert_eq!(f[0].0, "/groupID");
        assert_eq!(f[0].2, Some(Safety::Safe));
        // Already present: the unknown one is removed (unsafe), not renamed over it.
        let f = found(r#"{"groupID": "g", "groupId": "h"}"#);
        assert_eq!(f[0].2, Some(Safety::Unsafe));
        // Two fields claim the same rename: neither gets it.
        let f = found(r#"{"groupID": "g", "group_id": "h"}"#);
        assert!(f.iter().all(|x| x.2 == Some(Safety::Unsafe)), "{f:?}");
        // Annotations are never unknown.
        assert!(found(r#"{"@odata.etag": "1"}"#).is_empty());
    }

    #[test]
    fn a_misspelling_and_what_lies_under_an_unknown_field_are_known_to_the_others() {
        with_subject(r#"{"groupID": {"x": 1}}"#, None, |s| {
            let root = JsonPointer::root();
            let found = find(s, &[(&root, "groupID")]);
            assert_eq!(found.misspelling_of(&root, "groupId"), Some("groupID"));
            assert!(found.covers(&JsonPointer::parse("/groupID/x").unwrap()));
            assert!(!found.covers(&JsonPointer::parse("/groupId").unwrap()));
        });
    }

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
