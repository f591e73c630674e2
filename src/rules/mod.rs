//! The rules: stable ids, default severities and documentation, as data. Each rule's module
//! builds its diagnostics (message, hint, fix); `check` decides when they apply.

pub mod content_length_mismatch;
pub mod content_type;
pub mod duplicate_key;
pub mod internal_error;
pub mod invalid_exchange;
pub mod invalid_har;
pub mod invalid_http;
pub mod invalid_json;
pub mod invalid_markdown;
pub mod invalid_value;
pub mod missing_required;
pub mod omitted_property;
pub mod read_only_field;
pub mod type_mismatch;
pub mod unexpected_status;
pub mod unknown_field;
pub mod unknown_operation;
pub mod unknown_resource;
pub mod unreadable_file;
pub mod wrong_odata_type;

use crate::diagnostic::Severity;
use std::fmt;

/// Everything a user (or a SARIF consumer) needs to know about a rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why it matters and how to fix it.
    pub explanation: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    InvalidJson,
    MissingRequired,
    WrongOdataType,
    UnknownField,
    TypeMismatch,
    InvalidValue,
    ReadOnlyField,
    DuplicateKey,
    UnknownResource,
    UnreadableFile,
    InternalError,
    InvalidHttp,
    InvalidMarkdown,
    InvalidHar,
    UnknownOperation,
    ContentType,
    ContentLengthMismatch,
    UnexpectedStatus,
    InvalidExchange,
    OmittedProperty,
}

impl Rule {
    pub const ALL: [Rule; 20] = [
        Rule::InvalidJson,
        Rule::MissingRequired,
        Rule::WrongOdataType,
        Rule::UnknownField,
        Rule::TypeMismatch,
        Rule::InvalidValue,
        Rule::ReadOnlyField,
        Rule::DuplicateKey,
        Rule::UnknownResource,
        Rule::UnreadableFile,
        Rule::InternalError,
        Rule::InvalidHttp,
        Rule::InvalidMarkdown,
        Rule::InvalidHar,
        Rule::UnknownOperation,
        Rule::ContentType,
        Rule::ContentLengthMismatch,
        Rule::UnexpectedStatus,
        Rule::InvalidExchange,
        Rule::OmittedProperty,
    ];

    pub fn info(self) -> &'static RuleInfo {
        match self {
            Rule::InvalidJson => &invalid_json::INFO,
            Rule::MissingRequired => &missing_required::INFO,
            Rule::WrongOdataType => &wrong_odata_type::INFO,
            Rule::UnknownField => &unknown_field::INFO,
            Rule::TypeMismatch => &type_mismatch::INFO,
            Rule::InvalidValue => &invalid_value::INFO,
            Rule::ReadOnlyField => &read_only_field::INFO,
            Rule::DuplicateKey => &duplicate_key::INFO,
            Rule::UnknownResource => &unknown_resource::INFO,
            Rule::UnreadableFile => &unreadable_file::INFO,
            Rule::InternalError => &internal_error::INFO,
            Rule::InvalidHttp => &invalid_http::INFO,
            Rule::InvalidMarkdown => &invalid_markdown::INFO,
            Rule::InvalidHar => &invalid_har::INFO,
            Rule::UnknownOperation => &unknown_operation::INFO,
            Rule::ContentType => &content_type::INFO,
            Rule::ContentLengthMismatch => &content_length_mismatch::INFO,
            Rule::UnexpectedStatus => &unexpected_status::INFO,
            Rule::InvalidExchange => &invalid_exchange::INFO,
            Rule::OmittedProperty => &omitted_property::INFO,
        }
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for rule in Rule::ALL {
            let id = rule.id();
            assert!(seen.insert(id), "duplicate id {id}");
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
            assert_eq!(Rule::from_id(id), Some(rule));
            assert!(!rule.info().summary.is_empty() && !rule.info().explanation.is_empty());
        }
    }
}
