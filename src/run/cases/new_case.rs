//! `hocr rules test --new-case`: a case made from an export, expecting
//! what the rules find on it now.

use super::{AS_OF, EXPECTED, findings, parse_as_of, write_expected};
use crate::data::ingest::{ExportPaths, Profile};
use crate::lang::plan::Plan;
use crate::util::file as outfile;
use crate::util::text::plural;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// Creates case `name` in `cases_dir` from the export in `from`, judged at
/// `as_of`, its expected file holding what the rules find now. The case
/// appears whole or not at all: it is put together in a hidden directory
/// beside and renamed into place. Returns what to tell the user.
pub fn new_case(
    plan: &Plan,
    cases_dir: &Path,
    name: &str,
    from: &Path,
    as_of: &str,
) -> Result<String, String> {
    let target = new_case_dir(cases_dir, name)?;
    let at = parse_as_of(as_of.trim()).map_err(|e| format!("--as-of: {e}"))?;
    let paths = ExportPaths::from_dir(from).map_err(|e| e.to_string())?;
    let (found, rejected) = findings(plan, from, &Profile::canonical(), at)?;
    std::fs::create_dir_all(cases_dir).map_err(|e| {
        format!(
            "cannot make `{}`: {}",
            cases_dir.display(),
            crate::data::ingest::io_cause(&e)
        )
    })?;
    let cannot = |e: io::Error| {
        format!(
            "cannot write the case into `{}`: {}",
            cases_dir.display(),
            crate::data::ingest::io_cause(&e)
        )
    };
    let partial = tempfile::Builder::new()
        .prefix(&format!("{}{name}.", outfile::TEMP_PREFIX))
        .tempdir_in(cases_dir)
        .map_err(cannot)?;
    copy_export(&paths, partial.path(), cannot)?;
    outfile::write_file(&partial.path().join(AS_OF), |w| {
        writeln!(w, "{}", at.format_utc())
    })
    .map_err(cannot)?;
    write_expected(&partial.path().join(EXPECTED), &found).map_err(cannot)?;
    std::fs::rename(partial.path(), &target).map_err(cannot)?;
    // Renamed into place: nothing is left for the guard to remove.
    let _ = partial.keep();
    let mut said = format!(
        "created case `{name}` in {}: {} as of {}",
        target.display(),
        plural(found.len(), "finding"),
        at.format_utc()
    );
    if rejected > 0 {
        let _ = write!(said, " ({} rejected)", plural(rejected as usize, "row"));
    }
    said.push_str(
        "\nread its expected.jsonl: these findings are now what the case expects; commit the case with the rules",
    );
    Ok(said)
}

/// Where case `name` goes: a plain name (it is a directory name, and the
/// case's name in every message), not taken yet.
fn new_case_dir(cases_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        return Err(format!(
            "`{name}` cannot name a case: use letters, digits, `-`, `_` and `.` (not first), e.g. `rec001-weekend`"
        ));
    }
    let target = cases_dir.join(name);
    if target.exists() {
        return Err(format!(
            "a case named `{name}` exists already (`{}`): choose another name, or change that case's files",
            target.display()
        ));
    }
    Ok(target)
}

/// The export's files copied byte for byte into `dir`, under their own
/// names: the case runs on what the user gave, in its own format.
fn copy_export(
    paths: &ExportPaths,
    dir: &Path,
    cannot: impl Fn(io::Error) -> String,
) -> Result<(), String> {
    for source in [
        Some(&paths.incidents),
        Some(&paths.crimes),
        paths.updates.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        let file_name = source.file_name().expect("an export file has a name");
        let mut input = std::fs::File::open(source).map_err(|e| {
            format!(
                "cannot read `{}`: {}",
                source.display(),
                crate::data::ingest::io_cause(&e)
            )
        })?;
        outfile::write_file(&dir.join(file_name), |w| io::copy(&mut input, w).map(drop))
            .map_err(&cannot)?;
    }
    Ok(())
}
