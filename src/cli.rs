//! The command line: flags are parsed here, turned into a run, and every
//! outcome is mapped to the documented exit codes (SPEC §5).

use crate::data::ingest::{ExportPaths, Profile, read_export, write_rejects};
use crate::data::records::Records;
use crate::data::time::{Clock, Instant};
use crate::lang::check::check;
use crate::lang::diagnostics::{self, Code, Diagnostic, ErrorFormat, Level, Source};
use crate::lang::files as rulefiles;
use crate::lang::plan::{Plan, RuleFile, Severity};
use crate::out::report::{self, Format, Report};
use crate::run::{cases, examples};
use crate::tools::progress::Progress;
use crate::util::file::{self as outfile, Output};
use clap::Parser;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

// Messages to a closed stream (`hocr … 2>&1 | head`) are dropped, never a
// panic: `eprintln!` and `println!` would panic there.
macro_rules! put_err {
    ($($t:tt)*) => {{
        let _ = write!(io::stderr(), $($t)*);
    }};
}
macro_rules! say_err {
    ($($t:tt)*) => {{
        let _ = writeln!(io::stderr(), $($t)*);
    }};
}
macro_rules! say_out {
    ($($t:tt)*) => {{
        let _ = writeln!(io::stdout(), $($t)*);
    }};
}

mod args;
mod audit;
mod check;
mod explain;
mod rules;

use args::*;

/// Exit codes (SPEC §5, edition 2): bit flags, so that a scheduler sees
/// findings and rejects at once; `ERROR` stands alone.
pub mod exit {
    pub const OK: u8 = 0;
    /// Findings at or above `--fail-on`.
    pub const FINDINGS: u8 = 1;
    /// Nothing evaluated: bad usage, unreadable input, rule-file errors,
    /// an unusable baseline. Never combined with the flags.
    pub const ERROR: u8 = 2;
    /// Evaluated, but some rows were rejected.
    pub const REJECTS: u8 = 4;
}

/// How a run ended: its exit code, and what it held, which the binary,
/// about to exit, may leave to the system instead of freeing.
pub struct Ended {
    pub code: u8,
    pub held: Option<Box<dyn std::any::Any>>,
}

impl From<u8> for Ended {
    fn from(code: u8) -> Ended {
        Ended { code, held: None }
    }
}

/// Runs the command line.
pub fn run() -> Ended {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return Ended::from(if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            });
        }
    };
    let result = match cli.command {
        Command::Check(args) => return check::run_check(*args).unwrap_or_else(failed),
        Command::Rules(RulesCommand::Check(args)) => rules::run_rules_check(args),
        Command::Rules(RulesCommand::Fmt(args)) => rules::run_rules_fmt(args),
        Command::Rules(RulesCommand::Test(args)) => rules::run_rules_test(args),
        Command::Explain(args) => explain::run_explain(args),
        Command::Audit(AuditCommand::Sample(args)) => audit::run_audit_sample(args),
        Command::Audit(AuditCommand::Score(args)) => audit::run_audit_score(args),
        Command::Lsp => Ok(crate::lsp::run()),
        Command::Trend(args) => {
            crate::out::trend::run(&args.reports, args.format, args.output.as_deref())
                .map(|()| exit::OK)
                .map_err(|e| Failure(e.0))
        }
    };
    result.map_or_else(failed, Ended::from)
}

/// A failure said on stderr: exit 2.
fn failed(Failure(message): Failure) -> Ended {
    say_err!("error: {message}");
    Ended::from(exit::ERROR)
}

/// A failure that stops the run before anything is evaluated (exit 2).
struct Failure(String);

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure(format!("cannot write output: {e}"))
    }
}

fn clock(zone: &str) -> Result<Clock, Failure> {
    zone.parse::<chrono_tz::Tz>().map(Clock::new).map_err(|_| {
        Failure(format!(
            "unknown time zone `{zone}` (expected e.g. `Europe/London`)"
        ))
    })
}

/// Loads and checks rules; on errors prints them all and fails.
fn load_rules(path: Option<&Path>, format: ErrorFormat) -> Result<(Plan, Vec<Diagnostic>), u8> {
    let files = match path {
        None => rulefiles::shipped(),
        Some(p) => match rulefiles::from_path(p) {
            Ok(f) => f,
            Err(diags) => {
                put_err!("{}", diagnostics::render(&diags, &[], format));
                return Err(exit::ERROR);
            }
        },
    };
    let (plan, diags) = check(files.clone());
    match plan {
        Some(plan) => Ok((plan, diags)),
        None => {
            print_diagnostics(&diags, &files, format);
            Err(exit::ERROR)
        }
    }
}

