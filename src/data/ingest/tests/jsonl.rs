//! JSON Lines tables: what is read from each line, and the rejects.

use super::*;

/// JSON Lines incidents: three readable rows (lines 1, 5 and 7) among
/// rejects of several kinds, a blank line, CRLF and a last line cut short.
const MIXED_JSONL: &str = concat!(
    "{\"incident_id\":\"I1\",\"reported_at\":\"2025-07-01 10:30\",\"qualifiers\":[\"da\",\" hate \",\"\",null],\"extra\":{\"a\":[1,2]}}\n",
    "[1,2]\n",
    "\n",
    "{\"incident_id\":\"I3\",\"reported_at\":\"2025-07-01 10:30\"\n",
    "{\"incident_id\":42,\"reported_at\":\"2025-07-01T10:30:00Z\",\"victim_count\":2,\"opening_code\":null,\"qualifiers\":\"da; vulnerable\"}\r\n",
    "{\"incident_id\":\"I5\",\"reported_at\":true}\n",
    "{\"incident_id\":\"I6\",\"reported_at\":\"2025-07-01 10:30\",\"victim_count\":{\"n\":1},\"qualifiers\":[true]}\n",
    "{\"incident_id\":\"I7\",\"reported_at\":\"2025-07-01 10:30\",\"incident_id\":\"I8\"}\n",
    "{\"incident_id\":\"I9\"}\n",
    "\"I10\"\n",
    "{\"incident_id\":\"I11\",\"reported_",
);

fn read_mixed_jsonl(test: &str) -> Export {
    ok(
        test,
        &[
            ("incidents.jsonl", MIXED_JSONL.as_bytes()),
            ("crimes.csv", CRIMES_OK),
        ],
    )
}

#[test]
fn jsonl_rejects_name_their_line_and_reason() {
    let e = read_mixed_jsonl("jsonl-rejects");
    assert_eq!(
        rejects(&e),
        vec![
            rj(
                "incidents.jsonl",
                2,
                "line is not a JSON object (found an array)"
            ),
            rj(
                "incidents.jsonl",
                4,
                "invalid JSON: EOF while parsing an object at column 52"
            ),
            rj(
                "incidents.jsonl",
                6,
                "`reported_at` cannot be a JSON boolean"
            ),
            rj("incidents.jsonl", 8, "duplicate key `incident_id`"),
            rj("incidents.jsonl", 9, "missing required field `reported_at`"),
            rj(
                "incidents.jsonl",
                10,
                "line is not a JSON object (found a string)"
            ),
            rj(
                "incidents.jsonl",
                11,
                "invalid JSON: EOF while parsing a string at column 31"
            ),
        ]
    );
    let s = summary(&e, Table::Incidents);
    assert_eq!((s.rows_read, s.evaluated, s.rejected), (10, 3, 7));
}

#[test]
fn jsonl_rows_read_lists_numbers_and_nulls() {
    let e = read_mixed_jsonl("jsonl-rows");
    let [i1, i4, i6] = &e.incidents[..] else {
        panic!("three incidents expected, got {:?}", e.incidents);
    };
    assert_eq!(i1.line, 1);
    let q: Vec<&str> = i1.qualifiers.iter().map(|q| &**q).collect();
    assert_eq!(q, vec!["DA", "HATE"]);

    assert_eq!((&*i4.incident_id, i4.line), ("42", 5));
    assert_eq!(i4.victim_count, Some(2));
    assert_eq!(i4.opening_code, None);
    let q: Vec<&str> = i4.qualifiers.iter().map(|q| &**q).collect();
    assert_eq!(q, vec!["DA", "VULNERABLE"]);
    assert_eq!(i4.quality, Quality::default());

    assert_eq!(i6.victim_count, None);
    assert!(i6.qualifiers.is_empty());
    let mut bits = 0;
    Quality::mark(&mut bits, idx(INCIDENT_FIELDS, "victim_count"));
    Quality::mark(&mut bits, idx(INCIDENT_FIELDS, "qualifiers"));
    assert_eq!(i6.quality.invalid, bits);
}

#[test]
fn jsonl_bools_numbers_and_bom() {
    let crimes = concat!(
        "\u{feff}{\"crime_id\":\"C1\",\"offence_code\":105,\"recorded_at\":\"2025-07-01 10:30\",",
        "\"victim_enhanced\":true,\"dpp_consent\":\"no\",\"offender_history_checked\":\"perhaps\",\"status\":null}\n",
        "{\"crime_id\":\"C2\",\"offence_code\":\"8N\",\"recorded_at\":\"2025-07-01 10:30\",\"status\":3,\"victim_enhanced\":[\"y\"]}\n",
        "{\"crime_id\":\"C3\",\"offence_code\":\"8N\",\"recorded_at\":\"2025-07-01 10:30\",\"incident_id\":\"I\\u0031\"}",
    );
    let e = ok(
        "jsonl-types",
        &[
            ("incidents.csv", INCIDENTS_OK),
            ("crimes.jsonl", crimes.as_bytes()),
        ],
    );
    assert_eq!(rejects(&e), vec![]);
    let c1 = &e.crimes[0];
    assert_eq!(&*c1.offence_code, "105");
    assert_eq!(&*c1.status, "RECORDED");
    assert_eq!(
        (
            c1.victim_enhanced,
            c1.dpp_consent,
            c1.offender_history_checked
        ),
        (Some(true), Some(false), None)
    );
    assert_eq!(
        c1.quality.invalid,
        1 << idx(CRIME_FIELDS, "offender_history_checked")
    );
    let c2 = &e.crimes[1];
    assert_eq!(
        c2.quality.invalid,
        (1 << idx(CRIME_FIELDS, "status")) | (1 << idx(CRIME_FIELDS, "victim_enhanced"))
    );
    assert_eq!(e.crimes[2].incident_id.as_deref(), Some("I1"));
}

#[test]
fn invalid_utf8_in_a_jsonl_line_rejects_it() {
    let crimes = b"{\"crime_id\":\"C1\",\"offence_code\":\"8N\",\"recorded_at\":\"2025-07-01 10:30\",\"x\":\"caf\xe9\"}\n";
    let e = ok(
        "jsonl-utf8",
        &[("incidents.csv", INCIDENTS_OK), ("crimes.jsonl", crimes)],
    );
    assert_eq!(
        rejects(&e),
        vec![rj("crimes.jsonl", 1, "line is not valid UTF-8")]
    );
}
