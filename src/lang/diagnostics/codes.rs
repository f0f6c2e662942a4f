//! The registry of rule-file diagnostic codes: every code the checker can
//! emit is one [`Code`], written here once with its title and its
//! documentation (what it means, how to fix it, an example) beside it.
//! `hocr explain CODE` and `hocr explain --list` read it, the checker emits
//! codes by name, and `docs/diagnostics.md` is generated from it
//! ([`markdown`]; a test holds the file to it). To add a code, add an
//! entry here (codes never change meaning, so a removed code is not reused),
//! then regenerate the docs:
//!
//! ```text
//! HOCR_WRITE_DOCS=1 cargo test --lib diagnostics::codes
//! ```
//!
//! The order of the entries is the order of `docs/diagnostics.md` and of
//! `hocr explain --list`.

use super::Level;

/// What `docs/diagnostics.md` says before the codes.
const PREAMBLE: &str = "\
# Rule-file diagnostics

`hocr rules check`, `hocr rules test` and `hocr check` check the rule files
before any record is read. Every problem they find has a code: `E0xx` is an
error (nothing is evaluated until it is mended), `W0xx` a warning (the rules
run, but something is probably not what the author meant).

Each section below is what `hocr explain CODE` prints for that code, and
`hocr explain --list` lists their titles. This file is generated from the
registry of codes, `src/lang/diagnostics/codes.rs`, where each code is written
once: edit it there, then run
`HOCR_WRITE_DOCS=1 cargo test --lib diagnostics::codes`.
A section is `## CODE title`, then what it means and how to fix it.
";

/// The registry: `CODE "title" r#"documentation (Markdown)"#`, in order.
macro_rules! codes {
    ($($code:ident $title:literal $doc:literal)*) => {
        /// A rule-file diagnostic code: `E0xx` an error, `W0xx` a warning.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($code,)*
        }

        impl Code {
            /// Every code, in the order of the registry.
            pub const ALL: &[Code] = &[$(Code::$code,)*];

            /// The code as users see it: `E004`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$code => stringify!($code),)*
                }
            }

            /// A few words saying what is wrong: `type mismatch`.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$code => $title,)*
                }
            }

            /// What it means and how to fix it (Markdown).
            pub fn doc(self) -> &'static str {
                match self {
                    $(Code::$code => $doc,)*
                }
                .trim()
            }
        }
    };
}

impl Code {
    /// The code written `text` (any case, spaces around ignored).
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }

    /// Errors stop the run; warnings do not.
    pub fn level(self) -> Level {
        if self.as_str().starts_with('W') {
            Level::Warning
        } else {
            Level::Error
        }
    }
}

/// Codes sort as their text does (`E002` < `E010` < `W001`), whatever their
/// place in the registry.
impl Ord for Code {
    fn cmp(&self, other: &Code) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Code) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// A code equals its text (`code == "E004"`), as tools and tests write it.
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `docs/diagnostics.md`: the preamble, then one section per code.
pub fn markdown() -> String {
    let mut out = String::from(PREAMBLE);
    for code in Code::ALL {
        out.push_str(&format!(
            "\n## {} {}\n\n{}\n",
            code.as_str(),
            code.title(),
            code.doc()
        ));
    }
    out
}

