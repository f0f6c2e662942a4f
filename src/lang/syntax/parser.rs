//! Step one: rule text to syntax tree, with nom.
//!
//! The parser never fails as a whole: it returns the tree of everything it
//! could read and a list of every syntax error. After an error it skips to
//! the next line that starts a clause or an item and carries on, so an
//! author sees all their mistakes at once.

use super::ast::*;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{opt, peek, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::pair;
use nom::{Err, IResult};
use nom_locate::LocatedSpan;

pub type In<'a> = LocatedSpan<&'a str>;
type R<'a, T> = IResult<In<'a>, T, PErr>;

/// Nesting deeper than this gets a diagnostic instead of a stack overflow.
const MAX_DEPTH: usize = 64;

/// A syntax error: where, what was wrong, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// nom's error type for this grammar: the furthest position reached and
/// what would have been accepted there.
#[derive(Clone, Debug)]
pub struct PErr {
    pub offset: usize,
    pub expected: Vec<&'static str>,
    /// Set for errors that are not "expected …" (an unterminated string).
    pub custom: Option<(String, String)>,
}

impl<'a> ParseError<In<'a>> for PErr {
    fn from_error_kind(input: In<'a>, _kind: ErrorKind) -> Self {
        PErr {
            offset: input.location_offset(),
            expected: Vec::new(),
            custom: None,
        }
    }
    fn append(_input: In<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        // Keep what got furthest; at a tie, merge the expectations.
        match self.offset.cmp(&other.offset) {
            std::cmp::Ordering::Greater => self,
            std::cmp::Ordering::Less => other,
            std::cmp::Ordering::Equal => {
                let mut expected = self.expected;
                for e in other.expected {
                    if !expected.contains(&e) {
                        expected.push(e);
                    }
                }
                PErr {
                    offset: self.offset,
                    expected,
                    custom: self.custom.or(other.custom),
                }
            }
        }
    }
}

fn fail<'a, T>(i: In<'a>, expected: &'static str) -> R<'a, T> {
    Err(Err::Error(PErr {
        offset: i.location_offset(),
        expected: vec![expected],
        custom: None,
    }))
}

fn fail_with<T>(offset: usize, message: String, help: String) -> Result<T, Err<PErr>> {
    Err(Err::Failure(PErr {
        offset,
        expected: Vec::new(),
        custom: Some((message, help)),
    }))
}

/// Turns a soft error into a hard one: after a keyword, the rest must follow.
fn cut_err<T>(r: R<T>) -> R<T> {
    match r {
        Err(Err::Error(e)) => Err(Err::Failure(e)),
        other => other,
    }
}

fn span_of(start: In, end: In) -> Span {
    Span {
        start: start.location_offset(),
        end: end.location_offset(),
    }
}

// ---------------------------------------------------------------- lexical

/// Skips white space and `#` comments.
pub fn ws(mut i: In) -> R<()> {
    loop {
        let (rest, _) = take_while(|c: char| c.is_whitespace())(i)?;
        i = rest;
        if i.fragment().starts_with('#') {
            let (rest, _) = take_while(|c: char| c != '\n')(i)?;
            i = rest;
        } else {
            return Ok((i, ()));
        }
    }
}

const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "any",
    "after",
    "applies",
    "as",
    "contains",
    "count",
    "define",
    "each",
    "else",
    "empty",
    "example",
    "expect",
    "false",
    "for",
    "grace",
    "in",
    "is",
    "message",
    "needs",
    "no",
    "not",
    "of",
    "or",
    "otherwise",
    "present",
    "policy",
    "quote",
    "require",
    "rule",
    "severity",
    "source",
    "theme",
    "true",
    "unless",
    "when",
    "where",
    "with",
    "within",
];

fn is_ident_start(c: char) -> bool {
    c.is_ascii_lowercase() || c == '_'
}
fn is_ident_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

/// A bare word: `[A-Za-z_][A-Za-z0-9_-]*`, for keywords and names.
fn word(i: In) -> R<In> {
    let (i, _) = ws(i)?;
    recognize(pair(
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
    ))(i)
}

/// A keyword, matched as a whole word.
fn kw<'a>(k: &'static str) -> impl FnMut(In<'a>) -> R<'a, Span> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        match word(i) {
            Ok((rest, w)) if *w.fragment() == k => Ok((rest, span_of(i, rest))),
            _ => fail(i, k),
        }
    }
}

fn at_kw(i: In, k: &'static str) -> bool {
    kw(k)(i).is_ok()
}

/// A lower-case name: fields, groups, themes, kinds. Never a keyword.
fn ident<'a>(what: &'static str) -> impl FnMut(In<'a>) -> R<'a, Name> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        let (rest, w) = match recognize(pair(
            satisfy::<_, In, PErr>(is_ident_start),
            take_while(is_ident_char),
        ))(i)
        {
            Ok(ok) => ok,
            Err(_) => return fail(i, what),
        };
        // A name runs to the end of the word: `crime-x` is not `crime`.
        if rest
            .fragment()
            .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
            || KEYWORDS.contains(w.fragment())
        {
            return fail(i, what);
        }
        Ok((
            rest,
            Spanned {
                node: w.fragment().to_string(),
                span: span_of(i, rest),
            },
        ))
    }
}

