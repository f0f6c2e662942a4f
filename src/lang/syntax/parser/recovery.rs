//! Syntax errors as users see them, and where reading resumes after one.

use super::*;

/// A string left open swallows the text up to the next `"`, and the error
/// shows where that text ends. When a clause fails on the line where the
/// previous clause's string ended, and that string ran over lines, the
/// cause is most likely its missing closing `"`: point there instead.
pub(super) fn run_on_string(
    text: &str,
    previous: Option<&Clause>,
    error: usize,
) -> Option<SyntaxError> {
    let s = match previous? {
        Clause::Source(s) => s.address.as_ref().unwrap_or(&s.text),
        Clause::Quote(s) | Clause::Policy(s) | Clause::Message(s) => s,
        _ => return None,
    };
    // Only the text between the string and the error is looked at (not
    // all before it, which made many errors quadratic): the lines are
    // counted only for the message.
    let breaks = |from: usize, to: usize| {
        let (from, to) = (from.min(text.len()), to.min(text.len()));
        text.as_bytes()[from.min(to)..to].contains(&b'\n')
    };
    if !breaks(s.span.start, s.span.end) || breaks(s.span.end, error) {
        return None;
    }
    let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let (opened, closed) = (line(s.span.start), line(s.span.end));
    Some(SyntaxError {
        span: Span {
            start: s.span.start,
            end: s.span.start + 1,
        },
        message: format!("this string runs on to line {closed}"),
        help: format!("add its closing `\"` on line {opened}"),
    })
}

/// Where to carry on after a clause that failed at `error`: the line of the
/// error itself when the clause ran on into a line that starts a new clause
/// (a forgotten value), else the next line that starts one.
/// `words` are those that start a line of the body being read.
pub(super) fn resume_point(text: &str, clause_start: usize, error: usize, words: &[&str]) -> usize {
    let error = error.min(text.len());
    if error > clause_start && is_first_on_line(text, error) {
        let rest = text[error..].trim_start_matches([' ', '\t']);
        let starts_clause = rest.starts_with('}')
            || line_start_word(text, error)
                .is_some_and(|w| words.contains(&w) || ITEM_WORDS.contains(&w));
        if starts_clause {
            return line_start(text, error);
        }
    }
    next_line_starting(text, error.max(clause_start), &[words, ITEM_WORDS], true)
}

pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |n| n + 1)
}

pub(super) fn is_first_on_line(text: &str, offset: usize) -> bool {
    text[line_start(text, offset)..offset]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

pub(super) fn to_syntax_error(text: &str, e: &PErr) -> SyntaxError {
    let offset = e.offset.min(text.len());
    let found_end = text[offset..]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(text.len(), |(n, _)| offset + n)
        .max(offset + text[offset..].chars().next().map_or(0, |c| c.len_utf8()));
    let span = Span {
        start: offset,
        end: found_end,
    };
    if let Some((message, help)) = &e.custom {
        return SyntaxError {
            span,
            message: message.clone(),
            help: help.clone(),
        };
    }
    let found = &text[offset..found_end];
    let found = if found.is_empty() {
        "the end of the file".to_string()
    } else {
        format!("`{found}`")
    };
    let expected = match e.expected.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        many => {
            let (last, rest) = many.split_last().unwrap_or((&"", &[]));
            format!("{} or {}", rest.join(", "), last)
        }
    };
    let punctuation =
        expected.starts_with(|c: char| c.is_ascii_punctuation()) && !expected.starts_with('`');
    let keyword = e.expected.len() == 1 && is_keyword_like(e.expected[0]);
    let expected = if punctuation || keyword {
        format!("`{expected}`")
    } else {
        expected
    };
    SyntaxError {
        span,
        message: format!("expected {expected}, found {found}"),
        help: help_for(&e.expected),
    }
}

pub(super) fn is_keyword_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase())
}

pub(super) fn help_for(expected: &[&str]) -> String {
    if expected.contains(&"{") {
        "a rule's clauses go between `{` and `}`".into()
    } else if expected.contains(&"each") {
        "write `for each crime`, `for each incident` or `for each update`".into()
    } else if expected.contains(&"after") {
        "a deadline reads `require recorded_at within 24 hours after report_time`".into()
    } else if expected.contains(&"=") {
        "a group reads `group rape = 19C..19H`".into()
    } else if expected.contains(&PERCENT) {
        "write a percentage with its `%` sign: `half-width 5% expecting 90%`".into()
    } else if expected.contains(&SAMPLE_SIZE)
        || expected.contains(&"where")
        || expected.contains(&"expecting")
    {
        "a stratum reads `stratum violence \"Reports of violence\" where violence_report sample 60`"
            .into()
    } else {
        "see docs/language.md for the grammar".into()
    }
}

/// Parses a whole rule file. Never fails: returns what it read and every
/// error found.
/// The longest expression that reads cleanly from byte `start` of `text`
/// and ends at a word's end no later than byte `end`: what can be salvaged
/// of a clause with a syntax error, so that its names can still be checked
/// in the same pass. A few ends are tried, longest first.
pub fn expression_before(text: &str, start: usize, end: usize) -> Option<Expr> {
    const TRIES: usize = 12;
    let end = end.min(text.len());
    if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
        return None;
    }
    let bytes = text.as_bytes();
    let ends = (start + 1..=end)
        .rev()
        .filter(|&p| {
            !bytes[p - 1].is_ascii_whitespace() && (p == end || bytes[p].is_ascii_whitespace())
        })
        .take(TRIES);
    for p in ends {
        let prefix = &text[..p];
        let i = advance_to(In::new(prefix), start);
        if let Ok((rest, e)) = choice(i)
            && let Ok((rest, ())) = ws(rest)
            && rest.fragment().is_empty()
        {
            return Some(e);
        }
    }
    None
}
