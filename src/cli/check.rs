//! `hocr check`: the run over an export, and its outputs.

use super::*;

pub(super) fn run_check(args: CheckArgs) -> Result<Ended, Failure> {
    let started = std::time::Instant::now();
    let clock = clock(&args.timezone)?;
    let as_of = as_of(args.as_of.as_deref(), &clock)?;
    let paths = export_paths(
        args.dir.as_deref(),
        args.incidents.as_deref(),
        args.crimes.as_deref(),
        args.updates.as_deref(),
    )?;
    let baseline_path = args.baseline.as_ref().or(args.baseline_if_exists.as_ref());
    let rule_files = args
        .rules
        .as_deref()
        .map_or(Vec::new(), outfile::files_under);
    refuse_overlap(
        &[("--output", &args.output), ("--rejects", &args.rejects)],
        &inputs(
            &paths,
            &[
                ("the baseline", baseline_path.map(PathBuf::as_path)),
                ("the profile", args.profile.as_deref()),
            ],
            &rule_files,
        ),
    )?;
    // Open outputs first: an unwritable output fails before any reading.
    let out = match &args.output {
        Some(p) => create(p)?,
        None => Output::stdout(),
    };
    let rejects_file = args.rejects.as_deref().map(create).transpose()?;
    let profile = match &args.profile {
        Some(p) => Profile::load(p).map_err(|e| Failure(e.to_string()))?,
        None => Profile::canonical(),
    };
    let baseline = match baseline_path {
        Some(p) => Some(
            crate::run::baseline::load(p, args.baseline_if_exists.is_some(), as_of)
                .map_err(Failure)?
                .ok_or(p),
        ),
        None => None,
    };
    let format = stderr_format();
    let (plan, warnings) = match load_rules(args.rules.as_deref(), format) {
        Ok(ok) => ok,
        Err(code) => return Ok(Ended::from(code)),
    };
    if !args.quiet && !warnings.is_empty() {
        print_diagnostics(&warnings, &plan.files, format);
    }
    let threads = threads_for(&args);
    let checked = read_and_evaluate(&args, &plan, &paths, (&clock, &profile), as_of, threads)?;
    let crate::run::stream::Checked {
        mut outcome,
        inputs,
        rejects,
        held,
        earliest_report,
    } = checked;
    warn_about_run(
        &args,
        plan.rules.len(),
        as_of,
        earliest_report,
        outcome.outside_calendar,
    );
    let changes = baseline.map(|b| match b {
        Ok(b) => crate::run::baseline::compare(&b, &plan.fingerprint, &mut outcome.findings),
        Err(absent) => crate::run::baseline::absent(absent),
    });
    if let Some(note) = changes
        .as_ref()
        .and_then(crate::run::baseline::Changes::note)
        && !args.quiet
    {
        say_err!("{note}");
    }
    let report = Report {
        changes: changes.as_ref(),
        elapsed: started.elapsed(),
        as_of,
        plan: &plan,
        inputs: &inputs,
        rejects: &rejects,
        outcome: &outcome,
        threads,
        earliest_report,
    };
    if !args.quiet && !args.format.carries_warnings() {
        for warning in report.coverage().warnings() {
            say_err!("warning: {warning}");
        }
    }
    write_outputs(&args, &report, &rejects, out, rejects_file)?;
    let code = exit_code(args.fail_on, &outcome.findings, &rejects);
    // What the run held goes back to the binary with the exit code: a
    // process about to exit can leave it to the system (see `Ended`).
    Ok(Ended {
        code,
        held: Some(Box::new((held, outcome, rejects, inputs))),
    })
}

