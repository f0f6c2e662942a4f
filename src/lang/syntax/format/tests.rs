use super::*;
use std::path::{Path, PathBuf};

/// Formats `input`, expects exactly `expected`, and checks that the
/// expected text is itself canonical and says the same as the input.
#[track_caller]
fn check(input: &str, expected: &str) {
    let got = format_file(input).unwrap_or_else(|e| panic!("refused: {e:#?}"));
    assert_eq!(
        got, expected,
        "\n--- got:\n{got}\n--- expected:\n{expected}"
    );
    assert_sound("expected text", expected);
    assert_sound("input", input);
}

/// What every formatting must keep: the syntax tree, the comments in
/// order, and the layout's own invariants; and formatting is idempotent.
#[track_caller]
fn assert_sound(name: &str, text: &str) -> String {
    let (before, errors) = parse_file(text);
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    let once = format_file(text).unwrap_or_else(|e| panic!("{name}: refused: {e:#?}"));
    let (after, errors) = parse_file(&once);
    assert!(
        errors.is_empty(),
        "{name}: formatted text has errors {errors:#?}\n{once}"
    );
    assert_eq!(after, before, "{name}: the syntax tree changed\n{once}");
    assert_eq!(
        comment_texts(&once),
        comment_texts(text),
        "{name}: the comments changed\n{once}"
    );
    // A check that does not trust the comment scanner: every `#` is in a
    // string or a comment, and both are kept, so the count cannot change.
    assert_eq!(
        once.matches('#').count(),
        text.matches('#').count(),
        "{name}: a `#` was lost or made\n{once}"
    );
    let twice =
        format_file(&once).unwrap_or_else(|e| panic!("{name}: refused its own output: {e:#?}"));
    assert_eq!(twice, once, "{name}: formatting twice changed the text");
    if !once.is_empty() {
        assert!(
            once.ends_with('\n') && !once.ends_with("\n\n"),
            "{name}: {once:?}"
        );
    }
    assert!(!once.contains("\n\n\n"), "{name}: two blank lines\n{once}");
    once
}

// ---------------------------------------------------------------- layout

#[test]
fn a_source_keeps_its_address_and_wraps_before_at() {
    check(
        "rule R1 x \"t\" {\nsource \"HMICFRS glossary\"   at\n\"https://h.gov.uk/g\"\n policy   \"p\"\n}\n",
        "rule R1 x \"t\" {\n  source \"HMICFRS glossary\" at \"https://h.gov.uk/g\"\n  policy \"p\"\n}\n",
    );
    // Verbatim quotes carry typographic quotes, dashes and bullets.
    check(
        "rule R1 x \"t\" {\n  quote \"‘cancelled’ • rape – \\\"C1\\\" ok\"\n}\n",
        "rule R1 x \"t\" {\n  quote \"‘cancelled’ • rape – \\\"C1\\\" ok\"\n}\n",
    );
    let long = "x".repeat(70);
    check(
        &format!("rule R1 x \"t\" {{\n  source \"{long}\" at \"https://h.gov.uk/{long}\"\n}}\n"),
        &format!(
            "rule R1 x \"t\" {{\n  source \"{long}\"\n    at \"https://h.gov.uk/{long}\"\n}}\n"
        ),
    );
}

#[test]
fn a_messy_one_line_rule() {
    check(
        r#"rule  R1   late-crime-record "Crimes are recorded in time"{source "HMICFRS" theme   timeliness
        severity high for each crime where report_time is present and status is"recorded"
   require recorded_at    within 24  hours after report_time otherwise late}"#,
        r#"rule R1 late-crime-record "Crimes are recorded in time" {
  source "HMICFRS"
  theme timeliness
  severity high
  for each crime
  where report_time is present and status is "recorded"
  require recorded_at within 24 hours after report_time
  otherwise late
}
"#,
    );
}

#[test]
fn operators_get_single_spaces() {
    check(
        "define d for each crime as not(a>=b+1 or c!=d - 2)and e<f and g<=h and incident.x>y\n",
        "define d for each crime as not (a >= b + 1 or c != d - 2) and e < f and g <= h and incident.x > y\n",
    );
}

