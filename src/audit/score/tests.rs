use super::*;
use crate::audit::{row_check, weight_text};
use Verdict::{NotCrime as N, Recorded as R, Unrecorded as U};

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (±{tol})"
    );
}

fn score_(sheet: &Sheet) -> Score {
    score(sheet, None)
}

fn verdicts(recorded: usize, unrecorded: usize, not_crime: usize) -> Vec<Verdict> {
    let mut v = vec![R; recorded];
    v.extend(vec![U; unrecorded]);
    v.extend(vec![N; not_crime]);
    v
}

fn sheet(strata: &[(&str, u64, Vec<Verdict>)]) -> Sheet {
    Sheet {
        strata: strata
            .iter()
            .map(|(name, population, v)| SheetStratum {
                name: name.to_string(),
                population: *population,
                sampled: v.len() as u64,
                rows: v.iter().map(|&v| Some(Crimes::from(v))).collect(),
            })
            .collect(),
    }
}

/// The worked example, by hand.
///
/// | stratum | N   | n  | recorded | unrecorded | not crime | w = N/n |
/// |---------|-----|----|----------|------------|-----------|---------|
/// | a       | 100 | 10 | 8        | 1          | 1         | 10      |
/// | b       | 50  | 5  | 2        | 2          | 1         | 10      |
/// | c       | 4   | 4  | 3        | 1          | 0         | 1 (whole) |
/// | d       | 30  | 3  | 0        | 0          | 3         | 10      |
///
/// Ŷ = Σ w·y = 10·8 + 10·2 + 1·3 + 10·0 = 103
/// X̂ = Σ w·x = 10·9 + 10·4 + 1·4 + 10·0 = 134
/// R = 103 / 134 = 0.768657
///
/// e = y − R·x is 1 − R = 31/134 for `recorded`, −R = −103/134 for
/// `unrecorded`, 0 for `not-crime`. In units of 1/134:
///
/// a: e = 31 ×8, −103, 0. Σe = 248 − 103 = 145; Σe² = 8·961 + 10609 = 18297.
///    s² = (18297 − 145²/10) / 9 / 134² = 16194.5 / 161604 = 0.100211
///    term = N²(1 − n/N) s²/n = 10000 · 0.9 · 0.100211 / 10 = 90.1899
/// b: e = 31 ×2, −103 ×2, 0. Σe = −144; Σe² = 1922 + 21218 = 23140.
///    s² = (23140 − 144²/5) / 4 / 134² = 18992.8 / 71824 = 0.264435
///    term = 2500 · 0.9 · 0.264435 / 5 = 118.9959
/// c: taken whole, 1 − n/N = 0: term 0.
/// d: every e is 0: s² = 0, term 0.
///
/// v = (90.1899 + 118.9959) / 134² = 209.1858 / 17956 = 0.0116499
/// √v = 0.107935; 1.96·√v = 0.211551
/// interval: 0.768657 ± 0.211551 = 0.557105 to 0.980209
/// estimated unrecorded = 100·1/10 + 50·2/5 + 4·1/4 + 30·0/3 = 10 + 20 + 1 + 0 = 31
fn worked_example() -> Sheet {
    sheet(&[
        ("a", 100, verdicts(8, 1, 1)),
        ("b", 50, verdicts(2, 2, 1)),
        ("c", 4, verdicts(3, 1, 0)),
        ("d", 30, verdicts(0, 0, 3)),
    ])
}

#[test]
fn the_worked_example_overall() {
    let s = score_(&worked_example());
    let o = &s.overall;
    close(o.rate.unwrap(), 0.768657, 1e-6, "R");
    close(o.estimated_should_record, 134.0, 1e-9, "X̂");
    close(o.variance.unwrap(), 0.0116499, 1e-7, "v");
    close(o.ci_low.unwrap(), 0.557105, 1e-6, "low");
    close(o.ci_high.unwrap(), 0.980209, 1e-6, "high");
    close(o.estimated_unrecorded, 31.0, 1e-9, "unrecorded");
    assert_eq!(
        (
            o.population,
            o.sampled,
            o.recorded,
            o.unrecorded,
            o.not_crime
        ),
        (184, 22, 13, 4, 5)
    );
}

