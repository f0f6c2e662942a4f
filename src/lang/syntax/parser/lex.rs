//! Words, names, strings, numbers and codes: the lexical layer of the
//! grammar.

use super::*;

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

pub(super) const KEYWORDS: &[&str] = &[
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

pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_lowercase() || c == '_'
}
pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
}

/// A bare word: `[A-Za-z_][A-Za-z0-9_-]*`, for keywords and names.
pub(super) fn word(i: In) -> R<In> {
    let (i, _) = ws(i)?;
    recognize(pair(
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
    ))(i)
}

/// A keyword, matched as a whole word.
pub(super) fn kw<'a>(k: &'static str) -> impl FnMut(In<'a>) -> R<'a, Span> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        match word(i) {
            Ok((rest, w)) if *w.fragment() == k => Ok((rest, span_of(i, rest))),
            _ => fail(i, k),
        }
    }
}

pub(super) fn at_kw(i: In, k: &'static str) -> bool {
    kw(k)(i).is_ok()
}

/// A lower-case name: fields, groups, themes, kinds. Never a keyword.
pub(super) fn ident<'a>(what: &'static str) -> impl FnMut(In<'a>) -> R<'a, Name> {
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
pub(super) fn string(i: In) -> R<Spanned<String>> {
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
pub(super) fn take_n(i: In, n: usize) -> R<In> {
    nom::bytes::complete::take(n)(i)
}

pub(super) fn integer(i: In) -> R<Spanned<i64>> {
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

pub(super) fn symbol<'a>(s: &'static str) -> impl FnMut(In<'a>) -> R<'a, Span> {
    move |i: In<'a>| {
        let (i, _) = ws(i)?;
        match tag::<&str, In, PErr>(s)(i) {
            Ok((rest, _)) => Ok((rest, span_of(i, rest))),
            Err(_) => fail(i, s),
        }
    }
}

/// Runs `p`; if it fails softly, fails hard saying `what` was expected.
pub(super) fn expect<'a, T>(
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

pub(super) fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '/' | '-' | '*' | '?')
}

/// A bare code in a group: `8N`, `4/1`, `4.1`, `CRIME-*`. A `.` belongs to
/// the code unless it starts `..`.
pub(super) fn bare_code(i: In) -> R<In> {
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

pub(super) fn member(i: In) -> R<Spanned<Member>> {
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