codes! {
    E001 "syntax error" r#"
The text does not follow the grammar of the rule language: a missing `{` or
`}`, a missing keyword (`for crime` instead of `for each crime`), a string
whose closing `"` is missing, an expression nested too deeply, or a word
where the language expects something else. The message says what was
expected and what was found; the caret points at the place reading stopped.

How to fix it: write what the message expects at the caret. After an error
`hocr` carries on from the next line that starts a clause or an item, so
every syntax error in the file is shown at once; mend the first one first, as
later ones may follow from it. The names in the part of a `where`, `unless`
or `require` clause read before the error are still checked, so a misspelt
field on the same line is reported too (E002). A word after a number that
is plainly meant as a unit (`90 dayz`, `2 weeks`) is named, with the units
there are: `minutes`, `hours`, `days` and `working days`. The grammar is in
`docs/language.md`.

    rule REC001 late-crime-record "Crimes are recorded within 24 hours" {
      for each crime
      require recorded_at within 24 hours after report_time
    }
"#

    E002 "unknown field or link" r#"
A name in an expression is not a field of the records the check is about,
nor a definition for them, nor a link to another record: `recored_at`, or
`crime.recorded_at` in a check of each incident (an incident links to its
`crimes`, a list, not to one crime).

How to fix it: use the name the help suggests, or one of the fields listed
for that kind of record in `docs/language.md` (they are the column names of
the export). Definitions must be written before they are used.
"#

    E003 "unknown group" r#"
`x in NAME` names a group no rule file declares, or a group member is a bare
word that is not the name of a group.

How to fix it: use the group the help suggests, or declare it:

    group rape = 19C..19H

To put a code that looks like a word into a group, quote it: `"DDM"`.
"#

    E004 "type mismatch" r#"
Two things of different types are combined: a time compared with a number, a
duration where a condition is needed, a code added to a time, `contains` on
something that is not a list. Every expression has a type (yes/no, number,
time, duration, code, text, list) and the checker refuses mixtures before any
record is read.

How to fix it: compare like with like. To allow a delay, add the duration to
a time:

    require recorded_at <= report_time + 24 hours

or say it as a deadline:

    require recorded_at within 24 hours after report_time

A number needs a unit to be a duration: `24 hours`, `5 working days`.
"#

    E005 "rule code used twice" r#"
Two rules have the same code, in one file or in two files of the rule set.
Rule codes are the stable contract of reports, `explain` and tests: each
must name one rule.

How to fix it: give the new rule a code of its own. Do not reuse the code of
a rule that was removed: old reports still mean the old rule.
"#

    E006 "rule is missing a clause" r#"
A rule lacks a clause every rule must have: `source`, `theme`, `severity`, at
least one `for each`, or a `require` in each check. A rule must say where it
comes from, so that every finding can be traced back to the published rule;
only a rule that rests on `policy` alone (no `quote`) may leave `source` out.
A rule with neither `quote` nor `policy` is warned about (W009), not refused.

How to fix it: add the clause the message names, e.g.

    source "HOCR General Rules, Section A"
      at "https://www.gov.uk/government/publications/counting-rules-for-recorded-crime"
"#

    E007 "declared twice" r#"
A group, calendar, definition or audit plan is declared twice, a stratum
name is used twice in one audit plan, or a definition has the name of a
field of the same kind of record.

How to fix it: rename one of them, or merge them into one declaration. All
files in a rule directory form one rule set, so the other declaration may be
in another file; the help says which.
"#

    E008 "range or years that cannot be read" r#"
A group range such as `19C..20H` whose ends differ in more than one number or
letter, a range that runs backwards (`19H..19C`), or a calendar whose
`covers` years run backwards.

How to fix it: the two ends of a range may differ in one part only, and the
first must come first: `19C..19H`, `4/1..4/10`, `N100/1..N100/3`. List codes
that are not in one run separately: `8L, 8M, 8N`.
"#

    E009 "group includes itself" r#"
A group includes itself, directly or through other groups
(`group a = b` and `group b = a`), so its members can never be worked out.

How to fix it: break the circle; a group may include other groups, but none
of them may lead back to it.
"#

    E010 "clause in the wrong place" r#"
A clause is where it cannot apply: `where`, `unless`, `require`, `grace` or
`otherwise` before any `for each`; a second `theme`, `severity` or `require`
where only one is allowed; `grace` or `otherwise` on a deadline (a deadline
is already pending until it passes, and its findings are always `late` or
`missing`).

How to fix it: move the clause after the `for each` it belongs to, combine
the repeated clauses (`require A and B`), or remove the clause the message
names.
"#

    E011 "unknown value" r#"
A word that should be one of a fixed list is not: a kind of finding after
`otherwise` (`late`, `missing`, `invalid`, `undercount`, `data`), a severity
(`info`, `low`, `medium`, `high`), or a value a coded field never takes
(`status is "closed"`; a status is `recorded` or `cancelled`).

How to fix it: use one of the values the help lists; it suggests the nearest
one when the word looks like a typo.
"#

    E012 "rule file cannot be read" r#"
A rule file or directory named on the command line cannot be read: it does
not exist, it cannot be opened, the directory holds no `*.hocr` files, a
`*.hocr` entry of the directory is a symbolic link whose target is gone, or
the file is not UTF-8 text. (Links are followed: a rule file linked into
the directory is part of the set, like any other.)

How to fix it: check the path and its permissions; save rule files as UTF-8
(most editors offer "UTF-8" in their "save as" or encoding menu).
"#

    E028 "rule file is not a regular file" r#"
A rule file named on the command line, or a `*.hocr` entry in a rules
directory, is a FIFO, a device or a socket. Reading one would wait for a
writer that may never come, or never end, so it is refused before it is
opened.

How to fix it: point `--rules` at a rule file or a directory of them; copy
rules generated by another program into a file first.
"#

    E013 "example row does not fit its table" r#"
A row in a rule's `example` names a field its table does not have
(`crime with recored_at "…"`), gives a field twice, or is not a row of a
table at all (`timestamp with …`: timestamps and optional values are facts
about rows, not rows).

How to fix it: write `incident with …`, `crime with …` or `update with …`,
and use the column names of the export (`docs/export.md`, `docs/language.md`); the
help suggests the nearest field when the name looks like a typo.

    example "recorded 25 hours after the report is late" {
      incident with reported_at "2025-03-03 09:00"
      crime with offence_code "8N", recorded_at "2025-03-04 10:00"
      expect late
    }
"#

    E014 "example value cannot be read" r#"
A value in an example is not what its field holds (a time that is not a
time, `victim_count "two"`, `status "open"`), a row lacks a field every row
of its table must have (a crime's `offence_code` and `recorded_at`), two rows
of a table have the same id, or `as of` is not a time. Example values are
read exactly as the export reader reads a CSV cell, so an example that passes
here means the same thing in an export.

Only the examples of a rule about unreadable values (`for each optional
value`) may hold an optional value that cannot be read: there it is read as
empty and marked unreadable, as in an export.

How to fix it: write the value as an export would. Times are
`2025-03-30 10:30` (London time) or `2025-03-30T10:30:00Z`; yes/no fields are
`true` or `false` (also `yes/no`, `y/n`, `1/0`); lists are `;`-separated
(`"DA;HATE"`). An id left out is filled in: incidents are `I1`, `I2`, … and
crimes `C1`, `C2`, … in the order written; a crime without `incident_id`
belongs to the example's incident when it has exactly one, and an update
without `crime_id` to its crime when it has exactly one.
"#

    E015 "expectation that cannot come true" r#"
An example's `expect` names something the rule can never report: a word that
is not a kind of finding (`expect lat`), a kind the rule's checks never
produce (`expect late` for a rule whose findings are `invalid`), a count of
nothing (`expect 0 late`), a counted `pending`, or `expect pending` without
an `as of` (without one an example is judged after every deadline has
passed, so nothing is pending).

How to fix it: expect `no finding`, `pending`, or a kind the rule reports,
optionally counted (`expect 2 missing`); give an example that expects
`pending` an `as of` time before its deadline.
"#

    E016 "audit plan that cannot be drawn" r#"
An audit plan has no strata, or a stratum's sample size cannot be used:
`sample 0`, a `half-width` that is not more than 0% and at most 50%, or an
`expecting` rate that is not strictly between 0% and 100% (the size is
worked out as 1.96² × p × (1 − p) ÷ half-width², which needs both).

How to fix it: give each stratum a number of incidents to read, or the
half-width of the 95% interval wanted and the recording rate expected:

    audit recording-audit "Crime recording audit" {
      stratum violence where violence_report sample 60
      stratum not_crime where not crime_related half-width 5% expecting 90%
    }
"#

    E017 "rule set too deep or too large" r#"
Something in the rule files would make checking or evaluation unbounded:
an expression that, counting the definitions it uses, nests more than 128
levels deep; a group included through more than 64 levels of groups; or
groups that include groups coming to more than 1,000,000 members in all.
Evaluation recurses over expressions, so these limits are what keeps it from
running out of stack, whatever a rule file says.

How to fix it: use fewer levels of definitions (a definition may use another
directly rather than through a chain), list codes in fewer levels of groups,
and include each group once.
"#

    E018 "window date that is not a date" r#"
A date after `applies from` or `applies until` cannot be read as a day:
`applies from 2018-13-01`, `applies until May 2023`.

How to fix it: write the day as year-month-day, e.g.
`applies from 2018-04-01 until 2023-05-31`.
"#

    E019 "window that ends before it starts" r#"
An `applies` window's `until` day is on or before its `from` day, so no
record could ever be judged by it. A window runs from the start of its
`from` day up to, not including, the start of its `until` day.

How to fix it: put the later date after `until`, e.g.
`applies from 2018-04-01 until 2023-05-31`.
"#

    E020 "versions of a rule that overlap" r#"
Two checks of the same kind of record in one rule (two versions of it, each
with its `applies` window) share a day, so records reported that day would
be judged twice, by both editions. A check with no window applies always,
and so overlaps any version beside it.

How to fix it: end the earlier version where the later starts:

    for each incident
    applies from 2018-04-01 until 2023-05-31
    require …
    for each incident
    applies from 2023-05-31
    require …
"#

    E021 "window or needed field that cannot be used here" r#"
`applies` is written in a check of each timestamp or optional value, which
has no report time to judge a window by; or `needs` is written in a check of
each incident, timestamp or optional value. `needs` is for checks of each
crime or update: those tables are read whole before anything is judged, so
whether the export holds a field at all is known in time.

How to fix it: put `applies` in a check of each incident, crime or update;
put `needs` in a check of each crime or update, or remove it.
"#

    E022 "empty source, quote or policy" r#"
A `source`, `quote` or `policy` clause holds no text (or only spaces). An
empty quote looks like a citation and says nothing; an empty policy hides
that the rule rests on a decision nobody wrote down.

How to fix it: write the text, or remove the line:

    quote "Forces are required to record a crime within 24 hours of it being reported."
    policy "Cancellations of rape are authorised by the Force Crime Registrar."
"#

    E023 "source with no address" r#"
A rule's `source` names a document but not where to find it, so a reader
cannot check the rule's quotes against the published text.

How to fix it: add `at` and the document's web address:

    source "HOCR General Rules, Section C: Removing recorded crimes"
      at "https://www.gov.uk/government/publications/counting-rules-for-recorded-crime"

An audit plan's `source` may leave the address out.
"#

    E024 "address that is not a web address" r#"
The text after a `source`'s `at` is not a web address: it must start with
`https://` (or `http://`), have something after that, and hold no spaces.
A page number or a document title is not an address a reader can follow.

How to fix it: put the page or section in the source's title, and the
document's address after `at`:

    source "HOCR 2022/23, General Rules, Section D (page 12)"
      at "https://www.gov.uk/government/publications/counting-rules-for-recorded-crime"
"#

    W001 "group never used" r#"
A group is declared but no rule and no other group uses it.

How to fix it: use it in a rule, or remove it. A misspelt group name in a
rule is reported as E003 there.
"#

    W002 "condition never true" r#"
A `where` condition can never hold (it is `false`, or asks for a value to be
both present and empty), so the check never applies to anything and the rule
never reports a finding, or the audit stratum is always empty.

How to fix it: correct the condition, or remove it.
"#

    W003 "holiday calendar does not cover the rules" r#"
Rules count working days but no holiday calendar is declared (only weekends
are then non-working), or a holiday in a calendar falls outside the years its
`covers` says the list is complete for.

How to fix it: declare the bank holidays of England and Wales and the years
they are complete for, and add each new year's dates before it starts:

    calendar england_and_wales covers 2024 to 2026 {
      2024-01-01 "New Year's Day"
    }
"#

    W004 "rule file states no edition" r#"
A rule file does not say which edition of the Home Office Counting Rules it
follows. The counting rules change every April; reports show the edition so a
reader knows which text the findings were judged against.

How to fix it: add a line at the top of the file:

    edition "HOCR April 2026"
"#

    W005 "example name used twice" r#"
Two examples of one rule have the same name, so `hocr rules test` output
cannot tell them apart.

How to fix it: name each example after what it shows, e.g.
`"recorded exactly 24 hours after the report is on time"`.
"#

    W006 "audit strata overlap" r#"
Two strata of an audit plan have the same condition, or a stratum's condition
is `true` beside other strata, so some incidents fall in more than one
stratum. A sample needs each incident in one stratum only: its weight is its
stratum's population divided by the stratum's sample size, and an incident
counted in two strata would be weighted wrongly. `hocr audit sample` checks
every incident and refuses to draw from strata that overlap, naming both
strata and an incident in both; this warning is what can be seen in the text
before any record is read.

How to fix it: make the conditions exclusive, usually by leaving out the
incidents of the strata above:

    stratum sexual where sexual_report sample 60
    stratum violence where violence_report and not sexual_report sample 60
"#

    W007 "needed field never read" r#"
A check `needs` a field that none of its expressions reads. `needs` names
the fields without which the check cannot judge: where no record of the
export holds one of them, the check's subjects are counted as not judged
instead of being judged.

How to fix it: remove the field from `needs`, or use it in the check.
"#

    W009 "rule with neither quote nor policy" r#"
A rule has no `quote` (the published words it implements) and no `policy`
(the force's reading or decision it applies), so a reader has only its logic
to go on and cannot tell whether it checks what HOCR says or what the force
decided.

How to fix it: add the verbatim words of the source, or say the policy:

    quote "Forces are required to record a crime within 24 hours of it being reported."
    policy "The 24 hours run from the crime's own report time, else its incident's."
"#

    W010 "the same text given twice" r#"
A rule gives the same text (white space aside) twice: as two `quote` lines,
two `policy` lines, or as both a `quote` and a `policy`. The last blurs what
this language keeps apart: a passage is either the source's own words or the
force's reading, not both.

How to fix it: remove the repeated line; if the text is verbatim from the
source, keep it as a `quote`, otherwise as a `policy`.
"#
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/diagnostics.md` is what the registry says; with
    /// `HOCR_WRITE_DOCS` set, it is written afresh instead.
    #[test]
    fn docs_are_generated_from_the_registry() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/diagnostics.md");
        let want = markdown();
        if std::env::var_os("HOCR_WRITE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap();
        assert!(
            have == want,
            "docs/diagnostics.md is not what src/lang/diagnostics/codes.rs says; \
             run `HOCR_WRITE_DOCS=1 cargo test --lib diagnostics::codes`"
        );
    }

    #[test]
    fn every_code_is_named_titled_documented_and_found_once() {
        for (n, code) in Code::ALL.iter().enumerate() {
            let name = code.as_str();
            assert!(
                name.len() == 4
                    && matches!(&name[..1], "E" | "W")
                    && name[1..].bytes().all(|b| b.is_ascii_digit()),
                "{name}"
            );
            assert!(!code.title().is_empty() && !code.doc().is_empty(), "{name}");
            assert!(!code.title().contains('\n'), "{name}");
            assert!(!code.doc().contains("\n## "), "{name}");
            assert_eq!(Code::parse(&name.to_ascii_lowercase()), Some(*code));
            assert!(!Code::ALL[n + 1..].contains(code), "{name} twice");
        }
        assert_eq!(Code::parse(" e004 "), Some(Code::E004));
        assert_eq!(Code::E004.title(), "type mismatch");
        assert_eq!(Code::E004.level(), Level::Error);
        assert_eq!(Code::W001.level(), Level::Warning);
        assert_eq!(Code::parse("E999"), None);
    }
}
