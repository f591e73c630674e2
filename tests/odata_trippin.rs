//! TripPin end to end: captures of the OData reference service (keys in parentheses, a service
//! root that is not `/`, derived types, bound functions and actions) checked with
//! `--metadata` by the binary, as a user of any OData service runs it.

mod common;

use common::{diags_in, rules_of, write};
use std::path::Path;
use tempfile::TempDir;

const ROOT: &str = "https://services.odata.org/V4/TripPinServiceRW";

/// A folder holding TripPin's metadata and `captures.http`.
fn captures(http: &str) -> TempDir {
    let t = TempDir::new().unwrap();
    let xml = std::fs::read(common::root().join("tests/data/odata/trippin.xml")).unwrap();
    write(t.path(), "trippin.xml", xml);
    write(t.path(), "captures.http", http.replace("{ROOT}", ROOT));
    t
}

fn lint(dir: &Path, code: i32) -> Vec<common::Diag> {
    diags_in(
        dir,
        &[
            "captures.http",
            "--metadata",
            "trippin.xml",
            "--service-root",
            ROOT,
            "--no-cache",
        ],
        code,
    )
}

/// Valid exchanges of the service, as its documentation shows them.
const VALID: &str = r##"GET {ROOT}/People('russellwhyte')

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal

{"@odata.context": "{ROOT}/$metadata#People/$entity", "UserName": "russellwhyte", "FirstName": "Russell", "LastName": "Whyte", "Emails": ["Russell@example.com"], "AddressInfo": [{"Address": "187 Suffolk Ln.", "City": {"CountryRegion": "United States", "Name": "Boise", "Region": "ID"}}], "Gender": "Male", "Concurrency": 635585295719432047}

###

POST {ROOT}/People
Content-Type: application/json

{"UserName": "lewisblack", "FirstName": "Lewis", "LastName": "Black", "Emails": ["lewisblack@example.com"], "AddressInfo": [], "Gender": "Male"}

HTTP/1.1 201 Created
Content-Type: application/json

{"UserName": "lewisblack", "FirstName": "Lewis", "LastName": "Black", "Emails": ["lewisblack@example.com"], "AddressInfo": [], "Gender": "Male", "Concurrency": 635585295719432047}

###

PATCH {ROOT}/People('russellwhyte')
Content-Type: application/json

{"FirstName": "Mirs", "LastName": "King"}

HTTP/1.1 204 No Content

###

GET {ROOT}/People('russellwhyte')/Trips(0)/PlanItems

HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"@odata.type": "#Microsoft.OData.SampleService.Models.TripPin.Flight", "PlanItemId": 11, "ConfirmationCode": "JH58493", "FlightNumber": "VA1930"}]}

###

GET {ROOT}/People('russellwhyte')/Microsoft.OData.SampleService.Models.TripPin.GetFavoriteAirline()

HTTP/1.1 200 OK
Content-Type: application/json

{"AirlineCode": "AA", "Name": "American Airlines"}

###

POST {ROOT}/People('scottketchum')/Microsoft.OData.SampleService.Models.TripPin.ShareTrip
Content-Type: application/json

{"userName": "lewisblack", "tripId": 0}

HTTP/1.1 204 No Content

###

GET {ROOT}/People('russellwhyte')?$expand=Trips($select=TripId,Name)

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=full