/// Reads the export and evaluates the plan over it, showing progress on a
/// terminal (bytes of the export files read so far).
fn read_and_evaluate(
    args: &CheckArgs,
    plan: &Plan,
    paths: &ExportPaths,
    (clock, profile): (&Clock, &Profile),
    as_of: Instant,
    threads: usize,
) -> Result<crate::run::stream::Checked, Failure> {
    let progress = Progress::new(args.quiet);
    let bytes_read = crate::data::ingest::ByteCounter::default();
    crate::tools::progress::reading(
        &progress,
        &bytes_read,
        input_bytes(paths),
        &format!("and evaluating {} rules", plan.rules.len()),
        || {
            // Only these reports show the input files' sha256.
            let reading = crate::run::stream::Reading {
                hash_files: args.format.shows_file_hashes(),
                max_record_bytes: usize::try_from(args.max_record_bytes).unwrap_or(usize::MAX),
                bytes_read: Some(bytes_read.clone()),
            };
            crate::run::stream::check_export_with(
                plan, paths, clock, profile, as_of, threads, reading,
            )
        },
        |r| r.as_ref().map_or(0, crate::run::stream::Checked::rows_read),
    )
    .map_err(|e| Failure(e.to_string()))
}

/// `--threads`, else as many as the machine offers.
fn threads_for(args: &CheckArgs) -> usize {
    args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    )
}

/// Diagnostics for a person on a terminal, plain otherwise.
fn stderr_format() -> ErrorFormat {
    if io::stderr().is_terminal() {
        ErrorFormat::Human
    } else {
        ErrorFormat::Plain
    }
}

/// Warnings about the run as a whole, unless `--quiet`.
fn warn_about_run(
    args: &CheckArgs,
    rules: usize,
    as_of: Instant,
    earliest_report: Option<Instant>,
    outside_calendar: u64,
) {
    if !args.quiet {
        crate::run::stream::warn_if_probably_wrong(rules, as_of, earliest_report);
    }
    if outside_calendar > 0 && !args.quiet && args.format != Format::Text {
        say_err!(
            "warning: {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working",
            outside_calendar
        );
    }
}

/// The rejects file (or their summary) and the report written; only
/// when both are written do they take the place of earlier files.
fn write_outputs(
    args: &CheckArgs,
    report: &Report,
    rejects: &[crate::data::ingest::Reject],
    mut out: Output,
    mut rejects_file: Option<Output>,
) -> Result<(), Failure> {
    if let Some(f) = &mut rejects_file {
        let result = write_rejects(&mut *f, rejects);
        written(f, result)?;
    } else if !rejects.is_empty() && !args.quiet {
        summarise_rejects(rejects);
    }
    let rendered = report::render(args.format, report, &mut out);
    written(&mut out, rendered)?;
    // The run succeeded: only now do the files take the place of the
    // earlier ones.
    if let Some(f) = rejects_file {
        commit(f)?;
    }
    commit(out)?;
    Ok(())
}

/// `--as-of`, read in the run's zone; now when it is not given.
fn as_of(given: Option<&str>, clock: &Clock) -> Result<Instant, Failure> {
    match given {
        Some(s) => Ok(clock
            .parse(s)
            .map_err(|e| Failure(format!("--as-of: {e}")))?
            .0),
        None => Ok(Instant(chrono::Utc::now().timestamp_micros())),
    }
}

/// The export's size in bytes, for the progress line.
fn input_bytes(paths: &ExportPaths) -> u64 {
    [
        Some(&paths.incidents),
        Some(&paths.crimes),
        paths.updates.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|p| std::fs::metadata(p).ok())
    .map(|m| m.len())
    .sum()
}

/// SPEC §2: without --rejects, rejects are summarised on stderr (the text
/// summary lists them too, but stdout may be going to a file).
fn summarise_rejects(rejects: &[crate::data::ingest::Reject]) {
    say_err!("{} rows rejected:", rejects.len());
    for r in rejects.iter().take(10) {
        say_err!("  {}:{}: {}", r.file, r.line, r.reason);
    }
    if rejects.len() > 10 {
        say_err!(
            "  … and {} more (write them all with --rejects FILE)",
            rejects.len() - 10
        );
    }
}

/// The exit code's bit flags: findings at or above `--fail-on`, rejects.
fn exit_code(
    fail_on: Option<SeverityArg>,
    findings: &[crate::run::findings::Finding],
    rejects: &[crate::data::ingest::Reject],
) -> u8 {
    let mut code = exit::OK;
    if let Some(level) = fail_on {
        let level = Severity::from(level);
        if findings.iter().any(|f| f.severity >= level) {
            code = exit::FINDINGS;
        }
    }
    if !rejects.is_empty() {
        code |= exit::REJECTS;
    }
    code
}
