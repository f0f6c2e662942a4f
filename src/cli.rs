//! The command line: flags are parsed here, turned into a run, and every
//! outcome is mapped to the documented exit codes (SPEC §5).

use crate::check::check;
use crate::diagnostics::{self, Code, Diagnostic, ErrorFormat, Level, Source};
use crate::engine::Records;
use crate::ingest::{ExportPaths, Profile, read_export, write_rejects};
use crate::outfile::{self, Output};
use crate::plan::{Plan, RuleFile, Severity};
use crate::progress::Progress;
use crate::report::{self, Report};
use crate::rulefiles;
use crate::time::{Clock, Instant};
use crate::{cases, examples, explain};
use clap::{Args, Parser, Subcommand, ValueEnum};
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

#[derive(Parser, Debug)]
#[command(
    name = "hocr",
    version,
    about = "Check police crime-record exports against the Home Office Crime Recording Rules",
    after_help = "Examples:\n  hocr check exports/2025-06-01 --as-of 2025-06-01T00:00:00Z\n  hocr rules check rules/\n  hocr rules test\n  hocr explain REC001\n  hocr audit sample exports/2025-06-01 --seed 20250601 --output audit.csv\n\nExit codes: 0 ok; 1 findings at or above --fail-on (or failed rule examples); 2 nothing evaluated (bad usage, unreadable input, rule-file errors, an unusable baseline); 4 some rows rejected; 5 both 1 and 4."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Evaluate an export against the rules and report findings.
    #[command(
        after_help = "Examples:\n  hocr check exports/2025-06-01 --as-of 2025-06-01T00:00:00Z\n  hocr check exports/2025-06-01 --rules my-force-rules/ --format json --output report.json\n  hocr check --incidents inc.csv --crimes crimes.jsonl --updates updates.csv --format jsonl --output findings.jsonl --rejects rejects.csv --fail-on high\n  hocr check exports/2025-06-01 --as-of \"2025-06-01 00:00\" --timezone Europe/London\n\nExit codes (bit flags): 0 ok; 1 findings at or above --fail-on; 4 some rows rejected; 5 both; 2 nothing evaluated (alone)."
    )]
    Check(Box<CheckArgs>),
    /// Work with rule files: check, format, run their examples.
    #[command(
        subcommand,
        after_help = "Examples:\n  hocr rules check rules/\n  hocr rules fmt --check rules/\n  hocr rules test rules/"
    )]
    Rules(RulesCommand),
    /// Explain a rule code (what it checks, why, its examples) or a rule-file diagnostic code.
    #[command(
        after_help = "Examples:\n  hocr explain REC001\n  hocr explain E004\n  hocr explain --list\n  hocr explain CAN002 --rules my-force-rules/\n\nExit codes: 0 explained; 2 unknown code or rule-file errors."
    )]
    Explain(ExplainArgs),
    /// The recording audit done by hand: draw a sample of incidents to read, then score the verdicts.
    #[command(
        subcommand,
        after_help = "Examples:\n  hocr audit sample fixtures/sample --seed 42 --output audit.csv\n  hocr audit score audit.csv\n  hocr audit score audit.csv --format html --output audit.html"
    )]
    Audit(AuditCommand),
    /// Run the language server for rule files (LSP over stdin and stdout), for editors.
    #[command(
        after_help = "Examples:\n  hocr lsp    # started by the editor, which speaks to it over stdin and stdout\n\nEditors start it themselves: see the README (VS Code, Neovim, Helix) and docs/editors.md.\nThe rule set of a file is every rule file in its directory.\n\nExit codes: 0 after `shutdown` and `exit`, or when stdin closes; 1 `exit` without `shutdown`."
    )]
    Lsp,
    /// Compliance by theme and by rule over the nights, from nightly `--format json` reports.
    #[command(
        after_help = "Examples:\n  hocr trend /reports --output trend.html\n  hocr trend /reports/2025-06-*.json --format csv --output trend.csv\n  hocr trend /reports --format json\n\nEach report is the night of its as-of date; nights with no report are shown as gaps, and a change of the rule set (edition or fingerprint) is marked.\nExit codes: 0 written; 2 a file is not a hocr JSON report, reports of different exports are mixed, two reports share a night, or the output cannot be written."
    )]
    Trend(TrendArgs),
}

