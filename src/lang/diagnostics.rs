//! Rule-file diagnostics: one model, rendered for people (graphical, via
//! miette), for screen readers and logs (plain) and for tools (JSON).
//! Every code is one [`Code`] of the registry ([`codes`]), documented
//! there; `hocr explain` and `docs/diagnostics.md` are made from it.

pub mod codes;

pub use codes::Code;

use crate::vocab::Span;
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
    pub code: Code,
    pub level: Level,
    /// Index of the rule file; `None` for a problem with no file position.
    pub file: Option<usize>,
    pub span: Span,
    pub message: String,
    pub help: String,
}

impl Diagnostic {
    pub fn error(code: Code, file: usize, span: Span, message: String, help: String) -> Self {
        Diagnostic {
            code,
            level: Level::Error,
            file: Some(file),
            span,
            message,
            help,
        }
    }

    pub fn warning(code: Code, file: usize, span: Span, message: String, help: String) -> Self {
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

/// 1-based line and column (in characters) of a byte offset. For one
/// look-up; many in one text go through [`Lines`].
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).line_col(offset)
}

/// Where each line of a text starts, so that each of many offsets is
/// turned into a line and column by a binary search and a count within
/// its line: counting from the start of the text for each diagnostic made
/// `rules check` quadratic in the number of errors.
pub struct Lines<'a> {
    text: &'a str,
    /// The byte offset of each line's first byte (the first is 0).
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|n| n + 1));
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        // The last line starting at or before the offset.
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// The text of a 1-based line without its line break (as
    /// `str::lines` gives it), empty past the end.
    pub fn line(&self, line: usize) -> &'a str {
        let Some(&start) = self.starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let text = &self.text[start..end];
        text.strip_suffix('\r').unwrap_or(text)
    }
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

/// How many diagnostics are shown on screen (`human`, `plain`); the rest
/// are counted in one line. JSON, for tools, always has every one.
pub const SHOWN: usize = 50;

/// Renders diagnostics in the chosen format, errors and warnings in the
/// order given (callers sort them by file and position). On screen, only
/// the first [`SHOWN`] are rendered and the rest counted: a rule file with
/// a hundred thousand errors gets the first ones and a count, not a
/// hundred thousand pages.
pub fn render(diags: &[Diagnostic], sources: &[Source], format: ErrorFormat) -> String {
    let lines: Vec<Lines> = sources.iter().map(|s| Lines::new(s.text)).collect();
    let mut out = String::new();
    let shown = match format {
        ErrorFormat::Json => diags.len(),
        ErrorFormat::Human | ErrorFormat::Plain => diags.len().min(SHOWN),
    };
    for d in &diags[..shown] {
        match format {
            ErrorFormat::Plain => out.push_str(&plain(d, sources, &lines)),
            ErrorFormat::Human => out.push_str(&human(d, sources, &lines)),
            ErrorFormat::Json => {
                out.push_str(&json(d, sources, &lines));
                out.push('\n');
            }
        }
    }
    if shown < diags.len() {
        let rest = &diags[shown..];
        out.push_str(&format!(
            "… and {} more ({}; `--error-format json` lists every one)\n\n",
            rest.len(),
            summary(rest)
        ));
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

fn plain(d: &Diagnostic, sources: &[Source], lines: &[Lines]) -> String {
    let level = match d.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let (Some(src), Some(index)) = (
        d.file.and_then(|f| sources.get(f)),
        d.file.and_then(|f| lines.get(f)),
    ) else {
        return format!("{level}[{}]: {}\n  help: {}\n\n", d.code, d.message, d.help);
    };
    let (line, col) = index.line_col(d.span.start);
    let line_text = index.line(line);
    let width = {
        let (end_line, end_col) = index.line_col(d.span.end);
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

fn human(d: &Diagnostic, sources: &[Source], lines: &[Lines]) -> String {
    let (Some(src), Some(index)) = (
        d.file.and_then(|f| sources.get(f)),
        d.file.and_then(|f| lines.get(f)),
    ) else {
        return plain(d, sources, lines);
    };
    let (line, col) = index.line_col(d.span.start);
    let pretty = Pretty {
        message: d.message.clone(),
        src: miette::NamedSource::new(format!("{}:{line}:{col}", src.name), src.text.to_string()),
        at: (d.span.start, d.span.end.saturating_sub(d.span.start).max(1)).into(),
        label: "here".into(),
        help: d.help.clone(),
        code: d.code.as_str().into(),
        severity: match d.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        },
    };
    let mut out = String::new();
    let handler = miette::GraphicalReportHandler::new();
    if handler.render_report(&mut out, &pretty).is_err() {
        return plain(d, sources, lines);
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

fn json(d: &Diagnostic, sources: &[Source], lines: &[Lines]) -> String {
    let src = d.file.and_then(|f| sources.get(f));
    let index = d.file.and_then(|f| lines.get(f));
    let start = index.map(|l| l.line_col(d.span.start));
    let end = index.map(|l| l.line_col(d.span.end));
    serde_json::to_string(&JsonDiag {
        code: d.code.as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::suggest::did_you_mean;

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

    /// The index gives what counting from the start of the text gives,
    /// at every offset (mid-character ones too) and for every line.
    #[test]
    fn line_index_agrees_with_counting() {
        let text = "ab\r\n\ncé\u{1F600}d\n\nlast";
        let index = Lines::new(text);
        for offset in 0..=text.len() + 2 {
            let at = floor_char_boundary(text, offset.min(text.len()));
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |n| n + 1);
            let col = text[start..at].chars().count() + 1;
            assert_eq!(index.line_col(offset), (line, col), "offset {offset}");
        }
        for (n, want) in text.lines().enumerate() {
            assert_eq!(index.line(n + 1), want);
        }
        assert_eq!(index.line(99), "");
        assert_eq!(index.line(0), "");
    }

    #[test]
    fn plain_has_position_caret_and_help() {
        let text = "rule X1 a \"t\" {\n  require recored_at is present\n}\n";
        let d = Diagnostic::error(
            Code::E002,
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
