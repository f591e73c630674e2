//! The engine as the language server's model: the body type at a position and its properties,
//! the OData types and operations, from the OData model or the catalog.

use super::{direction, Engine};
use crate::catalog::{Exchange, Resource};
use crate::input::Payload;
use crate::json;
use crate::json::{Kind, Node};
use crate::odata::exchange::{Expect, Purpose};
use crate::odata::model::{Parameter, TypeId};
use crate::route_model::{Routed, Service};
use crate::server::vocabulary::{
    push_token, BodyQuery, BodyType, Model, OperationInfo, PropertyInfo, TypeInfo, Way,
};
use crate::source::Span;
use serde_json::Value;

/// The catalog and, when the configuration names metadata, the service's model, as hover and
/// completion see them: a message the catalog knows is the catalog's; any other is the model's.
impl Model for Engine {
    fn body_type(&self, q: &BodyQuery<'_>) -> Option<Box<dyn BodyType + '_>> {
        let payload = Payload {
            method: q.method.map(str::to_string),
            url: q.url.map(str::to_string),
            direction: q.way.map(direction),
            status: q.status,
            ..Payload::default()
        };
        let operation = match crate::route::operation(&self.catalog, &payload) {
            Some(Ok(op)) => Some(op),
            _ => None,
        };
        if let (None, Some(service)) = (&operation, self.service()) {
            return model_body(service, q).map(|b| Box::new(b) as Box<dyn BodyType + '_>);
        }
        let root = Node {
            span: Span::default(),
            kind: Kind::Object(
                q.odata_type
                    .map(|t| json::Member {
                        key: "@odata.type".into(),
                        key_span: Span::default(),
                        value: Node {
                            span: Span::default(),
                            kind: Kind::String(t.to_string()),
                        },
                    })
                    .into_iter()
                    .collect(),
            ),
        };
        let overrides = crate::route::Overrides::default();
        let target =
            crate::route::route(&self.catalog, &payload, &root, overrides, operation).ok()?;
        let required = target.resource.required(&Exchange {
            select: None,
            ..target.exchange
        });
        Some(Box::new(CatalogBody {
            resource: target.resource,
            required,
        }))
    }

    fn odata_types(&self) -> Vec<TypeInfo> {
        let catalog = self.catalog.resources().iter().filter_map(|r| {
            Some(TypeInfo {
                odata_type: r.odata_type.clone()?,
                name: r.name.clone(),
                description: r
                    .schema()
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
        });
        let mut types: Vec<TypeInfo> = catalog.collect();
        if let Some(service) = self.service() {
            for t in &service.model.types {
                let odata_type = format!("#{}", t.name);
                if types.iter().all(|c| c.odata_type != odata_type) {
                    types.push(TypeInfo {
                        odata_type,
                        name: t.name.clone(),
                        description: t.description.as_deref().map(str::to_string),
                    });
                }
            }
        }
        types
    }

    fn operation(&self, method: &str, url: &str) -> Option<OperationInfo> {
        if let Some((r, o)) = self.catalog.operation(method, url) {
            return Some(OperationInfo {
                name: o.name.clone(),
                method: o.method.clone(),
                path: o.path.clone(),
                resource: r.name.clone(),
                request_required: o
                    .request
                    .as_ref()
                    .map_or(Vec::new(), |b| b.required.clone()),
                statuses: o.responses.keys().copied().collect(),
            });
        }
        let service = self.service()?;
        let Routed::Exchange {
            resolution,
            exchange,
            ..
        } = crate::route_model::message(service, method, url)
        else {
            return None;
        };
        let model = &service.model;
        let (name, required) = match &exchange.request {
            Expect::Structured { purpose, .. } => (purpose_name(*purpose), Vec::new()),
            Expect::Parameters { op } => {
                let op = &model.operations[*op as usize];
                let required = parameters(op)
                    .filter(|p| !p.optional)
                    .map(|p| p.name.clone())
                    .collect();
                (op.name.as_str(), required)
            }
            Expect::Reference { .. } => ("reference", Vec::new()),
            _ => (
                match method.to_ascii_uppercase().as_str() {
                    "DELETE" => "delete",
                    _ => "read",
                },
                Vec::new(),
            ),
        };
        // An action or function is of what it is bound to (the segment before it).
        let addressed = match (&exchange.request, resolution.steps.len()) {
            (Expect::Parameters { .. }, n) if n >= 2 => &resolution.steps[n - 2].2,
            _ => &resolution.addressed,
        };
        Some(OperationInfo {
            name: name.to_string(),
            method: method.to_ascii_uppercase(),
            path: url.to_string(),
            resource: crate::route_model::describe(model, addressed),
            request_required: required,
            statuses: exchange.success.to_vec(),
        })
    }
}

/// What a purpose does, as an operation's name in a hover.
pub(super) fn purpose_name(p: Purpose) -> &'static str {
    match p {
        Purpose::Create => "create",
        Purpose::Update => "update",
        Purpose::Replace => "replace",
        Purpose::Read => "read",
        Purpose::Declare => "declare",
    }
}

/// An operation's parameters a body carries (the model keeps the binding parameter apart).
pub(super) fn parameters(op: &crate::odata::model::Operation) -> impl Iterator<Item = &Parameter> {
    op.parameters.iter()
}

/// What the model says the body of the message `q` describes is: a structured value (or a
/// collection of them), or an action's parameters.
pub(super) fn model_body<'a>(service: &'a Service, q: &BodyQuery<'_>) -> Option<ModelBody<'a>> {
    let model = &service.model;
    let named = q
        .odata_type
        .and_then(|t| crate::route_model::lookup(model, t));
    let expect = match (q.method, q.url) {
        (Some(method), Some(url)) => match crate::route_model::message(service, method, url) {
            Routed::Exchange { exchange, .. } => match q.way {
                Some(Way::Request) => exchange.request,
                _ => exchange.response_for(q.status).clone(),
            },
            _ => return None,
        },
        // A bare body: the type it names.
        _ => Expect::Structured {
            ty: named?,
            collection: false,
            purpose: Purpose::Read,
        },
    };
    let shape = match expect {
        Expect::Structured {
            ty,
            collection,
            purpose,
        } => {
            // The body may name a type derived from what the URL addresses.
            let ty = named.filter(|&n| model.derives_from(n, ty)).unwrap_or(ty);
            Shape::Structured {
                ty,
                collection,
                purpose,
            }
        }
        Expect::Parameters { op } => Shape::Parameters(op),
        _ => return None,
    };
    Some(ModelBody { model, shape })
}

/// A body as the model describes it.
pub(super) struct ModelBody<'a> {
    model: &'a crate::odata::Model,
    shape: Shape,
}

#[derive(Clone, Copy)]
pub(super) enum Shape {
    Structured {
        ty: u32,
        /// `{"value": [...]}` of them.
        collection: bool,
        purpose: Purpose,
    },
    /// An action's parameters.
    Parameters(u32),
}

/// Where a JSON Pointer into a body leads in the model.
pub(super) enum Reached {
    Structured(u32),
    Parameters(u32),
}

impl ModelBody<'_> {
    /// The structured type (or the parameters) at `pointer`, following properties, expanded
    /// navigations and collection items.
    fn reach(&self, pointer: &str) -> Option<Reached> {
        let model = self.model;
        let mut tokens = pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"));
        let mut at = match self.shape {
            Shape::Parameters(op) => {
                let Some(first) = tokens.next() else {
                    return Some(Reached::Parameters(op));
                };
                let p = parameters(&model.operations[op as usize]).find(|p| p.name == first)?;
                let TypeId::Structured(t) = p.ty.id else {
                    return None;
                };
                if p.ty.collection {
                    tokens.next()?.parse::<usize>().ok()?;
                }
                t
            }
            Shape::Structured { ty, collection, .. } => {
                if collection {
                    (tokens.next()? == "value").then_some(())?;
                    tokens.next()?.parse::<usize>().ok()?;
                }
                ty
            }
        };
        while let Some(token) = tokens.next() {
            let (next, collection) = if let Some(p) = model.property(at, &token) {
                match p.ty.id {
                    TypeId::Structured(t) => (t, p.ty.collection),
                    _ => return None,
                }
            } else {
                let n = model.navigation(at, &token)?;
                (n.target, n.collection)
            };
            if collection {
                tokens.next()?.parse::<usize>().ok()?;
            }
            at = next;
        }
        Some(Reached::Structured(at))
    }
}

impl BodyType for ModelBody<'_> {
    fn name(&self) -> String {
        match self.shape {
            Shape::Structured { ty, .. } => self.model.ty(ty).name.clone(),
            Shape::Parameters(op) => {
                format!(
                    "the parameters of {}",
                    self.model.operations[op as usize].name
                )
            }
        }
    }

