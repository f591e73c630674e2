//! Routing: decides what a payload is checked as — which resource, operation and direction —
//! from the command line, what the input format knows, and the body's `@odata.type`.

use crate::catalog::{Catalog, Exchange, Operation, Resource};
use crate::direction::Direction;
use crate::input::Payload;
use crate::json::{Kind, Node};
use crate::pointer::JsonPointer;
use crate::source::Span;

/// What the command line says about every payload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    pub resource: Option<&'a Resource>,
    pub direction: Option<Direction>,
}

/// What a body is checked as.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub resource: &'a Resource,
    pub exchange: Exchange<'a>,
    /// A documented example shortened for readability: missing properties are not findings.
    pub truncated: bool,
    /// Where the checked value is in the body: `""` for the body itself, `/value/3` for an item
    /// of a collection.
    pub at: JsonPointer,
}

impl Target<'_> {
    pub fn direction(&self) -> Option<Direction> {
        self.exchange.direction
    }
}

/// A message whose method and URL match no operation of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct NoOperation {
    /// The message's first line.
    pub at: Span,
    pub method: String,
    pub url: String,
    /// The operations nearest to it (`PATCH /a/{id}`), nearest first.
    pub nearest: Vec<String>,
    /// How many operations the catalog has.
    pub total: usize,
}

/// A body that nothing says the resource of.
#[derive(Debug, Clone, PartialEq)]
pub struct NoResource<'a> {
    /// The body (or the collection item).
    pub at: Span,
    /// Its `@odata.type`, when it has a string one.
    pub odata_type: Option<&'a str>,
    /// The catalog's resources.
    pub known: Vec<&'a str>,
}

/// The operation a message names by method and URL: `None` when the payload has no method
/// and URL (a bare body), `Err` when nothing matches.
pub fn operation<'a>(
    catalog: &'a Catalog,
    payload: &Payload,
) -> Option<Result<(&'a Resource, &'a Operation), NoOperation>> {
    let (Some(method), Some(url)) = (&payload.method, &payload.url) else {
        return None;
    };
    Some(catalog.operation(method, url).ok_or_else(|| {
        let mut all: Vec<(usize, &Operation)> = catalog
            .resources()
            .iter()
            .flat_map(|r| &r.operations)
            .map(|o| (o.distance(method, url), o))
            .collect();
        let total = all.len();
        // Stable: equally near operations keep the catalog's order.
        all.sort_by_key(|(d, _)| *d);
        let nearest: Vec<String> = all
            .iter()
            .take(NEAREST_OPERATIONS)
            .map(|(_, o)| format!("{} {}", o.method, o.path))
            .collect();
        NoOperation {
            at: payload.start,
            method: method.clone(),
            url: url.clone(),
            nearest,
            total,
        }
    }))
}

/// How many operations an `unknown-operation` finding suggests (an imported catalog has
/// thousands).
const NEAREST_OPERATIONS: usize = 3;

/// The target to check `root` against, or why there is none. A message routed to an operation
/// is checked as that operation's resource.
pub fn route<'a, 'n>(
    catalog: &'a Catalog,
    payload: &Payload,
    root: &'n Node,
    overrides: Overrides<'a>,
    operation: Option<(&'a Resource, &'a Operation)>,
) -> Result<Target<'a>, NoResource<'n>>
where
    'a: 'n,
{
    let direction = payload.direction.or(overrides.direction);
    let exchange = Exchange {
        direction,
        operation: operation.map(|(_, o)| o),
        status: payload.status,
        select: match direction {
            Some(Direction::Response) => payload.url.as_deref().and_then(selected),
            _ => None,
        },
    };
    let odata_type = root.pointer("/@odata.type").and_then(|n| match &n.kind {
        Kind::String(s) => Some(s.as_str()),
        _ => None,
    });
    let resource = operation
        .map(|(r, _)| r)
        .or(overrides.resource)
        .or_else(|| odata_type.and_then(|t| by_odata_type(catalog, t)))
        .or_else(|| match catalog.resources() {
            [only] => Some(only),
            _ => None,
        });
    // A derived type may stand in for its base: a body that names one is checked as it.
    let resource = match (resource, odata_type) {
        (Some(base), Some(t)) => Some(
            catalog
                .by_exact_odata_type(t)
                .filter(|derived| derived.derives_from(&base.name))
                .unwrap_or(base),
        ),
        (r, _) => r,
    };
    match resource {
        Some(resource) => Ok(Target {
            resource,
            exchange,
            truncated: payload.truncated,
            at: JsonPointer::root(),
        }),
        None => Err(NoResource {
            at: root.span,
            odata_type,
            known: catalog.names(),
        }),
    }
}

