//! Rule-file diagnostics: one model, rendered for people (graphical, via
//! miette), for screen readers and logs (plain) and for tools (JSON).
//! Every code is one [`Code`] of the registry ([`codes`]), documented
//! there; `hocr explain` and `docs/diagnostics.md` are made from it.

pub mod codes;

pub use codes::Code;

use crate::syntax::ast::Span;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code: `E0xx` errors, `W0xx` warnings.
    pub code: &'static str,
    pub level: Level,
    /// Index of the rule file; `None` for a problem with no file position.
    pub file: Option<usize>,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        file: usize,
        span: Span,
        message: String,
        help: String,
    ) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            file: Some(file),
            span,
            message,
            help,
        }
    }

    pub fn warning(
        code: &'static str,
        file: usize,
        span: Span,
        message: String,
        help: String,
    ) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, file, span, message, help)
        }
    }
}

/// A file's name and text, as diagnostics need them.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorFormat {
    /// Colour, source excerpt and underline (when writing to a terminal).
    Human,
    /// One block per problem in plain text: for screen readers and logs.
    Plain,
    /// One JSON object per line: for editors and CI.
    Json,
}

/// Renders diagnostics in the chosen format, errors and warnings in the
/// order given (callers sort them by file and position).
pub fn render(diags: &[Diagnostic], sources: &[Source], format: ErrorFormat) -> String {
    let mut out = String::new();
    for d in diags {
        match format {
            ErrorFormat::Plain => out.push_str(&plain(d, sources)),
            ErrorFormat::Human => out.push_str(&human(d, sources)),
            ErrorFormat::Json => {
                out.push_str(&json(d, sources));
                out.push('\n');
            }
        }
    }
    out
}

/// The summary line after a run of `rules check`.
pub fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} and {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn plain(d: &Diagnostic, sources: &[Source]) -> String {
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let Some(src) = d.file.and_then(|f| sources.get(f)) else {
        return format!("{level}[{}]: {}\n  help: {}\n\n", d.code, d.message, d.help);
    };
    let (line, col) = line_col(src.text, d.span.start);
    let line_text = src.text.lines().nth(line - 1).unwrap_or("");
    let width = {
        let (end_line, end_col) = line_col(src.text, d.span.end);
        if end_line == line && end_col > col {
            end_col - col
        } else {
            1
        }
    };
    let gutter = line.to_string().len();
    format!(
        "{file}:{line}:{col}: {level}[{code}]: {message}\n{pad} |\n{line} | {text}\n{pad} | {space}{carets}\n{pad} = help: {help}\n\n",
        file = src.name,
        code = d.code,
        message = d.message,
        pad = " ".repeat(gutter),
        text = line_text,
        space = " ".repeat(col - 1),
        carets = "^".repeat(width),
        help = d.help,
    )
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
struct Pretty {
    message: String,
    #[source_code]
    src: miette::NamedSource<String>,
    #[label("{label}")]
    at: miette::SourceSpan,
    label: String,
    #[help]
    help: String,
    #[diagnostic(code)]
    code: String,
    #[diagnostic(severity)]
    severity: miette::Severity,
}

fn human(d: &Diagnostic, sources: &[Source]) -> String {
    let Some(src) = d.file.and_then(|f| sources.get(f)) else {
        return plain(d, sources);
    };
    let (line, col) = line_col(src.text, d.span.start);
    let pretty = Pretty {
        message: d.message.clone(),
        src: miette::NamedSource::new(format!("{}:{line}:{col}", src.name), src.text.to_string()),
        at: (d.span.start, d.span.end.saturating_sub(d.span.start).max(1)).into(),
        label: "here".into(),
        help: d.help.clone(),
        code: d.code.into(),
        severity: match d.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        },
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new();
    if handler.render_report(&mut out, &pretty).is_err() {
        return plain(d, sources);
    }
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    code: &'a str,
    level: Level,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    message: &'a str,
    help: &'a str,
}

fn json(d: &Diagnostic, sources: &[Source]) -> String {
    let src = d.file.and_then(|f| sources.get(f));
    let start = src.map(|s| line_col(s.text, d.span.start));
    let end = src.map(|s| line_col(s.text, d.span.end));
    serde_json::to_string(&JsonDiag {
        code: d.code,
        level: d.level,
        file: src.map(|s| s.name),
        line: start.map(|p| p.0),
        column: start.map(|p| p.1),
        end_line: end.map(|p| p.0),
        end_column: end.map(|p| p.1),
        message: &d.message,
        help: &d.help,
    })
    .unwrap_or_default()
}

/// The documentation of one diagnostic code, from the registry
/// ([`codes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeDoc {
    pub code: &'static str,
    pub title: &'static str,
    /// What it means and how to fix it, as written (Markdown).
    pub body: &'static str,
}

impl From<Code> for CodeDoc {
    fn from(code: Code) -> CodeDoc {
        CodeDoc {
            code: code.as_str(),
            title: code.title(),
            body: code.doc(),
        }
    }
}

/// Every diagnostic code, in the order of the registry.
pub fn documented() -> impl Iterator<Item = CodeDoc> {
    Code::ALL.iter().map(|&c| CodeDoc::from(c))
}

/// The documentation of a diagnostic code (any case), if it has one.
pub fn doc(code: &str) -> Option<CodeDoc> {
    Code::parse(code).map(CodeDoc::from)
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(prev + usize::from(ca != cb));
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The closest candidate, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| {
            (
                distance(&word.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let fields = ["recorded_at", "reported_at", "offence_code"];
        assert_eq!(did_you_mean("recored_at", fields), Some("recorded_at"));
        assert_eq!(did_you_mean("ofence_code", fields), Some("offence_code"));
        assert_eq!(did_you_mean("banana", fields), None);
    }

    #[test]
    fn every_code_is_documented_once() {
        let codes: Vec<&str> = documented().map(|d| d.code).collect();
        assert!(codes.len() >= 20, "{codes:?}");
        for (n, c) in codes.iter().enumerate() {
            assert!(!codes[n + 1..].contains(c), "{c} is documented twice");
            assert!(doc(c).is_some_and(|d| !d.title.is_empty() && !d.body.is_empty()));
        }
        assert_eq!(doc("e004").map(|d| d.title), Some("type mismatch"));
    }

    #[test]
    fn plain_has_position_caret_and_help() {
        let text = "rule X1 a \"t\" {\n  require recored_at is present\n}\n";
        let d = Diagnostic::error(
            "E002",
            0,
            Span { start: 26, end: 36 },
            "unknown field `recored_at`".into(),
            "did you mean `recorded_at`?".into(),
        );
        let out = render(
            &[d],
            &[Source {
                name: "rules/a.hocr",
                text,
            }],
            ErrorFormat::Plain,
        );
        assert_eq!(
            out,
            "rules/a.hocr:2:11: error[E002]: unknown field `recored_at`\n  |\n2 |   require recored_at is present\n  |           ^^^^^^^^^^\n  = help: did you mean `recorded_at`?\n\n"
        );
    }
}
