//! The URL resolver, in-process: each URL form of OData's URL conventions and of Microsoft
//! Graph's docs, resolved against TripPin's and Graph's real metadata.

use paylint::odata::build::Options;
use paylint::odata::cache;
use paylint::odata::resolve::{self, Addressed, Roots, Untyped};
use paylint::odata::{url, Model};
use std::path::Path;
use std::sync::OnceLock;

fn load(file: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file);
    cache::load(
        &path,
        &Options::default(),
        &cache::CacheDir::Off,
        cache::Descriptions::Wanted,
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .model
}

fn graph() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| load("csdl/graph-v1.0.csdl"))
}

fn trippin() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| load("odata/trippin.xml"))
}

fn resolve(model: &Model, u: &str) -> Result<resolve::Resolution, resolve::Unresolved> {
    resolve::resolve(model, &url::parse(u), &Roots::default())
}

/// What a URL addresses, in words: `entity microsoft.graph.user`, `entities ...`, `call
/// microsoft.graph.addKey`, ...
fn what(model: &Model, u: &str) -> String {
    match resolve(model, u) {
        Ok(r) => describe(model, &r.addressed),
        Err(e) => format!("unresolved at `{}`: {}", e.segment, e.reason),
    }
}

fn describe(model: &Model, a: &Addressed) -> String {
    match a {
        Addressed::Entities { ty, .. } => format!("entities {}", model.ty(*ty).name),
        Addressed::Entity { ty, .. } => format!("entity {}", model.ty(*ty).name),
        Addressed::Complex { ty, collection } => format!(
            "complex{} {}",
            if *collection { "s" } else { "" },
            model.ty(*ty).name
        ),
        Addressed::Value(r) => format!("value {}", resolve::type_name(model, r)),
        Addressed::Raw { .. } => "raw".into(),
        Addressed::Count => "count".into(),
        Addressed::Reference { ty, collection } => format!(
            "ref{} {}",
            if *collection { "s" } else { "" },
            model.ty(*ty).name
        ),
        Addressed::Call { op } => format!("call {}", model.operations[*op as usize].name),
        Addressed::Untyped(u) => format!("untyped {u:?}"),
    }
}

#[test]
fn trippin_keys_in_parentheses_composite_and_service_roots() {
    let m = trippin();
    let ns = "Microsoft.OData.SampleService.Models.TripPin";
    for (u, want) in [
        ("/People", format!("entities {ns}.Person")),
        ("/People('russellwhyte')", format!("entity {ns}.Person")),
        ("/People(UserName='russellwhyte')", format!("entity {ns}.Person")),
        ("https://services.odata.org/V4/TripPinServiceRW/People('russellwhyte')/Trips(0)", format!("entity {ns}.Trip")),
        ("/V4/(S(34wtn2c0hkuk5ekg0pjr513b))/TripPinServiceRW/People", format!("entities {ns}.Person")),
        ("/People('russellwhyte')/Trips(0)/PlanItems(11)/Microsoft.OData.SampleService.Models.TripPin.Flight", format!("entity {ns}.Flight")),
        ("/People('russellwhyte')/Trips(0)/PlanItems/Microsoft.OData.SampleService.Models.TripPin.Flight", format!("entities {ns}.Flight")),
        ("/People('russellwhyte')/Friends/$ref", format!("refs {ns}.Person")),
        ("/People('russellwhyte')/Friends('scottketchum')/$ref", format!("ref {ns}.Person")),
        ("/People/$count", "count".to_string()),
        ("/People('russellwhyte')/AddressInfo", format!("complexs {ns}.Location")),
        ("/People('russellwhyte')/FirstName", "value Edm.String".to_string()),
        ("/People('russellwhyte')/FirstName/$value", "raw".to_string()),
        ("/People('russellwhyte')/Gender", format!("value {ns}.PersonGender")),
        ("/Photos(1)/$value", "raw".to_string()),
        ("/Me", format!("entity {ns}.Person")),
        ("/Me/Trips", format!("entities {ns}.Trip")),
        ("/People('russellwhyte')/Microsoft.OData.SampleService.Models.TripPin.GetFavoriteAirline()", format!("call {ns}.GetFavoriteAirline")),
        ("/People('russellwhyte')/Trips(0)/Microsoft.OData.SampleService.Models.TripPin.GetInvolvedPeople()", format!("call {ns}.GetInvolvedPeople")),
        ("/People('russellwhyte')/Microsoft.OData.SampleService.Models.TripPin.ShareTrip", format!("call {ns}.ShareTrip")),
        ("/People('russellwhyte')/ShareTrip", format!("call {ns}.ShareTrip")),
        ("/GetNearestAirport(lat = 33, lon = -118)", format!("call {ns}.GetNearestAirport")),
        ("/ResetDataSource", format!("call {ns}.ResetDataSource")),
        ("/$metadata", "untyped Metadata".to_string()),
        ("/$batch", "untyped Batch".to_string()),
    ] {
        assert_eq!(what(m, u), want, "{u}");
    }
}

#[test]
fn a_composable_function_is_addressed_further() {
    let m = trippin();
    let u = "/People('russellwhyte')/Microsoft.OData.SampleService.Models.TripPin.GetFriendsTrips(userName='ronaldmundy')/$count";
    assert_eq!(what(m, u), "count");
    let u = "/GetNearestAirport(lat=33,lon=-118)/Name";
    assert_eq!(what(m, u), "value Edm.String");
}

