//! Checks of a message's HTTP envelope against its operation: Content-Type of request bodies,
//! Content-Length, and whether the response status is documented.

use crate::catalog::Operation;
use crate::diagnostic::Finding;
use crate::direction::Direction;
use crate::input::Payload;
use crate::rules;

/// `body` is the body's text as written (empty when the message has none).
pub fn check(
    payload: &Payload,
    body: Option<&str>,
    operation: Option<&Operation>,
    out: &mut Vec<Finding>,
) {
    if let Some(headers) = &payload.headers {
        let has_body = body.is_some_and(|b| !b.trim().is_empty());
        if payload.direction == Some(Direction::Request) && has_body {
            match payload.header("content-type") {
                None => out.push(rules::content_type::missing(payload.start)),
                Some(h) if !crate::input::is_json_media_type(&h.value) => {
                    out.push(rules::content_type::not_json(h.span, &h.value))
                }
                Some(_) => {}
            }
        }
        for h in headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
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
    if let (Some(status), Some(op)) = (payload.status, operation) {
        if payload.direction == Some(Direction::Response)
            && !op.responses.is_empty()
            && !op.responses.contains_key(&status)
        {
            let documented: Vec<u16> = op.responses.keys().copied().collect();
            out.push(rules::unexpected_status::diagnose(
                payload.start,
                status,
                &format!("{} {}", op.method, op.path),
                &documented,
            ));
        }
    }
}