/// The items of an OData collection body (`{"@odata.context": …, "value": [ … ],
/// "@odata.nextLink": …}`, what a `GET` of a collection returns), each to be routed and checked
/// as a body of its own. A body is one when it is not a request, holds a `value` array and
/// nothing else but annotations, and `routed` (what the whole body was routed to, if anything)
/// has no property `value` of its own.
pub fn collection_items<'n>(
    root: &'n Node,
    direction: Option<Direction>,
    routed: Option<&Target<'_>>,
) -> Option<&'n [Node]> {
    if direction == Some(Direction::Request) {
        return None;
    }
    let mut items = None;
    for m in root.members()? {
        match (&m.key[..], &m.value.kind) {
            ("value", Kind::Array(values)) => items = Some(&values[..]),
            (key, _) if key.contains('@') => {}
            _ => return None,
        }
    }
    let own_value = routed.is_some_and(|t| {
        t.resource
            .subschema_in("", Some(root))
            .and_then(|s| s.get("properties"))
            .is_some_and(|p| p.get("value").is_some())
    });
    if own_value {
        None
    } else {
        items
    }
}

/// The resource an `@odata.type` names: exactly, else a unique near miss (case, a missing `#`,
/// another namespace).
pub fn by_odata_type<'a>(catalog: &'a Catalog, odata_type: &str) -> Option<&'a Resource> {
    let typed = || {
        catalog
            .resources()
            .iter()
            .filter_map(|r| Some((r, r.odata_type.as_deref()?)))
    };
    if let Some((r, _)) = typed().find(|(_, t)| *t == odata_type) {
        return Some(r);
    }
    let bare = odata_type.trim_start_matches('#');
    let unique = |pred: &dyn Fn(&str) -> bool| {
        let mut it = typed().filter(|(_, t)| pred(t.trim_start_matches('#')));
        match (it.next(), it.next()) {
            (Some((r, _)), None) => Some(r),
            _ => None,
        }
    };
    let name = |t: &str| t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
    unique(&|t| t.eq_ignore_ascii_case(bare)).or_else(|| unique(&|t| name(t) == name(bare)))
}

/// The properties `$select` names in a request URL's query (`?$select=id,groupId`), if any.
/// Paths into complex properties (`address/city`) select their top-level property.
pub fn selected(url: &str) -> Option<Vec<String>> {
    let query = url.split_once('?')?.1.split('#').next()?;
    let value = query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        let k = k.replace("%24", "$");
        (k.eq_ignore_ascii_case("$select") || k.eq_ignore_ascii_case("select")).then_some(v)
    })?;
    let value = value
        .replace("%2C", ",")
        .replace("%2c", ",")
        .replace("%2F", "/");
    let names: Vec<String> = value
        .split(',')
        .map(|s| s.trim().split('/').next().unwrap_or("").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!names.is_empty() && !names.iter().any(|n| n == "*")).then_some(names)
}

#[cfg(test)]
mod tests {
    #[test]
    fn select_lists_top_level_properties() {
        assert_eq!(
            super::selected("/a/b?$select=id,groupId&$top=1"),
            Some(vec!["id".to_string(), "groupId".to_string()])
        );
        assert_eq!(
            super::selected("/a?%24select=address%2Fcity%2Cid"),
            Some(vec!["address".to_string(), "id".to_string()])
        );
        assert_eq!(super::selected("/a?$select=*"), None);
        assert_eq!(super::selected("/a?$top=1"), None);
        assert_eq!(super::selected("/a"), None);
    }
}
