//! Rule ids and severities: the names every stage shares. What each rule reports, why it fires,
//! its wording, fix and examples live in its own file under `rules/`; this module only names
//! the rules, so a finding can say which rule it is without knowing any rule.
//!
//! The list of rules is written once, in `with_rules!`: this module makes the [`Rule`] enum,
//! [`Rule::ALL`] and the ids from it, and `rules/` makes the registry (one module and one
//! `INFO` per rule) from the same list, so no rule can be left out of either.

use std::fmt;

/// The project's home page (`homepage` in Cargo.toml): SARIF's `informationUri`.
pub const HOMEPAGE: &str = env!("CARGO_PKG_HOMEPAGE");

/// Where the rules are documented: SARIF's `helpUri` of every rule and the language server's
/// diagnostic links.
pub const RULES_URL: &str = concat!(env!("CARGO_PKG_HOMEPAGE"), "/blob/main/README.md#rules");

/// Calls `$then!` with the list of rules: `Variant module "id"`, one per line, in the order
/// reports sort them and SARIF lists them. Adding a rule is a line here and its file
/// `rules/<module>.rs`; an id, once released, is never renamed.
macro_rules! with_rules {
    ($then:ident) => {
        $then! {
            InvalidJson invalid_json "invalid-json",
            MissingRequired missing_required "missing-required",
            WrongOdataType wrong_odata_type "wrong-odata-type",
            UnknownField unknown_field "unknown-field",
            TypeMismatch type_mismatch "type-mismatch",
            InvalidValue invalid_value "invalid-value",
            ReadOnlyField read_only_field "read-only-field",
            DuplicateKey duplicate_key "duplicate-key",
            UnknownResource unknown_resource "unknown-resource",
            UnreadableFile unreadable_file "unreadable-file",
            InternalError internal_error "internal-error",
            InvalidHttp invalid_http "invalid-http",
            InvalidMarkdown invalid_markdown "invalid-markdown",
            InvalidHar invalid_har "invalid-har",
            UnknownOperation unknown_operation "unknown-operation",
            ContentType content_type "content-type",
            ContentLengthMismatch content_length_mismatch "content-length-mismatch",
            UnexpectedStatus unexpected_status "unexpected-status",
            InvalidExchange invalid_exchange "invalid-exchange",
            OmittedProperty omitted_property "omitted-property",
            UnexpectedBody unexpected_body "unexpected-body",
            UncheckedBody unchecked_body "unchecked-body",
        }
    };
}
pub(crate) use with_rules;

/// Makes [`Rule`], [`Rule::ALL`], [`Rule::id`] and [`Rule::from_id`] from the list.
macro_rules! rule_ids {
    ($($variant:ident $module:ident $id:literal,)*) => {
        /// A rule, by its stable id.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $($variant,)*
        }

        impl Rule {
            /// Every rule, in the order of the list.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The stable, kebab-case id (`unknown-field`): what users configure and reports
            /// show.
            pub fn id(self) -> &'static str {
                match self {
                    $(Rule::$variant => $id,)*
                }
            }

            /// The name of the rule's module under `rules/` (its id with `_` for `-`).
            pub fn module(self) -> &'static str {
                match self {
                    $(Rule::$variant => stringify!($module),)*
                }
            }
        }
    };
}
with_rules!(rule_ids);

impl Rule {
    /// The rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How serious a finding is: errors fail the run, warnings only with `fail-on = "warning"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_round_trip_and_name_their_module() {
        let mut seen = std::collections::HashSet::new();
        for &rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert_eq!(Rule::from_id(id), Some(rule));
            assert_eq!(rule.module(), id.replace('-', "_"));
            assert_eq!(rule.to_string(), id);
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn the_ids_are_frozen() {
        // Users name rules by id (configuration, --rule, baselines, SARIF consumers): renaming
        // one breaks their files. Change this list only on purpose, and say so in the release.
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(
            ids,
            [
                "invalid-json",
                "missing-required",
                "wrong-odata-type",
                "unknown-field",
                "type-mismatch",
                "invalid-value",
                "read-only-field",
                "duplicate-key",
                "unknown-resource",
                "unreadable-file",
                "internal-error",
                "invalid-http",
                "invalid-markdown",
                "invalid-har",
                "unknown-operation",
                "content-type",
                "content-length-mismatch",
                "unexpected-status",
                "invalid-exchange",
                "omitted-property",
                "unexpected-body",
                "unchecked-body",
            ]
        );
    }

    #[test]
    fn all_is_in_declaration_order() {
        assert!(Rule::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(Severity::Warning < Severity::Error);
        assert_eq!(Severity::Error.to_string(), "error");
    }
}
