//! Routing against an OData model: a message's method and URL resolved to what they address and
//! what the exchange carries; a body without a message (a bare body, a doc's resource block, a
//! response whose request is unreadable) routed by the type it names.

use crate::direction::Direction;
use crate::input::{NamedType, Payload, PayloadKind};
use crate::json::{Kind, Node};
use crate::odata::exchange::{self, Exchange, Expect, NotAllowed, Purpose};
use crate::odata::resolve::{self, type_name, Addressed, Resolution, Roots, Unresolved};
use crate::odata::{url, Model};

/// What a body is checked as, against a model.
#[derive(Debug, Clone)]
pub struct EdmTarget<'m> {
    pub model: &'m Model,
    pub expect: Expect,
    pub direction: Option<Direction>,
    /// A documented example shortened for readability: missing properties are not findings.
    pub truncated: bool,
    /// The properties a response's request selected (`$select`), if it did.
    pub select: Option<Vec<String>>,
    /// For a declaration: the properties it may leave out.
    pub optional: Vec<String>,
}

impl EdmTarget<'_> {
    /// The name of what the body is, for messages and the report's `resource` field.
    pub fn resource_name(&self) -> String {
        match &self.expect {
            Expect::Structured { ty, .. } => self.model.ty(*ty).name.clone(),
            Expect::Value(r) => type_name(self.model, r),
            Expect::Parameters { op } => {
                format!("{} parameters", self.model.operations[*op as usize].name)
            }
            Expect::Reference { .. } => "entity reference".to_string(),
            Expect::Error => "error".to_string(),
            _ => "body".to_string(),
        }
    }
}

/// An OData service: its model and where its URLs start.
#[derive(Debug)]
pub struct Service {
    pub model: Model,
    pub roots: Roots,
}

impl Service {
    /// The service described by the metadata at `path` (compiled, or from `cache`), whose URLs
    /// start with one of `roots`; with the compiler's warnings, for the caller to show.
    pub fn load(
        path: &std::path::Path,
        roots: &[String],
        options: &crate::odata::build::Options,
        cache: &crate::odata::cache::CacheDir,
        descriptions: crate::odata::cache::Descriptions,
    ) -> Result<(Service, Vec<crate::odata::cache::Placed>), crate::odata::cache::LoadError> {
        let loaded = crate::odata::cache::load(path, options, cache, descriptions)?;
        let service = Service {
            model: loaded.model,
            roots: Roots::parse(roots),
        };
        Ok((service, loaded.warnings))
    }
}

/// What a message's method and URL name in the model.
#[derive(Debug)]
pub enum Routed {
    /// Resolved: what the URL addresses, and what the method exchanges with it.
    Exchange {
        resolution: Box<Resolution>,
        exchange: Exchange,
        select: Option<Vec<String>>,
    },
    /// Resolved, but the method does not apply to what the URL addresses.
    NotAllowed(NotAllowed),
    /// The URL addresses nothing in the model.
    Unresolved {
        reason: Unresolved,
        host: Option<String>,
    },
}

/// Routes a message with a method and URL.
pub fn message(service: &Service, method: &str, target: &str) -> Routed {
    let parsed = url::parse(target);
    match resolve::resolve(&service.model, &parsed, &service.roots) {
        Ok(resolution) => match exchange::exchange(&service.model, &resolution, method) {
            Ok(exchange) => Routed::Exchange {
                select: parsed.option("select").and_then(selected),
                resolution: Box::new(resolution),
                exchange,
            },
            Err(mut n) => {
                n.read_as_key = read_as_key(&resolution);
                Routed::NotAllowed(n)
            }
        },
        Err(reason) => Routed::Unresolved {
            reason,
            host: parsed.host,
        },
    }
}

/// The last segment when it is a name (`getUserOwnedObjects`) the resolver read as a key, not a
/// placeholder or a value (`{id}`, `0`, a GUID).
fn read_as_key(r: &Resolution) -> Option<String> {
    let (segment, step, _) = r.steps.last()?;
    let named = segment.len() > 3
        && segment.starts_with(|c: char| c.is_ascii_lowercase())
        && segment.chars().all(|c| c.is_ascii_alphanumeric())
        && segment.chars().any(|c| c.is_ascii_uppercase())
        && !segment.chars().any(|c| c.is_ascii_digit());
    (*step == resolve::Step::Key && named).then(|| segment.clone())
}

