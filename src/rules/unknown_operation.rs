//! `unknown-operation`: a message's method and path match no catalog operation.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::route::NoOperation;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnknownOperation,
    severity: Severity::Warning,
    summary: "The method and path match no operation in the catalog, so the body was not checked.",
    explanation: "Messages are routed by method and path template (`{name}` matches one segment; \
scheme, host, `/v1.0` or `/beta` and the query string are ignored). A message that matches none \
gets this one warning and no body checks: add the operation to the catalog, or check the path.",
    reports: "a message's method and path match no catalog operation; its body is not checked",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file("exchange.http", "GET /me/drive\n").showing("GET /me/drive"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("PATCH /provisioningPolicies/p1/assignments/a1"),
        schemas: &[],
    }),
};

pub fn diagnose(unrouted: &NoOperation) -> Finding {
    let NoOperation {
        at,
        method,
        url,
        nearest,
        total,
    } = unrouted;
    let hint = match *total {
        0 => "the catalog has no operations; add NAME.operations.json".to_string(),
        n if n <= nearest.len() => format!("known operations: {}", nearest.join("; ")),
        n => format!(
            "nearest of the catalog's {n} operations: {} (all: `paylint catalog list`)",
            nearest.join("; ")
        ),
    };
    INFO.finding(
        *at,
        JsonPointer::root(),
        format!("`{method} {url}` matches no operation in the catalog; the body was not checked"),
    )
    .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unrouted(nearest: &[&str], total: usize) -> NoOperation {
        NoOperation {
            at: crate::source::Span::new(0, 3),
            method: "GET".into(),
            url: "/me".into(),
            nearest: nearest.iter().map(|s| s.to_string()).collect(),
            total,
        }
    }

    #[test]
    fn the_hint_lists_all_operations_of_a_small_catalog_and_the_nearest_of_a_large_one() {
        let d = diagnose(&unrouted(&["PATCH /a"], 1));
        assert_eq!(
            d.message,
            "`GET /me` matches no operation in the catalog; the body was not checked"
        );
        assert_eq!(d.hint.as_deref(), Some("known operations: PATCH /a"));
        let d = diagnose(&unrouted(&["PATCH /a", "GET /b"], 20));
        assert_eq!(
            d.hint.as_deref(),
            Some("nearest of the catalog's 20 operations: PATCH /a; GET /b (all: `paylint catalog list`)")
        );
        let d = diagnose(&unrouted(&[], 0));
        assert!(d.hint.unwrap().contains("no operations"));
    }
}
