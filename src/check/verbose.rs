//! OData V2 and V3 "verbose" JSON, as SAP Gateway and other V2 services write it: the `d`
//! envelope around a response, `{"results": [...]}` for a collection (V2; V1 writes a bare
//! array), `__metadata` with the entity's `type`, `{"__deferred": {"uri": ...}}` for a
//! navigation property that is not expanded, `__count` and `__next` beside `results`, and
//! `/Date(1234567890000)/` for `Edm.DateTime`. V3's JSON light writes control information as
//! `odata.*` members. The model checker asks these questions; what the answers mean for the
//! rules stays in `edm`.

use crate::json::{Kind, Member, Node};

/// The member `d` when it is the whole response (`{"d": ...}`).
pub fn envelope(root: &Node) -> Option<&Member> {
    match root.members()? {
        [only] if only.key == "d" => Some(only),
        _ => None,
    }
}

/// The items of a V2 collection, `{"results": [...]}` (its other members: `__count`, `__next`,
/// `__metadata`), or `None` when `node` is not one.
pub fn results(node: &Node) -> Option<&Member> {
    let members = node.members()?;
    let results = members.iter().rev().find(|m| m.key == "results")?;
    let rest_is_control = members
        .iter()
        .all(|m| m.key == "results" || is_control(&m.key));
    (matches!(results.value.kind, Kind::Array(_)) && rest_is_control).then_some(results)
}

/// A navigation property that is not expanded: `{"__deferred": {"uri": "..."}}`.
pub fn is_deferred(node: &Node) -> bool {
    matches!(node.members(), Some([only]) if only.key == "__deferred")
}

/// Control information of verbose or V3 JSON, never a property: `__metadata`, `__count`,
/// `__next`, `__deferred`, `odata.metadata`, `odata.type`, `odata.nextLink`...
pub fn is_control(key: &str) -> bool {
    matches!(key, "__metadata" | "__count" | "__next" | "__deferred") || key.starts_with("odata.")
}

/// The member naming an object's type: `__metadata`'s `type` (V2), or V3's `odata.type`.
pub fn type_member(node: &Node) -> Option<&Member> {
    let members = node.members()?;
    if let Some(m) = members.iter().rev().find(|m| m.key == "odata.type") {
        return Some(m);
    }
    let metadata = members.iter().rev().find(|m| m.key == "__metadata")?;
    metadata
        .value
        .members()?
        .iter()
        .rev()
        .find(|m| m.key == "type")
}

/// `Edm.DateTime` as V2 and V3 write it: `/Date(1234567890000)/` (milliseconds since 1970,
/// maybe negative, maybe with an offset in minutes, `+0060`), or an ISO 8601 date and time
/// without a zone, which V2 services read too (`2024-05-31T13:45:00`, seconds and fractions
/// optional).
pub fn is_date_time(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        let digits = inner.strip_prefix('-').unwrap_or(inner);
        let (ms, offset) = match digits.find(['+', '-']) {
            Some(i) => (&digits[..i], Some(&digits[i + 1..])),
            None => (digits, None),
        };
        let all_digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        return all_digits(ms) && offset.is_none_or(all_digits);
    }
    is_local_date_time(s)
}

/// `YYYY-MM-DDThh:mm[:ss[.f+]]`, with an optional `Z`.
fn is_local_date_time(s: &str) -> bool {
    let s = s.strip_suffix('Z').unwrap_or(s);
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let shape = (0..4).all(digit)
        && at(4, b'-')
        && (5..7).all(digit)
        && at(7, b'-')
        && (8..10).all(digit)
        && at(10, b'T')
        && (11..13).all(digit)
        && at(13, b':')
        && (14..16).all(digit);
    if !shape {
        return false;
    }
    let rest = &s[16..];
    let Some(rest) = rest.strip_prefix(':') else {
        return rest.is_empty();
    };
    let (secs, fraction) = match rest.split_once('.') {
        Some((secs, f)) => (secs, Some(f)),
        None => (rest, None),
    };
    let two_digits = secs.len() == 2 && secs.bytes().all(|c| c.is_ascii_digit());
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    let hour: u32 = s[11..13].parse().unwrap_or(99);
    let minute: u32 = s[14..16].parse().unwrap_or(99);
    two_digits
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn v2_dates_in_both_forms() {
        for ok in [
            "/Date(1234567890000)/",
            "/Date(-1000)/",
            "/Date(1234567890000+0060)/",
            "2024-05-31T13:45",
            "2024-05-31T13:45:00",
            "2024-05-31T13:45:00.1234567",
            "2024-05-31T13:45:00Z",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "/Date()/",
            "/Date(12a)/",
            "Date(123)",
            "/Date(123)",
            "2024-13-01T00:00:00",
            "2024-05-31",
            "yesterday",
            "2024-05-31T13:45:0",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn envelopes_results_and_deferred() {
        let doc = json::parse(r#"{"d": {"results": [{"a": 1}], "__count": "1"}}"#).unwrap();
        let d = envelope(&doc.root).unwrap();
        assert!(results(&d.value).is_some());
        let doc = json::parse(r#"{"d": 1, "e": 2}"#).unwrap();
        assert!(envelope(&doc.root).is_none());
        let doc = json::parse(r#"{"results": [], "Name": "x"}"#).unwrap();
        assert!(
            results(&doc.root).is_none(),
            "an entity with a `results` property"
        );
        let doc = json::parse(r#"{"__deferred": {"uri": "x"}}"#).unwrap();
        assert!(is_deferred(&doc.root));
        let doc = json::parse(r#"{"__metadata": {"uri": "u", "type": "NS.T"}}"#).unwrap();
        assert!(
            matches!(&type_member(&doc.root).unwrap().value.kind, Kind::String(s) if s == "NS.T")
        );
    }
}