#[test]
fn items_are_separated_by_one_blank_line() {
    check(
        "edition \"HOCR April 2026\"\ngroup a = 1\n\n\n\ngroup b = 2 define d for each crime as true",
        "edition \"HOCR April 2026\"\n\ngroup a = 1\n\ngroup b = 2\n\ndefine d for each crime as true\n",
    );
}

#[test]
fn a_long_group_fills_lines_and_wraps_after_a_comma() {
    check(
        "group violence = 1, 2, 3A, 3B, 4/1..4/10, 5D, 5E, 8L, 8M, 8N, 8P, 8Q, 8R, 8S, 11A, 13, 14, 36, 37/1, 104, 105A, 105B, 106\n",
        "group violence = 1, 2, 3A, 3B, 4/1..4/10, 5D, 5E, 8L, 8M, 8N, 8P, 8Q, 8R, 8S, 11A, 13, 14, 36, 37/1,
  104, 105A, 105B, 106\n",
    );
    check(
        "group  codes=\"CRIME-*\" ,CRIME-?X,rape ,  4.1..4.10",
        "group codes = \"CRIME-*\", CRIME-?X, rape, 4.1..4.10\n",
    );
}

#[test]
fn comments_on_their_own_lines_and_at_line_ends() {
    check(
        r#"# The file's header.
# Second line of it.

edition "HOCR April 2026"   # trailing, spaces after are dropped   
# About the group below.
group a = 1 # members
# A paragraph on its own.

# About the rule.
rule A1 x "t" { # opens
      # before the source
  source "s" # after the source
  for each crime
  where a and # inside the clause
    b
  require c
        # at the end of the body
} # closes
# At the end of the file.
"#,
        r#"# The file's header.
# Second line of it.

edition "HOCR April 2026" # trailing, spaces after are dropped

# About the group below.
group a = 1 # members

# A paragraph on its own.

# About the rule.
rule A1 x "t" { # opens
  # before the source
  source "s" # after the source
  for each crime
  # inside the clause
  where a and b
  require c
  # at the end of the body
} # closes

# At the end of the file.
"#,
    );
}

#[test]
fn a_hash_in_a_string_is_not_a_comment() {
    check(
        "rule A1 x \"rule #1\" {\n  message \"see # and \\\" # \\\\\" # real\n}\n",
        "rule A1 x \"rule #1\" {\n  message \"see # and \\\" # \\\\\" # real\n}\n",
    );
}

#[test]
fn only_comments() {
    check(
        "  # one\n# two\n\n\n   # three",
        "# one\n# two\n\n# three\n",
    );
    check("", "");
    check("\n\n  \n", "");
}

#[test]
fn short_choices_stay_on_one_line() {
    check(
        "rule A1 x \"t\" {\n severity high when offence_code in rape ,else medium\n}",
        "rule A1 x \"t\" {\n  severity high when offence_code in rape, else medium\n}\n",
    );
}

#[test]
fn a_long_choice_puts_each_arm_on_its_own_line() {
    check(
        r#"rule R2 cancellation-wrong-authority "t" {
  require cancellation_authority is "FCR" when offence_code in sexual, else cancellation_authority in decision_makers
  severity high when offence_code in sexual or offence_code in violence, medium when offence_code in rape or offence_code in n100_reasons or offence_code in domestic_abuse, else low
  severity high when offence_code in sexual or offence_code in violence or offence_code in other_sexual, else low
  severity high when offence_code in sexual or offence_code in violence or offence_code in other_sexual or offence_code in rape or offence_code in n100, else low
}"#,
        r#"rule R2 cancellation-wrong-authority "t" {
  require cancellation_authority is "FCR" when offence_code in sexual,
    else cancellation_authority in decision_makers
  severity high when offence_code in sexual or offence_code in violence,
    medium
      when offence_code in rape or offence_code in n100_reasons or offence_code in domestic_abuse,
    else low
  severity high
      when offence_code in sexual or offence_code in violence or offence_code in other_sexual,
    else low
  severity high
      when offence_code in sexual
        or offence_code in violence
        or offence_code in other_sexual
        or offence_code in rape
        or offence_code in n100,
    else low
}
"#,
    );
}