#[derive(Args, Debug)]
struct TrendArgs {
    /// Nightly JSON reports (`hocr check --format json`), or directories of them.
    #[arg(required = true, value_name = "REPORT.json|DIR")]
    reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Html)]
    format: TrendFormat,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum TrendFormat {
    /// A self-contained page: a small chart per figure over the nights.
    Html,
    Json,
    /// One row per night and figure (UTF-8 with BOM).
    Csv,
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Draw a stratified random sample of incidents into a worksheet (CSV) for auditors to fill in.
    #[command(
        after_help = "Examples:\n  hocr audit sample fixtures/sample --seed 42 --output audit.csv\n  hocr audit sample --incidents inc.csv --crimes crimes.csv --plan recording-audit --seed 7 --output audit.csv\n  hocr audit sample exports/2025-06-01 --rules my-force-rules/ --seed 20250601 --output audit.csv\n\nThe same export, plan and seed always give the same worksheet, byte for byte.\nAuditors write, per incident, the crimes that should have been recorded and how many were (`should_record`, `recorded_correctly`), or just a `verdict` (`recorded`, `unrecorded` or `not-crime`), then run `hocr audit score`.\nExit codes: 0 drawn; 2 nothing drawn (bad usage, unreadable input, rule-file errors, strata that overlap); 4 drawn, but some rows were rejected."
    )]
    Sample(AuditSampleArgs),
    /// Score a finished worksheet: the crime recording rate (HMICFRS's unit) per stratum and overall, as rate ± half-width and 95% interval, and the crimes not recorded.
    #[command(
        after_help = "Examples:\n  hocr audit score audit.csv\n  hocr audit score audit.csv --format json --output audit.json\n  hocr audit score audit.csv --allow-incomplete --format html --output audit.html\n  hocr audit score audit.csv --annual-recorded 48210\n\nExit codes: 0 scored; 2 the worksheet has problems (each named with its line) or cannot be read."
    )]
    Score(AuditScoreArgs),
}

#[derive(Args, Debug)]
struct AuditSampleArgs {
    /// Directory holding incidents.csv|jsonl and crimes.csv|jsonl.
    dir: Option<PathBuf>,
    /// The incidents file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    incidents: Option<PathBuf>,
    /// The crimes file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    crimes: Option<PathBuf>,
    /// A rule file or directory of them; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
    /// The audit plan to draw (its name in the rule files); may be left out when there is one.
    #[arg(long, value_name = "NAME")]
    plan: Option<String>,
    /// The seed of the random draw: keep it with the worksheet to draw the same sample again.
    #[arg(long, value_name = "NUMBER")]
    seed: u64,
    /// The worksheet to write (CSV).
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// The zone local times (without an offset) are read in.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    timezone: String,
}

#[derive(Args, Debug)]
struct AuditScoreArgs {
    /// The worksheet `hocr audit sample` wrote, with its `verdict` column filled in.
    worksheet: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Text)]
    format: ScoreFormat,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Score rows that have a verdict and leave out those that do not yet (the report says how many).
    #[arg(long)]
    allow_incomplete: bool,
    /// The crimes the force recorded in a year: the report then estimates the crimes not recorded a year, N × (1 − R) ÷ R.
    #[arg(long, value_name = "N")]
    annual_recorded: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ScoreFormat {
    Text,
    Json,
    /// A self-contained page: headline rate, a chart by stratum, the table.
    Html,
}