/// A double-quoted string; `\"` and `\\` escape, new lines are kept.
fn string(i: In) -> R<Spanned<String>> {
    let (i, _) = ws(i)?;
    let start = i;
    let (mut i, _) = match char::<In, PErr>('"')(i) {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a quoted string"),
    };
    let mut out = String::new();
    loop {
        let mut chars = i.fragment().chars();
        match chars.next() {
            None => {
                return fail_with(
                    start.location_offset(),
                    "this string is never closed".into(),
                    "add a closing `\"`; write `\\\"` for a quote inside the text".into(),
                );
            }
            Some('"') => {
                let (rest, _) = char('"')(i)?;
                return Ok((
                    rest,
                    Spanned {
                        node: out,
                        span: span_of(start, rest),
                    },
                ));
            }
            Some('\\') => {
                let next = chars.next();
                match next {
                    Some(c @ ('"' | '\\')) => {
                        out.push(c);
                        // The backslash and the character after it.
                        let (rest, _) = take_n(i, 2)?;
                        i = rest;
                    }
                    _ => {
                        return fail_with(
                            i.location_offset(),
                            "unknown escape in a string".into(),
                            "only `\\\"` and `\\\\` are escapes; write other text as it is".into(),
                        );
                    }
                }
            }
            Some(c) => {
                out.push(c);
                let (rest, _) = take_n(i, 1)?;
                i = rest;
            }
        }
    }
}

/// The next `n` characters (not bytes: nom counts a text's characters).
fn take_n(i: In, n: usize) -> R<In> {
    nom::bytes::complete::take(n)(i)
}

fn integer(i: In) -> R<Spanned<i64>> {
    let (i, _) = ws(i)?;
    let (rest, digits) = match digit1::<In, PErr>(i) {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a number"),
    };
    if rest
        .fragment()
        .starts_with(|c: char| c.is_ascii_alphabetic())
    {
        return fail(i, "a number");
    }
    match digits.fragment().parse::<i64>() {
        Ok(n) => Ok((
            rest,
            Spanned {
                node: n,
                span: span_of(i, rest),
            },
        )),
        Err(_) => fail_with(
            i.location_offset(),
            "this number is too large".into(),
            "use a number below 9223372036854775808".into(),
        ),
    }
}

fn symbol<'a>(s: &'static str) -> impl FnMut(In<'a>) -> R<'a, Span> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        match tag::<&str, In, PErr>(s)(i) {
            Ok((rest, _)) => Ok((rest, span_of(i, rest))),
            Err(_) => fail(i, s),
        }
    }
}

/// Runs `p`; if it fails softly, fails hard saying `what` was expected.
fn expect<'a, T>(
    what: &'static str,
    mut p: impl FnMut(In<'a>) -> R<'a, T>,
) -> impl FnMut(In<'a>) -> R<'a, T> {
    move |i: In<'a>| match p(i) {
        Err(Err::Error(e)) => {
            let (j, _) = ws(i)?;
            let e = if e.offset > j.location_offset() && !e.expected.is_empty() {
                e
            } else {
                PErr {
                    offset: j.location_offset(),
                    expected: vec![what],
                    custom: None,
                }
            };
            Err(Err::Failure(e))
        }
        other => other,
    }
}

// ---------------------------------------------------------------- codes

fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '-' | '*' | '?')
}

/// A bare code in a group: `8N`, `4/1`, `4.1`, `CRIME-*`. A `.` belongs to
/// the code unless it starts `..`.
fn bare_code(i: In) -> R<In> {
    let (i, _) = ws(i)?;
    let text = i.fragment();
    let mut end = 0;
    let bytes = text.as_bytes();
    while end < bytes.len() {
        let c = bytes[end] as char;
        let dot_inside = c == '.'
            && end > 0
            && bytes
                .get(end + 1)
                .is_some_and(|n| (*n as char).is_ascii_alphanumeric());
        if is_code_char(c) || dot_inside {
            end += 1;
        } else {
            break;
        }
    }
    if end == 0 {
        return fail(i, "a code");
    }
    take_n(i, end)
}

