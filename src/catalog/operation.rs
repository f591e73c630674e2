//! Operations of a resource: method, path template, and which properties each direction
//! requires. Also matches a request's method and URL to a template.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One operation as written in `NAME.operations.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSpec {
    pub name: String,
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<BodySpec>,
    /// Documented statuses; `null` for a status without a body (204).
    #[serde(default)]
    pub responses: BTreeMap<String, Option<BodySpec>>,
}

#[derive(Debug, Serialize, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    #[serde(default)]
    pub required: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationsFile {
    pub resource: String,
    pub operations: Vec<OperationSpec>,
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param,
}

#[derive(Debug)]
pub struct Operation {
    pub name: String,
    pub method: String,
    pub path: String,
    segments: Vec<Segment>,
    pub request: Option<BodySpec>,
    pub responses: BTreeMap<u16, Option<BodySpec>>,
}

impl Operation {
    pub fn from_spec(spec: OperationSpec) -> Result<Operation, String> {
        if !spec.path.starts_with('/') {
            return Err(format!(
                "operation `{}`: path must start with `/`",
                spec.name
            ));
        }
        let mut responses = BTreeMap::new();
        for (status, body) in spec.responses {
            let code: u16 = status
                .parse()
                .ok()
                .filter(|c| (100..600).contains(c))
                .ok_or_else(|| {
                    format!(
                        "operation `{}`: `{status}` is not an HTTP status code",
                        spec.name
                    )
                })?;
            responses.insert(code, body);
        }
        Ok(Operation {
            segments: template_segments(&spec.path),
            name: spec.name,
            method: spec.method.to_ascii_uppercase(),
            path: spec.path,
            request: spec.request,
            responses,
        })
    }

    /// Number of path segments of the template.
    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// The same path template, whatever its parameters are called.
    pub fn same_template(&self, other: &Operation) -> bool {
        self.segments == other.segments
    }

    /// Merges an overlay's operation: its name, and its required properties added to each
    /// direction and status it names.
    pub fn tighten(&mut self, overlay: Operation) {
        self.name = overlay.name;
        fn add(into: &mut BodySpec, from: &BodySpec) {
            for p in &from.required {
                if !into.required.contains(p) {
                    into.required.push(p.clone());
                }
            }
        }
        if let Some(req) = &overlay.request {
            add(self.request.get_or_insert_with(BodySpec::default), req);
        }
        for (status, body) in overlay.responses {
            match (self.responses.get_mut(&status), body) {
                (Some(Some(into)), Some(from)) => add(into, &from),
                (Some(_), None) => {}
                (None, body) => {
                    self.responses.insert(status, body);
                }
                (Some(slot @ None), Some(from)) => *slot = Some(from),
            }
        }
    }

    /// Does `method` + `url` (a path or a full URL, with or without `/v1.0` or `/beta`, any
    /// query string) name this operation?
    pub fn matches(&self, method: &str, url: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let segs = url_segments(url);
        segs.len() == self.segments.len() && self.matched_prefix(&segs) == segs.len()
    }

    /// How far `method` + `url` is from this operation, for suggesting the nearest ones when
    /// none matches (smaller is nearer): the segments past the common prefix on either side,
    /// plus one when the method differs.
    pub fn distance(&self, method: &str, url: &str) -> usize {
        let segs = url_segments(url);
        let common = self.matched_prefix(&segs);
        (self.segments.len() - common)
            + (segs.len() - common)
            + usize::from(!self.method.eq_ignore_ascii_case(method))
    }

    /// How many leading segments of a request path the template matches (`{name}` matches any
    /// segment, literals ignore case).
    fn matched_prefix(&self, segs: &[&str]) -> usize {
        self.segments
            .iter()
            .zip(segs)
            .take_while(|(t, s)| match t {
                Segment::Param => true,
                // A client sends `Straßen` percent-encoded (`Stra%C3%9Fen`).
                Segment::Literal(l) => {
                    l.eq_ignore_ascii_case(s)
                        || (s.contains('%')
                            && super::names::decode(s).is_some_and(|d| l.eq_ignore_ascii_case(&d)))
                }
            })
            .count()
    }
}

