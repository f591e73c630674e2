//! `unknown-operation`: a message's method and path match no catalog operation.

use super::info::{Example, Examples, Fixes, RuleInfo};
use crate::pointer::JsonPointer;

use crate::rule::{Rule, Severity};
use crate::diagnostic::Finding;
use crate::odata::exchange::NotAllowed;
use crate::odata::resolve::Unresolved;
use crate::route::NoOperation;
use crate::source::Span;

pub const INFO: RuleInfo = RuleInfo {
    rule: Rule::UnknownOperation,
    severity: Severity::Warning,
    summary: "The method and URL name nothing the catalog or the metadata describes, so the body was not checked against a resource.",
    explanation: "Messages are routed by method and path template (`{name}` matches one segment; \
scheme, host, `/v1.0` or `/beta` and the query string are ignored), and with `--metadata` by \
resolving the URL against the OData model segment by segment. A message that routes nowhere gets \
this one warning, saying where and why the resolution stopped, and its body only the checks that \
need no route (JSON syntax, repeated keys, Content-Type, Content-Length): add the operation to \
the catalog, or check the path.",
    reports: "a message's method and URL name no catalog operation and nothing in the metadata; its body is checked only for syntax and headers",
    fix: Fixes::None,
    examples: Some(Examples {
        bad: Example::file("exchange.http", "GET /me/drive\n").showing("GET /me/drive"),
        good: Example::file(
            "exchange.http",
            "PATCH /provisioningPolicies/p1/assignments/a1\nContent-Type: application/json\n\n{\"groupId\": \"g\"}\n",
        )
        .showing("PATCH /provisioningPolicies/p1/assignments/a1"),
        schemas: &[],
        metadata: None,
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
        format!(
            "`{method} {url}` matches no operation in the catalog; the exchange's bodies were not checked against a resource"
        ),
    )
    .with_hint(hint)
}

/// A URL the OData model cannot address: where the resolution stopped and why.
pub fn unresolved(
    at: Span,
    method: &str,
    url: &str,
    why: &Unresolved,
    host: Option<&str>,
) -> Finding {
    let shown = shorten(url);
    let host = host.filter(|h| !h.is_empty() && why.resolved.is_empty());
    let mut message = match host {
        Some(h) => format!(
            "`{method} {shown}` addresses nothing in the metadata (is `{h}` this service's host?): {}",
            why.reason
        ),
        None => format!("`{method} {shown}` addresses nothing in the metadata: {}", why.reason),
    };
    message.push_str("; the exchange's bodies were not checked against it");
    let hint = match why.candidates.as_slice() {
        [] if why.resolved.is_empty() => {
            "check the path, or give the service root with --service-root".to_string()
        }
        [] => format!("the path resolves as far as `/{}`", why.resolved.join("/")),
        [one] => format!("did you mean `{one}`?"),
        many => format!(
            "did you mean one of {}?",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    INFO.finding(at, JsonPointer::root(), message).with_hint(hint)
}

/// A method that does not apply to what the URL addresses.
pub fn not_allowed(at: Span, url: &str, n: &NotAllowed) -> Finding {
    let finding = INFO.finding(
        at,
        JsonPointer::root(),
        format!(
            "`{} {}` addresses {}, which {} does not apply to; the exchange's bodies were not checked against the metadata",
            n.method,
            shorten(url),
            n.what,
            n.method
        ),
    );
    match &n.read_as_key {
        // A name taken for a key: most likely an operation the metadata does not have.
        Some(name) => finding.with_hint(format!(
            "`{name}` was read as a key: no operation or property of that name is there in the metadata ({})",
            n.allowed
        )),
        None => finding.with_hint(n.allowed.to_string()),
    }
}

/// A URL for a message: at most 160 characters.
fn shorten(url: &str) -> String {
    if url.chars().count() <= 160 {
        return url.to_string();
    }
    let cut: String = url.chars().take(157).collect();
    format!("{cut}...")
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
            "`GET /me` matches no operation in the catalog; the exchange's bodies were not checked against a resource"
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