#[test]
fn the_worked_example_per_stratum() {
    let s = score_(&worked_example());
    let by = |name: &str| s.strata.iter().find(|x| x.stratum == name).unwrap();
    let b = by("b");
    assert_eq!(
        (
            b.population,
            b.sampled,
            b.recorded,
            b.unrecorded,
            b.not_crime
        ),
        (50, 5, 2, 2, 1)
    );
    // The ratio estimate over b's rows alone, by hand: x = 1,1,1,1,0 and
    // y = 1,1,0,0,0: R = 2/4 = 0.5; e = 0.5, 0.5, −0.5, −0.5, 0: mean 0,
    // s² = 1/4 = 0.25; X̂ = 10·4 = 40;
    // v = 50² · (1 − 5/50) · 0.25 / 5 / 40² = 112.5 / 1600 = 0.0703125;
    // half-width 1.96 · √v = 1.96 · 0.265165 = 0.519723; 0.5 ± 0.519723
    // is clipped to 0 … 1.
    close(b.rate.unwrap(), 0.5, 1e-12, "rate b");
    close(b.half_width.unwrap(), 0.519723, 1e-6, "half-width b");
    assert_eq!((b.ci_low, b.ci_high), (Some(0.0), Some(1.0)));
    assert_eq!((b.should_record, b.recorded_correctly), (4, 2));
    // a: 8 of 9.
    close(by("a").rate.unwrap(), 8.0 / 9.0, 1e-12, "rate a");
    // d: only not-crime verdicts: no rate, no interval.
    let d = by("d");
    assert_eq!((d.rate, d.ci_low, d.ci_high), (None, None, None));
    assert_eq!(d.not_crime, 3);
}

/// A stratum with only not-crime verdicts adds nothing to the estimate:
/// the same R and v without it (its e are all 0, and it adds 0 to Ŷ and X̂).
#[test]
fn a_stratum_without_crimes_changes_nothing() {
    let with = score_(&worked_example()).overall;
    let mut sheet = worked_example();
    sheet.strata.pop();
    let without = score_(&sheet).overall;
    close(with.rate.unwrap(), without.rate.unwrap(), 1e-15, "R");
    close(
        with.variance.unwrap(),
        without.variance.unwrap(),
        1e-15,
        "v",
    );
    close(
        with.estimated_unrecorded,
        without.estimated_unrecorded,
        1e-12,
        "unrecorded",
    );
}

/// A stratum taken whole is a census: no sampling variance. Alone it gives
/// the interval [R, R].
#[test]
fn a_stratum_taken_whole_has_no_variance() {
    let s = score_(&sheet(&[("c", 4, verdicts(3, 1, 0))])).overall;
    assert_eq!(s.rate, Some(0.75));
    assert_eq!(s.variance, Some(0.0));
    assert_eq!((s.ci_low, s.ci_high), (Some(0.75), Some(0.75)));
    assert_eq!(s.estimated_unrecorded, 1.0);
    // Beside a sampled stratum, it changes R but adds no variance term:
    // a alone: R = 80/90, and adding c moves R to (80 + 3)/(90 + 4) while v's
    // numerator stays a's term, recomputed at the new R.
    let both = score_(&sheet(&[
        ("a", 100, verdicts(8, 1, 1)),
        ("c", 4, verdicts(3, 1, 0)),
    ]));
    let r = 83.0 / 94.0;
    let e: Vec<f64> = verdicts(8, 1, 1)
        .iter()
        .map(|v| v.y() - r * v.x())
        .collect();
    let mean = e.iter().sum::<f64>() / 10.0;
    let s2 = e.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0;
    let v = 100.0 * 100.0 * (1.0 - 0.1) * s2 / 10.0 / (94.0 * 94.0);
    close(both.overall.rate.unwrap(), r, 1e-12, "R");
    close(both.overall.variance.unwrap(), v, 1e-12, "v");
}

