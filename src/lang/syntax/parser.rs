//! Step one: rule text to syntax tree, with nom.
//!
//! The parser never fails as a whole: it returns the tree of everything it
//! could read and a list of every syntax error. After an error it skips to
//! the next line that starts a clause or an item and carries on, so an
//! author sees all their mistakes at once.

mod audit;
mod expr;
mod items;
mod lex;
mod recovery;
mod rules;

use super::ast::*;
use audit::*;
use items::*;
use lex::*;
use recovery::*;
use rules::*;

pub use expr::choice;
pub use lex::ws;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{opt, peek, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::sequence::pair;
use nom::{Err, IResult};
use nom_locate::LocatedSpan;
pub use recovery::expression_before;
pub use rules::{CLAUSE_WORDS, ITEM_WORDS};

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