/// The non-empty segments of a request's path (see [`request_path`]).
fn url_segments(url: &str) -> Vec<&str> {
    request_path(url)
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

fn template_segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param
            } else {
                Segment::Literal(s.to_string())
            }
        })
        .collect()
}

/// The resource path of a request target: scheme, host, API version prefix, query and fragment
/// removed.
pub fn request_path(url: &str) -> &str {
    let mut p = url.trim();
    if let Some(i) = p.find("://") {
        p = &p[i + 3..];
        p = p.find('/').map_or("", |j| &p[j..]);
    }
    // An `.http` file's unresolved `{{baseUrl}}` stands for scheme, host and prefix.
    if let Some(rest) = p
        .strip_prefix("{{")
        .and_then(|r| r.split_once("}}"))
        .map(|(_, r)| r)
    {
        if rest.is_empty() || rest.starts_with('/') {
            p = rest;
        }
    }
    p = p.split(['?', '#']).next().unwrap_or("");
    for prefix in ["/v1.0", "/beta"] {
        if let Some(rest) = p.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with('/') {
                p = rest;
                break;
            }
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op() -> Operation {
        Operation::from_spec(OperationSpec {
            name: "update".into(),
            method: "PATCH".into(),
            path: "/provisioningPolicies/{provisioningPoliciesId}/assignments/{ProvisionPolicyAssignmentItemId}".into(),
            request: None,
            responses: BTreeMap::new(),
        })
        .unwrap()
    }

    #[test]
    fn matches_with_and_without_host_prefix_and_query() {
        let op = op();
        for url in [
            "/provisioningPolicies/p1/assignments/a1",
            "https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1",
            "https://graph.microsoft.com/beta/provisioningPolicies/{provisioningPoliciesId}/assignments/{ProvisionPolicyAssignmentItemId}",
            "/beta/provisioningPolicies/p1/assignments/a1?$select=groupId",
            "/v1.0/provisioningPolicies/p1/assignments/a1/",
            "{{baseUrl}}/provisioningPolicies/{{policy}}/assignments/{{$guid}}",
        ] {
            assert!(op.matches("PATCH", url), "{url}");
            assert!(op.matches("patch", url), "{url}");
        }
        assert!(!op.matches("GET", "/provisioningPolicies/p1/assignments/a1"));
        assert!(!op.matches("PATCH", "/provisioningPolicies/p1/assignments"));
        assert!(!op.matches("PATCH", "/provisioningPolicies/p1/assignments/a1/extra"));
        assert!(!op.matches("PATCH", "/v2.0/provisioningPolicies/p1/assignments/a1"));
    }

    #[test]
    fn non_ascii_literals_match_raw_or_percent_encoded() {
        let op = Operation::from_spec(OperationSpec {
            name: "get".into(),
            method: "GET".into(),
            path: "/Straßen/{StraßenId}".into(),
            request: None,
            responses: Default::default(),
        })
        .unwrap();
        assert!(op.matches("GET", "/Straßen/1"));
        assert!(op.matches("GET", "https://h/Stra%C3%9Fen/1"));
        assert!(op.matches("GET", "/Stra%c3%9fen/1"));
        assert!(!op.matches("GET", "/Stra%C3%9F/1"));
        assert!(!op.matches("GET", "/Stra%C3/1"));
    }

    #[test]
    fn distance_counts_unmatched_segments_and_a_different_method() {
        let op = op();
        assert_eq!(
            op.distance("PATCH", "/v1.0/provisioningPolicies/p/assignments/a"),
            0
        );
        assert_eq!(
            op.distance("GET", "/provisioningPolicies/p/assignments/a"),
            1
        );
        assert_eq!(
            op.distance("PATCH", "/provisioningPolicies/p/assignments"),
            1
        );
        assert_eq!(
            op.distance("PATCH", "/provisioningPolicies/p/assignment/a"),
            4
        );
        assert_eq!(op.distance("PATCH", "/users/u"), 6);
    }
}
