//! Checks of a message's HTTP envelope against its operation: Content-Type of request bodies,
//! Content-Length, and whether the response status is documented.

use crate::catalog::Operation;
use crate::diagnostic::Finding;
use crate::direction::Direction;
use crate::input::Payload;
use crate::odata::exchange::Exchange;
use crate::rules;

/// Which statuses a response may have.
#[derive(Debug, Clone, Copy)]
pub enum Statuses<'a> {
    /// The ones the catalog documents for the operation.
    Documented(&'a Operation),
    /// The ones OData's protocol allows for what the method does (a warning when another).
    Protocol(&'a Exchange),
    Unknown,
}

/// What the message's exchange carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carries {
    Json,
    /// Not JSON: an upload to a stream, a media entity's bytes.
    Other,
}

/// `body` is the body's text as written (empty when the message has none).
pub fn check(
    payload: &Payload,
    body: Option<&str>,
    statuses: Statuses<'_>,
    carries: Carries,
    out: &mut Vec<Finding>,
) {
    if let Some(headers) = &payload.headers {
        let has_body = body.is_some_and(|b| !b.trim().is_empty());
        if payload.direction == Some(Direction::Request) && has_body && carries == Carries::Json {
            match payload.header("content-type") {
                None => out.push(rules::content_type::missing(payload.start)),
                // A body that is not JSON under a type that says so is an upload, not a
                // mislabelled JSON body.
                Some(h)
                    if !crate::input::is_json_media_type(&h.value)
                        && serde_json::from_str::<serde::de::IgnoredAny>(body.unwrap_or(""))
                            .is_ok() =>
                {
                    out.push(rules::content_type::not_json(h.span, &h.value))
                }
                Some(_) => {}
            }
        }
        // A shortened example's Content-Length is the full body's.
        for h in headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-length") && !payload.truncated)
        {
            let lf_body = body.unwrap_or("").replace("\r\n", "\n");
            let lf = lf_body.len();
            let crlf = lf + lf_body.matches('\n').count();
            if h.value
                .parse::<usize>()
                .map_or(true, |n| n != lf && n != crlf)
            {
                out.push(rules::content_length_mismatch::diagnose(
                    h.span, &h.value, lf, crlf,
                ));
            }
        }
    }
    let (Some(status), Some(Direction::Response)) = (payload.status, payload.direction) else {
        return;
    };
    match statuses {
        Statuses::Documented(op)
            if !op.responses.is_empty() && !op.responses.contains_key(&status) =>
        {
            let documented: Vec<u16> = op.responses.keys().copied().collect();
            out.push(rules::unexpected_status::diagnose(
                payload.start,
                status,
                &format!("{} {}", op.method, op.path),
                &documented,
            ));
        }
        Statuses::Protocol(exchange) if !exchange.allows(status) => {
            let method = payload.method.as_deref().unwrap_or("");
            out.push(rules::unexpected_status::by_protocol(
                payload.start,
                status,
                method,
                exchange.success,
            ));
        }
        _ => {}
    }
}
