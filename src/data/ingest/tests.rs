//! Behaviour of the export reader as a user sees it: what is kept, what is
//! rejected and on which line, and what stops the run. CSV rows and ids
//! here, with the helpers; JSON Lines, the files themselves and force
//! profiles in `tests/`.

use super::*;
use crate::data::records::{CRIME_FIELDS, INCIDENT_FIELDS, Quality};
use crate::data::time::Instant;

mod files;
mod jsonl;
mod profiles;

/// A fresh directory under the system temp dir, unique to the test.
fn fresh_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hocr-ingest-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

fn put(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp file");
    path
}

const CRIMES_OK: &[u8] = b"crime_id,offence_code,recorded_at\nC1,8N,2025-07-01 10:30\n";
const INCIDENTS_OK: &[u8] = b"incident_id,reported_at\nI1,2025-07-01 10:30\n";

/// Reads an export of the given files (name, contents) from a fresh dir.
fn read(test: &str, files: &[(&str, &[u8])]) -> Result<Export, InputError> {
    let dir = fresh_dir(test);
    for (name, bytes) in files {
        put(&dir, name, bytes);
    }
    let paths = ExportPaths::from_dir(&dir)?;
    let export = read_export(&paths, &Clock::default());
    let _ = std::fs::remove_dir_all(&dir);
    if let Ok(e) = &export {
        for s in &e.inputs {
            assert_eq!(s.rows_read, s.evaluated + s.rejected, "{s:?}");
        }
        let counted: u64 = e.inputs.iter().map(|s| s.rejected).sum();
        assert_eq!(counted, e.rejects.len() as u64);
    }
    export
}

fn ok(test: &str, files: &[(&str, &[u8])]) -> Export {
    read(test, files).expect("export reads")
}

/// (file name, line, reason) of each reject.
fn rejects(e: &Export) -> Vec<(String, u64, String)> {
    e.rejects
        .iter()
        .map(|r| {
            let name = Path::new(&r.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, r.line, r.reason.clone())
        })
        .collect()
}

fn rj(file: &str, line: u64, reason: &str) -> (String, u64, String) {
    (file.into(), line, reason.into())
}

fn utc(e: Instant) -> String {
    e.format_utc()
}

fn summary(e: &Export, table: Table) -> &InputSummary {
    e.inputs
        .iter()
        .find(|s| s.table == table)
        .expect("summary for table")
}

fn idx(fields: &[crate::data::records::FieldDef], name: &str) -> usize {
    fields
        .iter()
        .position(|f| f.name == name)
        .expect("known field")
}

#[test]
fn bom_and_crlf_are_read() {
    let e = ok(
        "bom",
        &[
            (
                "incidents.csv",
                b"\xef\xbb\xbfincident_id,reported_at\r\nI1,2025-07-01 10:30\r\nI2,2025-07-01T10:30:00Z\r\n",
            ),
            (
                "crimes.csv",
                b"\xef\xbb\xbfcrime_id,offence_code,recorded_at\r\nC1, 4.1 ,2025-07-01 10:30\r\n",
            ),
        ],
    );
    assert_eq!(rejects(&e), vec![]);
    let ids: Vec<_> = e
        .incidents
        .iter()
        .map(|i| (&*i.incident_id, i.line))
        .collect();
    assert_eq!(ids, vec![("I1", 2), ("I2", 3)]);
    assert_eq!(utc(e.incidents[0].reported_at), "2025-07-01T09:30:00Z");
    assert_eq!(&*e.crimes[0].offence_code, "4/1");
    assert_eq!(e.crimes[0].line, 2);
}

#[test]
fn quoted_newline_moves_the_next_line_number() {
    let csv = b"incident_id,reported_at,non_crime_rationale\n\
        I1,2025-07-01 10:30,\"said \"\"no\"\", then\nleft\"\n\
        I2,not a time,\n\
        I3,2025-07-01 11:00,\n";
    let e = ok(
        "quoted",
        &[("incidents.csv", csv), ("crimes.csv", CRIMES_OK)],
    );
    assert_eq!(
        e.incidents[0].non_crime_rationale.as_deref(),
        Some("said \"no\", then\nleft")
    );
    assert_eq!(
        rejects(&e),
        vec![rj("incidents.csv", 4, "`reported_at` is not a timestamp")]
    );
    assert_eq!(e.incidents[1].line, 5);
}

