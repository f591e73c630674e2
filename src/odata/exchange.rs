//! What a request and its response carry, by OData's protocol (OData 4.01 Part 1, sections 11.2
//! to 11.5, and the JSON Format): from what a URL addresses and the HTTP method, the body each
//! direction holds and the success statuses the method may answer with.

use super::model::{Kind, Model, OperationKind, TypeId, TypeRef};
use super::resolve::{Addressed, Resolution, Step};

/// What a body is written for: it decides which properties a client may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `POST` to a collection: keys may be sent, computed properties not.
    Create,
    /// `PATCH`: neither keys, computed nor immutable properties.
    Update,
    /// `PUT`: as an update, and every non-nullable property that a client sets is required.
    Replace,
    /// A response, or a value the service sends.
    Read,
    /// A type's declaration in docs (a resource block): values are placeholders (`"String"`,
    /// `"String (timestamp)"`, `{"@odata.type": "microsoft.graph.x"}`), and every structural
    /// property is listed unless it is optional.
    Declare,
}

/// The body one direction of an exchange holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// No body.
    Nothing,
    /// An entity or complex value (`collection`: a collection of them, `{"value": [...]}` in a
    /// response).
    Structured {
        ty: u32,
        collection: bool,
        purpose: Purpose,
    },
    /// A primitive or enum value (or a collection of them), as `{"value": ...}`.
    Value(TypeRef),
    /// An action's (or POSTed function's) parameters: an object with a member per parameter.
    Parameters { op: u32 },
    /// An entity reference, `{"@odata.id": "..."}` (`collection`: `{"value": [...]}` of them).
    Reference { collection: bool },
    /// Not JSON: a stream, a count, a batch, the metadata document.
    NotJson,
    /// An error response: OData's error format, `{"error": {"code": ..., "message": ...}}`.
    Error,
    /// The model does not say what the body is.
    Unknown,
}

/// A method the addressed resource does not support, and what it does support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed {
    pub method: String,
    /// `a collection of microsoft.graph.user`.
    pub what: String,
    /// `GET lists it, POST creates in it`.
    pub allowed: &'static str,
    /// The last segment, a name read as a key for want of an operation or property of that
    /// name (`getUserOwnedObjects` after `deletedItems`): what the user most likely meant.
    pub read_as_key: Option<String>,
}

/// What a method on an addressed resource exchanges.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub request: Expect,
    pub response: Expect,
    /// Success statuses the method may answer with (`202 Accepted`, redirects and errors are
    /// always allowed).
    pub success: &'static [u16],
}

impl Exchange {
    /// Is `status` one the protocol allows for this exchange?
    pub fn allows(&self, status: u16) -> bool {
        status == 202 || !(200..300).contains(&status) || self.success.contains(&status)
    }

    /// The response body for a status: nothing for 204 and other bodiless statuses, an error
    /// body (not checked against the model) for 4xx and 5xx.
    pub fn response_for(&self, status: Option<u16>) -> &Expect {
        match status {
            Some(204 | 304) => &Expect::Nothing,
            Some(400..=599) => &Expect::Error,
            Some(s) if !(200..300).contains(&s) => &Expect::Unknown,
            Some(202) => &Expect::Unknown,
            _ => &self.response,
        }
    }
}

const GET: &[u16] = &[200, 204, 206];
const CREATE: &[u16] = &[200, 201, 204];
const UPDATE: &[u16] = &[200, 201, 204];
const DELETE: &[u16] = &[200, 204];
const CALL: &[u16] = &[200, 201, 204];

