//! Force profiles (the whole force fixture is in tests/profile.rs).

use super::*;

const PROFILE: &str = r#"{
  "timestamp_formats": ["%d/%m/%Y %H:%M"],
  "booleans": { "ja": true, "nein": false },
  "incidents": {
    "columns": { "incident_id": "Ref", "reported_at": "When", "qualifiers": "Flags",
                 "opening_code": "Opened" },
    "values": { "qualifiers": { "Domestic": "DA" }, "opening_code": { "Theft": "CRIME-THEFT" } },
    "separators": { "qualifiers": " / " }
  },
  "crimes": {
    "columns": { "crime_id": "No", "offence_code": "Class", "recorded_at": "Recorded",
                 "status": "State", "dpp_consent": "DPP", "victim_enhanced": "Enhanced",
                 "outcome_at": "Outcome Day" },
    "values": { "status": { "Live": "recorded", "Void": "cancelled" },
                "victim_enhanced": { "nein": "true", "maybe": "no" } },
    "timestamp_formats": { "outcome_at": ["%Y%m%d"] }
  }
}"#;

fn read_with(test: &str, files: &[(&str, &[u8])]) -> Result<Export, InputError> {
    let dir = fresh_dir(test);
    for (name, bytes) in files {
        put(&dir, name, bytes);
    }
    let profile = Profile::from_json("test.json", PROFILE).expect("valid profile");
    let paths = ExportPaths::from_dir(&dir)?;
    let export = read_export_with(&paths, &Clock::default(), &profile);
    let _ = std::fs::remove_dir_all(&dir);
    export
}

#[test]
fn profile_maps_names_values_lists_and_formats() {
    let incidents = "Ref,Opened,When,Flags,incident_id\nI1,theft ,01/07/2025 10:30,domestic / HATE / ,X\nI2,Burglary,2025-07-01 10:30,,\n";
    let crimes = "Class,No,Recorded,State,DPP,Enhanced,Outcome Day\n8n,C1,01/07/2025 11:00,LIVE,Ja,NEIN,20250801\nx,C2,01/07/2025 11:00,Open,y,maybe,2025-08-01\n";
    let e = read_with(
        "profile-map",
        &[
            ("incidents.csv", incidents.as_bytes()),
            ("crimes.csv", crimes.as_bytes()),
        ],
    )
    .expect("reads");
    assert_eq!(
        rejects(&e),
        vec![rj("incidents.csv", 3, "`reported_at` is not a timestamp")]
    );
    let [i1] = &e.incidents[..] else {
        panic!("{:?}", e.incidents)
    };
    // `incident_id` is a column the profile does not name: ignored.
    assert_eq!(&*i1.incident_id, "I1");
    assert_eq!(i1.opening_code.as_deref(), Some("CRIME-THEFT"));
    let q: Vec<&str> = i1.qualifiers.iter().map(|q| &**q).collect();
    assert_eq!(q, vec!["DA", "HATE"]);
    assert_eq!(utc(i1.reported_at), "2025-07-01T09:30:00Z");

    let [c1, c2] = &e.crimes[..] else {
        panic!("{:?}", e.crimes)
    };
    assert_eq!((&*c1.offence_code, &*c1.status), ("8N", "RECORDED"));
    assert_eq!(c1.dpp_consent, Some(true), "profile-wide booleans");
    assert_eq!(c1.victim_enhanced, Some(true), "the field's own values win");
    assert_eq!(
        c1.outcome_at.get().map(utc).as_deref(),
        Some("2025-07-31T23:00:00Z")
    );
    assert_eq!(c1.quality, Quality::default());
    // Unlisted values are read as written: `y` is a canonical bool, `Open`
    // is not a status, and the canonical date form is not the profile's.
    assert_eq!(c2.dpp_consent, Some(true));
    assert_eq!(c2.victim_enhanced, Some(false));
    assert_eq!(&*c2.status, "RECORDED");
    let mut bits = 0;
    Quality::mark(&mut bits, idx(CRIME_FIELDS, "status"));
    Quality::mark(&mut bits, idx(CRIME_FIELDS, "outcome_at"));
    assert_eq!(c2.quality.invalid, bits);
}

#[test]
fn profile_maps_jsonl_keys() {
    let incidents = concat!(
        "{\"Ref\":\"I1\",\"When\":\"01/07/2025 10:30\",\"Flags\":[\"Domestic\",\"hate\"],\"incident_id\":\"X\"}\n",
        "{\"Ref\":\"I2\",\"When\":\"01/07/2025 10:30\",\"Ref\":\"I3\"}\n",
        "{\"incident_id\":\"I4\",\"reported_at\":\"2025-07-01 10:30\"}\n",
    );
    let crimes = "{\"No\":\"C1\",\"Class\":\"49\",\"Recorded\":\"01/07/2025 11:00\",\"State\":\"void\",\"DPP\":false}\n";
    let e = read_with(
        "profile-jsonl",
        &[
            ("incidents.jsonl", incidents.as_bytes()),
            ("crimes.jsonl", crimes.as_bytes()),
        ],
    )
    .expect("reads");
    assert_eq!(
        rejects(&e),
        vec![
            rj("incidents.jsonl", 2, "duplicate key `Ref`"),
            rj("incidents.jsonl", 3, "missing required field `incident_id`"),
        ]
    );
    let q: Vec<&str> = e.incidents[0].qualifiers.iter().map(|q| &**q).collect();
    assert_eq!(q, vec!["DA", "HATE"]);
    assert_eq!(&*e.crimes[0].status, "CANCELLED");
    assert_eq!(e.crimes[0].dpp_consent, Some(false));
}