#[test]
fn crlf_blank_lines_and_quoted_crlf_keep_physical_lines() {
    // The csv crate's own line numbers would say 1 and 4 here.
    let csv = b"incident_id,reported_at,non_crime_rationale\r\n\r\n\
        I1,2025-07-01 10:30,\"two\r\nlines\"\r\n\r\n\r\n\
        I2,2025-07-01 10:30,\r\n";
    let e = ok(
        "crlf-lines",
        &[("incidents.csv", csv), ("crimes.csv", CRIMES_OK)],
    );
    let lines: Vec<_> = e.incidents.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![3, 7]);
}

#[test]
fn blank_lines_are_skipped_and_not_counted() {
    let csv = b"incident_id,reported_at\n\nI1,2025-07-01 10:30\n   \n\nI2,2025-07-01 10:30\n\n";
    let jsonl = b"\n{\"crime_id\":\"C1\",\"offence_code\":\"8N\",\"recorded_at\":\"2025-07-01 10:30\"}\n  \r\n\n";
    let e = ok("blank", &[("incidents.csv", csv), ("crimes.jsonl", jsonl)]);
    assert_eq!(summary(&e, Table::Incidents).rows_read, 2);
    assert_eq!(summary(&e, Table::Crimes).rows_read, 1);
    let lines: Vec<_> = e.incidents.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![3, 6]);
    assert_eq!(e.crimes[0].line, 2);
    assert_eq!(rejects(&e), vec![]);
}

#[test]
fn wrong_field_count_is_rejected_on_its_line() {
    let csv = b"incident_id,reported_at,opening_code\n\
        I1,2025-07-01 10:30,X\n\
        I2,2025-07-01 10:30,X,extra\n\
        I3,2025-07-01 10:30\n\
        I4,2025-07-01 10:30,X\n";
    let e = ok(
        "count",
        &[("incidents.csv", csv), ("crimes.csv", CRIMES_OK)],
    );
    assert_eq!(
        rejects(&e),
        vec![
            rj(
                "incidents.csv",
                3,
                "wrong number of fields: expected 3, found 4"
            ),
            rj(
                "incidents.csv",
                4,
                "wrong number of fields: expected 3, found 2"
            ),
        ]
    );
    let s = summary(&e, Table::Incidents);
    assert_eq!((s.rows_read, s.evaluated, s.rejected), (4, 2, 2));
}

#[test]
fn missing_required_column_stops_the_run() {
    let err = read(
        "missing-col",
        &[
            ("incidents.csv", INCIDENTS_OK),
            ("crimes.csv", b"crime_id,offence_code,notes\nC1,8N,x\n"),
        ],
    )
    .expect_err("must not read");
    let msg = err.to_string();
    assert!(matches!(err, InputError::MissingColumns { .. }), "{err:?}");
    assert!(
        msg.ends_with("crimes.csv: missing required column `recorded_at`"),
        "{msg}"
    );

    let err = read(
        "missing-cols",
        &[
            ("incidents.csv", b"opening_code\nX\n"),
            ("crimes.csv", CRIMES_OK),
        ],
    )
    .expect_err("must not read");
    assert!(
        err.to_string()
            .ends_with("incidents.csv: missing required columns `incident_id`, `reported_at`"),
        "{err}"
    );

    // An empty CSV has no header at all.
    let err = read(
        "empty-csv",
        &[("incidents.csv", b""), ("crimes.csv", CRIMES_OK)],
    )
    .expect_err("must not read");
    assert!(matches!(err, InputError::MissingColumns { .. }), "{err:?}");
}