#[derive(Subcommand, Debug)]
enum RulesCommand {
    /// Parse and check rule files, reporting every problem at once.
    #[command(
        after_help = "Examples:\n  hocr rules check rules/\n  hocr rules check my-force.hocr --error-format json\n\nExit codes: 0 clean; 1 warnings with --deny-warnings; 2 errors."
    )]
    Check(RulesCheckArgs),
    /// Lay rule files out the one canonical way (comments and quotes kept exactly).
    #[command(
        after_help = "Examples:\n  hocr rules fmt rules/\n  hocr rules fmt --check rules/   # in CI: exit 1 if any file is not formatted\n\nExit codes: 0 formatted (or already so); 1 with --check, some file would change; 2 a file has syntax errors or cannot be read."
    )]
    Fmt(RulesFmtArgs),
    /// Run the examples written in rule files, each against its own rule, and the rule set's golden cases.
    #[command(
        after_help = "Examples:\n  hocr rules test\n  hocr rules test my-force-rules/            # examples, and the cases in my-force-rules/cases/\n  hocr rules test my-force-rules/ --accept   # the findings now are right: rewrite the cases that differ\n  hocr rules test my-force-rules/ --new-case weekend-report --from exports/small --as-of 2025-06-01T00:00:00Z\n  hocr rules test rules --cases fixtures     # this repository's own cases\n\nEach example prints PASS or FAIL (with what was expected and what was found), then a summary.\nEach golden case prints one line, and under it every finding now found, no longer found or changed, rule by rule.\nExit codes: 0 all passed; 1 some example failed or some case differs; 2 rule-file errors, or a case that cannot be run or written."
    )]
    Test(RulesTestArgs),
}

#[derive(Args, Debug)]
struct RulesFmtArgs {
    /// A rule file or a directory of them.
    #[arg(default_value = "rules")]
    path: PathBuf,
    /// Change nothing; list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    check: bool,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Directory holding incidents.csv|jsonl, crimes.csv|jsonl and optionally updates.csv|jsonl.
    dir: Option<PathBuf>,
    /// The incidents file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    incidents: Option<PathBuf>,
    /// The crimes file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    crimes: Option<PathBuf>,
    /// The victim-updates file (optional).
    #[arg(long, value_name = "FILE")]
    updates: Option<PathBuf>,
    /// A force profile (JSON) mapping the export's column names, values and date formats; see docs/profiles.md.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// A rule file or directory of them; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
    /// The time deadlines are judged at, e.g. 2025-06-01T00:00:00Z or "2025-06-01 00:00"; default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    as_of: Option<String>,
    /// The zone local times (without an offset) are read in.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    timezone: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write rejected rows here as CSV (file,line,reason); without it they are summarised on stderr.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// An earlier run's --format json report: mark findings new or persisting, count resolved ones. A missing, empty, cut-short or foreign file stops the run (exit 2).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// As --baseline, but a file that does not exist means no comparison, said in the report (the first night of a nightly run).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    baseline_if_exists: Option<PathBuf>,
    /// Print nothing on stderr but errors (no progress, rejects summary or warnings).
    #[arg(long, short)]
    quiet: bool,
    /// Exit 1 when there are findings of this severity or higher.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<SeverityArg>,
    /// Convert and evaluate on N worker threads (1 to 256), beside the one that reads the files; sorting and JSON Lines output use up to N too; default: one per core. The output is the same whatever N.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=crate::stream::MAX_THREADS as i64))]
    threads: Option<u16>,
    /// Reject any record (a CSV row, a JSON line) longer than this many bytes, and read on after it: no input makes memory grow without bound. Default 16 MiB.
    #[arg(long, value_name = "BYTES", default_value_t = crate::ingest::MAX_RECORD_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
    max_record_bytes: u64,
}

