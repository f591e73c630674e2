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
fn trippin_mistakes_are_found_where_they_are() {
    let t = captures(
        r#"PATCH {ROOT}/People('russellwhyte')
Content-Type: application/json

{"UserName": "rw", "Gender": "male", "Emails": "Russell@example.com"}

###

POST {ROOT}/People('scottketchum')/Microsoft.OData.SampleService.Models.TripPin.ShareTrip
Content-Type: application/json

{"userName": "lewisblack", "tripID": 0}

###

GET {ROOT}/Peoples('russellwhyte')

HTTP/1.1 200 OK
Content-Type: application/json

{"UserName": "russellwhyte"}
"#,
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
    // An entity set that does not exist: one finding, naming the nearest.
    let unknown: Vec<_> = d.iter().filter(|d| d.line >= 15).collect();
    assert_eq!(
        rules_of(&unknown.iter().map(|d| (*d).clone()).collect::<Vec<_>>()),
        ["unknown-operation"]
    );
    assert!(unknown[0].message.contains("People"), "{:?}", unknown[0]);
}