fn print_diagnostics(diags: &[Diagnostic], files: &[RuleFile], format: ErrorFormat) {
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source {
            name: &f.name,
            text: &f.text,
        })
        .collect();
    put_err!("{}", diagnostics::render(diags, &sources, format));
    if format != ErrorFormat::Json {
        say_err!("{}", diagnostics::summary(diags));
    }
}

/// Colour and drawings only on a terminal.
fn error_format(asked: ErrorFormat) -> ErrorFormat {
    match asked {
        ErrorFormat::Human if !io::stderr().is_terminal() => ErrorFormat::Plain,
        f => f,
    }
}

/// Starts writing `p` through [`Output`]: a temporary beside it, put in
/// its place by [`commit`] once the run has succeeded.
fn create(p: &Path) -> Result<Output, Failure> {
    Output::create(p).map_err(|e| Failure(format!("cannot write `{}`: {e}", p.display())))
}

/// The outcome of writing into `out`, with the file named; a closed pipe
/// (`hocr check … | head`) is not an error.
fn written(out: &mut Output, result: io::Result<()>) -> Result<(), Failure> {
    match result.and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(cannot_write(out, e)),
        _ => Ok(()),
    }
}

fn cannot_write(out: &Output, e: io::Error) -> Failure {
    let kept = if out.replaces() {
        "; any earlier file there is left as it was"
    } else {
        ""
    };
    Failure(format!("cannot write `{}`: {e}{kept}", out.name()))
}

fn commit(out: Output) -> Result<(), Failure> {
    let name = out.name();
    match out.commit() {
        // Only a file replaced whole can fail here: its earlier bytes stay.
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure(format!(
            "cannot write `{name}`: {e}; any earlier file there is left as it was"
        ))),
        _ => Ok(()),
    }
}

/// Refuses outputs that would write over an input or each other.
fn refuse_overlap(
    outputs: &[(&str, &Option<PathBuf>)],
    inputs: &[outfile::Role],
) -> Result<(), Failure> {
    let outputs: Vec<outfile::Role> = outputs
        .iter()
        .filter_map(|(flag, p)| p.as_deref().map(|p| (flag.to_string(), p)))
        .collect();
    outfile::refuse_overlap(&outputs, inputs).map_err(Failure)
}

/// Every file a run reads, named for [`refuse_overlap`]: the export's
/// files, `others` that are given, and the rule files.
fn inputs<'a>(
    paths: &'a ExportPaths,
    others: &[(&str, Option<&'a Path>)],
    rule_files: &'a [PathBuf],
) -> Vec<outfile::Role<'a>> {
    let export = [
        ("the incidents export", Some(paths.incidents.as_path())),
        ("the crimes export", Some(paths.crimes.as_path())),
        ("the updates export", paths.updates.as_deref()),
    ];
    let rules = rule_files
        .iter()
        .map(|p| ("the rule file", Some(p.as_path())));
    export
        .into_iter()
        .chain(others.iter().copied())
        .chain(rules)
        .filter_map(|(role, p)| p.map(|p| (role.to_string(), p)))
        .collect()
}

fn export_paths(
    dir: Option<&Path>,
    incidents: Option<&Path>,
    crimes: Option<&Path>,
    updates: Option<&Path>,
) -> Result<ExportPaths, Failure> {
    let mut paths = match dir {
        Some(dir) => ExportPaths::from_dir(dir).map_err(|e| Failure(e.to_string()))?,
        None => ExportPaths {
            incidents: incidents.map(Path::to_path_buf).ok_or_else(|| {
                Failure(
                    "name an export: a directory DIR, or `--incidents FILE --crimes FILE`".into(),
                )
            })?,
            crimes: crimes
                .map(Path::to_path_buf)
                .ok_or_else(|| Failure("--crimes FILE is needed with --incidents".into()))?,
            updates: None,
        },
    };
    // Flags override the directory's files.
    if let Some(p) = incidents {
        paths.incidents = p.to_path_buf();
    }
    if let Some(p) = crimes {
        paths.crimes = p.to_path_buf();
    }
    if let Some(p) = updates {
        paths.updates = Some(p.to_path_buf());
    }
    Ok(paths)
}