#[test]
fn profile_columns_missing_or_duplicated_stop_the_run() {
    let incidents = b"Ref,When,Flags,Opened\nI1,01/07/2025 10:30,,\n";
    let err = read_with(
        "profile-missing",
        &[
            ("incidents.csv", incidents),
            ("crimes.csv", b"No,Class,Recorded,Stat,DPP,Enhanced\n"),
        ],
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with(
            "crimes.csv: missing columns `State` (for `status`; did you mean `Stat`?), `Outcome Day` (for `outcome_at`), named by profile test.json"
        ),
        "{text}"
    );
    let err = read_with(
        "profile-duplicate",
        &[
            ("incidents.csv", b"Ref,When,Flags,Opened, Ref\n"),
            ("crimes.csv", CRIMES_OK),
        ],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("incidents.csv: duplicated column `Ref`"),
        "{err}"
    );
    // An updates file the profile has no table for.
    let err = read_with(
        "profile-no-updates",
        &[
            ("incidents.csv", incidents),
            (
                "crimes.csv",
                b"No,Class,Recorded,State,DPP,Enhanced,Outcome Day\n",
            ),
            ("updates.csv", b"crime_id,event,event_at\n"),
        ],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("updates.csv: profile test.json has no `updates` table to read it with"),
        "{err}"
    );
}

/// The problems a profile's text has, one per line.
fn problems(json: &str) -> Vec<String> {
    match Profile::from_json("p.json", json) {
        Ok(_) => Vec::new(),
        Err(ProfileError::Invalid { path, problems }) => {
            assert_eq!(path, "p.json");
            problems
        }
        Err(e) => vec![e.to_string()],
    }
}

const MINIMAL: &str = r#""incidents": { "columns": { "incident_id": "A", "reported_at": "B" } },
  "crimes": { "columns": { "crime_id": "A", "offence_code": "B", "recorded_at": "C" } }"#;

#[test]
fn profile_problems_are_all_reported() {
    assert!(problems(&format!("{{{MINIMAL}}}")).is_empty());
    assert_eq!(
        problems("{}"),
        vec![
            "no `incidents` table: a profile maps incidents and crimes (and updates, if the export has them)",
            "no `crimes` table: a profile maps incidents and crimes (and updates, if the export has them)",
        ]
    );
    let p = problems(&format!(
        r#"{{ "booleans": {{ "Y": true, "y": false }},
        "updates": {{
          "columns": {{ "crime_id": "A", "event": "B", "event_at": "B", "victim_informed_at": " " }},
          "values": {{ "crime_id": {{}}, "event": {{ "Nicked": "arrest", "NICKED ": "bail", "": "rui" }},
                      "victim_informed_at": {{}} }},
          "separators": {{ "event": ";" }},
          "timestamp_formats": {{ "event_at": [] }}
        }}, {MINIMAL} }}"#
    ));
    assert_eq!(
        p,
        vec![
            "booleans: `Y` and `y` are the same value (values compare ignoring case)",
            "updates.columns: `event` and `event_at` both name column `B`",
            "updates.columns.victim_informed_at: empty column name",
            "updates.values.crime_id: `crime_id` is an id; values can be given only for codes, lists, `status`, `event` and yes/no fields",
            "updates.values.event: `Nicked` and `NICKED ` are the same value (values compare ignoring case)",
            "updates.values.event: an empty value cannot be mapped (empty always reads as empty)",
            "updates.separators.event: `event` is not a list",
        ],
    );
    let p = problems(&format!(
        r#"{{ {MINIMAL}, "updates": {{ "columns": {{ "crime_id": "A", "event": "B", "event_at": "C" }},
            "values": {{ "victim_informed_at": {{}} }},
            "timestamp_formats": {{ "event_at": [], "events_at": ["%Y"] }} }} }}"#
    ));
    assert_eq!(
        p,
        vec![
            "updates.values.victim_informed_at: `victim_informed_at` has no column in `updates.columns`",
            "updates.timestamp_formats: unknown canonical field `events_at` (did you mean `event_at`?)",
            "updates.timestamp_formats.event_at: empty list (leave it out to read the canonical forms)",
        ],
    );
    assert_eq!(
        problems(r#"{ "incidents": { "columns": [] } }"#),
        vec!["profile p.json:1:28: invalid type: sequence, expected an object"]
    );
    assert_eq!(
        problems(r#"{ "incidents": { "columns": {}, "columns": {} } }"#),
        vec!["profile p.json:1:41: duplicate field `columns`"]
    );
}