/// One stratum, no not-crime verdicts: the ratio estimator is the sample
/// proportion p, and its variance is the textbook one for a proportion from
/// a simple random sample without replacement (Cochran, Sampling
/// Techniques, 3rd ed., §3.3): v(p) = (1 − n/N) · p·q / (n − 1).
/// N = 200, n = 20, 15 recorded: p = 0.75, v = 0.9 · 0.1875 / 19 = 0.00888158.
#[test]
fn one_stratum_is_the_textbook_proportion() {
    let s = score_(&sheet(&[("only", 200, verdicts(15, 5, 0))])).overall;
    close(s.rate.unwrap(), 0.75, 1e-12, "p");
    close(s.variance.unwrap(), 0.9 * 0.75 * 0.25 / 19.0, 1e-12, "v");
    close(s.variance.unwrap(), 0.00888158, 1e-8, "v by hand");
    close(s.estimated_unrecorded, 50.0, 1e-9, "200 · 5/20");
}

/// The variance again, from Cochran's form for the combined ratio estimate
/// (Sampling Techniques, 3rd ed., §6.11): per stratum
/// s²_y + R²·s²_x − 2R·s_yx, from the counts alone, without e.
#[test]
fn the_variance_agrees_with_cochrans_form() {
    let strata = [
        (100u64, 8u64, 1u64, 1u64),
        (50, 2, 2, 1),
        (4, 3, 1, 0),
        (30, 0, 0, 3),
    ];
    let r = 103.0 / 134.0;
    let mut sum = 0.0;
    for (big_n, a, b, c) in strata {
        let n = (a + b + c) as f64;
        let (a, b) = (a as f64, b as f64);
        // y is 1 on `a` rows; x is 1 on `a + b` rows.
        let (ybar, xbar) = (a / n, (a + b) / n);
        let s_yy = (a - n * ybar * ybar) / (n - 1.0);
        let s_xx = ((a + b) - n * xbar * xbar) / (n - 1.0);
        let s_yx = (a - n * ybar * xbar) / (n - 1.0);
        let big_n = big_n as f64;
        sum += big_n * big_n * (1.0 - n / big_n) / n * (s_yy + r * r * s_xx - 2.0 * r * s_yx);
    }
    let v = sum / (134.0 * 134.0);
    close(
        score_(&worked_example()).overall.variance.unwrap(),
        v,
        1e-12,
        "v",
    );
}

#[test]
fn a_stratum_of_one_read_has_no_variance_term() {
    // b: N = 10, n = 1, unrecorded. s² is 0 with one row; v comes from a only.
    let one = score_(&sheet(&[
        ("a", 100, verdicts(8, 1, 1)),
        ("b", 10, verdicts(0, 1, 0)),
    ]));
    let r = 80.0 / 100.0; // Ŷ = 80, X̂ = 90 + 10
    close(one.overall.rate.unwrap(), r, 1e-12, "R");
    let e: Vec<f64> = verdicts(8, 1, 1)
        .iter()
        .map(|v| v.y() - r * v.x())
        .collect();
    let mean = e.iter().sum::<f64>() / 10.0;
    let s2 = e.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 9.0;
    close(
        one.overall.variance.unwrap(),
        10000.0 * 0.9 * s2 / 10.0 / 10000.0,
        1e-12,
        "v",
    );
    close(
        one.overall.estimated_unrecorded,
        10.0 + 10.0,
        1e-12,
        "unrecorded",
    );
}

#[test]
fn no_crimes_at_all_gives_no_rate() {
    let s = score_(&sheet(&[("d", 30, verdicts(0, 0, 3))])).overall;
    assert_eq!(
        (s.rate, s.ci_low, s.ci_high, s.variance),
        (None, None, None, None)
    );
    assert_eq!(s.estimated_unrecorded, 0.0);
}

#[test]
fn the_interval_is_clipped_to_zero_and_one() {
    // All unrecorded in a large stratum: R = 0, and so is the low end.
    let s = score_(&sheet(&[
        ("a", 1000, verdicts(0, 3, 0)),
        ("b", 1000, verdicts(1, 1, 0)),
    ]))
    .overall;
    assert!(s.ci_low.unwrap() >= 0.0 && s.ci_high.unwrap() <= 1.0);
    assert_eq!(s.ci_low, Some(0.0));
}