#[test]
fn duplicated_column_stops_the_run_but_unknown_ones_do_not_matter() {
    let err = read(
        "dup-col",
        &[
            ("incidents.csv", INCIDENTS_OK),
            (
                "crimes.csv",
                b"crime_id,offence_code,recorded_at,offence_code\nC1,8N,2025-07-01 10:30,8N\n",
            ),
        ],
    )
    .expect_err("must not read");
    assert!(
        err.to_string()
            .ends_with("crimes.csv: duplicated column `offence_code`"),
        "{err}"
    );

    let e = ok(
        "dup-unknown",
        &[
            (
                "incidents.csv",
                b"notes,incident_id,notes,reported_at\na,I1,b,2025-07-01 10:30\n",
            ),
            ("crimes.csv", CRIMES_OK),
        ],
    );
    assert_eq!(e.incidents.len(), 1);
}

#[test]
fn duplicate_ids_keep_the_first_readable_row() {
    let csv = b"incident_id,reported_at\n\
        I1,2025-07-01 10:30\n\
        I7,garbage\n\
        I7,2025-07-02 10:30\n\
        I1,2025-07-03 10:30\n\
        \x20I7 ,2025-07-04 10:30\n";
    let crimes = b"crime_id,offence_code,recorded_at\n\
        C1,8N,2025-07-01 10:30\n\
        C1,8N,2025-07-01 10:30\n";
    let updates = b"crime_id,event,event_at\n\
        C1,arrest,2025-07-01 10:30\n\
        C1,arrest,2025-07-01 10:30\n";
    let e = ok(
        "dup-ids",
        &[
            ("incidents.csv", csv),
            ("crimes.csv", crimes),
            ("updates.csv", updates),
        ],
    );
    assert_eq!(
        rejects(&e),
        vec![
            rj("incidents.csv", 3, "`reported_at` is not a timestamp"),
            rj(
                "incidents.csv",
                5,
                "duplicate `incident_id` (first on line 2)"
            ),
            rj(
                "incidents.csv",
                6,
                "duplicate `incident_id` (first on line 4)"
            ),
            rj("crimes.csv", 3, "duplicate `crime_id` (first on line 2)"),
        ]
    );
    let kept: Vec<_> = e
        .incidents
        .iter()
        .map(|i| (&*i.incident_id, utc(i.reported_at)))
        .collect();
    assert_eq!(
        kept,
        vec![
            ("I1", "2025-07-01T09:30:00Z".to_string()),
            ("I7", "2025-07-02T09:30:00Z".to_string())
        ]
    );
    // Updates have no id.
    assert_eq!(e.updates.len(), 2);
}

#[test]
fn invalid_optional_values_read_as_empty_and_are_flagged() {
    let incidents = b"incident_id,reported_at,victim_count,closed_at,opening_code\n\
        I1,2025-07-01 10:30,-1,yesterday,ab\n\
        I2,2025-07-01 10:30,3,,\n";
    let crimes =
        b"crime_id,offence_code,recorded_at,status,victim_enhanced,dpp_consent,cancelled_at\n\
        C1,8N,2025-07-01 10:30,open,maybe,Yes,2025-02-30 10:00\n\
        C2,8N,2025-07-01 10:30, Cancelled ,N,,\n";
    let e = ok(
        "optional",
        &[("incidents.csv", incidents), ("crimes.csv", crimes)],
    );
    assert_eq!(rejects(&e), vec![]);

    let i1 = &e.incidents[0];
    assert_eq!(i1.victim_count, None);
    assert_eq!(i1.closed_at.get(), None);
    assert_eq!(i1.opening_code.as_deref(), Some("AB"));
    let mut bits = 0;
    Quality::mark(&mut bits, idx(INCIDENT_FIELDS, "victim_count"));
    Quality::mark(&mut bits, idx(INCIDENT_FIELDS, "closed_at"));
    assert_eq!(i1.quality.invalid, bits);
    assert_eq!(e.incidents[1].victim_count, Some(3));
    assert_eq!(e.incidents[1].quality, Quality::default());

    let c1 = &e.crimes[0];
    assert_eq!(&*c1.status, "RECORDED");
    assert_eq!(c1.victim_enhanced, None);
    assert_eq!(c1.dpp_consent, Some(true));
    assert_eq!(c1.cancelled_at.get(), None);
    let mut bits = 0;
    for f in ["status", "victim_enhanced", "cancelled_at"] {
        Quality::mark(&mut bits, idx(CRIME_FIELDS, f));
    }
    assert_eq!(c1.quality.invalid, bits);

    let c2 = &e.crimes[1];
    assert_eq!(&*c2.status, "CANCELLED");
    assert_eq!(c2.victim_enhanced, Some(false));
    assert_eq!(c2.dpp_consent, None);
    assert_eq!(c2.quality.invalid, 0);
}

