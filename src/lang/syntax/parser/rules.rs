//! Rules: their clauses, sources and examples, and recovery inside a rule's
//! body.

use super::*;

/// The words that start a clause of a rule body (the language server completes them).
pub const CLAUSE_WORDS: &[&str] = &[
    "source",
    "quote",
    "policy",
    "theme",
    "message",
    "severity",
    "for",
    "where",
    "unless",
    "require",
    "grace",
    "otherwise",
    "applies",
    "needs",
    "example",
];

/// The words that start an item of a rule file.
pub const ITEM_WORDS: &[&str] = &["rule", "group", "define", "calendar", "edition", "audit"];

/// The words that start a line of an audit plan's body.
pub(super) const AUDIT_WORDS: &[&str] = &["source", "stratum"];

pub(super) fn clause(i: In) -> R<Clause> {
    let (i, _) = ws(i)?;
    let start = i;
    let (rest, w) = match word(i) {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a clause such as `require`, `where` or `}`"),
    };
    let i = rest;
    match *w.fragment() {
        "source" => {
            let (i, s) = source(i)?;
            Ok((i, Clause::Source(s)))
        }
        "quote" => {
            let (i, s) = cut_err(expect("the quoted rule text in quotes", string)(i))?;
            Ok((i, Clause::Quote(s)))
        }
        "policy" => {
            let (i, s) = cut_err(expect("the force policy in quotes", string)(i))?;
            Ok((i, Clause::Policy(s)))
        }
        "message" => {
            let (i, s) = cut_err(expect("the finding's message in quotes", string)(i))?;
            Ok((i, Clause::Message(s)))
        }
        "theme" => {
            let (i, t) = cut_err(expect("a theme name such as `timeliness`", rule_name)(i))?;
            Ok((i, Clause::Theme(t)))
        }
        "severity" => {
            let (i, e) = cut_err(expect("a severity such as `high`", choice)(i))?;
            Ok((i, Clause::Severity(e)))
        }
        "for" => {
            let (i, _) = cut_err(kw("each")(i))?;
            let (i, s) = cut_err(subject(i))?;
            Ok((i, Clause::ForEach(s)))
        }
        "where" => {
            let (i, e) = cut_err(expect("a condition", choice)(i))?;
            Ok((i, Clause::Where(e)))
        }
        "unless" => {
            let (i, e) = cut_err(expect("a condition", choice)(i))?;
            Ok((i, Clause::Unless(e)))
        }
        "require" => {
            let (i, e) = cut_err(expect("a condition", choice)(i))?;
            if let Ok((i, _)) = kw("within")(i) {
                let (i, within) = cut_err(expect("a duration such as `24 hours`", choice)(i))?;
                let (i, _) = cut_err(kw("after")(i))?;
                let (i, anchor) = cut_err(expect("the time the deadline counts from", choice)(i))?;
                Ok((
                    i,
                    Clause::Require(Requirement::Deadline {
                        done: e,
                        within,
                        anchor,
                    }),
                ))
            } else {
                Ok((i, Clause::Require(Requirement::Holds(e))))
            }
        }
        "grace" => {
            let (i, span_expr) = cut_err(expect("a duration such as `24 hours`", choice)(i))?;
            let (i, _) = cut_err(kw("after")(i))?;
            let (i, anchor) = cut_err(expect("the time the grace period counts from", choice)(i))?;
            Ok((i, Clause::Grace { span_expr, anchor }))
        }
        "otherwise" => {
            let (i, k) = cut_err(ident("the kind of finding, e.g. `late` or `missing`")(i))?;
            Ok((i, Clause::Otherwise(k)))
        }
        "applies" => {
            let mut dates = [None, None];
            let mut i = i;
            for (n, word) in ["from", "until"].into_iter().enumerate() {
                if let Ok((rest, _)) = kw(word)(i) {
                    let (rest, d) = cut_err(expect("a date like `2018-04-01`", date_text)(rest))?;
                    dates[n] = Some(d);
                    i = rest;
                }
            }
            let [from, until] = dates;
            if from.is_none() && until.is_none() {
                return fail(i, "`from DATE` or `until DATE`");
            }
            let span = span_of(start, i);
            Ok((
                i,
                Clause::Applies(Spanned {
                    node: Applies { from, until },
                    span,
                }),
            ))
        }
        "needs" => {
            let (mut i, first) = cut_err(ident("the name of a field")(i))?;
            let mut fields = vec![first];
            while let Ok((rest, _)) = symbol(",")(i) {
                let (rest, f) = cut_err(ident("the name of a field")(rest))?;
                fields.push(f);
                i = rest;
            }
            Ok((i, Clause::Needs(fields)))
        }
        "example" => {
            let (i, e) = example(start, i)?;
            Ok((i, Clause::Example(e)))
        }
        _ => fail(start, "a clause such as `require`, `where` or `}`"),
    }
}