    fn properties(&self, pointer: &str) -> Vec<PropertyInfo> {
        let model = self.model;
        let ty = match self.reach(pointer) {
            Some(Reached::Structured(ty)) => ty,
            Some(Reached::Parameters(op)) => {
                return parameters(&model.operations[op as usize])
                    .map(|p| PropertyInfo {
                        name: p.name.clone(),
                        type_label: crate::odata::resolve::type_name(model, &p.ty),
                        nullable: p.ty.nullable,
                        read_only: false,
                        required: !p.optional,
                        description: None,
                    })
                    .collect()
            }
            None => return Vec::new(),
        };
        let purpose = match self.shape {
            Shape::Structured { purpose, .. } => purpose,
            Shape::Parameters(_) => Purpose::Create,
        };
        let key = &model.ty(ty).key;
        // The entity itself (not a value inside it): where a response carries the key.
        let top = match self.shape {
            Shape::Structured {
                collection: true, ..
            } => {
                let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
                tokens.len() == 2 && tokens[0] == "value"
            }
            _ => pointer.is_empty(),
        };
        let mut out = Vec::new();
        for t in model.lineage(ty) {
            let t = model.ty(t);
            for p in &t.properties {
                let is_key = key.contains(&p.name);
                let read_only = match (purpose, p.read_only) {
                    (Purpose::Create, Some(r)) => r.on_create(),
                    (Purpose::Update | Purpose::Replace, Some(r)) => r.on_update() || is_key,
                    (Purpose::Update | Purpose::Replace, None) => is_key,
                    (_, r) => r.is_some_and(|r| r.on_create()),
                };
                out.push(PropertyInfo {
                    name: p.name.clone(),
                    type_label: crate::odata::resolve::type_name(model, &p.ty),
                    nullable: p.ty.nullable,
                    read_only,
                    // A response carries the entity's key; nothing else is required by OData.
                    required: purpose == Purpose::Read && is_key && top,
                    description: p.description.as_deref().map(str::to_string),
                });
            }
            for n in &t.navigations {
                let target = &model.ty(n.target).name;
                out.push(PropertyInfo {
                    name: n.name.clone(),
                    type_label: if n.collection {
                        format!("Collection({target}) (navigation)")
                    } else {
                        format!("{target} (navigation)")
                    },
                    nullable: n.nullable,
                    read_only: false,
                    required: false,
                    description: n.description.as_deref().map(str::to_string),
                });
            }
        }
        out
    }
}

