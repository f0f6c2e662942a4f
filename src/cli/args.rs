//! Every flag of the command line, as clap reads it: one definition per
//! flag feeds the parser and `--help`. The work is in the runners beside.

use crate::lang::diagnostics::ErrorFormat;
use crate::lang::plan::Severity;
use crate::out::report::Format;
use crate::out::trend::Format as TrendFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "hocr",
    version,
    about = "Check police crime-record exports against the Home Office Crime Recording Rules",
    after_help = "Examples:\n  hocr check exports/2025-06-01 --as-of 2025-06-01T00:00:00Z\n  hocr rules check rules/\n  hocr rules test\n  hocr explain REC001\n  hocr audit sample exports/2025-06-01 --seed 20250601 --output audit.csv\n\nExit codes: 0 ok; 1 findings at or above --fail-on (or failed rule examples); 2 nothing evaluated (bad usage, unreadable input, rule-file errors, an unusable baseline); 4 some rows rejected; 5 both 1 and 4."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand, Debug)]
pub(super) enum Command {
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
pub(super) struct TrendArgs {
    /// Nightly JSON reports (`hocr check --format json`), or directories of them.
    #[arg(required = true, value_name = "REPORT.json|DIR")]
    pub(super) reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TrendFormat::Html)]
    pub(super) format: TrendFormat,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub(super) enum AuditCommand {
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
pub(super) struct AuditSampleArgs {
    /// Directory holding incidents.csv|jsonl and crimes.csv|jsonl.
    pub(super) dir: Option<PathBuf>,
    /// The incidents file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    pub(super) incidents: Option<PathBuf>,
    /// The crimes file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    pub(super) crimes: Option<PathBuf>,
    /// A rule file or directory of them; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    pub(super) rules: Option<PathBuf>,
    /// The audit plan to draw (its name in the rule files); may be left out when there is one.
    #[arg(long, value_name = "NAME")]
    pub(super) plan: Option<String>,
    /// The seed of the random draw: keep it with the worksheet to draw the same sample again.
    #[arg(long, value_name = "NUMBER")]
    pub(super) seed: u64,
    /// The worksheet to write (CSV).
    #[arg(long, value_name = "FILE")]
    pub(super) output: PathBuf,
    /// The zone local times (without an offset) are read in.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    pub(super) timezone: String,
}

#[derive(Args, Debug)]
pub(super) struct AuditScoreArgs {
    /// The worksheet `hocr audit sample` wrote, with its `verdict` column filled in.
    pub(super) worksheet: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Text)]
    pub(super) format: ScoreFormat,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    /// Score rows that have a verdict and leave out those that do not yet (the report says how many).
    #[arg(long)]
    pub(super) allow_incomplete: bool,
    /// The crimes the force recorded in a year: the report then estimates the crimes not recorded a year, N × (1 − R) ÷ R.
    #[arg(long, value_name = "N")]
    pub(super) annual_recorded: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(super) enum ScoreFormat {
    Text,
    Json,
    /// A self-contained page: headline rate, a chart by stratum, the table.
    Html,
}