#[test]
fn explicit_service_roots_are_required_when_given() {
    let m = trippin();
    let roots = Roots::parse(&["/V4/TripPinServiceRW".to_string()]);
    let ok = resolve::resolve(
        m,
        &url::parse("https://x/V4/TripPinServiceRW/People"),
        &roots,
    );
    assert!(ok.is_ok());
    assert_eq!(ok.unwrap().root, ["V4", "TripPinServiceRW"]);
    let e = resolve::resolve(m, &url::parse("/V3/People"), &roots).unwrap_err();
    assert!(
        e.reason.contains("not under the service root"),
        "{}",
        e.reason
    );
}

#[test]
fn graph_urls_as_the_docs_write_them() {
    let m = graph();
    for (u, want) in [
        (
            "https://graph.microsoft.com/v1.0/users",
            "entities microsoft.graph.user",
        ),
        (
            "https://graph.microsoft.com/V1.0/users/{id}",
            "entity microsoft.graph.user",
        ),
        (
            "/users/{id | userPrincipalName}/manager",
            "entity microsoft.graph.directoryObject",
        ),
        (
            "/users/<id>/memberOf/microsoft.graph.group",
            "entities microsoft.graph.group",
        ),
        (
            "/groups/{id}/members/$ref",
            "refs microsoft.graph.directoryObject",
        ),
        (
            "/groups/{id}/members/{id}/$ref",
            "ref microsoft.graph.directoryObject",
        ),
        (
            "/servicePrincipals/{id}/addKey",
            "call microsoft.graph.addKey",
        ),
        (
            "/applications/{id}/microsoft.graph.addPassword",
            "call microsoft.graph.addPassword",
        ),
        (
            "/me/mailboxSettings",
            "complex microsoft.graph.mailboxSettings",
        ),
        ("/me/photo/$value", "raw"),
        ("/me/drive/root:/FolderA/FileB.txt:/content", "raw"),
        (
            "/me/drive/root:/FolderA",
            "entity microsoft.graph.driveItem",
        ),
        (
            "/me/drive/items/{item-id}/children",
            "entities microsoft.graph.driveItem",
        ),
        ("/me/drive/root/delta", "call microsoft.graph.delta"),
        ("/me/drive/root/delta()", "call microsoft.graph.delta"),
        (
            "/identityProviders/availableProviderTypes",
            "call microsoft.graph.availableProviderTypes",
        ),
        ("/me/messages/$count", "count"),
        (
            "/me/drive/items/{id}/workbook/names/{name}/range/format/fill",
            "entity microsoft.graph.workbookRangeFill",
        ),
        (
            "/me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='A1:B2')",
            "call microsoft.graph.range",
        ),
        (
            "/me/events?$filter= (start/dateTime ge '2021-01-01')&$select=subject",
            "entities microsoft.graph.event",
        ),
    ] {
        assert_eq!(what(m, u), want, "{u}");
    }
}

#[test]
fn a_name_is_never_a_key() {
    let m = graph();
    // A function of the collection, not the user with id `delta`.
    assert_eq!(what(m, "/users/delta"), "call microsoft.graph.delta");
    // A property of the items, on the collection: refused, with the reason.
    let e = resolve(m, "/users/displayName").unwrap_err();
    assert!(
        e.reason.contains("address one item by its key"),
        "{}",
        e.reason
    );
    // A word that names nothing else is a key (`contoso.com` is no type).
    assert_eq!(
        what(m, "/domains/contoso.com"),
        "entity microsoft.graph.domain"
    );
}

#[test]
fn what_does_not_resolve_says_where_and_why() {
    let m = graph();
    let e = resolve(m, "/users/{id}/mailboxSetings").unwrap_err();
    assert_eq!(e.segment, "mailboxSetings");
    assert_eq!(e.resolved, ["users", "{id}"]);
    assert!(
        e.reason.contains("`microsoft.graph.user` has no property"),
        "{}",
        e.reason
    );
    assert_eq!(
        e.candidates.first().map(String::as_str),
        Some("mailboxSettings")
    );
    let e = resolve(m, "/userz/{id}").unwrap_err();
    assert_eq!(e.candidates.first().map(String::as_str), Some("users"));
    // A cast to a type that is not derived from the path's.
    let e = resolve(m, "/users/{id}/microsoft.graph.group").unwrap_err();
    assert!(e.reason.contains("not derived"), "{}", e.reason);
    // An action ends the path.
    let e = resolve(m, "/servicePrincipals/{id}/addKey/x").unwrap_err();
    assert!(e.reason.contains("action"), "{}", e.reason);
}

#[test]
fn a_placeholder_where_a_property_name_stands_has_the_type_its_properties_share() {
    let m = graph();
    // thumbnailSet's small, medium, large and source are all thumbnails.
    let r = resolve(m, "/me/drive/items/{id}/thumbnails/{id}/{size}").unwrap();
    let Addressed::Complex { ty, collection } = r.addressed else {
        panic!("{:?}", r.addressed)
    };
    assert_eq!(m.ty(ty).name, "microsoft.graph.thumbnail");
    assert!(!collection);
    // mailboxSettings' properties have many types: the placeholder names no one type.
    let r = resolve(m, "/me/mailboxSettings/{setting}").unwrap();
    assert_eq!(
        r.addressed,
        Addressed::Untyped(Untyped::PropertyPlaceholder)
    );
}