#[test]
fn repeated_and_skipped_hours_are_flagged() {
    let incidents = b"incident_id,reported_at,closed_at\n\
        I1,2025-10-26 01:30,2025-03-30 01:30\n\
        I2,2025-10-26T01:30:00+01:00,2025-07-01 10:30\n";
    let updates = b"crime_id,event,event_at,victim_informed_at\n\
        C1,bail,2025-03-30 01:30,2025-10-26 01:30\n";
    let e = ok(
        "folds",
        &[
            ("incidents.csv", incidents),
            ("crimes.csv", CRIMES_OK),
            ("updates.csv", updates),
        ],
    );
    let i1 = &e.incidents[0];
    assert_eq!(utc(i1.reported_at), "2025-10-26T00:30:00Z");
    assert_eq!(
        i1.closed_at.get().map(utc).as_deref(),
        Some("2025-03-30T01:30:00Z")
    );
    assert!(Quality::has(i1.quality.repeated, 1));
    assert!(Quality::has(i1.quality.skipped, 4));
    assert_eq!((i1.quality.repeated, i1.quality.skipped), (1 << 1, 1 << 4));
    // Written with an offset, it is not ambiguous.
    assert_eq!(e.incidents[1].quality, Quality::default());
    let u = &e.updates[0];
    assert_eq!((u.quality.skipped, u.quality.repeated), (1 << 2, 1 << 3));
    assert_eq!(&*u.event, "BAIL");
}

#[test]
fn bad_required_values_reject_without_quoting_them() {
    let incidents = b"incident_id,reported_at\n\
        I1,Jane Doe 07700900123\n\
        ,2025-07-01 10:30\n\
        I3,99999-01-01T00:00:00Z\n";
    let crimes = b"crime_id,offence_code,recorded_at\n\
        C1,  ,2025-07-01 10:30\n\
        C2,8N,\n";
    let updates = b"crime_id,event,event_at\n\
        C1,charged with Jane Doe,2025-07-01 10:30\n\
        C1, No_Investigation ,2025-07-01 10:30\n";
    let e = ok(
        "required",
        &[
            ("incidents.csv", incidents),
            ("crimes.csv", crimes),
            ("updates.csv", updates),
        ],
    );
    assert_eq!(
        rejects(&e),
        vec![
            rj("incidents.csv", 2, "`reported_at` is not a timestamp"),
            rj("incidents.csv", 3, "missing required field `incident_id`"),
            rj("incidents.csv", 4, "`reported_at` is not a timestamp"),
            rj("crimes.csv", 2, "missing required field `offence_code`"),
            rj("crimes.csv", 3, "missing required field `recorded_at`"),
            rj(
                "updates.csv",
                2,
                "`event` is not one of arrest, interview, release, bail, rui, no_investigation"
            ),
        ]
    );
    assert_eq!(&*e.updates[0].event, "NO_INVESTIGATION");
    for r in &e.rejects {
        assert!(!r.reason.contains("Jane"), "{r:?}");
    }
}

