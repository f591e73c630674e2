//! What hover and completion ask of a description of the API, whatever it is: the catalog's
//! JSON Schemas today (implemented in `lint/`), an OData model (`$metadata`) later. The
//! questions are small on purpose — which type is this body, what properties does the object
//! at this JSON Pointer have, what `@odata.type` values exist, what operation does this request
//! line name — so that another description answers them without knowing about the editor.

use std::ops::Range;

/// Which way a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Request,
    Response,
}

/// A message of an open document, as the readers found it (byte offsets in the document).
#[derive(Debug, Clone, Default)]
pub struct MessageView {
    /// 0-based index of the message in its file.
    pub index: usize,
    /// Its first line (the request or status line); empty for a bare body.
    pub start: Range<usize>,
    /// Its JSON body, when the body is text of the document (not a string inside it, as in a
    /// HAR capture).
    pub body: Option<Range<usize>>,
    pub method: Option<String>,
    pub url: Option<String>,
    pub way: Option<Way>,
    pub status: Option<u16>,
    /// A documented example shortened for readability.
    pub truncated: bool,
}

/// What is asked about a body: the message it travels in and the `@odata.type` it names.
#[derive(Debug, Clone, Copy, Default)]
pub struct BodyQuery<'a> {
    pub method: Option<&'a str>,
    pub url: Option<&'a str>,
    pub way: Option<Way>,
    pub status: Option<u16>,
    pub odata_type: Option<&'a str>,
}

/// One property of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyInfo {
    pub name: String,
    /// As the description names it: `string`, `string | null`, `Edm.Guid`, `array of string`.
    pub type_label: String,
    pub nullable: bool,
    pub read_only: bool,
    /// Required in this message (its operation and direction).
    pub required: bool,
    pub description: Option<String>,
}

/// A type an `@odata.type` value names.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeInfo {
    /// The value as written in a body: `#microsoft.graph.ProvisionPolicyAssignmentItem`.
    pub odata_type: String,
    pub name: String,
    pub description: Option<String>,
}

/// An operation a request line resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationInfo {
    pub name: String,
    pub method: String,
    /// The path template: `/provisioningPolicies/{provisioningPoliciesId}/...`.
    pub path: String,
    /// The type of its request and response bodies.
    pub resource: String,
    pub request_required: Vec<String>,
    /// Documented response statuses.
    pub statuses: Vec<u16>,
}

/// The type a body is checked as.
pub trait BodyType {
    /// Its name: `ProvisionPolicyAssignmentItem`.
    fn name(&self) -> String;

    /// The properties of the object at `pointer` (an RFC 6901 JSON Pointer into the body, `""`
    /// for the body itself); empty when the pointer leads nowhere the description knows.
    fn properties(&self, pointer: &str) -> Vec<PropertyInfo>;

    fn property(&self, pointer: &str, name: &str) -> Option<PropertyInfo> {
        self.properties(pointer)
            .into_iter()
            .find(|p| p.name == name)
    }
}

/// A description of an API.
pub trait Model {
    /// The type a body is, by its message (operation, direction) and `@odata.type`; `None`
    /// when nothing says.
    fn body_type(&self, query: &BodyQuery<'_>) -> Option<Box<dyn BodyType + '_>>;

    /// Every `@odata.type` value a body may carry.
    fn odata_types(&self) -> Vec<TypeInfo>;

    /// The operation `method` and `url` name, if any.
    fn operation(&self, method: &str, url: &str) -> Option<OperationInfo>;
}

/// `a/b` -> `/a~1b` (RFC 6901), appended to `pointer`.
pub fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