// ---------------------------------------------------------------- worksheets

const HEADER: &str = "incident_id,stratum,population,sampled,weight,verdict,row_check";

fn row(id: &str, stratum: &str, population: u64, sampled: u64, verdict: &str) -> String {
    format!(
        "{id},{stratum},{population},{sampled},{},{verdict},{}",
        weight_text(population, sampled),
        row_check(id, stratum, population, sampled)
    )
}

fn good_rows() -> Vec<String> {
    vec![
        row("I1", "a", 10, 3, "recorded"),
        row("I2", "a", 10, 3, "unrecorded"),
        row("I3", "a", 10, 3, "not-crime"),
        row("I4", "b", 2, 2, "Recorded"),
        row("I5", "b", 2, 2, "recorded"),
    ]
}

fn read_text(rows: &[String], allow_incomplete: bool) -> Result<Sheet, Vec<Problem>> {
    let text = format!("\u{feff}{HEADER}\r\n{}\r\n", rows.join("\r\n"));
    read(text.as_bytes(), allow_incomplete)
}

fn problems(rows: &[String]) -> Vec<String> {
    read_text(rows, false)
        .unwrap_err()
        .into_iter()
        .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
        .collect()
}

#[test]
fn a_sound_worksheet_is_read() {
    let sheet = read_text(&good_rows(), false).unwrap();
    assert_eq!(sheet.strata.len(), 2);
    assert_eq!(
        sheet.strata[0].rows,
        [Some(R), Some(U), Some(N)].map(|v| v.map(Crimes::from))
    );
    assert_eq!(
        (sheet.strata[1].population, sheet.strata[1].sampled),
        (2, 2)
    );
    // Columns may come in any order, with others between.
    let text = format!(
        "note,verdict,row_check,weight,sampled,population,stratum,incident_id\nfine,recorded,{},1,1,1,x,I9\n",
        row_check("I9", "x", 1, 1)
    );
    assert!(read(text.as_bytes(), false).is_ok());
}

#[test]
fn missing_columns_are_named() {
    let text = "incident_id,stratum,population,weight\nI1,a,1,1\n";
    let e = read(text.as_bytes(), false).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(
        e[0].message
            .starts_with("missing columns `sampled`, `verdict`, `row_check`"),
        "{e:?}"
    );
}

#[test]
fn blank_verdicts_are_refused_unless_allowed() {
    let mut rows = good_rows();
    rows[1] = row("I2", "a", 10, 3, "");
    rows[2] = row("I3", "a", 10, 3, "  ");
    let e = problems(&rows);
    assert_eq!(
        e,
        [
            "3: 2 rows without a verdict or counts (lines 3–4); fill them in, or score what is done with `--allow-incomplete`"
        ]
    );
    let sheet = read_text(&rows, true).unwrap();
    let s = score_(&sheet);
    // Scored on the one row of `a` that has a verdict: n_a = 1, w = 10.
    assert_eq!((s.strata[0].sampled, s.strata[0].blank), (3, 2));
    assert_eq!(s.overall.blank, 2);
    assert_eq!(s.overall.rate, Some(1.0));
}

#[test]
fn unknown_verdicts_are_named_with_their_lines() {
    let mut rows = good_rows();
    rows[0] = row("I1", "a", 10, 3, "recordd");
    let e = problems(&rows);
    assert_eq!(
        e,
        [
            "2: the verdict of incident `I1` is `recordd`; a verdict is `recorded`, `unrecorded` or `not-crime`"
        ]
    );
}

#[test]
fn a_duplicated_incident_is_named() {
    let mut rows = good_rows();
    rows[2] = rows[1].clone();
    let e = problems(&rows);
    assert_eq!(
        e,
        ["4: incident `I2` is on line 3 too; each sampled incident has one row"]
    );
}

#[test]
fn an_incident_the_sample_did_not_draw_is_named() {
    let mut rows = good_rows();
    // Typed in by hand, with a made-up check.
    rows[0] = "I7,a,10,3,3.333333,recorded,0badc0de".into();
    let e = problems(&rows);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("2: incident `I7` in stratum `a` (population 10, sampled 3) is not a row the sample drew"),
        "{e:?}"
    );
}