#[derive(Args, Debug)]
struct RulesCheckArgs {
    /// A rule file or a directory of them; default: the shipped rules.
    path: Option<PathBuf>,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    error_format: ErrorFormat,
    /// Exit 1 when there are warnings.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Args, Debug)]
struct RulesTestArgs {
    /// A rule file or a directory of them, e.g. `rules/`; default: the shipped rules.
    path: Option<PathBuf>,
    /// How to print problems in the rule files.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    error_format: ErrorFormat,
    /// A directory of golden cases (may be given more than once); default: `cases/` beside the rule files.
    #[arg(long, value_name = "DIR")]
    cases: Vec<PathBuf>,
    /// Rewrite the expected findings of every case that differs (or has none yet) with what the rules find now.
    #[arg(long, conflicts_with = "new_case")]
    accept: bool,
    /// Create a golden case of this name from the export in --from, judged at --as-of, expecting what the rules find now.
    #[arg(long, value_name = "NAME", requires_all = ["from", "as_of"])]
    new_case: Option<String>,
    /// With --new-case: the export directory to copy into the case (keep it small).
    #[arg(long, value_name = "DIR", requires = "new_case")]
    from: Option<PathBuf>,
    /// With --new-case: the time the case's deadlines are judged at, e.g. 2025-06-01T00:00:00Z.
    #[arg(long, value_name = "TIMESTAMP", requires = "new_case")]
    as_of: Option<String>,
}

#[derive(Args, Debug)]
struct ExplainArgs {
    /// A rule code such as `REC001` or a diagnostic code such as `E004` (any case).
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code with its title instead.
    #[arg(long, conflicts_with = "code")]
    list: bool,
    /// A rule file or directory of them, e.g. `--rules rules/`; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    rules: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Jsonl,
    /// The findings as CSV (UTF-8 with BOM, opens cleanly in Excel).
    Csv,
    /// A self-contained page for the board: charts, rules and findings.
    Html,
    /// The summary's figures as CSV: themes, compliance, data quality, rules, coverage warnings.
    SummaryCsv,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Severity {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
        }
    }
}

/// Runs the command line and returns the exit code.
pub fn main() -> u8 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
        }
    };
    let result = match cli.command {
        Command::Check(args) => run_check(*args),
        Command::Rules(RulesCommand::Check(args)) => run_rules_check(args),
        Command::Rules(RulesCommand::Fmt(args)) => run_rules_fmt(args),
        Command::Rules(RulesCommand::Test(args)) => run_rules_test(args),
        Command::Explain(args) => run_explain(args),
        Command::Audit(AuditCommand::Sample(args)) => run_audit_sample(args),
        Command::Audit(AuditCommand::Score(args)) => run_audit_score(args),
        Command::Lsp => Ok(crate::lsp::run()),
        Command::Trend(args) => {
            let format = match args.format {
                TrendFormat::Html => crate::trend::Format::Html,
                TrendFormat::Json => crate::trend::Format::Json,
                TrendFormat::Csv => crate::trend::Format::Csv,
            };
            crate::trend::run(&args.reports, format, args.output.as_deref())
                .map(|()| exit::OK)
                .map_err(|e| Failure(e.0))
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            say_err!("error: {message}");
            exit::ERROR
        }
    }
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