/// The exchange of `method` on what a URL resolved to.
// One piece because it is a table of OData's protocol: one arm per resource kind and method.
pub fn exchange(
    model: &Model,
    resolution: &Resolution,
    method: &str,
) -> Result<Exchange, NotAllowed> {
    let addressed = &resolution.addressed;
    // Graph creates the entity of a single-valued containment with POST to its path.
    let single_navigation = matches!(resolution.steps.last(), Some((_, Step::Navigation, _)));
    let m = method.to_ascii_uppercase();
    let ex = |request, response, success| {
        Ok(Exchange {
            request,
            response,
            success,
        })
    };
    let not = |what: String, allowed: &'static str| {
        Err(NotAllowed {
            method: m.clone(),
            what,
            allowed,
            read_as_key: None,
        })
    };
    let structured = |ty, collection, purpose| Expect::Structured {
        ty,
        collection,
        purpose,
    };
    match addressed {
        Addressed::Entities { ty, .. } => match m.as_str() {
            "GET" => ex(Expect::Nothing, structured(*ty, true, Purpose::Read), GET),
            "POST" => ex(
                structured(*ty, false, Purpose::Create),
                structured(*ty, false, Purpose::Read),
                CREATE,
            ),
            _ => not(
                format!("a collection of `{}`", model.ty(*ty).name),
                "GET lists it, POST creates an entity in it",
            ),
        },
        Addressed::Entity { ty, .. } => match m.as_str() {
            "GET" => ex(Expect::Nothing, structured(*ty, false, Purpose::Read), GET),
            "PATCH" => ex(
                structured(*ty, false, Purpose::Update),
                structured(*ty, false, Purpose::Read),
                UPDATE,
            ),
            "PUT" => ex(
                structured(*ty, false, Purpose::Replace),
                structured(*ty, false, Purpose::Read),
                UPDATE,
            ),
            "DELETE" => ex(Expect::Nothing, Expect::Nothing, DELETE),
            "POST" if single_navigation => ex(
                structured(*ty, false, Purpose::Create),
                structured(*ty, false, Purpose::Read),
                CREATE,
            ),
            _ => not(
                format!("one `{}`", model.ty(*ty).name),
                "GET reads it, PATCH or PUT updates it, DELETE deletes it",
            ),
        },
        Addressed::Complex { ty, collection } => match m.as_str() {
            "GET" => ex(
                Expect::Nothing,
                structured(*ty, *collection, Purpose::Read),
                GET,
            ),
            "PATCH" | "PUT" => ex(
                structured(
                    *ty,
                    *collection,
                    if m == "PUT" {
                        Purpose::Replace
                    } else {
                        Purpose::Update
                    },
                ),
                structured(*ty, *collection, Purpose::Read),
                UPDATE,
            ),
            "DELETE" => ex(Expect::Nothing, Expect::Nothing, DELETE),
            // Graph adds an item to a collection of complex values with POST.
            "POST" if *collection => ex(
                structured(*ty, false, Purpose::Create),
                structured(*ty, false, Purpose::Read),
                CREATE,
            ),
            _ => not(
                format!("a `{}` property", model.ty(*ty).name),
                "GET reads it, PATCH or PUT updates it",
            ),
        },
        Addressed::Value(r) => match m.as_str() {
            "GET" => ex(Expect::Nothing, Expect::Value(r.clone()), GET),
            "PUT" | "PATCH" => ex(Expect::Value(r.clone()), Expect::Value(r.clone()), UPDATE),
            "DELETE" => ex(Expect::Nothing, Expect::Nothing, DELETE),
            _ => not(
                "a primitive property".into(),
                "GET reads it, PUT updates it",
            ),
        },
        // Uploads answer with the entity whose stream it is (Graph: the drive item), or nothing.
        Addressed::Raw { owner } => match m.as_str() {
            "GET" => ex(Expect::Nothing, Expect::NotJson, GET),
            "PUT" | "POST" | "PATCH" => ex(
                Expect::NotJson,
                owner.map_or(Expect::Unknown, |ty| structured(ty, false, Purpose::Read)),
                UPDATE,
            ),
            "DELETE" => ex(Expect::Nothing, Expect::Nothing, DELETE),
            _ => not("a stream".into(), "GET reads it, PUT replaces it"),
        },
        Addressed::Count => match m.as_str() {
            "GET" => ex(Expect::Nothing, Expect::NotJson, GET),
            _ => not("`$count`".into(), "GET reads it"),
        },
        Addressed::Reference { collection, .. } => match (m.as_str(), collection) {
            ("GET", c) => ex(Expect::Nothing, Expect::Reference { collection: *c }, GET),
            ("POST", true) => ex(
                Expect::Reference { collection: false },
                Expect::Nothing,
                CREATE,
            ),
            ("PUT", false) => ex(
                Expect::Reference { collection: false },
                Expect::Nothing,
                UPDATE,
            ),
            ("DELETE", _) => ex(Expect::Nothing, Expect::Nothing, DELETE),
            (_, true) => not(
                "references (`$ref`)".into(),
                "GET lists them, POST adds one, DELETE removes one",
            ),
            (_, false) => not(
                "a reference (`$ref`)".into(),
                "GET reads it, PUT sets it, DELETE removes it",
            ),
        },
        Addressed::Call { op } => call(model, *op, &m),
        Addressed::Untyped(_) => ex(Expect::Unknown, Expect::Unknown, &[200, 201, 204, 206]),
    }
}

fn call(model: &Model, op: u32, method: &str) -> Result<Exchange, NotAllowed> {
    let o = &model.operations[op as usize];
    let returns = o
        .returns
        .as_ref()
        .map_or(Expect::Nothing, |r| returned(model, r));
    let request = match (o.kind, method) {
        (OperationKind::Action, "POST") | (OperationKind::Function, "POST") => {
            Expect::Parameters { op }
        }
        (OperationKind::Function, "GET") => Expect::Nothing,
        // Graph updates what a workbook function returns (`PATCH .../range(address='A1')`).
        (OperationKind::Function, "PATCH" | "PUT") => match &returns {
            Expect::Structured { ty, collection, .. } => Expect::Structured {
                ty: *ty,
                collection: *collection,
                purpose: Purpose::Update,
            },
            other => other.clone(),
        },
        (OperationKind::Action, _) => {
            return Err(NotAllowed {
                method: method.to_string(),
                what: format!("the action `{}`", o.name),
                allowed: "POST calls an action",
                read_as_key: None,
            })
        }
        (OperationKind::Function, _) => {
            return Err(NotAllowed {
                method: method.to_string(),
                what: format!("the function `{}`", o.name),
                allowed: "GET calls a function",
                read_as_key: None,
            })
        }
    };
    Ok(Exchange {
        request,
        response: returns,
        success: CALL,
    })
}

/// The response body of an operation returning `r`.
fn returned(model: &Model, r: &TypeRef) -> Expect {
    match r.id {
        TypeId::Structured(t) => Expect::Structured {
            ty: t,
            collection: r.collection,
            purpose: Purpose::Read,
        },
        TypeId::AnyStructured => Expect::Unknown,
        TypeId::Primitive(super::model::Primitive::Stream) => Expect::NotJson,
        _ => {
            let _ = model;
            Expect::Value(r.clone())
        }
    }
}

/// Is `ty` an entity type?
pub fn is_entity(model: &Model, ty: u32) -> bool {
    model.ty(ty).kind == Kind::Entity
}