#[test]
fn an_edited_stratum_is_named() {
    let mut rows = good_rows();
    // I3 moved from `a` to `b` by hand: its check no longer matches, and `b`
    // now has 3 rows where 2 were drawn.
    rows[2] = rows[2].replacen(",a,", ",b,", 1);
    let e = problems(&rows);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(
        e[0].starts_with(
            "2: stratum `a`: the sample drew 3 incidents but the worksheet has 2 rows (lines 2–3)"
        ),
        "{e:?}"
    );
    assert!(e[1].starts_with("4: incident `I3` in stratum `b`"), "{e:?}");
    assert!(
        e[2].starts_with(
            "4: stratum `b`: the sample drew 2 incidents but the worksheet has 3 rows (lines 4–6)"
        ),
        "{e:?}"
    );
}

#[test]
fn an_edited_weight_is_named() {
    let mut rows = good_rows();
    rows[3] = rows[3].replacen(",1,", ",1.5,", 1);
    let e = problems(&rows);
    assert_eq!(
        e,
        [
            "5: the weight of incident `I4` is `1.5`, but population ÷ sampled is 2 ÷ 2 = 1; weights must not be edited"
        ]
    );
    // A weight as a spreadsheet may write it back is fine.
    let mut rows = good_rows();
    for r in rows.iter_mut().take(3) {
        *r = r.replacen("3.333333", "3.33333333333333", 1);
    }
    assert!(read_text(&rows, false).is_ok());
}

#[test]
fn a_deleted_row_is_noticed() {
    let mut rows = good_rows();
    rows.remove(4);
    let e = problems(&rows);
    assert_eq!(
        e,
        [
            "5: stratum `b`: the sample drew 2 incidents but the worksheet has 1 row (line 5); rows must not be added or deleted"
        ]
    );
}

#[test]
fn empty_spreadsheet_rows_are_not_rows() {
    let mut rows = good_rows();
    rows.push(",,,,,,".into());
    rows.push(String::new());
    assert!(read_text(&rows, false).is_ok());
}

#[test]
fn numbers_that_are_not_numbers() {
    let mut rows = good_rows();
    rows[0] = format!(
        "I1,a,ten,3,3.333333,recorded,{}",
        row_check("I1", "a", 10, 3)
    );
    let e = problems(&rows);
    assert!(
        e[0].starts_with("2: `population` of incident `I1` is `ten`, not a whole number"),
        "{e:?}"
    );
}

// ------------------------------------------------------ crimes, not incidents

/// A stratum as (name, population, rows as (should_record, recorded_correctly)).
type Counted<'a> = (&'a str, u64, &'a [(u64, u64)]);

