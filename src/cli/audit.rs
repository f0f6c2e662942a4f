//! `hocr audit sample` and `hocr audit score`.

use super::*;

pub(super) fn run_audit_sample(args: AuditSampleArgs) -> Result<u8, Failure> {
    use crate::audit::sample::{draw, write_worksheet};
    let clock = clock(&args.timezone)?;
    let paths = export_paths(
        args.dir.as_deref(),
        args.incidents.as_deref(),
        args.crimes.as_deref(),
        None,
    )?;
    let rule_files = args
        .rules
        .as_deref()
        .map_or(Vec::new(), outfile::files_under);
    refuse_overlap(
        &[("--output", &Some(args.output.clone()))],
        &inputs(&paths, &[], &rule_files),
    )?;
    let format = if io::stderr().is_terminal() {
        ErrorFormat::Human
    } else {
        ErrorFormat::Plain
    };
    let (plan, _warnings) = match load_rules(args.rules.as_deref(), format) {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    let audit = choose_audit(&plan, args.plan.as_deref())?;
    let mut out = create(&args.output)?;
    let export = read_export(&paths, &clock).map_err(|e| Failure(e.to_string()))?;
    let records = Records {
        incidents: &export.incidents,
        crimes: &export.crimes,
        updates: &export.updates,
    };
    let drawn = match draw(&plan, audit, records, clock, args.seed) {
        Ok(d) => d,
        Err(errors) => {
            for e in &errors {
                say_err!("error: audit plan `{}`: {e}", audit.name);
            }
            return Ok(exit::ERROR);
        }
    };
    // Committed only once drawn: a failed draw leaves any earlier
    // worksheet as it was.
    let result = write_worksheet(&drawn, records, &mut out);
    written(&mut out, result)?;
    commit(out)?;
    say_drawn(&drawn, audit, &args)?;
    if !export.rejects.is_empty() {
        say_rejects(&export.rejects);
        return Ok(exit::REJECTS);
    }
    Ok(exit::OK)
}

/// What was drawn: the plan and seed (all it takes to draw it again), then
/// per stratum how many of how many, and why that many.
fn say_drawn(
    drawn: &crate::audit::sample::Draw,
    audit: &crate::lang::plan::AuditPlan,
    args: &AuditSampleArgs,
) -> io::Result<()> {
    let mut so = io::stdout().lock();
    let total: u64 = drawn.strata.iter().map(|s| s.sampled()).sum();
    writeln!(
        so,
        "audit plan `{}` ({}), seed {}:\n{} of {} incidents drawn into {}",
        audit.name,
        audit.title,
        args.seed,
        total,
        drawn.incidents,
        args.output.display()
    )?;
    let width = drawn
        .strata
        .iter()
        .map(|s| s.name.chars().count())
        .max()
        .unwrap_or(0);
    let counts: Vec<String> = drawn
        .strata
        .iter()
        .map(|s| format!("{} of {}", s.sampled(), s.population))
        .collect();
    let counts_width = counts.iter().map(String::len).max().unwrap_or(0);
    for (s, counts) in drawn.strata.iter().zip(&counts) {
        let note = sample_size_note(s);
        writeln!(so, "  {:<width$}  {counts:<counts_width$}  {note}", s.name)?;
    }
    if drawn.outside > 0 {
        writeln!(
            so,
            "  {} incidents fall in no stratum and cannot be drawn",
            drawn.outside
        )?;
    }
    Ok(())
}

/// Why a stratum's sample is the size it is.
fn sample_size_note(s: &crate::audit::sample::StratumDraw) -> String {
    let size = s.size.words();
    if s.population == 0 {
        "no incident falls in this stratum".to_string()
    } else if s.taken_whole() {
        format!("taken whole: no larger than `{size}`")
    } else if s.asked() != s.size.base() {
        format!(
            "`{size}` asks for {}; {} after the finite-population correction",
            s.size.base(),
            s.asked()
        )
    } else {
        format!("`{size}`")
    }
}

/// The rows rejected from the export (the first ten): the sample could
/// not draw them, so the auditor is told they are missing from it.
fn say_rejects(rejects: &[crate::data::ingest::Reject]) {
    say_err!("{} rows rejected (they cannot be drawn):", rejects.len());
    for r in rejects.iter().take(10) {
        say_err!("  {}:{}: {}", r.file, r.line, r.reason);
    }
    if rejects.len() > 10 {
        say_err!("  … and {} more", rejects.len() - 10);
    }
}

/// The audit plan `--plan` names, or the only one there is.
pub(super) fn choose_audit<'p>(
    plan: &'p Plan,
    name: Option<&str>,
) -> Result<&'p crate::lang::plan::AuditPlan, Failure> {
    let names: Vec<&str> = plan.audits.iter().map(|a| a.name.as_str()).collect();
    let listed = || {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => plan.audits.iter().find(|a| a.name == name).ok_or_else(|| {
            let hint = match crate::util::suggest::did_you_mean(name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if names.is_empty() => "the rules declare no audit plan".into(),
                None => format!("the rules declare {}", listed()),
            };
            Failure(format!("no audit plan `{name}`: {hint}"))
        }),
        None => match plan.audits.as_slice() {
            [one] => Ok(one),
            [] => Err(Failure(
                "the rules declare no audit plan: add one (`audit NAME \"title\" { stratum … }`, see docs/language.md)".into(),
            )),
            _ => Err(Failure(format!(
                "the rules declare several audit plans ({}): name one with --plan",
                listed()
            ))),
        },
    }
}

pub(super) fn run_audit_score(args: AuditScoreArgs) -> Result<u8, Failure> {
    use crate::audit::{render, score};
    let name = args.worksheet.display().to_string();
    refuse_overlap(
        &[("--output", &args.output)],
        &[("the worksheet".to_string(), &args.worksheet)],
    )?;
    let mut out = match &args.output {
        Some(p) => create(p)?,
        None => Output::stdout(),
    };
    let file =
        File::open(&args.worksheet).map_err(|e| Failure(format!("{name}: cannot read: {e}")))?;
    let sheet = match score::read(io::BufReader::new(file), args.allow_incomplete) {
        Ok(s) => s,
        Err(problems) => {
            for p in &problems {
                match p.line {
                    Some(line) => say_err!("{name}:{line}: {}", p.message),
                    None => say_err!("{name}: {}", p.message),
                }
            }
            say_err!(
                "error: the worksheet has {} problem{}; nothing scored",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            return Ok(exit::ERROR);
        }
    };
    let scored = score::score(&sheet, args.annual_recorded);
    let cx = render::Context { worksheet: &name };
    let rendered = match args.format {
        ScoreFormat::Text => render::text(&scored, &cx, &mut out),
        ScoreFormat::Json => render::json(&scored, &cx, &mut out),
        ScoreFormat::Html => render::html(&scored, &cx, &mut out),
    };
    written(&mut out, rendered)?;
    commit(out)?;
    Ok(exit::OK)
}