{"@odata.context": "{ROOT}/$metadata#People(Trips(TripId,Name))/$entity", "@odata.id": "{ROOT}/People('russellwhyte')", "@odata.etag": "W/\"08D1694BD49A0F11\"", "@odata.editLink": "{ROOT}/People('russellwhyte')", "@odata.type": "#Microsoft.OData.SampleService.Models.TripPin.Person", "UserName": "russellwhyte", "FirstName": "Russell", "LastName": "Whyte", "Emails@odata.type": "#Collection(String)", "Emails": ["Russell@example.com"], "Gender@odata.type": "#Microsoft.OData.SampleService.Models.TripPin.PersonGender", "Gender": "Male", "Concurrency@odata.type": "#Int64", "Concurrency": 635585295719432047, "Friends@odata.associationLink": "{ROOT}/People('russellwhyte')/Friends/$ref", "Friends@odata.navigationLink": "{ROOT}/People('russellwhyte')/Friends", "Trips@odata.navigationLink": "{ROOT}/People('russellwhyte')/Trips", "Trips": [{"@odata.id": "{ROOT}/People('russellwhyte')/Trips(0)", "TripId": 0, "Name": "Trip in US"}], "#Microsoft.OData.SampleService.Models.TripPin.GetFavoriteAirline": {"title": "Microsoft.OData.SampleService.Models.TripPin.GetFavoriteAirline", "target": "{ROOT}/People('russellwhyte')/Microsoft.OData.SampleService.Models.TripPin.GetFavoriteAirline"}}

###

GET {ROOT}/Airports('KSFO')/Location

HTTP/1.1 200 OK
Content-Type: application/json

{"Address": "South McDonnell Road, San Francisco, CA 94128", "City": {"CountryRegion": "United States", "Name": "San Francisco", "Region": "California"}, "Loc": {"type": "Point", "coordinates": [-122.374722222222, 37.6188888888889], "crs": {"type": "name", "properties": {"name": "EPSG:4326"}}}}
"##;

#[test]
fn valid_trippin_exchanges_are_silent() {
    let t = captures(VALID);
    let d = lint(t.path(), 0);
    assert!(d.is_empty(), "{d:#?}");
}

#[test]
fn a_name_read_as_a_key_says_so() {
    // `shareTrips` is no operation bound to People: the resolver reads it as a person's key,
    // and POST does not apply to one person.
    let t = captures(
        "POST {ROOT}/People/shareTrips\nContent-Type: application/json\n\n{\"userName\": \"x\"}\n",
    );
    let d = lint(t.path(), 0);
    assert_eq!(rules_of(&d), ["unknown-operation"], "{d:#?}");
    assert!(
        d[0].message
            .contains("`shareTrips` was read as a key: no operation or property of that name"),
        "{}",
        d[0].message
    );
    // A real key is not suspected.
    let t = captures(
        "POST {ROOT}/People/russellwhyte\nContent-Type: application/json\n\n{\"userName\": \"x\"}\n",
    );
    let d = lint(t.path(), 0);
    assert_eq!(rules_of(&d), ["unknown-operation"], "{d:#?}");
    assert!(!d[0].message.contains("read as a key"), "{}", d[0].message);
}

#[test]
fn trippin_mistakes_are_found_where_they_are() {
    let t = captures(
        r##"PATCH {ROOT}/People('russellwhyte')
Content-Type: application/json

{"UserName": "rw", "Gender": "male", "Emails": "Russell@example.com"}

###

POST {ROOT}/People('scottketchum')/Microsoft.OData.SampleService.Models.TripPin.ShareTrip
Content-Type: application/json

{"userName": "lewisblack", "tripID": 0}

###

GET {ROOT}/Airlines('AA')

HTTP/1.1 200 OK
Content-Type: application/json

{"Name": "American Airlines"}

###

GET {ROOT}/People('russellwhyte')/Trips(0)/PlanItems

HTTP/1.1 200 OK
Content-Type: application/json

{"value": [{"@odata.type": "#Microsoft.OData.SampleService.Models.TripPin.Person", "PlanItemId": 11}]}

###

GET {ROOT}/Peoples('russellwhyte')

HTTP/1.1 200 OK
Content-Type: application/json

{"UserName": "russellwhyte"}
"##,
    );
    let d = lint(t.path(), 1);
    let at: Vec<(&str, u64, &str)> = d
        .iter()
        .map(|d| (d.rule.as_str(), d.line, d.pointer.as_str()))
        .collect();
    assert!(at.contains(&("read-only-field", 4, "/UserName")), "{d:#?}");
    // `male` differs from the member `Male` only in case: the service takes it, a warning.
    let gender = d.iter().find(|d| d.pointer == "/Gender").expect("Gender");
    assert_eq!(gender.severity, "warning", "{gender:?}");
    assert!(at.contains(&("type-mismatch", 4, "/Emails")), "{d:#?}");
    // A parameter written in another case: the hint names the parameter.
    let trip = d.iter().find(|d| d.line == 11).expect("the ShareTrip body");
    assert!(trip.message.contains("tripID"), "{trip:?}");
    // A response without its key: a warning (docs shorten examples).
    let key = d
        .iter()
        .find(|d| d.pointer == "/AirlineCode")
        .expect("the key");
    assert_eq!(
        (key.rule.as_str(), key.severity.as_str()),
        ("missing-required", "warning")
    );
    // An item whose @odata.type is no PlanItem.
    let ty = d
        .iter()
        .find(|d| d.pointer == "/value/0/@odata.type")
        .expect("@odata.type");
    assert_eq!(ty.rule, "wrong-odata-type");
    assert!(
        ty.message
            .contains("not `Microsoft.OData.SampleService.Models.TripPin.PlanItem`"),
        "{}",
        ty.message
    );
    // An entity set that does not exist: one finding, naming the nearest.
    let unknown: Vec<_> = d.iter().filter(|d| d.line >= 31).collect();
    assert_eq!(
        rules_of(&unknown.iter().map(|d| (*d).clone()).collect::<Vec<_>>()),
        ["unknown-operation"]
    );
    assert!(unknown[0].message.contains("People"), "{:?}", unknown[0]);
}