fn counted(strata: &[Counted]) -> Sheet {
    Sheet {
        strata: strata
            .iter()
            .map(|(name, population, rows)| SheetStratum {
                name: name.to_string(),
                population: *population,
                sampled: rows.len() as u64,
                rows: rows
                    .iter()
                    .map(|&(x, y)| {
                        Some(Crimes {
                            should_record: x,
                            recorded_correctly: y,
                        })
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Incidents with several crimes, worked by hand. Each row is (x, y):
/// crimes that should have been recorded, of them recorded correctly.
///
/// | stratum | N  | n | rows (x, y)                  | w |
/// |---------|----|---|------------------------------|---|
/// | A       | 20 | 4 | (2,2) (3,1) (1,1) (0,0)      | 5 |
/// | B       | 6  | 3 | (1,0) (4,4) (1,1)            | 2 |
/// | C       | 3  | 3 | (2,1) (1,1) (0,0) — whole    | 1 |
///
/// Ŷ = 5·4 + 2·5 + 1·2 = 32; X̂ = 5·6 + 2·6 + 1·3 = 45; R = 32/45 = 0.711111.
/// e = y − R·x, in units of 1/45:
/// A: 26, −51, 13, 0: Σ = −12, Σe² = 3446; s² = (3446 − 144/4)/3/2025
///    = 0.561317; term = 20²·(1 − 4/20)·0.561317/4 = 44.9053
/// B: −32, 52, 13: Σ = 33, Σe² = 3897; s² = (3897 − 1089/3)/2/2025
///    = 0.872593; term = 6²·(1 − 3/6)·0.872593/3 = 5.23556
/// C: read whole: 0.
/// v = (44.9053 + 5.23556)/45² = 0.0247609; half-width 1.96·√v = 0.308418;
/// interval 0.402693 to 1.019529, clipped to 1.
/// Crimes not recorded: X̂ − Ŷ = 13. With 10,000 recorded a year:
/// 10,000 × (1 − R) ÷ R = 10,000 × 13/32 = 4,062.5.
fn multi_crime() -> Sheet {
    counted(&[
        ("A", 20, &[(2, 2), (3, 1), (1, 1), (0, 0)]),
        ("B", 6, &[(1, 0), (4, 4), (1, 1)]),
        ("C", 3, &[(2, 1), (1, 1), (0, 0)]),
    ])
}

#[test]
fn multi_crime_incidents_overall_by_hand() {
    let s = score(&multi_crime(), Some(10_000));
    let o = &s.overall;
    close(o.rate.unwrap(), 32.0 / 45.0, 1e-12, "R");
    close(o.estimated_should_record, 45.0, 1e-12, "X̂");
    close(o.variance.unwrap(), 0.0247609, 1e-7, "v");
    close(o.half_width.unwrap(), 0.308418, 1e-6, "half-width");
    close(o.ci_low.unwrap(), 0.402693, 1e-6, "low");
    assert_eq!(o.ci_high, Some(1.0));
    close(o.estimated_unrecorded, 13.0, 1e-9, "unrecorded");
    close(
        o.estimated_unrecorded_per_year.unwrap(),
        4062.5,
        1e-6,
        "a year",
    );
    assert_eq!((o.should_record, o.recorded_correctly), (15, 11));
    // Incidents by what their counts amount to: (0,0) twice is not-crime;
    // (3,1), (1,0), (2,1) unrecorded; the rest recorded.
    assert_eq!((o.recorded, o.unrecorded, o.not_crime), (5, 3, 2));
    // Counted by incident, as before, the rate would be 5 of 8 incidents:
    // crimes are the unit now.
    assert!((o.rate.unwrap() - 5.0 / 8.0).abs() > 0.05);
}

/// A's rate alone: R = 4/6; e = 2/3, −1, 1/3, 0 (mean 0), Σe² = 14/9,
/// s² = 14/27 = 0.518519; v = 400·0.8·0.518519/4/30² = 0.0460905;
/// half-width 1.96·√v = 0.420787; 0.245880 to 1.087454, clipped to 1.
#[test]
fn multi_crime_incidents_per_stratum_by_hand() {
    let s = score(&multi_crime(), None);
    let a = &s.strata[0];
    assert_eq!((a.should_record, a.recorded_correctly), (6, 4));
    close(a.rate.unwrap(), 4.0 / 6.0, 1e-12, "R_A");
    close(a.half_width.unwrap(), 0.420787, 1e-6, "half-width A");
    close(a.ci_low.unwrap(), 0.245880, 1e-6, "low A");
    assert_eq!(a.ci_high, Some(1.0));
    // C, read whole: its rate is known exactly.
    let c = &s.strata[2];
    assert_eq!((c.rate, c.half_width), (Some(2.0 / 3.0), Some(0.0)));
    // Without a yearly figure, no yearly estimate.
    assert_eq!(s.overall.estimated_unrecorded_per_year, None);
}

/// A sampled stratum whose crimes all fared alike has a sample variance of
/// 0, but its rate is not known exactly: no half-width, no interval.
#[test]
fn a_sample_that_does_not_vary_gives_no_interval() {
    let s = score(
        &counted(&[("all-recorded", 100, &[(1, 1), (2, 2), (1, 1)])]),
        None,
    );
    assert_eq!(s.overall.rate, Some(1.0));
    assert_eq!(
        (s.overall.half_width, s.overall.ci_low, s.overall.ci_high),
        (None, None, None)
    );
    // Read whole, the same rows are a census: exact.
    let s = score(
        &counted(&[("all-recorded", 3, &[(1, 1), (2, 2), (1, 1)])]),
        None,
    );
    assert_eq!(
        (s.overall.half_width, s.overall.ci_low),
        (Some(0.0), Some(1.0))
    );
    // No rate above 0: no yearly estimate (it would divide by 0).
    let s = score(&counted(&[("none", 3, &[(1, 0), (2, 0)])]), Some(1000));
    assert_eq!(s.overall.estimated_unrecorded_per_year, None);
}

/// HMICFRS's yearly figure: Lincolnshire 2018 published 81.2%; with, say,
/// 40,000 crimes recorded a year, 40,000 × 0.188 ÷ 0.812 = 9,261 not.
#[test]
fn the_yearly_figure_is_recorded_times_one_minus_r_over_r() {
    // 812 of 1,000 crimes in one census stratum: R = 0.812 exactly.
    let mut rows = vec![(1, 1); 812];
    rows.extend(vec![(1, 0); 188]);
    let s = score(&counted(&[("all", 1000, &rows)]), Some(40_000));
    close(
        s.overall.estimated_unrecorded_per_year.unwrap(),
        9261.08,
        0.01,
        "a year",
    );
}

// ------------------------------------------------ worksheets with counts

const COUNTS_HEADER: &str = "incident_id,stratum,population,sampled,weight,verdict,should_record,recorded_correctly,row_check";

fn counts_row(id: &str, verdict: &str, should: &str, correct: &str) -> String {
    format!(
        "{id},a,3,3,1,{verdict},{should},{correct},{}",
        row_check(id, "a", 3, 3)
    )
}

fn counts_problems(rows: &[String]) -> Vec<String> {
    let text = format!("{COUNTS_HEADER}\n{}\n", rows.join("\n"));
    match read(text.as_bytes(), false) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .into_iter()
            .map(|p| format!("{}: {}", p.line.unwrap_or(0), p.message))
            .collect(),
    }
}

#[test]
fn counts_are_read_and_a_verdict_alone_is_a_shortcut() {
    let rows = [
        counts_row("I1", "", "3", "2"),
        counts_row("I2", "recorded", "", ""),
        counts_row("I3", "unrecorded", "2", "1"),
    ];
    let text = format!("{COUNTS_HEADER}\n{}\n", rows.join("\n"));
    let sheet = read(text.as_bytes(), false).unwrap();
    let got: Vec<(u64, u64)> = sheet.strata[0]
        .rows
        .iter()
        .map(|c| c.map(|c| (c.should_record, c.recorded_correctly)).unwrap())
        .collect();
    assert_eq!(got, [(3, 2), (1, 1), (2, 1)]);
}

#[test]
fn bad_counts_are_named_with_their_lines() {
    let rows = [
        counts_row("I1", "", "-1", "0"),
        counts_row("I2", "", "1", "2"),
        counts_row("I3", "recorded", "2", "1"),
    ];
    assert_eq!(
        counts_problems(&rows),
        [
            "2: `should_record` of incident `I1` is `-1`: a count of crimes is a whole number, 0 or more",
            "3: incident `I2`: 2 crimes recorded correctly of 1 that should have been recorded; `recorded_correctly` cannot be more than `should_record`",
            "4: incident `I3`: the verdict `recorded` contradicts its counts, 1 of 2 crimes recorded correctly (that is `unrecorded`); correct one or leave the verdict empty",
        ]
    );
    // Not-crime with a crime to record, unrecorded with all recorded, one
    // count without the other.
    let rows = [
        counts_row("I1", "not-crime", "1", "0"),
        counts_row("I2", "unrecorded", "1", "1"),
        counts_row("I3", "", "1", ""),
    ];
    let got = counts_problems(&rows);
    assert!(
        got[0].starts_with("2: incident `I1`: the verdict `not-crime` contradicts"),
        "{got:?}"
    );
    assert!(
        got[1].starts_with("3: incident `I2`: the verdict `unrecorded` contradicts"),
        "{got:?}"
    );
    assert!(
        got[2].starts_with(
            "4: incident `I3` has one of `should_record` and `recorded_correctly` without the other"
        ),
        "{got:?}"
    );
}
