//! The files themselves: what stops a run, the summary's counts and
//! hashes, the bytes counted for progress, the rejects file.

use super::*;

#[test]
fn summary_hashes_and_counts_the_raw_bytes() {
    let e = ok(
        "sha",
        &[("incidents.csv", INCIDENTS_OK), ("crimes.jsonl", b"")],
    );
    let s = summary(&e, Table::Incidents);
    assert_eq!(s.bytes, 44);
    assert_eq!(
        s.sha256.as_deref(),
        Some("9777e0daef9aa95362d0e46be0f3c6f14aa651ea045f37d7cc586fa22448a831")
    );
    assert_eq!((s.rows_read, s.evaluated, s.rejected), (1, 1, 0));
    let s = summary(&e, Table::Crimes);
    assert_eq!(s.bytes, 0);
    assert_eq!(
        s.sha256.as_deref(),
        Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    let tables: Vec<Table> = e.inputs.iter().map(|s| s.table).collect();
    assert_eq!(tables, vec![Table::Incidents, Table::Crimes]);
}

#[test]
fn finishing_early_still_hashes_the_whole_file() {
    let dir = fresh_dir("finish-early");
    let path = put(&dir, "incidents.csv", INCIDENTS_OK);
    let reader = TableReader::<Incident>::open(&path, &Clock::default()).expect("opens");
    let s = reader.finish().expect("finishes");
    assert_eq!(s.bytes, 44);
    assert_eq!(
        s.sha256.as_deref(),
        Some("9777e0daef9aa95362d0e46be0f3c6f14aa651ea045f37d7cc586fa22448a831")
    );
    assert_eq!(s.rows_read, 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_and_directories_that_stop_the_run() {
    let dir = fresh_dir("paths");
    let err = ExportPaths::from_dir(&dir).expect_err("no incidents");
    assert!(
        err.to_string()
            .ends_with(": no `incidents.csv` or `incidents.jsonl`"),
        "{err}"
    );

    put(&dir, "incidents.csv", INCIDENTS_OK);
    put(&dir, "incidents.jsonl", b"");
    put(&dir, "crimes.csv", CRIMES_OK);
    let err = ExportPaths::from_dir(&dir).expect_err("two incidents");
    assert!(matches!(err, InputError::AmbiguousTable { .. }), "{err:?}");
    std::fs::remove_file(dir.join("incidents.jsonl")).expect("remove");

    let paths = ExportPaths::from_dir(&dir).expect("paths");
    assert_eq!(paths.updates, None);

    let missing = ExportPaths {
        updates: Some(dir.join("updates.csv")),
        ..paths.clone()
    };
    let err = read_export(&missing, &Clock::default()).expect_err("missing updates");
    let msg = err.to_string();
    assert!(
        msg.ends_with("updates.csv: cannot read: no such file or directory"),
        "{msg}"
    );

    let odd = ExportPaths {
        crimes: put(&dir, "crimes.txt", CRIMES_OK),
        ..paths.clone()
    };
    let err = read_export(&odd, &Clock::default()).expect_err("unknown extension");
    assert!(
        err.to_string().ends_with(
            "crimes.txt: unknown file type (expected `.csv`, `.jsonl`, `.csv.gz` or `.jsonl.gz`)"
        ),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rejects_are_written_as_csv() {
    let rejects = [
        Reject {
            file: "in/crimes.csv".into(),
            line: 7,
            reason: "wrong number of fields: expected 8, found 9".into(),
        },
        Reject {
            file: "in/updates.jsonl".into(),
            line: 12,
            reason: "invalid JSON: expected `,` or `}` at column 3".into(),
        },
    ];
    let mut out = Vec::new();
    write_rejects(&mut out, &rejects).expect("writes");
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "file,line,reason\n\
         in/crimes.csv,7,\"wrong number of fields: expected 8, found 9\"\n\
         in/updates.jsonl,12,\"invalid JSON: expected `,` or `}` at column 3\"\n"
    );
    let mut out = Vec::new();
    write_rejects(&mut out, &[]).expect("writes");
    assert_eq!(out, b"file,line,reason\n");
}

#[test]
fn files_are_counted_but_not_hashed_when_no_report_shows_the_hash() {
    let dir = fresh_dir("no-hash");
    let paths = ExportPaths {
        incidents: put(&dir, "incidents.csv", INCIDENTS_OK),
        crimes: put(&dir, "crimes.csv", b"crime_id,offence_code,recorded_at\n"),
        updates: None,
    };
    let open = || Readers::open(&paths, &Clock::default(), &Profile::canonical()).unwrap();
    let hashed = drain(open().incidents).unwrap().input;
    let unhashed = drain(open().without_hashes().incidents).unwrap().input;
    assert_eq!(unhashed.sha256, None);
    assert!(hashed.sha256.is_some());
    assert_eq!(
        InputSummary {
            sha256: None,
            ..hashed
        },
        unhashed
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rows_are_expected_from_the_size_and_the_rows_read_with_the_header() {
    let dir = fresh_dir("expected-rows");
    let open = |name: &str, rows: usize| {
        let mut text = String::from("incident_id,reported_at,closed_at\n");
        for n in 0..rows {
            // Some rows are longer than others, as real ones are.
            let closed = if n % 3 == 0 { "2025-07-02 09:00" } else { "" };
            text.push_str(&format!("INC-{n:06},2025-07-01 10:30,{closed}\n"));
        }
        let path = put(&dir, name, text.as_bytes());
        TableReader::<Incident>::open(&path, &Clock::default()).unwrap()
    };
    // A small file is buffered whole with the header: its rows are counted.
    assert_eq!(open("small.csv", 10).rows_expected(), 10);
    assert_eq!(open("empty.csv", 0).rows_expected(), 0);
    // A large one is judged by the rows that came with the header.
    let guess = open("large.csv", 200_000).rows_expected();
    assert!((190_000..=210_000).contains(&guess), "{guess}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_byte_counter_counts_each_files_own_bytes_once() {
    use std::io::Write as _;
    let dir = fresh_dir("byte-counter");
    let mut updates = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    updates
        .write_all(b"crime_id,event,event_at\nC1,arrest,2025-07-01 10:30\n")
        .unwrap();
    let updates = updates.finish().unwrap();
    let crimes =
        b"{\"crime_id\":\"C1\",\"offence_code\":\"8N\",\"recorded_at\":\"2025-07-01 10:30\"}\n";
    let paths = ExportPaths {
        incidents: put(&dir, "incidents.csv", INCIDENTS_OK),
        crimes: put(&dir, "crimes.jsonl", crimes),
        updates: Some(put(&dir, "updates.csv.gz", &updates)),
    };
    let on_disk = (INCIDENTS_OK.len() + crimes.len() + updates.len()) as u64;
    let read = |counter: &ByteCounter| {
        let readers = Readers::open(&paths, &Clock::default(), &Profile::canonical())
            .unwrap()
            .counting_bytes(counter);
        drain(readers.incidents).unwrap();
        drain(readers.crimes).unwrap();
        drain(readers.updates.unwrap()).unwrap();
    };
    // The headers, read when the files are opened, are counted too; of a
    // compressed file, its compressed bytes.
    let first = ByteCounter::default();
    read(&first);
    assert_eq!(first.get(), on_disk);
    // Each run counts into its own counter only.
    let second = ByteCounter::default();
    read(&second);
    assert_eq!((first.get(), second.get()), (on_disk, on_disk));
    let _ = std::fs::remove_dir_all(&dir);
}
