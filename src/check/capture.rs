//! Which entries of a browser capture (a HAR exported from dev tools) are API calls. A page's
//! capture holds its images, scripts, stylesheets, fonts and calls to other hosts; those are
//! skipped, and counted, rather than reported. An entry is an API call when its host is a
//! service's (one where some entry's method and URL name an operation, or a configured
//! `--service-root`) and it carries JSON or names an operation. With no service host known,
//! every entry that carries JSON is one (so a capture of calls that route nowhere is still
//! reported).

use crate::catalog::Catalog;
use crate::direction::Direction;
use crate::input::{Content, Payload};
use crate::route;
use crate::route_model::{self, Routed, Service};
use std::collections::BTreeSet;

/// The entries (by index in `log.entries`) that are not API calls.
pub fn skipped(
    catalog: &Catalog,
    service: Option<&Service>,
    payloads: &[Payload],
) -> BTreeSet<usize> {
    let requests = || {
        payloads
            .iter()
            .filter(|p| p.entry.is_some() && p.direction == Some(Direction::Request))
    };
    if requests().next().is_none() {
        return BTreeSet::new();
    }
    let mut hosts: BTreeSet<String> = service
        .map(|s| s.roots.hosts.iter().cloned().collect())
        .unwrap_or_default();
    let routed: BTreeSet<usize> = requests()
        .filter(|p| names_operation(catalog, service, p))
        .map(|p| p.index)
        .collect();
    hosts.extend(
        requests()
            .filter(|p| routed.contains(&p.index))
            .filter_map(host),
    );
    let mut out = BTreeSet::new();
    for p in requests() {
        let Some(entry) = p.entry else { continue };
        // A URL without a host (a capture trimmed by hand) is no other host's.
        let foreign = !hosts.is_empty() && host(p).is_some_and(|h| !hosts.contains(&h));
        let api = entry.content == Content::Json || routed.contains(&p.index);
        if foreign || !api {
            out.insert(entry.index);
        }
    }
    out
}

/// Does the request's method and URL name an operation of the catalog or the model?
fn names_operation(catalog: &Catalog, service: Option<&Service>, p: &Payload) -> bool {
    if matches!(route::operation(catalog, p), Some(Ok(_))) {
        return true;
    }
    match (service, &p.method, &p.url) {
        (Some(service), Some(method), Some(url)) => !matches!(
            route_model::message(service, method, url),
            Routed::Unresolved { .. }
        ),
        _ => false,
    }
}

/// The host of a message's URL, lowercase, without user or port.
fn host(p: &Payload) -> Option<String> {
    let url = p.url.as_deref()?;
    let after = &url[url.find("://")? + 3..];
    let authority = &after[..after.find(['/', '?', '#']).unwrap_or(after.len())];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_without_user_port_or_case() {
        let at = |url: &str| {
            host(&Payload {
                url: Some(url.into()),
                ..Payload::default()
            })
        };
        assert_eq!(
            at("https://Graph.Microsoft.com/v1.0/me").as_deref(),
            Some("graph.microsoft.com")
        );
        assert_eq!(at("http://u:p@h:8080/x").as_deref(), Some("h"));
        assert_eq!(at("https://[::1]/x").as_deref(), Some("[::1]"));
        assert_eq!(at("/provisioningPolicies/p1"), None);
    }
}