/// After `source`: `"title, section" at "address"`, the address optional
/// here (the checker says where it is required).
pub(super) fn source(i: In) -> R<Source> {
    let (i, text) = cut_err(expect("the source in quotes", string)(i))?;
    match kw("at")(i) {
        Ok((i, _)) => {
            let (i, address) = cut_err(expect(
                "the source's address in quotes, e.g. `\"https://www.gov.uk/…\"`",
                string,
            )(i))?;
            Ok((
                i,
                Source {
                    text,
                    address: Some(address),
                },
            ))
        }
        Err(_) => Ok((
            i,
            Source {
                text,
                address: None,
            },
        )),
    }
}

pub(super) fn example<'a>(start: In<'a>, i: In<'a>) -> R<'a, Example> {
    let (i, name) = cut_err(expect("the example's name in quotes", string)(i))?;
    let (mut i, _) = cut_err(symbol("{")(i))?;
    let mut as_of = None;
    let mut rows = Vec::new();
    let mut expectation = None;
    loop {
        if let Ok((rest, _)) = symbol("}")(i) {
            i = rest;
            break;
        }
        if let Ok((rest, as_span)) = kw("as")(i) {
            let (rest, _) = cut_err(kw("of")(rest))?;
            let (rest, t) = cut_err(expect("the as-of time in quotes", string)(rest))?;
            if as_of.is_some() {
                return fail_with(
                    as_span.start,
                    "this example already has an `as of` time".into(),
                    "keep one `as of` line in each example".into(),
                );
            }
            as_of = Some(t);
            i = rest;
            continue;
        }
        if let Ok((rest, kw_span)) = kw("expect")(i) {
            let (rest, e) = cut_err(expectation_words(rest))?;
            if expectation.is_some() {
                return fail_with(
                    kw_span.start,
                    "this example already says what should happen".into(),
                    "keep one `expect` line in each example; write a second example for another case".into(),
                );
            }
            expectation = Some(Spanned {
                node: e.node,
                span: kw_span.to(e.span),
            });
            i = rest;
            continue;
        }
        let (rest, table) = cut_err(expect(
            "`incident`, `crime`, `update`, `as of`, `expect` or `}`",
            subject,
        )(i))?;
        let (rest, _) = cut_err(kw("with")(rest))?;
        let mut fields = Vec::new();
        let mut j = rest;
        loop {
            let (r, name) = cut_err(ident("a field name")(j))?;
            let (r, value) = cut_err(expect("the value in quotes", string)(r))?;
            fields.push((name, value));
            j = r;
            match symbol(",")(j) {
                Ok((r, _)) => j = r,
                Err(_) => break,
            }
        }
        rows.push(ExampleRow { table, fields });
        i = j;
    }
    let Some(expect) = expectation else {
        return fail_with(
            start.location_offset(),
            "this example says nothing about what should happen".into(),
            "add a line such as `expect late` or `expect no finding`".into(),
        );
    };
    Ok((
        i,
        Example {
            name,
            as_of,
            rows,
            expect,
            span: span_of(start, i),
        },
    ))
}

pub(super) fn expectation_words(i: In) -> R<Spanned<Expectation>> {
    let (i, _) = ws(i)?;
    let start = i;
    if let Ok((rest, _)) = kw("no")(i) {
        let (rest, _) = cut_err(kw("finding")(rest))?;
        return Ok((
            rest,
            Spanned {
                node: Expectation::Nothing,
                span: span_of(start, rest),
            },
        ));
    }
    let (i, count) = opt(integer)(i)?;
    let (rest, kind) = expect(
        "`no finding`, `pending` or a kind of finding such as `late`",
        ident("a kind of finding"),
    )(i)?;
    let node = if kind.node == "pending" && count.is_none() {
        Expectation::Pending
    } else {
        Expectation::Finding {
            kind: kind.node,
            count: count.map_or(1, |c| u32::try_from(c.node).unwrap_or(u32::MAX)),
        }
    };
    Ok((
        rest,
        Spanned {
            node,
            span: span_of(start, rest),
        },
    ))
}