#[test]
fn a_long_define_puts_its_value_on_the_next_line() {
    check(
        "define report_time for each crime as reported_at when reported_at is present, else incident.reported_at\n\
         define crime_related for each incident as closing_code in crime_related_codes or (closing_code is empty and opening_code in crime_related_codes)",
        "define report_time for each crime as
  reported_at when reported_at is present, else incident.reported_at

define crime_related for each incident as
  closing_code in crime_related_codes
    or (closing_code is empty and opening_code in crime_related_codes)
",
    );
}

#[test]
fn a_long_deadline_breaks_before_after_then_before_within() {
    check(
        r#"rule A1 x "t" {
  require victim_informed_at within 1 working day when victim_enhanced, else 5 working days after cancelled_at
  require victim_informed_at within 1 working day when crime.victim_enhanced is true, else 5 working days after event_at
  grace 24 hours after reported_at
}"#,
        r#"rule A1 x "t" {
  require victim_informed_at within 1 working day when victim_enhanced, else 5 working days
    after cancelled_at
  require victim_informed_at
    within 1 working day when crime.victim_enhanced is true, else 5 working days
    after event_at
  grace 24 hours after reported_at
}
"#,
    );
}

#[test]
fn a_long_and_or_chain_breaks_before_each_word() {
    check(
        r#"rule A1 x "t" {
  where outcome_code in out_of_court and outcome_code is not "7" and offence_code not in victimless and victim_count > 1
  where (opening_code in rape_incident_codes and closing_code is empty) or closing_code in rape_incident_codes or closing_code in crime_related_codes
}"#,
        r#"rule A1 x "t" {
  where outcome_code in out_of_court
    and outcome_code is not "7"
    and offence_code not in victimless
    and victim_count > 1
  where (opening_code in rape_incident_codes and closing_code is empty)
    or closing_code in rape_incident_codes
    or closing_code in crime_related_codes
}
"#,
    );
}

#[test]
fn parentheses_are_kept_and_nested_ones_break_inside() {
    check(
        "rule A1 x \"t\" {\n require not ((a or  b)and(c or(d and e)))\n require ((x))\n \
         where (closing_code in crime_related_codes or closing_code in rape_incident_codes or (closing_code is empty and opening_code in crime_related_codes))\n}",
        "rule A1 x \"t\" {
  require not ((a or b) and (c or (d and e)))
  require ((x))
  where (closing_code in crime_related_codes
      or closing_code in rape_incident_codes
      or (closing_code is empty and opening_code in crime_related_codes))
}
",
    );
}

#[test]
fn strings_are_escaped_again() {
    check(
        "rule A1 x \"The \\\"C1\\\" code\" {\n  quote \"a \\\\ b\"\n  message \"two\nlines\"\n}",
        "rule A1 x \"The \\\"C1\\\" code\" {\n  quote \"a \\\\ b\"\n  message \"two\nlines\"\n}\n",
    );
}

#[test]
fn one_spelling_for_each_meaning() {
    check(
        r#"rule A1 x "t" {
  where a is not present and b is not empty and c is empty and d is present
  require e within 1 working days after f
  grace 1 hours after g
  require h within 2 minute after i
  require j within 1 day after k
}"#,
        r#"rule A1 x "t" {
  where a is empty and b is present and c is empty and d is present
  require e within 1 working day after f
  grace 1 hour after g
  require h within 2 minutes after i
  require j within 1 day after k
}
"#,
    );
}

#[test]
fn aggregates() {
    check(
        "rule A1 x \"t\" {\n where any crimes\n require not (victim_count > count crimes where status is \"recorded\")\n require no updates where kind is \"arrest\"  and x}",
        "rule A1 x \"t\" {\n  where any crimes\n  require not (victim_count > count crimes where status is \"recorded\")\n  require no updates where kind is \"arrest\" and x\n}\n",
    );
}

