//! Force profiles (`--profile`, docs/profiles.md): a force's own export,
//! read through its profile, is the canonical export; a bad profile, or a
//! profile that does not fit the export, stops the run (exit 2) saying
//! which file and what.

mod common;
use common::{hocr, temp};

use hocr::data::ingest::{ExportPaths, Profile, read_export, read_export_with};
use hocr::data::time::Clock;
use std::path::{Path, PathBuf};

const FORCE: &str = "fixtures/example-force";
const TWIN: &str = "fixtures/example-force-canonical";
const PROFILE: &str = "profiles/example-force.json";
const AS_OF: &str = "2025-12-01T00:00:00Z";

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// `(line, reason)` of each row of a rejects CSV, whatever the file names.
fn reject_lines(csv: &str) -> Vec<(String, String)> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let file = Path::new(&r[0]).file_name().unwrap().to_string_lossy();
            (format!("{file}:{}", &r[1]), r[2].to_string())
        })
        .collect()
}

/// Exit code, JSONL findings and rejects of `hocr check`.
fn check(dir: &str, extra: &[&str], rejects: &Path) -> (i32, String, String) {
    let mut args = vec![
        "check",
        dir,
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--rejects",
        path(rejects),
    ];
    args.extend(extra);
    let (code, out, err) = hocr(&args);
    let rejected = std::fs::read_to_string(rejects).unwrap_or_else(|_| panic!("{err}"));
    (code, out, rejected)
}