pub(super) fn line_start_word(text: &str, offset: usize) -> Option<&str> {
    let line = &text[offset..];
    let trimmed = line.trim_start_matches([' ', '\t']);
    let end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    Some(&trimmed[..end])
}

/// The offset of the next line (after `from`) whose first word is one of
/// `words`, or that starts with `}` when `brace` is set.
pub(super) fn next_line_starting(text: &str, from: usize, words: &[&[&str]], brace: bool) -> usize {
    let mut pos = from;
    while let Some(nl) = text[pos..].find('\n') {
        pos += nl + 1;
        let rest = text[pos..].trim_start_matches([' ', '\t']);
        if brace && rest.starts_with('}') {
            return pos;
        }
        if let Some(w) = line_start_word(text, pos)
            && words.iter().any(|ws| ws.contains(&w))
        {
            return pos;
        }
    }
    text.len()
}

/// Skips to byte `offset` of the text (a line start, or the end). Counted
/// in bytes: `take` counts characters, which overshot or, near the end of a
/// text with non-ASCII characters, failed and made no progress at all.
pub(super) fn advance_to(i: In, offset: usize) -> In {
    use nom::Slice;
    let text = i.fragment();
    let mut skip = offset.saturating_sub(i.location_offset()).min(text.len());
    while !text.is_char_boundary(skip) {
        skip += 1;
    }
    i.slice(skip..)
}

/// The lines of a `{ … }` body up to its `}`, each read by `line`. Every
/// error is collected (worded by `error`, which sees the lines read so far)
/// and reading resumes at the next line that starts with one of `words`. A
/// body left open, at the end of the file or where an item starts a line,
/// is reported as `unclosed`.
pub(super) fn body<'a, T>(
    text: &'a str,
    mut i: In<'a>,
    unclosed: SyntaxError,
    words: &[&str],
    mut line: impl FnMut(In<'a>) -> R<'a, T>,
    errors: &mut Vec<SyntaxError>,
    error: impl Fn(&[T], &PErr) -> SyntaxError,
) -> R<'a, Vec<T>> {
    let mut lines = Vec::new();
    loop {
        let (j, _) = ws(i)?;
        let never_closed = j.fragment().is_empty()
            || (line_start_word(text, line_start(text, j.location_offset()))
                .is_some_and(|w| ITEM_WORDS.contains(&w))
                && is_first_on_line(text, j.location_offset()));
        if never_closed {
            errors.push(unclosed);
            return Ok((j, lines));
        }
        if let Ok((rest, _)) = symbol("}")(j) {
            return Ok((rest, lines));
        }
        match line(j) {
            Ok((rest, l)) => {
                lines.push(l);
                i = rest;
            }
            Err(Err::Error(e) | Err::Failure(e)) => {
                errors.push(error(&lines, &e));
                let resume = resume_point(text, j.location_offset(), e.offset, words);
                i = advance_to(j, resume);
            }
            Err(Err::Incomplete(_)) => unreachable!("complete parsers never ask for more input"),
        }
    }
}

/// `rule CODE name "title" { clauses }`, collecting every clause error.
pub(super) fn rule<'a>(text: &'a str, i: In<'a>, errors: &mut Vec<SyntaxError>) -> R<'a, Item> {
    let start = {
        let (i, _) = ws(i)?;
        i
    };
    let (i, _) = kw("rule")(i)?;
    let (i, code) = cut_err(expect(
        "a rule code (capital letters, then digits)",
        rule_code,
    )(i))?;
    let (i, name) = cut_err(expect(
        "a short name such as `late-crime-record`",
        rule_name,
    )(i))?;
    let (i, title) = cut_err(expect("the rule's title in quotes", string)(i))?;
    let (i, open) = cut_err(symbol("{")(i))?;
    let unclosed = SyntaxError {
        span: open,
        message: format!("rule `{}` is never closed", code.node),
        help: "add `}` after the rule's last clause".into(),
    };
    let (i, clauses) = body(
        text,
        i,
        unclosed,
        CLAUSE_WORDS,
        clause,
        errors,
        |clauses, e| {
            run_on_string(text, clauses.last(), e.offset)
                .unwrap_or_else(|| to_syntax_error(text, e))
        },
    )?;
    Ok((
        i,
        Item::Rule(Rule {
            code,
            name,
            title,
            clauses,
            span: span_of(start, i),
        }),
    ))
}