fn member(i: In) -> R<Spanned<Member>> {
    let (i, _) = ws(i)?;
    let start = i;
    if let Ok((rest, s)) = string(i) {
        return Ok((
            rest,
            Spanned {
                node: Member::Code {
                    text: s.node,
                    quoted: true,
                },
                span: span_of(start, rest),
            },
        ));
    }
    let (rest, first) = expect("a code, a range like `19C..19H` or a group name", bare_code)(i)?;
    if let Ok((rest, _)) = tag::<&str, In, PErr>("..")(rest) {
        let (rest, last) = expect("the code that ends the range", bare_code)(rest)?;
        return Ok((
            rest,
            Spanned {
                node: Member::Range(first.fragment().to_string(), last.fragment().to_string()),
                span: span_of(start, rest),
            },
        ));
    }
    let text = first.fragment().to_string();
    let is_word = text.starts_with(is_ident_start) && text.chars().all(is_ident_char);
    let node = if is_word {
        Member::Word(text)
    } else {
        Member::Code {
            text,
            quoted: false,
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

// ---------------------------------------------------------------- items

fn edition(i: In) -> R<Item> {
    let (i, _) = kw("edition")(i)?;
    let (i, s) = cut_err(expect(
        "the edition in quotes, e.g. `\"HOCR April 2025\"`",
        string,
    )(i))?;
    Ok((i, Item::Edition(s)))
}

fn group(i: In) -> R<Item> {
    let (i, _) = kw("group")(i)?;
    let (i, name) = cut_err(ident("a group name")(i))?;
    let (i, _) = cut_err(symbol("=")(i))?;
    let (mut i, first) = cut_err(member(i))?;
    let mut members = vec![first];
    while let Ok((rest, _)) = symbol(",")(i) {
        let (rest, m) = cut_err(member(rest))?;
        members.push(m);
        i = rest;
    }
    Ok((i, Item::Group(Group { name, members })))
}

fn date(i: In) -> R<Spanned<chrono::NaiveDate>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match recognize(pair(
        digit1::<In, PErr>,
        pair(pair(char('-'), digit1), pair(char('-'), digit1)),
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a date like `2025-12-25`"),
    };
    match chrono::NaiveDate::parse_from_str(text.fragment(), "%Y-%m-%d") {
        Ok(d) => Ok((
            rest,
            Spanned {
                node: d,
                span: span_of(i, rest),
            },
        )),
        Err(_) => fail_with(
            i.location_offset(),
            format!("`{}` is not a date", text.fragment()),
            "write dates as year-month-day, e.g. `2025-12-25`".into(),
        ),
    }
}

/// A word where a date belongs, as written: whether it is a date is the
/// checker's to say (E018), so that a wrong date gets its own diagnostic.
fn date_text(i: In) -> R<Spanned<String>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match take_while1::<_, In, PErr>(|c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | ':' | '_')
    })(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a date like `2018-04-01`"),
    };
    Ok((
        rest,
        Spanned {
            node: text.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}

fn year(i: In) -> R<Spanned<i32>> {
    let (rest, n) = integer(i)?;
    let y = i32::try_from(n.node).unwrap_or(i32::MAX);
    if !(1900..=2999).contains(&y) {
        return fail_with(
            n.span.start,
            "this is not a year".into(),
            "write a year such as `2025`".into(),
        );
    }
    Ok((
        rest,
        Spanned {
            node: y,
            span: n.span,
        },
    ))
}

fn calendar(i: In) -> R<Item> {
    let (i, _) = kw("calendar")(i)?;
    let (i, name) = cut_err(ident("a calendar name")(i))?;
    let (i, covers) = if let Ok((i, _)) = kw("covers")(i) {
        let (i, from) = cut_err(expect("the first year covered", year)(i))?;
        let (i, _) = cut_err(kw("to")(i))?;
        let (i, to) = cut_err(expect("the last year covered", year)(i))?;
        (i, Some((from, to)))
    } else {
        (i, None)
    };
    let (mut i, _) = cut_err(symbol("{")(i))?;
    let mut days = Vec::new();
    loop {
        if let Ok((rest, _)) = symbol("}")(i) {
            i = rest;
            break;
        }
        let (rest, d) = cut_err(expect("a date like `2025-12-25` or `}`", date)(i))?;
        let (rest, label) = opt(string)(rest)?;
        days.push(Holiday { date: d, label });
        i = rest;
    }
    Ok((i, Item::Calendar(Calendar { name, covers, days })))
}

fn subject(i: In) -> R<Spanned<Subject>> {
    let (i, _) = ws(i)?;
    let start = i;
    for (words, s) in [
        (&["incident"][..], Subject::Incident),
        (&["crime"][..], Subject::Crime),
        (&["update"][..], Subject::Update),
        (&["timestamp"][..], Subject::Timestamp),
        (&["optional", "value"][..], Subject::OptionalValue),
    ] {
        let mut j = i;
        let mut ok = true;
        for w in words {
            match word(j) {
                Ok((rest, got)) if got.fragment() == w => j = rest,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Ok((
                j,
                Spanned {
                    node: s,
                    span: span_of(start, j),
                },
            ));
        }
    }
    fail(
        i,
        "`incident`, `crime`, `update`, `timestamp` or `optional value`",
    )
}

fn define(i: In) -> R<Item> {
    let (i, _) = kw("define")(i)?;
    let (i, name) = cut_err(ident("a name for the definition")(i))?;
    let (i, _) = cut_err(kw("for")(i))?;
    let (i, _) = cut_err(kw("each")(i))?;
    let (i, subject) = cut_err(subject(i))?;
    let (i, _) = cut_err(kw("as")(i))?;
    let (i, value) = cut_err(expect("an expression", choice)(i))?;
    Ok((
        i,
        Item::Define(Define {
            name,
            subject,
            value,
        }),
    ))
}

fn rule_code(i: In) -> R<Name> {
    let (i, _) = ws(i)?;
    let (rest, w) = match recognize(pair(
        take_while1::<_, In, PErr>(|c: char| c.is_ascii_uppercase()),
        digit1,
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a rule code (capital letters, then digits)"),
    };
    if rest
        .fragment()
        .starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return fail(i, "a rule code (capital letters, then digits)");
    }
    Ok((
        rest,
        Spanned {
            node: w.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}

fn rule_name(i: In) -> R<Name> {
    let (i, _) = ws(i)?;
    let (rest, w) = match recognize(pair(
        satisfy::<_, In, PErr>(|c| c.is_ascii_lowercase()),
        take_while(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a short name such as `late-crime-record`"),
    };
    Ok((
        rest,
        Spanned {
            node: w.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}

// ---------------------------------------------------------------- rules

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
const AUDIT_WORDS: &[&str] = &["source", "stratum"];

fn clause(i: In) -> R<Clause> {
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
fn source(i: In) -> R<Source> {
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

fn example<'a>(start: In<'a>, i: In<'a>) -> R<'a, Example> {
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

fn expectation_words(i: In) -> R<Spanned<Expectation>> {
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

fn line_start_word(text: &str, offset: usize) -> Option<&str> {
    let line = &text[offset..];
    let trimmed = line.trim_start_matches([' ', '\t']);
    let end = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    Some(&trimmed[..end])
}

/// The offset of the next line (after `from`) whose first word is one of
/// `words`, or that starts with `}` when `brace` is set.
fn next_line_starting(text: &str, from: usize, words: &[&[&str]], brace: bool) -> usize {
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
fn advance_to(i: In, offset: usize) -> In {
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
fn body<'a, T>(
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
fn rule<'a>(text: &'a str, i: In<'a>, errors: &mut Vec<SyntaxError>) -> R<'a, Item> {
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

// ---------------------------------------------------------------- audit plans

const PERCENT: &str = "a percentage such as `5%`";

/// A percentage as written: `5%`, `2.5%`.
fn percent(i: In) -> R<Spanned<f64>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match recognize(pair(digit1::<In, PErr>, opt(pair(char('.'), digit1))))(i) {
        Ok(ok) => ok,
        Err(_) => return fail(i, PERCENT),
    };
    let Ok((rest, _)) = char::<In, PErr>('%')(rest) else {
        return fail(i, PERCENT);
    };
    match text.fragment().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((
            rest,
            Spanned {
                node: n,
                span: span_of(i, rest),
            },
        )),
        _ => fail(i, PERCENT),
    }
}

const SAMPLE_SIZE: &str = "`sample 60` or `half-width 5% expecting 90%`";

/// `sample 60` or `half-width 5% expecting 90%`.
fn sample_size(i: In) -> R<SampleSize> {
    if let Ok((i, _)) = kw("sample")(i) {
        let (i, n) = cut_err(expect("how many incidents to sample, e.g. `60`", integer)(
            i,
        ))?;
        return Ok((i, SampleSize::Count(n)));
    }
    if let Ok((i, _)) = kw("half-width")(i) {
        let (i, half_width) = cut_err(expect(PERCENT, percent)(i))?;
        let (i, _) = cut_err(kw("expecting")(i))?;
        let (i, expected) = cut_err(expect(PERCENT, percent)(i))?;
        return Ok((
            i,
            SampleSize::HalfWidth {
                half_width,
                expected,
            },
        ));
    }
    Err(Err::Failure(PErr {
        offset: ws(i)?.0.location_offset(),
        expected: vec![SAMPLE_SIZE],
        custom: None,
    }))
}

/// `stratum NAME "label" where CONDITION sample N`, after `stratum`.
fn stratum(i: In) -> R<Stratum> {
    let (i, name) = cut_err(ident("a name for the stratum, e.g. `violence`")(i))?;
    let (i, label) = opt(string)(i)?;
    let (i, _) = cut_err(kw("where")(i))?;
    let (i, filter) = cut_err(expect("a condition about each incident", choice)(i))?;
    let (i, size) = sample_size(i)?;
    Ok((
        i,
        Stratum {
            name,
            label,
            filter,
            size,
        },
    ))
}

fn audit_line(i: In) -> R<AuditLine> {
    let (i, _) = ws(i)?;
    let start = i;
    match word(i) {
        Ok((rest, w)) if *w.fragment() == "source" => {
            let (rest, s) = source(rest)?;
            Ok((rest, AuditLine::Source(s)))
        }
        Ok((rest, w)) if *w.fragment() == "stratum" => {
            let (rest, s) = stratum(rest)?;
            Ok((rest, AuditLine::Stratum(s)))
        }
        _ => fail(start, "`stratum`, `source` or `}`"),
    }
}

/// `audit name "title" { lines }`, collecting every line's error.
fn audit<'a>(text: &'a str, i: In<'a>, errors: &mut Vec<SyntaxError>) -> R<'a, Item> {
    let start = {
        let (i, _) = ws(i)?;
        i
    };
    let (i, _) = kw("audit")(i)?;
    let (i, name) = cut_err(expect(
        "a short name for the plan such as `recording-audit`",
        rule_name,
    )(i))?;
    let (i, title) = cut_err(expect("the plan's title in quotes", string)(i))?;
    let (i, open) = cut_err(symbol("{")(i))?;
    let unclosed = SyntaxError {
        span: open,
        message: format!("audit plan `{}` is never closed", name.node),
        help: "add `}` after the plan's last stratum".into(),
    };
    let (i, lines) = body(
        text,
        i,
        unclosed,
        AUDIT_WORDS,
        audit_line,
        errors,
        |_, e| to_syntax_error(text, e),
    )?;
    Ok((
        i,
        Item::Audit(Audit {
            name,
            title,
            lines,
            span: span_of(start, i),
        }),
    ))
}

/// A string left open swallows the text up to the next `"`, and the error
/// shows where that text ends. When a clause fails on the line where the
/// previous clause's string ended, and that string ran over lines, the
/// cause is most likely its missing closing `"`: point there instead.
fn run_on_string(text: &str, previous: Option<&Clause>, error: usize) -> Option<SyntaxError> {
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
fn resume_point(text: &str, clause_start: usize, error: usize, words: &[&str]) -> usize {
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

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |n| n + 1)
}

fn is_first_on_line(text: &str, offset: usize) -> bool {
    text[line_start(text, offset)..offset]
        .chars()
        .all(|c| c == ' ' || c == '\t')
}

fn to_syntax_error(text: &str, e: &PErr) -> SyntaxError {
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

fn is_keyword_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase())
}

fn help_for(expected: &[&str]) -> String {
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

pub fn parse_file(text: &str) -> (File, Vec<SyntaxError>) {
    let mut errors = Vec::new();
    let mut items = Vec::new();
    let mut i = In::new(text);
    while let Ok((j, _)) = ws(i) {
        if j.fragment().is_empty() {
            break;
        }
        let result = if at_kw(j, "rule") {
            rule(text, j, &mut errors)
        } else if at_kw(j, "audit") {
            audit(text, j, &mut errors)
        } else {
            alt((edition, group, calendar, define))(j).map_err(|e| match e {
                Err::Error(mut p) if p.offset == j.location_offset() => {
                    p.expected =
                        vec!["`rule`, `group`, `define`, `calendar`, `audit` or `edition`"];
                    Err::Error(p)
                }
                other => other,
            })
        };
        match result {
            Ok((rest, item)) => {
                items.push(item);
                i = rest;
            }
            Err(Err::Error(e) | Err::Failure(e)) => {
                errors.push(to_syntax_error(text, &e));
                let resume = next_line_starting(
                    text,
                    e.offset.max(j.location_offset()),
                    &[ITEM_WORDS],
                    false,
                );
                i = advance_to(j, resume);
            }
            Err(Err::Incomplete(_)) => unreachable!("complete parsers never ask for more input"),
        }
    }
    (File { items }, errors)
}

// ---------------------------------------------------------------- expressions

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Bounds nesting so hostile input gets a diagnostic, not a stack overflow.
fn nested<'a, T>(i: In<'a>, p: impl FnOnce(In<'a>) -> R<'a, T>) -> R<'a, T> {
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    let result = if depth > MAX_DEPTH {
        fail_with(
            i.location_offset(),
            "this expression is nested too deeply".into(),
            format!("split it up; at most {MAX_DEPTH} levels of nesting are allowed"),
        )
    } else {
        p(i)
    };
    DEPTH.with(|d| d.set(d.get() - 1));
    result
}

/// Each further operand of an `and`, `or`, `+` or `-` chain makes the tree
/// one level deeper, so it counts against the same bound as nesting; the
/// levels are given back when the chain ends, however it ends.
struct Chain {
    added: usize,
}

impl Chain {
    fn new() -> Chain {
        Chain { added: 0 }
    }

    /// One more operand, or an error at `i` when the tree would be too deep.
    fn deeper<'a>(&mut self, i: In<'a>) -> R<'a, ()> {
        self.added += 1;
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        if depth > MAX_DEPTH {
            return fail_with(
                i.location_offset(),
                "this expression is nested too deeply".into(),
                format!(
                    "split it up (a group or a `define` helps); at most {MAX_DEPTH} levels of nesting are allowed, each further `and`, `or`, `+` or `-` counting as one"
                ),
            );
        }
        Ok((i, ()))
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - self.added));
    }
}

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

/// `A when C, B when D, else E`, or just an `or` expression.
pub fn choice(i: In) -> R<Expr> {
    nested(i, |i| {
        let (i, first) = or_expr(i)?;
        let Ok((mut i, _)) = kw("when")(i) else {
            return Ok((i, first));
        };
        let (rest, cond) = cut_err(expect("a condition", or_expr)(i))?;
        i = rest;
        let mut arms = vec![(first, cond)];
        loop {
            let (rest, _) = cut_err(expect("`, else …` to finish the choice", symbol(","))(i))?;
            if let Ok((rest, _)) = kw("else")(rest) {
                let (rest, default) = cut_err(expect("the value otherwise", or_expr)(rest))?;
                let span = arms[0].0.span.to(default.span);
                return Ok((rest, expr(ExprKind::Choice(arms, Box::new(default)), span)));
            }
            let (rest, value) = cut_err(expect("a value or `else`", or_expr)(rest))?;
            let (rest, _) = cut_err(kw("when")(rest))?;
            let (rest, cond) = cut_err(expect("a condition", or_expr)(rest))?;
            arms.push((value, cond));
            i = rest;
        }
    })
}

fn or_expr(i: In) -> R<Expr> {
    let (mut i, mut lhs) = and_expr(i)?;
    let mut chain = Chain::new();
    while let Ok((rest, _)) = kw("or")(i) {
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a condition after `or`", and_expr)(rest))?;
        let span = lhs.span.to(rhs.span);
        lhs = expr(ExprKind::Or(Box::new(lhs), Box::new(rhs)), span);
        i = rest;
    }
    Ok((i, lhs))
}

fn and_expr(i: In) -> R<Expr> {
    let (mut i, mut lhs) = not_expr(i)?;
    let mut chain = Chain::new();
    while let Ok((rest, _)) = kw("and")(i) {
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a condition after `and`", not_expr)(rest))?;
        let span = lhs.span.to(rhs.span);
        lhs = expr(ExprKind::And(Box::new(lhs), Box::new(rhs)), span);
        i = rest;
    }
    Ok((i, lhs))
}

fn not_expr(i: In) -> R<Expr> {
    nested(i, |i| {
        if let Ok((rest, not_span)) = kw("not")(i) {
            let (rest, e) = cut_err(expect("a condition after `not`", not_expr)(rest))?;
            let span = not_span.to(e.span);
            return Ok((rest, expr(ExprKind::Not(Box::new(e)), span)));
        }
        comparison(i)
    })
}

fn cmp_op(i: In) -> R<CmpOp> {
    let (i, _) = ws(i)?;
    alt((
        nom::combinator::value(CmpOp::Le, tag("<=")),
        nom::combinator::value(CmpOp::Ge, tag(">=")),
        nom::combinator::value(CmpOp::Ne, tag("!=")),
        nom::combinator::value(CmpOp::Eq, tag("=")),
        nom::combinator::value(CmpOp::Lt, tag("<")),
        nom::combinator::value(CmpOp::Gt, tag(">")),
    ))(i)
}

fn comparison(i: In) -> R<Expr> {
    let (i, lhs) = sum(i)?;
    if let Ok((rest, op)) = cmp_op(i) {
        let (rest, rhs) = cut_err(expect("a value to compare with", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Compare(op, Box::new(lhs), Box::new(rhs)), span),
        ));
    }
    if let Ok((rest, _)) = kw("is")(i) {
        let (rest, negated) = match kw("not")(rest) {
            Ok((r, _)) => (r, true),
            Err(_) => (rest, false),
        };
        for (word, present) in [("present", true), ("empty", false)] {
            if let Ok((r, w)) = kw(word)(rest) {
                let span = lhs.span.to(w);
                return Ok((
                    r,
                    expr(ExprKind::Presence(Box::new(lhs), present != negated), span),
                ));
            }
        }
        let (rest, rhs) = cut_err(expect("`present`, `empty` or a value", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Is(Box::new(lhs), Box::new(rhs), negated), span),
        ));
    }
    let (j, negated) = match kw("not")(i) {
        Ok((r, _)) if at_kw(r, "in") => (r, true),
        _ => (i, false),
    };
    if let Ok((rest, _)) = kw("in")(j) {
        let (rest, g) = cut_err(ident("a group name")(rest))?;
        let span = lhs.span.to(g.span);
        return Ok((rest, expr(ExprKind::In(Box::new(lhs), g, negated), span)));
    }
    if let Ok((rest, _)) = kw("contains")(i) {
        let (rest, rhs) = cut_err(expect("a value", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Contains(Box::new(lhs), Box::new(rhs)), span),
        ));
    }
    Ok((i, lhs))
}

fn sum(i: In) -> R<Expr> {
    let (mut i, mut lhs) = atom(i)?;
    let mut chain = Chain::new();
    loop {
        let (j, _) = ws(i)?;
        let plus = j.fragment().starts_with('+');
        let minus = j.fragment().starts_with('-');
        if !plus && !minus {
            return Ok((i, lhs));
        }
        let (rest, _) = take_n(j, 1)?;
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a value", atom)(rest))?;
        let span = lhs.span.to(rhs.span);
        let kind = if plus {
            ExprKind::Add(Box::new(lhs), Box::new(rhs))
        } else {
            ExprKind::Sub(Box::new(lhs), Box::new(rhs))
        };
        lhs = expr(kind, span);
        i = rest;
    }
}

fn unit(i: In) -> R<(Unit, Span)> {
    let (i, _) = ws(i)?;
    if let Ok((rest, w)) = kw("working")(i) {
        let (rest, d) = cut_err(expect("`days`", |i| alt((kw("days"), kw("day")))(i))(rest))?;
        return Ok((rest, (Unit::WorkingDays, w.to(d))));
    }
    let (rest, w) = word(i)?;
    let u = match *w.fragment() {
        "minute" | "minutes" => Unit::Minutes,
        "hour" | "hours" => Unit::Hours,
        "day" | "days" => Unit::Days,
        _ => return fail(i, "a unit"),
    };
    Ok((rest, (u, span_of(i, rest))))
}

/// Every unit a duration may have, as the help lists them.
const UNITS: &str =
    "`minutes`, `hours`, `days` or `working days` (or `minute`, `hour`, `day`, `working day`)";

/// A word after a number, on the same line, that is plainly meant as a
/// unit (`90 dayz`, `2 weeks`) is an error that lists the units, rather
/// than the puzzling "expected `after`" further on.
fn not_a_unit(i: In) -> Result<(), Err<PErr>> {
    let Ok((j, _)) = ws(i) else { return Ok(()) };
    let gap = &i.fragment()[..j.location_offset() - i.location_offset()];
    let Ok((_, w)) = word(j) else { return Ok(()) };
    let w = *w.fragment();
    // Words that may follow a number in an expression.
    const FOLLOW: &[&str] = &[
        "and", "or", "is", "in", "not", "contains", "when", "else", "after", "before", "where",
        "within", "then",
    ];
    const OTHER_UNITS: &[&str] = &[
        "second", "seconds", "sec", "secs", "min", "mins", "hr", "hrs", "h", "d", "week", "weeks",
        "month", "months", "year", "years", "workday", "workdays", "business",
    ];
    // Plurals first: a tie goes to the first, and `90 dayz` means days.
    let known = [
        "minutes", "hours", "days", "working", "minute", "hour", "day",
    ];
    let lower = w.to_ascii_lowercase();
    if gap.contains('\n') || FOLLOW.contains(&lower.as_str()) {
        return Ok(());
    }
    let close = crate::lang::diagnostics::did_you_mean(&lower, known);
    if close.is_none() && !OTHER_UNITS.contains(&lower.as_str()) {
        return Ok(());
    }
    let help = match close {
        Some(u) if u != lower => {
            // Ties go to the singular; a number of them is plural.
            let u = match u {
                "working" => "working days",
                "day" => "days",
                "hour" => "hours",
                "minute" => "minutes",
                u => u,
            };
            format!("did you mean `{u}`? A duration is a number and one of {UNITS}")
        }
        _ => format!("a duration is a number and one of {UNITS}"),
    };
    fail_with(
        j.location_offset(),
        format!("`{w}` is not a unit of time"),
        help,
    )
}

const ATOM: &str =
    "a value (a field, a number, a quoted code, `true`, `false`, `any …`, `count …` or `(…)`)";

fn atom(i: In) -> R<Expr> {
    nested(i, |i| {
        let (i, _) = ws(i)?;
        let start = i;
        if let Ok((rest, _)) = symbol("(")(i) {
            let (rest, inner) = cut_err(expect("an expression", choice)(rest))?;
            let (rest, _) = cut_err(expect("`)`", symbol(")"))(rest))?;
            return Ok((
                rest,
                expr(ExprKind::Paren(Box::new(inner)), span_of(start, rest)),
            ));
        }
        if peek(char::<In, PErr>('"'))(i).is_ok() {
            let (rest, s) = string(i)?;
            return Ok((rest, expr(ExprKind::Str(s.node), s.span)));
        }
        if let Ok((rest, n)) = integer(i) {
            if let Ok((rest, (u, us))) = unit(rest) {
                return Ok((rest, expr(ExprKind::Duration(n.node, u), n.span.to(us))));
            }
            not_a_unit(rest)?;
            return Ok((rest, expr(ExprKind::Int(n.node), n.span)));
        }
        for (w, b) in [("true", true), ("false", false)] {
            if let Ok((rest, s)) = kw(w)(i) {
                return Ok((rest, expr(ExprKind::Bool(b), s)));
            }
        }
        for q in [
            Quantifier::Any,
            Quantifier::No,
            Quantifier::All,
            Quantifier::Count,
        ] {
            if let Ok((rest, _)) = kw(q.word())(i) {
                let (rest, coll) = cut_err(ident("the linked records, e.g. `crimes`")(rest))?;
                let (rest, filter) = match kw("where")(rest) {
                    Ok((r, _)) => {
                        let (r, f) = cut_err(expect("a condition", or_expr)(r))?;
                        (r, Some(Box::new(f)))
                    }
                    Err(_) => (rest, None),
                };
                return Ok((
                    rest,
                    expr(ExprKind::Aggregate(q, coll, filter), span_of(start, rest)),
                ));
            }
        }
        let (mut rest, first) = match ident(ATOM)(i) {
            Ok(ok) => ok,
            Err(_) => return fail(i, ATOM),
        };
        let mut path = vec![first];
        while rest.fragment().starts_with('.') {
            let (r, _) = take_n(rest, 1)?;
            let (r, next) = cut_err(ident("a field name after `.`")(r))?;
            path.push(next);
            rest = r;
        }
        Ok((rest, expr(ExprKind::Path(path), span_of(start, rest))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz/regressions/rules): recovering after an error
    /// skipped by characters, not bytes; with a non-ASCII character before
    /// the end it made no progress and the parser never returned.
    #[test]
    fn recovery_after_non_ascii_text_ends() {
        let text = "edition \"HOCR April 2026\"\n\ngroup rape = 19C..20H\ngroup cancellatio\0\0\0les,\u{6ac}ect\u{19}\0\0 quote \"C1 tr offence_code in rape\n}\n";
        let (_, errors) = parse_file(text);
        assert!(!errors.is_empty());
        // Recovery lands on the next item, whatever came before it.
        let text = "group a = é é é é é é é é é é\ngroup b = 1\n";
        let (file, errors) = parse_file(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(file.items.len(), 1);
    }

    /// Verbatim quotes carry typographic quotes and bullets: a string is
    /// read character by character, never skipping what follows one.
    #[test]
    fn strings_keep_non_ascii_text_verbatim() {
        let text = "edition \"x ‘rarely appropriate’ • é \\\" ok\"\n";
        let (file, errors) = parse_file(text);
        assert!(errors.is_empty(), "{errors:?}");
        let Item::Edition(e) = &file.items[0] else {
            panic!("an edition")
        };
        assert_eq!(e.node, "x ‘rarely appropriate’ • é \" ok");
    }

    /// `applies` keeps its dates as written (the checker reads them) and
    /// `needs` its field names.
    #[test]
    fn applies_and_needs_clauses() {
        let text = "rule R1 r \"t\" {\n  for each crime\n  applies from 2018-04-01 until someday\n  needs a, b\n  require x\n}\n";
        let file = ok(text);
        let Item::Rule(r) = &file.items[0] else {
            panic!("a rule")
        };
        let Clause::Applies(a) = &r.clauses[1] else {
            panic!("{:?}", r.clauses[1])
        };
        let (from, until) = (&a.node.from, &a.node.until);
        assert_eq!(from.as_ref().map(|d| d.node.as_str()), Some("2018-04-01"));
        assert_eq!(until.as_ref().map(|d| d.node.as_str()), Some("someday"));
        let Clause::Needs(names) = &r.clauses[2] else {
            panic!("{:?}", r.clauses[2])
        };
        assert_eq!(
            names.iter().map(|n| n.node.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(
            !errs("rule R1 r \"t\" {\n  for each crime\n  applies\n  require x\n}\n").is_empty()
        );
    }

    fn ok(text: &str) -> File {
        let (file, errors) = parse_file(text);
        assert!(errors.is_empty(), "{errors:#?}");
        file
    }

    fn errs(text: &str) -> Vec<String> {
        parse_file(text)
            .1
            .into_iter()
            .map(|e| format!("{}: {}", e.span.start, e.message))
            .collect()
    }

    const LATE_RECORD: &str = r#"
# the rule from the issue
edition "HOCR April 2025"
group rape = 19C..19H
group violence = 1, 4/1..4/10, 8N
group crime_related = "CRIME-*", CRIME-?X
define report_time for each crime as reported_at when reported_at is present, else incident.reported_at
rule R1 late-crime-record "Crimes are recorded within 24 hours of the report" {
  source "HMICFRS glossary"
  quote  "Forces are required to record a crime within 24 hours of it being reported."
  theme  timeliness
  for each crime
  where report_time is present
  require recorded_at within 24 hours after report_time
  severity high when offence_code in rape or offence_code in violence, else medium
}
"#;

    #[test]
    fn reads_a_whole_rule_file() {
        let f = ok(LATE_RECORD);
        assert_eq!(f.items.len(), 6);
        let Item::Rule(r) = &f.items[5] else { panic!() };
        assert_eq!(r.code.node, "R1");
        assert_eq!(r.name.node, "late-crime-record");
        assert_eq!(r.clauses.len(), 7);
        assert!(matches!(
            &r.clauses[5],
            Clause::Require(Requirement::Deadline { .. })
        ));
        let Item::Group(g) = &f.items[2] else {
            panic!()
        };
        assert_eq!(
            g.members[1].node,
            Member::Range("4/1".into(), "4/10".into())
        );
    }

    #[test]
    fn ranges_with_dots_are_one_range() {
        let f = ok("group x = 4.1..4.10, N100.1");
        let Item::Group(g) = &f.items[0] else {
            panic!()
        };
        assert_eq!(
            g.members[0].node,
            Member::Range("4.1".into(), "4.10".into())
        );
        assert_eq!(
            g.members[1].node,
            Member::Code {
                text: "N100.1".into(),
                quoted: false
            }
        );
    }

    #[test]
    fn a_source_with_an_address_and_a_policy() {
        let f = ok(r#"rule R1 x "t" {
  source "HOCR General Rules, Section C"
    at "https://www.gov.uk/x"
  source "HMICFRS glossary"
  policy "C5 is force policy."
}"#);
        let Item::Rule(r) = &f.items[0] else { panic!() };
        let Clause::Source(s) = &r.clauses[0] else {
            panic!("{:?}", r.clauses[0])
        };
        assert_eq!(s.text.node, "HOCR General Rules, Section C");
        assert_eq!(
            s.address.as_ref().map(|a| a.node.as_str()),
            Some("https://www.gov.uk/x")
        );
        let Clause::Source(s) = &r.clauses[1] else {
            panic!()
        };
        assert_eq!(s.address, None, "the address is optional in the syntax");
        assert_eq!(
            r.clauses[2],
            Clause::Policy(Spanned {
                node: "C5 is force policy.".into(),
                span: Span::default()
            })
        );
        let e = errs("rule R1 x \"t\" {\n  source \"a\" at\n  theme t\n}\n");
        assert!(e[0].contains("the source's address in quotes"), "{e:?}");
        let e = errs("rule R1 x \"t\" {\n  policy\n}\n");
        assert!(e[0].contains("the force policy in quotes"), "{e:?}");
    }

    #[test]
    fn every_error_is_reported() {
        let text = "rule R1 x \"t\" {\n  for each crim\n  require recorded_at >\n  theme 3\n}\ngroup = 1\n";
        let e = errs(text);
        assert_eq!(e.len(), 4, "{e:#?}");
        assert!(e[0].contains("expected `incident`, `crime`"), "{}", e[0]);
    }

    #[test]
    fn unclosed_rule_and_string() {
        let e = errs("rule R1 x \"t\" {\n  source \"abc\n");
        assert!(e.iter().any(|m| m.contains("never closed")), "{e:?}");
        let e = errs("rule R1 x \"t\" {\n  source \"a\"\nrule R2 y \"u\" {\n}\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].contains("rule `R1` is never closed"));
    }

    #[test]
    fn a_string_left_open_is_blamed_where_it_opens() {
        let text = "rule A1 x \"t\" {\n  source \"abc\n  quote \"def\"\n}\n";
        assert_eq!(errs(text), ["25: this string runs on to line 3"]);
    }

    #[test]
    fn deep_nesting_is_a_diagnostic_not_a_crash() {
        let text = format!(
            "rule A1 x \"t\" {{\n require {}true{}\n}}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        let e = errs(&text);
        assert!(e[0].contains("nested too deeply"), "{e:?}");
    }

    #[test]
    fn an_example_has_one_as_of_and_one_expect() {
        let rule =
            |body: &str| format!("rule A1 x \"t\" {{\n  example \"e\" {{\n{body}\n  }}\n}}\n");
        assert!(errs(&rule("as of \"2025-01-01\"\nexpect late")).is_empty());
        let e = errs(&rule(
            "as of \"2025-01-01\"\nas of \"2025-01-02\"\nexpect late",
        ));
        assert!(e[0].contains("already has an `as of`"), "{e:?}");
        let e = errs(&rule("expect late\nexpect no finding"));
        assert!(e[0].contains("already says what should happen"), "{e:?}");
    }

    #[test]
    fn choices_and_aggregates() {
        let f = ok(
            "define d for each update as 1 working day when crime.victim_enhanced is true, else 5 working days\ndefine n for each incident as count crimes where status is \"recorded\" and offence_code in rape",
        );
        let Item::Define(d) = &f.items[0] else {
            panic!()
        };
        assert!(matches!(d.value.kind, ExprKind::Choice(..)));
        let Item::Define(d) = &f.items[1] else {
            panic!()
        };
        let ExprKind::Aggregate(Quantifier::Count, _, Some(filter)) = &d.value.kind else {
            panic!("{:?}", d.value)
        };
        assert!(matches!(filter.kind, ExprKind::And(..)));
    }

    #[test]
    fn reads_an_audit_plan() {
        let f = ok(r#"
audit recording-audit "Crime recording audit" {
  source "force audit plan"
  stratum sexual "Sexual offences" where opening_code in sexual or closing_code in sexual sample 60
  stratum other where not crime_related half-width 2.5% expecting 90%
}
"#);
        let Item::Audit(a) = &f.items[0] else {
            panic!("{f:?}")
        };
        assert_eq!(a.name.node, "recording-audit");
        assert_eq!(a.lines.len(), 3);
        let AuditLine::Stratum(s) = &a.lines[1] else {
            panic!()
        };
        assert_eq!(s.name.node, "sexual");
        assert_eq!(s.label.as_ref().unwrap().node, "Sexual offences");
        assert!(matches!(s.filter.kind, ExprKind::Or(..)));
        assert!(matches!(
            s.size,
            SampleSize::Count(Spanned { node: 60, .. })
        ));
        let AuditLine::Stratum(s) = &a.lines[2] else {
            panic!()
        };
        assert!(s.label.is_none());
        let SampleSize::HalfWidth {
            half_width,
            expected,
        } = &s.size
        else {
            panic!()
        };
        assert_eq!((half_width.node, expected.node), (2.5, 90.0));
    }

    #[test]
    fn every_error_in_an_audit_plan_is_reported() {
        let text = "audit a \"t\" {\n  stratum s where x\n  stratum t where y sample many\n  stratum v where w sample 2\n  stratm u where z sample 1\n}\ngroup g = 1\naudit b \"u\" {\n  stratum x where y sample 3\n";
        let e = errs(text);
        assert_eq!(e.len(), 4, "{e:#?}");
        assert!(
            e[0].contains("expected `sample 60` or `half-width"),
            "{}",
            e[0]
        );
        assert!(
            e[1].contains("expected how many incidents to sample"),
            "{}",
            e[1]
        );
        assert!(
            e[2].contains("expected `stratum`, `source` or `}`"),
            "{}",
            e[2]
        );
        assert!(e[3].contains("audit plan `b` is never closed"), "{}", e[3]);
        // What could be read was kept: `v`, the group and plan `b`'s stratum.
        let (f, _) = parse_file(text);
        assert_eq!(f.items.len(), 3);
        let Item::Audit(a) = &f.items[0] else {
            panic!()
        };
        assert_eq!(a.lines.len(), 1);
    }
}