#[test]
fn force_export_with_its_profile_gives_the_canonical_findings() {
    let dir = temp("twin");
    let (code, findings, rejects) = check(FORCE, &["--profile", PROFILE], &dir.join("f.csv"));
    let (twin_code, twin_findings, twin_rejects) = check(TWIN, &[], &dir.join("c.csv"));
    assert_eq!(code, 4, "the fixtures have bad rows");
    assert_eq!(code, twin_code);
    assert!(findings.lines().count() > 10, "{findings}");
    assert_eq!(findings, twin_findings, "byte-identical JSONL findings");
    let rejects = reject_lines(&rejects);
    assert_eq!(rejects.len(), 5, "{rejects:?}");
    assert_eq!(rejects, reject_lines(&twin_rejects));
    // The bad values of the fixture are there, and read the canonical way.
    for rule in [
        "\"DQ002\"",
        "\"DQ003\"",
        "\"DQ005\"",
        "\"field\":\"status\"",
    ] {
        assert!(findings.contains(rule), "{rule} in {findings}");
    }
    assert!(rejects.contains(&(
        "crimes.csv:13".into(),
        "`recorded_at` is not a timestamp".into()
    )));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn force_export_with_its_profile_reads_the_same_records() {
    let clock = Clock::default();
    let profile = Profile::load(Path::new(PROFILE)).expect("the shipped profile is valid");
    let force = ExportPaths::from_dir(Path::new(FORCE)).unwrap();
    let twin = ExportPaths::from_dir(Path::new(TWIN)).unwrap();
    let force = read_export_with(&force, &clock, &profile).expect("reads");
    let twin = read_export(&twin, &clock).expect("reads");
    // Every field of every record, with its line and quality marks.
    assert_eq!(force.incidents, twin.incidents);
    assert_eq!(force.crimes, twin.crimes);
    assert_eq!(force.updates, twin.updates);
    let counts = |e: &hocr::data::ingest::Export| -> Vec<(u64, u64, u64)> {
        e.inputs
            .iter()
            .map(|s| (s.rows_read, s.evaluated, s.rejected))
            .collect()
    };
    assert_eq!(counts(&force), counts(&twin));
    // Lists were split on `|` and translated.
    let i02 = force.incidents.iter().find(|i| &*i.incident_id == "I02");
    let qualifiers: Vec<&str> = i02.unwrap().qualifiers.iter().map(|q| &**q).collect();
    assert_eq!(qualifiers, ["DA", "VULNERABLE"]);
}

/// The shipped profile with one edit, written to a temp file.
fn edited_profile(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(PROFILE).unwrap();
    assert!(text.contains(from), "{from}");
    let p = dir.join("profile.json");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    p
}

/// Runs the force fixture with a profile and expects exit 2 with every
/// `expected` text in the error, which must name the profile file.
fn profile_error(test: &str, from: &str, to: &str, expected: &[&str]) {
    let dir = temp(test);
    let profile = edited_profile(&dir, from, to);
    let (code, out, err) = hocr(&[
        "check",
        FORCE,
        "--as-of",
        AS_OF,
        "--profile",
        path(&profile),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "nothing is evaluated: {out}");
    assert!(err.contains(path(&profile)), "names the profile: {err}");
    for e in expected {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_canonical_field_suggests_the_nearest() {
    profile_error(
        "unknown-field",
        "\"offence_code\": \"HO Class\"",
        "\"ofence_code\": \"HO Class\"",
        &[
            "crimes.columns: unknown canonical field `ofence_code` (did you mean `offence_code`?)",
            // And so the required field is not mapped: both are reported.
            "required field `offence_code` is not mapped",
        ],
    );
}

#[test]
fn required_field_unmapped() {
    profile_error(
        "required-unmapped",
        "\"event_at\": \"Date/Time of Event\",",
        "",
        &["updates.columns: required field `event_at` is not mapped to a column"],
    );
}

#[test]
fn invalid_strftime_format() {
    profile_error(
        "bad-format",
        "\"timestamp_formats\": [\"%d/%m/%Y %H:%M\"]",
        "\"timestamp_formats\": [\"%d/%m/%Y %H:%Q\"]",
        &["timestamp_formats: `%d/%m/%Y %H:%Q` is not a valid strftime format"],
    );
}

#[test]
fn format_without_a_whole_date() {
    profile_error(
        "part-date",
        "\"timestamp_formats\": [\"%d/%m/%Y %H:%M\"]",
        "\"timestamp_formats\": [\"%d/%m %H:%M\"]",
        &["`%d/%m %H:%M` does not give a whole date"],
    );
}

#[test]
fn bad_json_names_line_and_column() {
    // A missing comma after the `description` line (line 2).
    profile_error(
        "bad-json",
        "own vocabularies\",",
        "own vocabularies\"",
        &[":3:3: expected `,` or `}`"],
    );
}

#[test]
fn unknown_key_in_the_profile() {
    profile_error(
        "unknown-key",
        "\"separators\"",
        "\"separator\"",
        &["unknown field `separator`, expected one of"],
    );
}

#[test]
fn vocabulary_to_a_value_the_field_does_not_take() {
    profile_error(
        "bad-target",
        "\"Confirmed\": \"recorded\"",
        "\"Confirmed\": \"open\"",
        &[
            "crimes.values.status: `Confirmed` maps to `open`, which is not one of recorded, cancelled",
        ],
    );
}

#[test]
fn setting_for_a_field_of_the_wrong_kind() {
    profile_error(
        "wrong-kind",
        "\"separators\": { \"qualifiers\": \"|\" }",
        "\"separators\": { \"closed_at\": \"|\" }",
        &["incidents.separators.closed_at: `closed_at` is not a list"],
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let dir = temp("many");
    let text = std::fs::read_to_string(PROFILE)
        .unwrap()
        .replacen("\"Bailed\": \"bail\"", "\"Bailed\": \"bale\"", 1)
        .replacen(
            "\"crime_id\": \"Crime No\"",
            "\"crime_ids\": \"Crime No\"",
            1,
        );
    let profile = dir.join("p.json");
    std::fs::write(&profile, text).unwrap();
    let (code, _, err) = hocr(&[
        "check",
        FORCE,
        "--as-of",
        AS_OF,
        "--profile",
        path(&profile),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("3 problems"), "{err}");
    assert!(
        err.contains("`crime_ids` (did you mean `crime_id`?)"),
        "{err}"
    );
    assert!(err.contains("`Bailed` maps to `bale`"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_profile() {
    let (code, _, err) = hocr(&[
        "check",
        FORCE,
        "--as-of",
        AS_OF,
        "--profile",
        "profiles/no-such-profile.json",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("profile profiles/no-such-profile.json: cannot read: no such file"),
        "{err}"
    );
}

/// A copy of the force fixture with one file edited.
fn edited_export(test: &str, file: &str, from: &str, to: &str) -> PathBuf {
    let dir = temp(test);
    for name in ["incidents.csv", "crimes.csv", "updates.csv"] {
        let mut text = std::fs::read_to_string(Path::new(FORCE).join(name)).unwrap();
        if name == file {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn a_column_the_export_lacks_stops_the_run() {
    // An optional column: the profile names it, so it must be there.
    let dir = edited_export(
        "lacks-column",
        "crimes.csv",
        "Cancelled By",
        "Authorised By",
    );
    let (code, out, err) = hocr(&["check", path(&dir), "--as-of", AS_OF, "--profile", PROFILE]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    let crimes = dir.join("crimes.csv");
    assert!(
        err.contains(&format!(
            "{}: missing column `Cancelled By` (for `cancellation_authority`), named by profile {PROFILE}",
            crimes.display()
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_misspelt_column_gets_a_suggestion() {
    let dir = edited_export("misspelt-column", "crimes.csv", "Crime No,", "Crime  No,");
    let (code, _, err) = hocr(&["check", path(&dir), "--as-of", AS_OF, "--profile", PROFILE]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("missing column `Crime No` (for `crime_id`; did you mean `Crime  No`?)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_date_not_in_the_profiles_format_is_rejected_like_canonical_input() {
    // ISO dates are canonical, but not this force's format: a required one
    // rejects the row, an optional one reads as empty (DQ005).
    let dir = edited_export(
        "iso-date",
        "incidents.csv",
        "I03,03/05/2025 11:00",
        "I03,2025-05-03 11:00",
    );
    let incidents = dir.join("incidents.csv");
    let text = std::fs::read_to_string(&incidents).unwrap().replacen(
        "01/05/2025 12:00,1,,",
        "2025-05-01 12:00,1,,",
        1,
    );
    std::fs::write(&incidents, text).unwrap();
    let rejects = dir.join("rejects.csv");
    let (code, findings, rejected) = check(path(&dir), &["--profile", PROFILE], &rejects);
    assert_eq!(code, 4);
    let rejected = reject_lines(&rejected);
    assert!(
        rejected.contains(&(
            "incidents.csv:4".into(),
            "`reported_at` is not a timestamp".into()
        )),
        "{rejected:?}"
    );
    assert!(
        findings.contains(
            r#""rule":"DQ005","kind":"data","severity":"low","incident_id":"I01","crime_id":null,"field":"closed_at""#
        ),
        "{findings}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_updates_file_the_profile_does_not_map_stops_the_run() {
    let dir = temp("no-updates-table");
    let text = std::fs::read_to_string(PROFILE).unwrap();
    let cut = text.find(",\n  \"updates\"").unwrap();
    let profile = dir.join("p.json");
    std::fs::write(&profile, format!("{}\n}}\n", &text[..cut])).unwrap();
    let (code, _, err) = hocr(&[
        "check",
        FORCE,
        "--as-of",
        AS_OF,
        "--profile",
        path(&profile),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{FORCE}/updates.csv: profile {} has no `updates` table",
            profile.display()
        )),
        "{err}"
    );
    // Without the updates file the same profile reads the export.
    let (code, _, err) = hocr(&[
        "check",
        "--incidents",
        &format!("{FORCE}/incidents.csv"),
        "--crimes",
        &format!("{FORCE}/crimes.csv"),
        "--as-of",
        AS_OF,
        "--profile",
        path(&profile),
    ]);
    assert_eq!(code, 4, "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_documented_example_is_the_shipped_profile() {
    let docs = std::fs::read_to_string("docs/profiles.md").unwrap();
    let shipped = std::fs::read_to_string(PROFILE).unwrap();
    assert!(
        docs.contains(shipped.trim()),
        "docs/profiles.md shows profiles/example-force.json in full"
    );
}