fn run_rules_test(args: RulesTestArgs) -> Result<u8, Failure> {
    let (plan, _warnings) = match load_rules(args.path.as_deref(), error_format(args.error_format))
    {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    let mut dirs = args.cases.clone();
    if dirs.is_empty()
        && let Some(beside) = args.path.as_deref().map(cases::beside)
        && (beside.is_dir() || args.new_case.is_some())
    {
        dirs.push(beside);
    }
    if let (Some(name), Some(from), Some(as_of)) = (&args.new_case, &args.from, &args.as_of) {
        let Some(dir) = dirs.first() else {
            return Err(Failure(
                "say where the case goes: --cases DIR, or a rules directory (`hocr rules test my-rules --new-case …` puts it in my-rules/cases/)".into(),
            ));
        };
        let said = cases::new_case(&plan, dir, name, from, as_of)
            .map_err(|e| Failure(format!("case `{name}`: {e}")))?;
        say_out!("{said}");
        return Ok(exit::OK);
    }
    let found = cases::find(&dirs).map_err(|errors| Failure(errors.join("\nerror: ")))?;
    let tried = examples::run(&plan);
    let mut out = BufWriter::new(io::stdout().lock());
    examples::render(&plan, &tried, &mut out)?;
    if !found.is_empty() {
        writeln!(out)?;
    }
    let verdict = cases::test(&plan, &found, args.accept, &mut out, &mut io::stderr())?;
    out.flush()?;
    Ok(if verdict.errors {
        exit::ERROR
    } else if verdict.different || !tried.iter().all(|t| t.passed) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn run_explain(args: ExplainArgs) -> Result<u8, Failure> {
    let (plan, _warnings) =
        match load_rules(args.rules.as_deref(), error_format(ErrorFormat::Human)) {
            Ok(ok) => ok,
            Err(code) => return Ok(code),
        };
    let text = match args.code {
        None => explain::list(&plan),
        Some(code) => match explain::explain(&plan, &code) {
            Ok(text) => text,
            Err(unknown) => {
                say_err!("error: unknown code `{}`", unknown.code);
                match unknown.suggestion {
                    Some(s) => say_err!("  help: did you mean `{s}`?"),
                    None => say_err!("  help: `hocr explain --list` lists every code"),
                }
                if args.rules.is_none() {
                    say_err!(
                        "  help: these are the shipped rules' codes; a code of your own rule set is explained with `hocr explain {} --rules DIR`",
                        unknown.code
                    );
                }
                return Ok(exit::ERROR);
            }
        },
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(exit::OK)
}

fn run_rules_check(args: RulesCheckArgs) -> Result<u8, Failure> {
    let format = error_format(args.error_format);
    let (plan, diags) = match load_rules(args.path.as_deref(), format) {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    print_diagnostics(&diags, &plan.files, format);
    let warnings = diags.iter().any(|d| d.level == Level::Warning);
    Ok(if warnings && args.deny_warnings {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

fn run_rules_fmt(args: RulesFmtArgs) -> Result<u8, Failure> {
    let format = if io::stderr().is_terminal() {
        ErrorFormat::Human
    } else {
        ErrorFormat::Plain
    };
    let files = match rulefiles::from_path(&args.path) {
        Ok(f) => f,
        Err(diags) => {
            put_err!("{}", diagnostics::render(&diags, &[], format));
            return Ok(exit::ERROR);
        }
    };
    let mut code = exit::OK;
    for (n, file) in files.iter().enumerate() {
        match crate::syntax::format_file(&file.text) {
            Ok(text) if text == file.text => {}
            Ok(_) if args.check => {
                say_out!("not formatted: {}", file.name);
                code = code.max(exit::FINDINGS);
            }
            Ok(text) => {
                outfile::write_file(Path::new(&file.name), |w| w.write_all(text.as_bytes()))
                    .map_err(|e| {
                        Failure(format!(
                            "cannot write `{}`: {e}; the file is left as it was",
                            file.name
                        ))
                    })?;
                say_out!("formatted: {}", file.name);
            }
            Err(errors) => {
                let diags: Vec<Diagnostic> = errors
                    .into_iter()
                    .map(|e| Diagnostic::error(Code::E001, n, e.span, e.message, e.help))
                    .collect();
                print_diagnostics(&diags, &files, format);
                code = exit::ERROR;
            }
        }
    }
    Ok(code)
}

fn run_check(args: CheckArgs) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    let clock = clock(&args.timezone)?;
    let as_of = match &args.as_of {
        Some(s) => {
            clock
                .parse(s)
                .map_err(|e| Failure(format!("--as-of: {e}")))?
                .0
        }
        None => Instant(chrono::Utc::now().timestamp_micros()),
    };
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
    let mut out = match &args.output {
        Some(p) => create(p)?,
        None => Output::stdout(),
    };
    let mut rejects_file = args.rejects.as_deref().map(create).transpose()?;
    let profile = match &args.profile {
        Some(p) => Profile::load(p).map_err(|e| Failure(e.to_string()))?,
        None => Profile::canonical(),
    };
    let baseline = match baseline_path {
        Some(p) => Some(
            crate::baseline::load(p, args.baseline_if_exists.is_some(), as_of)
                .map_err(Failure)?
                .ok_or(p),
        ),
        None => None,
    };
    let format = if io::stderr().is_terminal() {
        ErrorFormat::Human
    } else {
        ErrorFormat::Plain
    };
    let (plan, warnings) = match load_rules(args.rules.as_deref(), format) {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    if !args.quiet && !warnings.is_empty() {
        print_diagnostics(&warnings, &plan.files, format);
    }
    let progress = Progress::new(args.quiet);
    let bytes: u64 = [
        Some(&paths.incidents),
        Some(&paths.crimes),
        paths.updates.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|p| std::fs::metadata(p).ok())
    .map(|m| m.len())
    .sum();
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let checked = crate::progress::reading(
        &progress,
        bytes,
        &format!("and evaluating {} rules", plan.rules.len()),
        || {
            // Only these reports show the input files' sha256.
            let reading = crate::stream::Reading {
                hash_files: matches!(args.format, Format::Json | Format::Html),
                max_record_bytes: usize::try_from(args.max_record_bytes).unwrap_or(usize::MAX),
            };
            crate::stream::check_export_with(
                &plan, &paths, &clock, &profile, as_of, threads, reading,
            )
        },
        |r| r.as_ref().map_or(0, crate::stream::Checked::rows_read),
    )
    .map_err(|e| Failure(e.to_string()))?;
    let crate::stream::Checked {
        mut outcome,
        inputs,
        rejects,
        held,
        earliest_report,
    } = checked;
    if !args.quiet {
        crate::stream::warn_if_probably_wrong(plan.rules.len(), as_of, earliest_report);
    }
    if outcome.outside_calendar > 0 && !args.quiet && args.format != Format::Text {
        say_err!(
            "warning: {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working",
            outcome.outside_calendar
        );
    }
    let changes = baseline.map(|b| match b {
        Ok(b) => crate::baseline::compare(&b, &plan.fingerprint, &mut outcome.findings),
        Err(absent) => crate::baseline::absent(absent),
    });
    if let Some(note) = changes.as_ref().and_then(crate::baseline::Changes::note)
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
    if let Some(f) = &mut rejects_file {
        let result = write_rejects(&mut *f, &rejects);
        written(f, result)?;
    } else if !rejects.is_empty() && !args.quiet {
        // SPEC §2: without --rejects, rejects are summarised on stderr (the
        // text summary lists them too, but stdout may be going to a file).
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
    let rendered = match args.format {
        Format::Text => report::text::render(&report, &mut out),
        Format::Json => report::json::render(&report, &mut out),
        Format::Jsonl => report::jsonl::render(&report, &mut out),
        Format::Csv => report::csv::render(&report, &mut out),
        Format::Html => report::html::render(&report, &mut out),
        Format::SummaryCsv => report::summary_csv::render(&report, &mut out),
    };
    written(&mut out, rendered)?;
    // The run succeeded: only now do the files take the place of the
    // earlier ones.
    if let Some(f) = rejects_file {
        commit(f)?;
    }
    commit(out)?;
    let mut code = exit::OK;
    if let Some(level) = args.fail_on {
        let level = Severity::from(level);
        if outcome.findings.iter().any(|f| f.severity >= level) {
            code = exit::FINDINGS;
        }
    }
    if !rejects.is_empty() {
        code |= exit::REJECTS;
    }
    // The process ends next: what the run held is left to the system,
    // which takes it back at once, rather than freed record by record
    // (crimes, updates and findings: ~40 ms at the end of the 1M-incident
    // run, BENCHMARKS.md).
    std::mem::forget((held, outcome, rejects, inputs));
    Ok(code)
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

fn run_audit_sample(args: AuditSampleArgs) -> Result<u8, Failure> {
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
        let size = s.size.words();
        let note = if s.population == 0 {
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
        };
        writeln!(so, "  {:<width$}  {counts:<counts_width$}  {note}", s.name)?;
    }
    if drawn.outside > 0 {
        writeln!(
            so,
            "  {} incidents fall in no stratum and cannot be drawn",
            drawn.outside
        )?;
    }
    if !export.rejects.is_empty() {
        say_err!(
            "{} rows rejected (they cannot be drawn):",
            export.rejects.len()
        );
        for r in export.rejects.iter().take(10) {
            say_err!("  {}:{}: {}", r.file, r.line, r.reason);
        }
        if export.rejects.len() > 10 {
            say_err!("  … and {} more", export.rejects.len() - 10);
        }
        return Ok(exit::REJECTS);
    }
    Ok(exit::OK)
}

/// The audit plan `--plan` names, or the only one there is.
fn choose_audit<'p>(
    plan: &'p Plan,
    name: Option<&str>,
) -> Result<&'p crate::plan::AuditPlan, Failure> {
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
            let hint = match diagnostics::did_you_mean(name, names.iter().copied()) {
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

fn run_audit_score(args: AuditScoreArgs) -> Result<u8, Failure> {
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