/// `$select=id,displayName` -> the top-level names (`*` selects everything: `None`).
fn selected(value: &str) -> Option<Vec<String>> {
    let names: Vec<String> = value
        .split(',')
        .map(|s| s.trim().split('/').next().unwrap_or("").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!names.is_empty() && !names.iter().any(|n| n == "*")).then_some(names)
}

/// Why a body could not be routed to a type of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoType {
    /// The body or the annotation names a type the model does not have.
    Unknown(String),
    /// Nothing names a type.
    Unnamed,
}

/// What a body is to be checked as, against the model.
#[derive(Debug)]
pub enum Routing<'s> {
    Check(EdmTarget<'s>),
    /// The exchange carries no body here (a 204 response, a GET request): `what` names the
    /// message ("a 204 response to `PATCH /widgets/w1`", "`DELETE /widgets/w1`").
    NoBody(String),
    /// The exchange carries a body the model does not describe (a 202, a redirect, `$batch`).
    Undescribed,
    NoType(NoType),
}

/// The target to check a payload's body against. `routed` is its message's route, if it has
/// one; `resource` is `--resource` (a type of the model).
pub fn body<'s>(
    service: &'s Service,
    payload: &Payload,
    routed: Option<&Routed>,
    root: &Node,
    direction: Option<Direction>,
    resource: Option<u32>,
) -> Routing<'s> {
    let model = &service.model;
    let target = |expect, select| EdmTarget {
        model,
        expect,
        direction,
        truncated: payload.truncated,
        select,
        optional: match &payload.kind {
            PayloadKind::Declaration { optional } => optional.clone(),
            PayloadKind::Message => Vec::new(),
        },
    };
    if let PayloadKind::Declaration { .. } = payload.kind {
        let ty = match named(model, payload.named_type.as_ref(), root) {
            Ok(t) => t,
            Err(e) => return Routing::NoType(e),
        };
        let expect = Expect::Structured {
            ty,
            collection: false,
            purpose: Purpose::Declare,
        };
        return Routing::Check(target(expect, None));
    }
    if let Some(Routed::Exchange {
        exchange, select, ..
    }) = routed
    {
        let expect = match direction {
            Some(Direction::Request) => exchange.request.clone(),
            _ => exchange.response_for(payload.status).clone(),
        };
        // A response's annotation may name a type derived from what the URL addresses.
        let expect = refine(model, expect, payload.named_type.as_ref());
        let select = (direction == Some(Direction::Response))
            .then(|| select.clone())
            .flatten();
        return match expect {
            Expect::Nothing => Routing::NoBody(message_name(payload, direction)),
            Expect::NotJson | Expect::Unknown => Routing::Undescribed,
            e => Routing::Check(target(e, select)),
        };
    }
    // No route: `--resource`, the annotation's type, the body's own `@odata.type`.
    let purpose = match direction {
        Some(Direction::Request) => Purpose::Create,
        _ => Purpose::Read,
    };
    let collection = payload.named_type.as_ref().is_some_and(|t| t.collection)
        || (payload.named_type.is_none() && looks_like_collection(root));
    let ty = match resource {
        Some(t) => Ok(t),
        None => named(model, payload.named_type.as_ref(), root),
    };
    match ty {
        Ok(ty) => Routing::Check(target(
            Expect::Structured {
                ty,
                collection,
                purpose,
            },
            None,
        )),
        Err(e) => Routing::NoType(e),
    }
}

/// A message as findings name it: a response by its status (and request), a request by its
/// method and URL ("a 204 response to `PATCH /widgets/w1`", "the request `DELETE /widgets/w1`").
pub fn message_name(payload: &Payload, direction: Option<Direction>) -> String {
    let method = payload.method.as_deref().unwrap_or("");
    match (direction, payload.status, payload.url.as_deref()) {
        (Some(Direction::Response), Some(status), Some(u)) => {
            format!("a {status} response to `{method} {u}`")
        }
        (Some(Direction::Response), Some(status), None) => format!("a {status} response"),
        (_, _, Some(u)) => format!("the request `{method} {u}`"),
        (_, _, None) => format!("a {method} request"),
    }
}

