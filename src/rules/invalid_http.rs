//! `invalid-http`: part of an HTTP transcript cannot be read as an HTTP message.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::diagnostic::Finding;
use crate::input::problem::HttpProblem;
use crate::pointer::JsonPointer;
use crate::rule::{Rule, Severity};
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::InvalidHttp,
    severity: Severity::Error,
    summary: "Part of an HTTP transcript is not an HTTP message.",
    explanation: "A message starts with a request line (`PATCH /path HTTP/1.1`, the version \
optional) or a status line (`HTTP/1.1 200 OK`), then headers, a blank line and the body. A block \
without either line (headers alone, say) cannot be routed or checked; the other messages of the \
file still are.",
    reports: "part of a transcript is not an HTTP message",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file(
            "exchange.http",
            "Content-Type: application/json\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("Content-Type: application/json"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("PATCH /provisioningPolicies/p1/assignments/a1"),
        schemas: &[],
        metadata: None,
    }),
};

pub fn diagnose(at: Span, problem: HttpProblem) -> Finding {
    let message = match problem {
        HttpProblem::HeadersWithoutStartLine => {
            "headers without a request line or status line before them"
        }
        HttpProblem::NotAStartLine => {
            "this is not a request line (`METHOD /path`) or a status line (`HTTP/1.1 200 OK`)"
        }
    };
    INFO.finding(at, JsonPointer::root(), message).with_hint(
        "start each message with a request line or a status line; separate messages with `###`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_problems_advise_a_start_line() {
        for problem in [HttpProblem::HeadersWithoutStartLine, HttpProblem::NotAStartLine] {
            let d = diagnose(Span::new(0, 4), problem);
            assert_eq!(d.rule, Rule::InvalidHttp);
            assert!(d.hint.unwrap().contains("separate messages with `###`"));
        }
        let d = diagnose(Span::new(0, 4), HttpProblem::HeadersWithoutStartLine);
        assert_eq!(d.message, "headers without a request line or status line before them");
    }
}