#[test]
fn an_example_block_is_indented_further() {
    check(
        r#"rule A1 x "t" { for each crime require recorded_at within 24 hours after report_time
example "late" {  as of "2025-02-01T00:00" # the as-of time
  # the incident
  incident with id "I1" crime with reported_at "2025-01-01T09:00",recorded_at "2025-01-03T09:00", offence_code "8N", victim_enhanced "true", status "recorded"
   expect late }
  example "counted"{expect 1 pending}example "twice" { expect 2 late } example "fine" { expect no finding }
}"#,
        r#"rule A1 x "t" {
  for each crime
  require recorded_at within 24 hours after report_time
  example "late" {
    as of "2025-02-01T00:00" # the as-of time
    # the incident
    incident with id "I1"
    crime with reported_at "2025-01-01T09:00", recorded_at "2025-01-03T09:00", offence_code "8N",
      victim_enhanced "true", status "recorded"
    expect late
  }
  example "counted" {
    expect 1 pending
  }
  example "twice" {
    expect 2 late
  }
  example "fine" {
    expect no finding
  }
}
"#,
    );
    // An example's lines stay in the order written.
    check(
        "rule A1 x \"t\" {\n  example \"e\" {\n    expect late\n    crime with a \"1\" # row\n    as of \"2025-01-01\"\n  }\n}\n",
        "rule A1 x \"t\" {\n  example \"e\" {\n    expect late\n    crime with a \"1\" # row\n    as of \"2025-01-01\"\n  }\n}\n",
    );
}

#[test]
fn a_calendar_has_one_holiday_per_line() {
    check(
        "calendar  england covers 2024 to 2025{2024-01-01 \"New Year's Day\" 2024-3-29 \"Good Friday\"\n 2025-12-25 # unnamed\n # last\n}\ncalendar none{}",
        "calendar england covers 2024 to 2025 {
  2024-01-01 \"New Year's Day\"
  2024-03-29 \"Good Friday\"
  2025-12-25 # unnamed
  # last
}

calendar none {
}
",
    );
}

#[test]
fn an_audit_plan_has_one_stratum_per_line() {
    check(
        r#"audit  recording-audit"Crime recording audit"{source "force audit plan"
stratum sexual"Sexual offences" where sexual_report sample   60 stratum violence where violence_report and not sexual_report half-width 5.0% expecting 90%
  stratum not_crime "Incidents not coded as crime-related" where not crime_related and not sexual_report and not violence_report sample 40
stratum open where closing_code is empty and opening_code not in crime_related_codes and opening_code not in violence_codes and victim_count > 1 half-width 2.5% expecting 87.5%}"#,
        r#"audit recording-audit "Crime recording audit" {
  source "force audit plan"
  stratum sexual "Sexual offences" where sexual_report sample 60
  stratum violence where violence_report and not sexual_report half-width 5% expecting 90%
  stratum not_crime "Incidents not coded as crime-related"
    where not crime_related and not sexual_report and not violence_report
    sample 40
  stratum open
    where closing_code is empty
      and opening_code not in crime_related_codes
      and opening_code not in violence_codes
      and victim_count > 1
    half-width 2.5% expecting 87.5%
}
"#,
    );
}

#[test]
fn comments_in_an_audit_plan() {
    check(
        "# The plan.\naudit a \"t\" { # opens\n  # before\n  stratum s where x # after\n  sample 1\n  stratum t where y sample 2 # end\n  # last\n} # closes\n",
        "# The plan.\naudit a \"t\" { # opens\n  # before\n  # after\n  stratum s where x sample 1\n  stratum t where y sample 2 # end\n  # last\n} # closes\n",
    );
    check("audit a \"t\" {}", "audit a \"t\" {\n}\n");
}

#[test]
fn empty_bodies() {
    check(
        "rule A1 x \"t\" {}  rule A2 y \"u\" { # nothing yet\n}",
        "rule A1 x \"t\" {\n}\n\nrule A2 y \"u\" { # nothing yet\n}\n",
    );
}

#[test]
fn windows_line_endings() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/recording.hocr"))
            .expect("rules/recording.hocr");
    let crlf = text.replace('\n', "\r\n");
    assert_eq!(assert_sound("crlf", &crlf), format_file(&text).unwrap());
}