#[derive(Subcommand, Debug)]
pub(super) enum RulesCommand {
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
pub(super) struct RulesFmtArgs {
    /// A rule file or a directory of them.
    #[arg(default_value = "rules")]
    pub(super) path: PathBuf,
    /// Change nothing; list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    pub(super) check: bool,
}

#[derive(Args, Debug)]
pub(super) struct CheckArgs {
    /// Directory holding incidents.csv|jsonl, crimes.csv|jsonl and optionally updates.csv|jsonl.
    pub(super) dir: Option<PathBuf>,
    /// The incidents file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    pub(super) incidents: Option<PathBuf>,
    /// The crimes file (instead of DIR).
    #[arg(long, value_name = "FILE")]
    pub(super) crimes: Option<PathBuf>,
    /// The victim-updates file (optional).
    #[arg(long, value_name = "FILE")]
    pub(super) updates: Option<PathBuf>,
    /// A force profile (JSON) mapping the export's column names, values and date formats; see docs/profiles.md.
    #[arg(long, value_name = "FILE")]
    pub(super) profile: Option<PathBuf>,
    /// A rule file or directory of them; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    pub(super) rules: Option<PathBuf>,
    /// The time deadlines are judged at, e.g. 2025-06-01T00:00:00Z or "2025-06-01 00:00"; default: now.
    #[arg(long, value_name = "TIMESTAMP")]
    pub(super) as_of: Option<String>,
    /// The zone local times (without an offset) are read in.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    pub(super) timezone: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(super) format: Format,
    /// Write the output here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    /// Write rejected rows here as CSV (file,line,reason); without it they are summarised on stderr.
    #[arg(long, value_name = "FILE")]
    pub(super) rejects: Option<PathBuf>,
    /// An earlier run's --format json report: mark findings new or persisting, count resolved ones. A missing, empty, cut-short or foreign file stops the run (exit 2).
    #[arg(long, value_name = "FILE")]
    pub(super) baseline: Option<PathBuf>,
    /// As --baseline, but a file that does not exist means no comparison, said in the report (the first night of a nightly run).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub(super) baseline_if_exists: Option<PathBuf>,
    /// Print nothing on stderr but errors (no progress, rejects summary or warnings).
    #[arg(long, short)]
    pub(super) quiet: bool,
    /// Exit 1 when there are findings of this severity or higher.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub(super) fail_on: Option<SeverityArg>,
    /// Convert and evaluate on N worker threads (1 to 256), beside the one that reads the files; sorting and JSON Lines output use up to N too; default: one per core. The output is the same whatever N.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=crate::run::stream::MAX_THREADS as i64))]
    pub(super) threads: Option<u16>,
    /// Reject any record (a CSV row, a JSON line) longer than this many bytes, and read on after it: no input makes memory grow without bound. Default 16 MiB.
    #[arg(long, value_name = "BYTES", default_value_t = crate::data::ingest::MAX_RECORD_BYTES as u64, value_parser = clap::value_parser!(u64).range(1..))]
    pub(super) max_record_bytes: u64,
}

#[derive(Args, Debug)]
pub(super) struct RulesCheckArgs {
    /// A rule file or a directory of them; default: the shipped rules.
    pub(super) path: Option<PathBuf>,
    /// How to print problems.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub(super) error_format: ErrorFormat,
    /// Exit 1 when there are warnings.
    #[arg(long)]
    pub(super) deny_warnings: bool,
}

#[derive(Args, Debug)]
pub(super) struct RulesTestArgs {
    /// A rule file or a directory of them, e.g. `rules/`; default: the shipped rules.
    pub(super) path: Option<PathBuf>,
    /// How to print problems in the rule files.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    pub(super) error_format: ErrorFormat,
    /// A directory of golden cases (may be given more than once); default: `cases/` beside the rule files.
    #[arg(long, value_name = "DIR")]
    pub(super) cases: Vec<PathBuf>,
    /// Rewrite the expected findings of every case that differs (or has none yet) with what the rules find now.
    #[arg(long, conflicts_with = "new_case")]
    pub(super) accept: bool,
    /// Create a golden case of this name from the export in --from, judged at --as-of, expecting what the rules find now.
    #[arg(long, value_name = "NAME", requires_all = ["from", "as_of"])]
    pub(super) new_case: Option<String>,
    /// With --new-case: the export directory to copy into the case (keep it small).
    #[arg(long, value_name = "DIR", requires = "new_case")]
    pub(super) from: Option<PathBuf>,
    /// With --new-case: the time the case's deadlines are judged at, e.g. 2025-06-01T00:00:00Z.
    #[arg(long, value_name = "TIMESTAMP", requires = "new_case")]
    pub(super) as_of: Option<String>,
}

#[derive(Args, Debug)]
pub(super) struct ExplainArgs {
    /// A rule code such as `REC001` or a diagnostic code such as `E004` (any case).
    #[arg(required_unless_present = "list")]
    pub(super) code: Option<String>,
    /// List every code with its title instead.
    #[arg(long, conflicts_with = "code")]
    pub(super) list: bool,
    /// A rule file or directory of them, e.g. `--rules rules/`; default: the rules shipped in the binary.
    #[arg(long, value_name = "PATH")]
    pub(super) rules: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum SeverityArg {
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