#[test]
fn a_body_the_protocol_leaves_open_is_checked_as_the_doc_names_it_else_counted_apart() {
    let t = captures(
        "PATCH {ROOT}/Airlines('AA')\nContent-Type: application/json\n\n{\"Name\": \"American\"}\n\nHTTP/1.1 202 Accepted\nContent-Type: application/json\n\n{\"Nmae\": \"American\"}\n",
    );
    let r = common::json_in(
        t.path(),
        &[
            "captures.http",
            "--metadata",
            "trippin.xml",
            "--service-root",
            ROOT,
            "--no-cache",
            "--statistics",
        ],
        0,
    );
    // A 202's body: nothing says what it is, so nothing is found in it but one warning that
    // says so; counted apart.
    let d = r.diags();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].rule, "unchecked-body");
    assert_eq!(d[0].severity, "warning");
    assert!(
        d[0].message.contains("a 202 response to `PATCH"),
        "{}",
        d[0].message
    );
    let bodies = &r.report()["summary"]["bodies"];
    assert_eq!(bodies["checked"], 1, "{bodies}");
    assert_eq!(bodies["unchecked"], 0, "{bodies}");
    assert_eq!(bodies["undescribed"], 1, "{bodies}");
    let h = common::run_in(
        t.path(),
        &[
            "captures.http",
            "--metadata",
            "trippin.xml",
            "--service-root",
            ROOT,
            "--no-cache",
            "--statistics",
        ],
    );
    assert!(
        h.stdout.contains("bodies: 1 of 2 checked against a description; 0 not (a finding says why); 1 with no type to check against (a stream, a 202, a redirect: a finding says so)"),
        "{}",
        h.stdout
    );
    // A doc's response annotation names the type: the 202's body is checked as it.
    let md = "<!-- { \"blockType\": \"request\" } -->\n```http\nPATCH {ROOT}/Airlines('AA')\nContent-Type: application/json\n\n{\"Name\": \"American\"}\n```\n\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"Microsoft.OData.SampleService.Models.TripPin.Airline\" } -->\n```http\nHTTP/1.1 202 Accepted\nContent-Type: application/json\n\n{\"AirlineCode\": \"AA\", \"Nmae\": \"American\"}\n```\n".replace("{ROOT}", ROOT);
    write(t.path(), "doc.md", md);
    let d = diags_in(
        t.path(),
        &[
            "doc.md",
            "--metadata",
            "trippin.xml",
            "--service-root",
            ROOT,
            "--no-cache",
        ],
        1,
    );
    assert_eq!(rules_of(&d), ["unknown-field"], "{d:#?}");
    assert_eq!(d[0].pointer, "/Nmae");
}
