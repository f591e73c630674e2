//! `unknown-operation`: a message's method and path match no catalog operation.

use super::{Rule, RuleInfo};
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;
use crate::odata::exchange::NotAllowed;
use crate::odata::resolve::Unresolved;

pub const INFO: RuleInfo = RuleInfo {
    id: "unknown-operation",
    severity: Severity::Warning,
    summary: "The method and path match no operation in the catalog, so the body was not checked.",
    explanation: "Messages are routed by method and path template (`{name}` matches one segment; \
scheme, host, `/v1.0` or `/beta` and the query string are ignored). A message that matches none \
gets this one warning and no body checks: add the operation to the catalog, or check the path.",
};

/// `nearest`: the operations nearest to `method` + `url`, nearest first; `total`: how many
/// the catalog has.
pub fn diagnose(at: Span, method: &str, url: &str, nearest: &[String], total: usize) -> Diagnostic {
    let hint = match total {
        0 => "the catalog has no operations; add NAME.operations.json".to_string(),
        n if n <= nearest.len() => format!("known operations: {}", nearest.join("; ")),
        n => format!(
            "nearest of the catalog's {n} operations: {} (all: `paylint catalog list`)",
            nearest.join("; ")
        ),
    };
    Diagnostic::new(
        Rule::UnknownOperation,
        at,
        "",
        format!("`{method} {url}` matches no operation in the catalog; the body was not checked"),
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
) -> Diagnostic {
    let shown = shorten(url);
    let mut message = format!(
        "`{method} {shown}` addresses nothing in the metadata: {}",
        why.reason
    );
    if let Some(h) = host.filter(|h| !h.is_empty()) {
        if why.resolved.is_empty() {
            message = format!(
                "`{method} {shown}` addresses nothing in the metadata (is `{h}` this service's host?): {}",
                why.reason
            );
        }
    }
    message.push_str("; the body was not checked against it");
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
    Diagnostic::new(Rule::UnknownOperation, at, "", message).with_hint(hint)
}

/// A method that does not apply to what the URL addresses.
pub fn not_allowed(at: Span, url: &str, n: &NotAllowed) -> Diagnostic {
    Diagnostic::new(
        Rule::UnknownOperation,
        at,
        "",
        format!(
            "`{} {}` addresses {}, which {} does not apply to; the body was not checked",
            n.method,
            shorten(url),
            n.what,
            n.method
        ),
    )
    .with_hint(n.allowed.to_string())
}

/// A URL for a message: at most 160 characters.
fn shorten(url: &str) -> String {
    if url.chars().count() <= 160 {
        return url.to_string();
    }
    let cut: String = url.chars().take(157).collect();
    format!("{cut}...")
}