/// `{"value": [...]}` and annotations only: what a list returns.
fn looks_like_collection(root: &Node) -> bool {
    let Some(members) = root.members() else {
        return false;
    };
    members
        .iter()
        .any(|m| m.key == "value" && matches!(m.value.kind, Kind::Array(_)))
        && members
            .iter()
            .all(|m| m.key == "value" || m.key.contains('@'))
}

/// The type an annotation names, else the one the body's `@odata.type` names (for a
/// collection, its first item's).
fn named(model: &Model, annotation: Option<&NamedType>, root: &Node) -> Result<u32, NoType> {
    if let Some(t) = annotation {
        return lookup(model, &t.name).ok_or_else(|| NoType::Unknown(t.name.clone()));
    }
    let own = odata_type(root).or_else(|| {
        let items = root.members()?.iter().find(|m| m.key == "value")?;
        match &items.value.kind {
            Kind::Array(items) => items.iter().find_map(odata_type),
            _ => None,
        }
    });
    match own {
        Some(t) => lookup(model, t).ok_or_else(|| NoType::Unknown(t.to_string())),
        None => Err(NoType::Unnamed),
    }
}

fn odata_type(node: &Node) -> Option<&str> {
    node.members()?
        .iter()
        .rev()
        .find(|m| m.key == "@odata.type")
        .and_then(|m| match &m.value.kind {
            Kind::String(s) => Some(s.as_str()),
            _ => None,
        })
}

/// A structured type by name: exact (qualified or alias-qualified, `#` or not), else the only
/// one matching ignoring case.
pub fn lookup(model: &Model, name: &str) -> Option<u32> {
    let bare = name.trim().trim_start_matches('#');
    model.structured(bare).or_else(|| {
        let q = model.qualify(bare).to_lowercase();
        let mut found = model
            .types
            .names()
            .enumerate()
            .filter(|(_, n)| n.to_lowercase() == q);
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i as u32),
            _ => None,
        }
    })
}

/// A type by `--resource`: qualified, or the only type with that unqualified name.
pub fn resource(model: &Model, name: &str) -> Option<u32> {
    lookup(model, name).or_else(|| {
        // A type's name is its namespace's, a dot, and its own (which has no dot).
        let mut found = model.types.names().enumerate().filter(|(_, n)| {
            n.rsplit('.')
                .next()
                .is_some_and(|s| s.eq_ignore_ascii_case(name))
        });
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Some(i as u32),
            _ => None,
        }
    })
}

/// The expected body, made more specific by an annotation naming a derived type.
fn refine(model: &Model, expect: Expect, annotation: Option<&NamedType>) -> Expect {
    // A status the protocol leaves open (`202 Accepted`): the type the doc names, if the model
    // has it, is what the body is.
    if let (Expect::Unknown, Some(named)) = (&expect, annotation) {
        return match lookup(model, &named.name) {
            Some(ty) => Expect::Structured {
                ty,
                collection: named.collection,
                purpose: Purpose::Read,
            },
            None => expect,
        };
    }
    let (
        Expect::Structured {
            ty,
            collection,
            purpose,
        },
        Some(named),
    ) = (&expect, annotation)
    else {
        return expect;
    };
    match lookup(model, &named.name) {
        Some(d) if d != *ty && model.derives_from(d, *ty) => Expect::Structured {
            ty: d,
            collection: *collection,
            purpose: *purpose,
        },
        _ => expect,
    }
}

/// What an addressed resource is, in words: for messages.
pub fn describe(model: &Model, a: &Addressed) -> String {
    match a {
        Addressed::Entities { ty, .. } => format!("a collection of `{}`", model.ty(*ty).name),
        Addressed::Entity { ty, .. } => format!("one `{}`", model.ty(*ty).name),
        Addressed::Complex {
            ty,
            collection: false,
        } => format!("a `{}` value", model.ty(*ty).name),
        Addressed::Complex {
            ty,
            collection: true,
        } => {
            format!("a collection of `{}` values", model.ty(*ty).name)
        }
        Addressed::Value(r) => format!("a `{}` value", resolve::type_name(model, r)),
        Addressed::Raw { .. } => "a raw value".to_string(),
        Addressed::Count => "a count".to_string(),
        Addressed::Reference { ty, .. } => format!("references to `{}`", model.ty(*ty).name),
        Addressed::Call { op } => format!("a call of `{}`", model.operations[*op as usize].name),
        Addressed::Untyped(_) => "something the model does not type".to_string(),
    }
}