#[test]
fn invalid_utf8_in_an_optional_csv_field_is_read_as_empty() {
    let incidents = b"incident_id,reported_at,non_crime_rationale,notes\n\
        I1,2025-07-01 10:30,caf\xe9,\n\
        I2,2025-07-01 10:30,ok,caf\xe9\n";
    let e = ok(
        "utf8",
        &[("incidents.csv", incidents), ("crimes.csv", CRIMES_OK)],
    );
    // SPEC §2: an optional value that cannot be read is read as empty and
    // flagged (DQ005); the row is kept.
    assert_eq!(rejects(&e), vec![]);
    let first = &e.incidents[0];
    assert_eq!(&*first.incident_id, "I1");
    assert_eq!(first.non_crime_rationale, None);
    assert!(
        Quality::has(first.quality.invalid, 7),
        "{:?}",
        first.quality
    );
    // A column hocr does not read is never decoded.
    assert_eq!(&*e.incidents[1].incident_id, "I2");
    assert_eq!(e.incidents[1].quality.invalid, 0);

    // A column name that is not UTF-8 is no known column's: ignored like
    // any unknown column (SPEC §2).
    let e = ok(
        "utf8-header",
        &[
            (
                "incidents.csv",
                b"incident_id,reported_at,\xff\nI1,2025-07-01 10:30,x\n",
            ),
            ("crimes.csv", CRIMES_OK),
        ],
    );
    assert_eq!(rejects(&e), vec![]);
    assert_eq!(&*e.incidents[0].incident_id, "I1");
}

#[test]
fn line_numbers_hold_across_read_buffers() {
    // Far more than the csv reader's 8 KiB buffer, with every kind of line
    // break, blank line and quoted newline mixed in.
    let mut csv = String::from("incident_id,reported_at,non_crime_rationale\r\n");
    let mut line = 2;
    let mut expected = Vec::new();
    for n in 0..3000 {
        expected.push((format!("I{n}"), line));
        match n % 4 {
            0 => {
                csv.push_str(&format!("I{n},2025-07-01 10:30,\"a\r\nb\nc\"\r\n"));
                line += 3;
            }
            1 => {
                csv.push_str(&format!("I{n},2025-07-01 10:30,\n\n"));
                line += 2;
            }
            2 => {
                csv.push_str(&format!("I{n},2025-07-01 10:30,x\r\n \r\n\r\n"));
                line += 3;
            }
            _ => {
                csv.push_str(&format!("I{n},2025-07-01 10:30,\"\"\n"));
                line += 1;
            }
        }
    }
    let e = ok(
        "big",
        &[("incidents.csv", csv.as_bytes()), ("crimes.csv", CRIMES_OK)],
    );
    let got: Vec<(String, u64)> = e
        .incidents
        .iter()
        .map(|i| (i.incident_id.to_string(), i.line))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(summary(&e, Table::Incidents).bytes, csv.len() as u64);
}

/// An unclosed quote used to swallow the rest of the file into one field
/// without a word (the rows after it vanished); now that row is rejected.
/// A quoted field over several lines that is closed is still read.
#[test]
fn an_unclosed_quote_is_a_reject_not_a_silent_loss() {
    use std::io::Cursor;
    let names = || Names::canonical(Table::Incidents);
    let count = |text: &str| {
        let mut rows = CsvRows::open(Cursor::new(text.as_bytes().to_vec()), names()).unwrap();
        let mut out = Vec::new();
        while let Some(row) = rows.next_row().unwrap() {
            out.push(row.map(|r| r.line()).map_err(|b| (b.line, b.reason)));
        }
        out
    };
    let header = "incident_id,reported_at,non_crime_rationale\n";
    let unclosed = format!(
        "{header}I1,2025-05-01 09:00,\"note\nI2,2025-05-01 09:00,ok\nI3,2025-05-01 09:00,ok\n"
    );
    assert_eq!(
        count(&unclosed),
        [Err((
            2,
            "a quoted field is never closed: the rest of the file is inside it".to_string()
        ))]
    );
    // A doubled quote at the very end is a quote inside the field, which
    // still runs to the end of the file.
    let escaped = format!("{header}I1,2025-05-01 09:00,\"note\nI2,2025-05-01 09:00,ok\"\"");
    assert_eq!(
        count(&escaped),
        [Err((
            2,
            "a quoted field is never closed: the rest of the file is inside it".to_string()
        ))]
    );
    for closed in [
        format!("{header}I1,2025-05-01 09:00,\"note\nover lines\"\n"),
        format!("{header}I1,2025-05-01 09:00,\"note\nover lines\""),
        format!("{header}I1,2025-05-01 09:00,\"note\r\nover lines\"\r\n"),
        format!("{header}I1,\"2025-05-01\n09:00\",x"),
        // Closed, then bytes after the quote up to the end of the file
        // (read on into the field, as csv reads them).
        format!("{header}I1,2025-05-01 09:00,\"note\nover lines\"x"),
        format!("{header}I1,2025-05-01 09:00,\"note\nover lines\" \r\n"),
        format!("{header}I1,2025-05-01 09:00,\"note\nover lines\"\"\""),
    ] {
        assert_eq!(count(&closed), [Ok(2)], "{closed:?}");
    }
}