/// A catalog resource, for the message a body travels in.
pub(super) struct CatalogBody<'a> {
    resource: &'a Resource,
    /// What the message's operation and direction require at the top level.
    required: Vec<String>,
}

impl BodyType for CatalogBody<'_> {
    fn name(&self) -> String {
        self.resource.name.clone()
    }

    fn properties(&self, pointer: &str) -> Vec<PropertyInfo> {
        let Some(schema) = self.resource.subschema_in(pointer, None) else {
            return Vec::new();
        };
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        let required_here: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        props
            .iter()
            .map(|(name, raw)| {
                let at = push_token(pointer, name);
                let resolved = self.resource.subschema_in(&at, None).unwrap_or(raw);
                let says = |key: &str| raw.get(key).or_else(|| resolved.get(key));
                let types = self.resource.types_in(&at, None);
                let nullable = types.iter().any(|t| t == "null")
                    || says("nullable") == Some(&Value::Bool(true))
                    || [raw, resolved].iter().any(|s| {
                        s.get("anyOf")
                            .or_else(|| s.get("oneOf"))
                            .and_then(Value::as_array)
                            .is_some_and(|a| {
                                a.iter().any(|b| b.get("type") == Some(&"null".into()))
                            })
                    });
                PropertyInfo {
                    name: name.clone(),
                    type_label: type_label(&types, raw, resolved),
                    nullable,
                    read_only: says("readOnly") == Some(&Value::Bool(true)),
                    required: required_here.contains(&name.as_str())
                        || (pointer.is_empty() && self.required.contains(name)),
                    description: says("description")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }
            })
            .collect()
    }
}

/// `string`, `string | null`, `array of string`, `"#microsoft.graph.X"` (a constant), or the
/// `format` when the schema gives one (`string (uuid)`).
pub(super) fn type_label(types: &[String], raw: &Value, resolved: &Value) -> String {
    let says = |key: &str| raw.get(key).or_else(|| resolved.get(key));
    if let Some(c) = says("const") {
        return c.to_string();
    }
    let mut label = if types.is_empty() {
        match says("enum").and_then(Value::as_array) {
            Some(values) => values
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(" | "),
            None => "any".to_string(),
        }
    } else {
        types.join(" | ")
    };
    if types.iter().any(|t| t == "array") {
        if let Some(item) = says("items")
            .and_then(|i| i.get("type"))
            .and_then(Value::as_str)
        {
            label = label.replace("array", &format!("array of {item}"));
        }
    }
    if let Some(format) = says("format").and_then(Value::as_str) {
        label.push_str(&format!(" ({format})"));
    }
    label
}