#[test]
fn a_file_with_errors_is_refused() {
    let errors = format_file("group = 1\nrule A1 x \"t\" {\n").unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

// ---------------------------------------------------------------- soundness

/// Every `.hocr` file under the crate's `rules/`, `tests/` and `fixtures/`.
fn corpus() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "hocr") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["rules", "tests", "fixtures"] {
        walk(&root.join(dir), &mut out);
    }
    out.sort();
    out
}

/// The rule files that parse cleanly, with their names.
fn clean_corpus() -> Vec<(String, String)> {
    // Files that are not text (the not-UTF-8 diagnostic case) are skipped
    // like any other file that does not parse.
    let files: Vec<(String, String)> = corpus()
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .filter(|(_, text)| parse_file(text).1.is_empty())
        .collect();
    assert!(
        files
            .iter()
            .filter(|(name, _)| name.contains("rules"))
            .count()
            >= 8,
        "the shipped rule files were not found"
    );
    files
}

#[test]
fn formatting_every_rule_file_keeps_its_meaning_and_comments() {
    for (name, text) in clean_corpus() {
        assert_sound(&name, &text);
    }
}

/// A small deterministic random number generator (xorshift), so the test
/// needs no dependency and always checks the same texts.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// `text` with each run of white space between tokens replaced by another
/// (never removed, and never the new line that ends a comment).
fn reflow(text: &str, rng: &mut Rng) -> String {
    const SPACES: [&str; 5] = [" ", "\n", "   ", "\n\n\t ", " \n  "];
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                out.push(c);
                while let Some(&c) = chars.peek() {
                    if c == '\n' {
                        break;
                    }
                    out.push(c);
                    chars.next();
                }
            }
            c if c.is_whitespace() => {
                let mut run = String::from(c);
                while let Some(&c) = chars.peek().filter(|c| c.is_whitespace()) {
                    run.push(c);
                    chars.next();
                }
                let new_line_needed =
                    run.contains('\n') && out.rsplit('\n').next().is_some_and(|l| l.contains('#'));
                if new_line_needed {
                    out.push_str(&run);
                } else {
                    out.push_str(SPACES[rng.below(SPACES.len())]);
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[test]
fn the_layout_does_not_depend_on_the_white_space_written() {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    for (name, text) in clean_corpus() {
        assert_sound(
            &format!("{name} without comments"),
            &without_comments(&text),
        );
        for round in 0..4 {
            let messy = reflow(&text, &mut rng);
            let (tree, errors) = parse_file(&messy);
            assert!(errors.is_empty(), "{name} #{round}: {errors:#?}\n{messy}");
            assert_eq!(
                tree,
                parse_file(&text).0,
                "{name} #{round}: reflow changed the tree"
            );
            assert_sound(&format!("{name} reflowed #{round}"), &messy);
            // Comments may change places with the lines they were written
            // on; without them, the layout is exactly the same.
            let bare = without_comments(&text);
            let messy = reflow(&bare, &mut rng);
            assert_eq!(
                format_file(&messy).as_deref(),
                format_file(&bare).as_deref(),
                "{name} #{round} without comments"
            );
        }
    }
}

fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut from = 0;
    for c in comments(text) {
        out.push_str(&text[from..c.start]);
        from = c.start + c.text.len();
    }
    out.push_str(&text[from..]);
    out
}

/// Random text in the rule language, with white space and comments in
/// random places: each function writes one level of the expression
/// grammar.
mod random {
    use super::Rng;

    /// A random expression: an `or` chain, sometimes a choice.
    pub fn expr(rng: &mut Rng, depth: usize, out: &mut String) {
        or(rng, depth, out);
        if rng.below(4) == 0 {
            loop {
                out.push_str(" when ");
                or(rng, depth, out);
                out.push(',');
                gap(rng, out);
                if rng.below(2) == 0 {
                    break;
                }
                or(rng, depth, out);
            }
            out.push_str("else ");
            or(rng, depth, out);
        }
    }

    fn gap(rng: &mut Rng, out: &mut String) {
        out.push_str(match rng.below(12) {
            0 => "\n    ",
            1 => " # a comment\n",
            2 => "  ",
            _ => " ",
        });
    }

    fn atom(rng: &mut Rng, depth: usize, out: &mut String) {
        const WORDS: [&str; 6] = [
            "reported_at",
            "crime.victim_enhanced",
            "status",
            "a",
            "offence_code",
            "x_1",
        ];
        match rng.below(if depth == 0 { 6 } else { 10 }) {
            0 | 1 | 9 => out.push_str(WORDS[rng.below(WORDS.len())]),
            2 => out.push_str(["\"C1\"", "\"a \\\" b\"", "\"#x\"", "\"\""][rng.below(4)]),
            3 => out.push_str(&rng.below(30).to_string()),
            4 => out.push_str(
                [
                    "1 hour",
                    "24 hours",
                    "1 working day",
                    "5 working days",
                    "2 minutes",
                ][rng.below(5)],
            ),
            5 => out.push_str(["true", "false"][rng.below(2)]),
            6 | 7 => {
                out.push('(');
                expr(rng, depth - 1, out);
                out.push(')');
            }
            _ => {
                out.push_str(["any", "no", "all", "count"][rng.below(4)]);
                out.push_str(" crimes");
                if rng.below(2) == 0 {
                    out.push_str(" where ");
                    or(rng, depth - 1, out);
                }
            }
        }
    }

    fn sum(rng: &mut Rng, depth: usize, out: &mut String) {
        atom(rng, depth, out);
        while rng.below(5) == 0 {
            out.push_str([" + ", " - "][rng.below(2)]);
            atom(rng, depth, out);
        }
    }

    fn comparison(rng: &mut Rng, depth: usize, out: &mut String) {
        sum(rng, depth, out);
        match rng.below(9) {
            0 => out.push_str(" is present"),
            1 => out.push_str(" is not empty"),
            2 => out.push_str(" not in violence"),
            3 => out.push_str(" in rape"),
            4 | 5 => {
                out.push_str(
                    [
                        " = ",
                        " != ",
                        " < ",
                        " <= ",
                        " > ",
                        " >= ",
                        " is ",
                        " is not ",
                        " contains ",
                    ][rng.below(9)],
                );
                sum(rng, depth, out);
            }
            _ => {}
        }
    }

    fn and(rng: &mut Rng, depth: usize, out: &mut String) {
        loop {
            if rng.below(6) == 0 {
                out.push_str("not ");
            }
            comparison(rng, depth, out);
            if rng.below(3) != 0 {
                return;
            }
            gap(rng, out);
            out.push_str("and");
            gap(rng, out);
        }
    }

    fn or(rng: &mut Rng, depth: usize, out: &mut String) {
        and(rng, depth, out);
        while rng.below(3) == 0 {
            gap(rng, out);
            out.push_str("or");
            gap(rng, out);
            and(rng, depth, out);
        }
    }
}

#[test]
fn random_expressions_keep_their_meaning() {
    let mut rng = Rng(0x0dd_ba11_5eed);
    let mut parsed = 0;
    for n in 0..120 {
        let mut text = String::from("define d for each crime as ");
        random::expr(&mut rng, 2, &mut text);
        text.push_str("\nrule A1 x \"t\" {\n  where ");
        random::expr(&mut rng, 2, &mut text);
        text.push_str("\n  require ");
        random::expr(&mut rng, 2, &mut text);
        text.push_str(" within ");
        random::expr(&mut rng, 1, &mut text);
        text.push_str(" after ");
        random::expr(&mut rng, 1, &mut text);
        text.push_str("\n}\naudit p \"t\" {\n  stratum s where ");
        random::expr(&mut rng, 2, &mut text);
        text.push_str(if n % 2 == 0 {
            " sample 3\n}\n"
        } else {
            "\n half-width 5% expecting 90%\n}\n"
        });
        if parse_file(&text).1.is_empty() {
            parsed += 1;
            assert_sound(&format!("random #{n}:\n{text}"), &text);
        }
    }
    assert!(parsed > 100, "only {parsed} random files parsed");
}
