//! The words of the language as the formatter writes them: quoted text,
//! durations, dates, group members, expectations.

use super::super::ast::*;
use chrono::Datelike;

/// A string as written in a rule file: quoted, with `"` and `\` escaped.
pub(super) fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\') {
            q.push('\\');
        }
        q.push(c);
    }
    q.push('"');
    q
}

pub(super) fn duration(n: i64, unit: Unit) -> String {
    let one = n == 1;
    let word = match unit {
        Unit::Minutes if one => "minute",
        Unit::Minutes => "minutes",
        Unit::Hours if one => "hour",
        Unit::Hours => "hours",
        Unit::Days if one => "day",
        Unit::Days => "days",
        Unit::WorkingDays if one => "working day",
        Unit::WorkingDays => "working days",
    };
    format!("{n} {word}")
}

pub(super) fn date(d: chrono::NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub(super) fn member(m: &Member) -> String {
    match m {
        Member::Code { text, quoted: true } => quote(text),
        Member::Code {
            text,
            quoted: false,
        }
        | Member::Word(text) => text.clone(),
        Member::Range(first, last) => format!("{first}..{last}"),
    }
}

pub(super) fn expectation(e: &Expectation) -> String {
    match e {
        Expectation::Nothing => "no finding".into(),
        Expectation::Pending => "pending".into(),
        // `expect 1 pending` is a finding of kind `pending`, not `expect pending`.
        Expectation::Finding { kind, count: 1 } if kind != "pending" => kind.clone(),
        Expectation::Finding { kind, count } => format!("{count} {kind}"),
    }
}

/// The first line of a body (a rule, calendar, audit or example): `HEAD {`.
pub(super) fn opening(head: &str) -> String {
    format!("{head} {{")
}