#[test]
fn a_duplicate_names_its_first_line_even_past_four_billion_lines() {
    let mut unique = Unique::default();
    let far = u64::from(u32::MAX) + 7;
    unique.add("A", 2);
    unique.add("B", far);
    unique.add("C", u64::from(u32::MAX));
    unique.add("D", 9);
    for (id, first) in [("A", 2), ("B", far), ("C", u64::from(u32::MAX)), ("D", 9)] {
        assert_eq!(
            unique.add_hashed(id, crate::data::records::hash_id(id), far + 100),
            Err(Some(first)),
            "{id}"
        );
    }
}

#[test]
fn seeded_ids_are_numbered_when_first_read_and_duplicates_after() {
    let mut unique = Unique::default();
    unique.seed(["G0", "G1", "G2"]);
    let mut add = |id: &str, line| unique.add_hashed(id, crate::data::records::hash_id(id), line);
    assert_eq!(add("G1", 2), Ok(Some(1)));
    assert_eq!(add("X", 3), Ok(None));
    assert_eq!(add("G1", 4), Err(Some(2)), "a seeded id read twice");
    assert_eq!(add("X", 5), Err(Some(3)));
    let far = u64::from(u32::MAX) + 9;
    assert_eq!(add("G0", far), Ok(Some(0)));
    assert_eq!(add("G0", far + 1), Err(Some(far)));
    // G2 was never read: its first row is still to come.
    assert_eq!(add("G2", far + 2), Ok(Some(2)));
}

#[test]
fn booleans_are_read_in_any_case() {
    let mut crimes = String::from("crime_id,offence_code,recorded_at,dpp_consent\n");
    let forms = [
        ("TRUE", Some(true)),
        ("yEs", Some(true)),
        ("Y", Some(true)),
        ("1", Some(true)),
        ("False", Some(false)),
        ("NO", Some(false)),
        ("n", Some(false)),
        ("0", Some(false)),
        ("ye", None),
        ("truee", None),
    ];
    for (n, (form, _)) in forms.iter().enumerate() {
        crimes.push_str(&format!("C{n},8N,2025-07-01 10:30,{form}\n"));
    }
    let e = ok(
        "booleans",
        &[
            ("incidents.csv", b"incident_id,reported_at\n"),
            ("crimes.csv", crimes.as_bytes()),
        ],
    );
    let read: Vec<Option<bool>> = e.crimes.iter().map(|c| c.dpp_consent).collect();
    let expected: Vec<Option<bool>> = forms.iter().map(|(_, b)| *b).collect();
    assert_eq!(read, expected);
}

#[test]
fn ids_are_numbered_in_the_order_first_given() {
    let mut ids = Ids::default();
    let numbers: Vec<_> = ["A", "B", "A", "C", "B"]
        .into_iter()
        .map(|id| ids.number(id))
        .collect();
    assert_eq!(numbers, [Some(0), Some(1), Some(0), Some(2), Some(1)]);
    assert_eq!(ids.find("C"), Some(2));
    assert_eq!(ids.find("D"), None);
}
