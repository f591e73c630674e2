//! The rules. Each rule has its own module, `rules/<id>.rs` (`-` written `_`): its `INFO` (its
//! documentation, as data, with a failing and a passing example), why it fires (its `find`,
//! or the words it gives a reader's problem), its message and hint, and its fix. `check` only
//! says which rule wins when several could. This module is the registry: one module and one
//! `INFO` per rule of `rule::with_rules!`, so the registry cannot miss a rule; and
//! [`of_problem`] gives what a reader could not read to the rule of its format.

pub mod info;
pub mod subject;

pub use info::RuleInfo;

use crate::diagnostic::Finding;
use crate::input::{Problem, ProblemKind};
use crate::rule::Rule;

/// Declares each rule's module and maps each rule to its `INFO`.
macro_rules! registry {
    ($($variant:ident $module:ident $id:literal,)*) => {
        $(pub mod $module;)*

        /// What the registry knows of `rule`.
        pub fn info(rule: Rule) -> &'static RuleInfo {
            match rule {
                $(Rule::$variant => &$module::INFO,)*
            }
        }
    };
}
crate::rule::with_rules!(registry);

/// The finding for what a reader could not read, by the rule of its kind.
pub fn of_problem(problem: &Problem) -> Finding {
    let Problem {
        kind,
        span,
        pointer,
        ..
    } = problem;
    let mut d = match kind {
        ProblemKind::Json(e) => invalid_json::parse_error(e),
        ProblemKind::Encoding(encoding) => invalid_json::not_utf8(*span, *encoding),
        ProblemKind::Http(p) => invalid_http::diagnose(*span, *p),
        ProblemKind::Markdown(p) => invalid_markdown::diagnose(*span, p),
        ProblemKind::Har(p) => invalid_har::diagnose(*span, pointer, p),
        ProblemKind::Exchange(p) => invalid_exchange::diagnose(*span, pointer, p),
    };
    d.direction = problem.direction;
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::direction::Direction;
    use crate::input::problem::{
        Encoding, ExchangeProblem, ExchangeValue, HarProblem, HttpProblem, MarkdownProblem,
    };
    use crate::source::Span;

    #[test]
    fn each_kind_of_reader_problem_is_a_finding_of_its_format_rule() {
        let at = |kind| Problem::at(Span::new(3, 4), kind);
        let cases = [
            (
                at(ProblemKind::Encoding(Encoding::Binary)),
                Rule::InvalidJson,
            ),
            (
                at(ProblemKind::Http(HttpProblem::NotAStartLine)),
                Rule::InvalidHttp,
            ),
            (
                at(ProblemKind::Markdown(MarkdownProblem::UnclosedAnnotation)),
                Rule::InvalidMarkdown,
            ),
            (at(ProblemKind::Har(HarProblem::NoLog)), Rule::InvalidHar),
            (
                at(ProblemKind::Exchange(ExchangeProblem {
                    field: "url".into(),
                    expected: ExchangeValue::String,
                })),
                Rule::InvalidExchange,
            ),
        ];
        for (problem, rule) in cases {
            let d = of_problem(&problem);
            assert_eq!((d.rule, d.span), (rule, Span::new(3, 4)), "{problem:?}");
            assert_eq!(d.severity, info(rule).severity);
        }
        let mut har = at(ProblemKind::Har(HarProblem::NoResponse));
        har.direction = Some(Direction::Response);
        har.pointer = crate::pointer::JsonPointer::from_tokens(["log", "entries", "0"]);
        let d = of_problem(&har);
        assert_eq!(d.direction, Some(Direction::Response));
        assert_eq!(d.pointer, "/log/entries/0");
        assert_eq!(
            d.hint.as_deref(),
            Some("a HAR 1.2 entry has a response; status 0 means none came")
        );
    }

    #[test]
    fn every_rule_is_in_the_registry_under_its_own_name() {
        for &rule in Rule::ALL {
            let info = info(rule);
            assert_eq!(info.rule, rule, "{rule}: INFO belongs to another rule");
            assert!(
                !info.summary.is_empty() && !info.explanation.is_empty(),
                "{rule}"
            );
        }
    }
}
