//! A scored audit as text (for a terminal), JSON (for tools) or one
//! self-contained HTML page (for the board), in the style of
//! `hocr check --format html`. Same worksheet, same bytes.

use super::score::{Score, StratumScore};
use crate::out::html::{Bar, ChartWords, STYLE, chart, escape};
use crate::run::findings::Totals;
use crate::util::text::{percent, plus_minus, range, thousands};
use std::io::{self, Write};

/// What the report says about where the numbers came from.
pub struct Context<'a> {
    /// The worksheet's path, as given.
    pub worksheet: &'a str,
}

fn interval(low: Option<f64>, high: Option<f64>) -> String {
    range(low.zip(high))
}

/// `14.3`: estimates of counts to one decimal.
fn estimate(x: f64) -> String {
    format!("{x:.1}")
}

fn incomplete_note(score: &Score) -> Option<String> {
    let blank = score.overall.blank;
    if blank == 0 {
        return None;
    }
    let mut note = format!(
        "Incomplete: {blank} of {} sampled incidents have no verdict yet. Each stratum is scored on the incidents that have one, which is sound only if the rest are no different.",
        score.overall.sampled
    );
    let empty: Vec<&str> = score
        .strata
        .iter()
        .filter(|s| s.blank == s.sampled)
        .map(|s| s.stratum.as_str())
        .collect();
    if !empty.is_empty() {
        note.push_str(&format!(
            " Left out entirely, with no verdicts yet: {}.",
            empty.join(", ")
        ));
    }
    Some(note)
}

/// Breaks text into lines of at most `width` columns, between words.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if col > 0 && col + 1 + w > width {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += w;
    }
    out
}

/// The headline sentences, the same in text and on the page.
fn headline(score: &Score) -> Vec<String> {
    let o = &score.overall;
    let mut out = vec![match o.rate {
        Some(_) => format!(
            "Crime recording rate {} {} (95% interval {}), weighted by stratum: crimes recorded correctly as a share of the crimes that should have been recorded.",
            percent(o.rate),
            plus_minus(o.half_width),
            interval(o.ci_low, o.ci_high)
        ),
        None => "No recording rate: no sampled incident had a crime to record.".to_string(),
    }];
    out.push(format!(
        "Estimated crimes not recorded: {} of an estimated {} that should have been recorded, in the {} incidents sampled from.",
        estimate(o.estimated_unrecorded),
        estimate(o.estimated_should_record),
        o.population
    ));
    match (o.annual_recorded, o.estimated_unrecorded_per_year) {
        (Some(a), Some(per_year)) => out.push(format!(
            "Estimated crimes not recorded a year: {} (the {} crimes recorded a year × (1 − R) ÷ R).",
            thousands(per_year.round() as u64),
            thousands(a)
        )),
        (Some(_), None) => out.push(
            "No estimate of crimes not recorded a year: there is no recording rate above 0.".into(),
        ),
        (None, _) => {}
    }
    out
}

pub fn text(score: &Score, cx: &Context, w: &mut dyn Write) -> io::Result<()> {
    let o = &score.overall;
    writeln!(w, "Recording audit: {}", cx.worksheet)?;
    writeln!(
        w,
        "{} incidents read of {} in {} strata\n",
        o.sampled - o.blank,
        o.population,
        score.strata.len()
    )?;
    let name_w = score
        .strata
        .iter()
        .map(|s| s.stratum.chars().count())
        .chain(["all strata".len(), "stratum".len()])
        .max()
        .unwrap_or(0);
    writeln!(
        w,
        "{:<name_w$}  {:>10}  {:>7}  {:>13}  {:>8}",
        "", "", "", "crimes that", "of them"
    )?;
    writeln!(
        w,
        "{:<name_w$}  {:>10}  {:>7}  {:>13}  {:>8}  {:>6}  {:>9}  95% interval",
        "stratum", "population", "sampled", "should record", "recorded", "rate", "± half"
    )?;
    let line = |w: &mut dyn Write, s: &StratumScore| {
        writeln!(
            w,
            "{:<name_w$}  {:>10}  {:>7}  {:>13}  {:>8}  {:>6}  {:>9}  {}",
            s.stratum,
            s.population,
            s.sampled,
            s.should_record,
            s.recorded_correctly,
            percent(s.rate),
            plus_minus(s.half_width),
            interval(s.ci_low, s.ci_high)
        )
    };
    for s in &score.strata {
        line(w, s)?;
    }
    line(w, &o.as_row("all strata"))?;
    writeln!(w)?;
    for sentence in headline(score) {
        writeln!(w, "{}", wrap(&sentence, 78))?;
    }
    if let Some(note) = incomplete_note(score) {
        writeln!(w, "\n{}", wrap(&note, 78))?;
    }
    writeln!(
        w,
        "\nEach incident: x crimes that should have been recorded, y of them recorded\ncorrectly (a verdict alone: recorded 1 of 1, unrecorded 0 of 1, not-crime\n0 of 0). Rate: the combined ratio estimate R = Σ w·y ÷ Σ w·x, each incident\nweighted by its stratum's population ÷ sampled (per stratum, its rows alone),\n± 1.96·√v (v its Taylor variance); the interval is R ± that, within 0–100%.\nCrimes not recorded: Σ w·x − Σ w·y."
    )
}

#[derive(serde::Serialize)]
struct Json<'a> {
    worksheet: &'a str,
    #[serde(flatten)]
    score: &'a Score,
}

pub fn json(score: &Score, cx: &Context, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *w,
        &Json {
            worksheet: cx.worksheet,
            score,
        },
    )?;
    writeln!(w)
}

pub fn html(score: &Score, cx: &Context, w: &mut dyn Write) -> io::Result<()> {
    let o = &score.overall;
    crate::out::html::page_start(w, "Crime recording audit", STYLE)?;
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>Crime recording audit</h1>")?;
    writeln!(
        w,
        "<p class=\"meta\">Worksheet <code>{}</code> · {} strata</p>",
        escape(cx.worksheet),
        score.strata.len()
    )?;
    writeln!(
        w,
        "<section class=\"headline\" aria-label=\"Headline figures\">"
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Crime recording rate</span><span class=\"big\">{}</span><span class=\"label\">{} · 95% interval {}</span></div>",
        percent(o.rate),
        plus_minus(o.half_width),
        interval(o.ci_low, o.ci_high),
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Crimes not recorded</span><span class=\"big\">{}</span><span class=\"label\">estimated, of {} that should have been recorded</span></div>",
        estimate(o.estimated_unrecorded),
        estimate(o.estimated_should_record),
    )?;
    if let (Some(a), Some(per_year)) = (o.annual_recorded, o.estimated_unrecorded_per_year) {
        writeln!(
            w,
            "<div class=\"card\"><span class=\"label\">Crimes not recorded a year</span><span class=\"big\">{}</span><span class=\"label\">estimated from {} recorded a year × (1 − R) ÷ R</span></div>",
            thousands(per_year.round() as u64),
            thousands(a),
        )?;
    }
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Incidents read</span><span class=\"big\">{}</span><span class=\"label\">sampled from {}</span></div>",
        thousands(o.sampled - o.blank),
        thousands(o.population),
    )?;
    writeln!(w, "</section>")?;
    writeln!(w, "</header>")?;
    for sentence in headline(score) {
        writeln!(w, "<p>{}</p>", escape(&sentence))?;
    }
    if let Some(note) = incomplete_note(score) {
        writeln!(
            w,
            "<p class=\"note\" role=\"note\"><strong>Note:</strong> {}</p>",
            escape(&note)
        )?;
    }

    strata_chart(w, score)?;
    strata_table(w, score)?;

    writeln!(w, "<section aria-labelledby=\"h-method\">")?;
    writeln!(w, "<h2 id=\"h-method\">How the figures are worked out</h2>")?;
    writeln!(
        w,
        "<p>For each incident read, the auditors give the crimes that should have been recorded (x) and how many of those were recorded correctly (y); a verdict alone stands for 1 of 1 (recorded), 0 of 1 (unrecorded) or 0 of 0 (not a crime). The recording rate is HMICFRS's: crimes recorded correctly as a proportion of those that should have been recorded, by the combined ratio estimate R = Σ w·y ÷ Σ w·x, each incident weighted by its stratum's population ÷ sampled, so heavily sampled strata (violence, sexual offences) do not outweigh the rest; a stratum's own rate is the same estimate over its rows. It is published as R ± 1.96·√v, v its Taylor variance; the 95% interval is that range within 0–100%. A stratum read in full adds no sampling error.</p>"
    )?;
    writeln!(
        w,
        "<p>Crimes not recorded are estimated as Σ w·x − Σ w·y; given the crimes recorded in a year (<code>--annual-recorded</code>), those not recorded a year as the recorded × (1 − R) ÷ R.</p>"
    )?;
    writeln!(w, "</section>")?;
    writeln!(
        w,
        "<footer>Generated by hocr {} from the worksheet <code>{}</code>.</footer>",
        env!("CARGO_PKG_VERSION"),
        escape(cx.worksheet),
    )?;
    writeln!(w, "</main>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

/// The recording rate of each stratum and overall, as a chart.
fn strata_chart(w: &mut dyn Write, score: &Score) -> io::Result<()> {
    let o = &score.overall;
    writeln!(w, "<section aria-labelledby=\"h-strata-chart\">")?;
    writeln!(
        w,
        "<h2 id=\"h-strata-chart\">Recording rate by stratum</h2>"
    )?;
    let bar = |label: &str, rate: Option<f64>, lo: Option<f64>, hi: Option<f64>| Bar {
        label: label.to_string(),
        totals: Totals {
            name: label.to_string(),
            compliance: rate,
            ci_low: lo,
            ci_high: hi,
            ..Totals::default()
        },
    };
    let mut bars: Vec<Bar> = score
        .strata
        .iter()
        .map(|s| bar(&s.stratum, s.rate, s.ci_low, s.ci_high))
        .collect();
    bars.push(bar("all strata (weighted)", o.rate, o.ci_low, o.ci_high));
    chart(
        w,
        "strata",
        "Recording rate by stratum",
        &ChartWords {
            caption: "Bars show the crimes recorded correctly as a share of the crimes that should have been recorded; the black whisker is the 95% interval.",
            none: "no crime to record in the sample",
        },
        &bars,
    )?;
    writeln!(w, "</section>")?;
    Ok(())
}

/// Each stratum's incidents, verdicts and crimes, and the weighted whole.
fn strata_table(w: &mut dyn Write, score: &Score) -> io::Result<()> {
    let o = &score.overall;
    writeln!(w, "<section aria-labelledby=\"h-strata\">")?;
    writeln!(w, "<h2 id=\"h-strata\">Strata</h2>")?;
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table>")?;
    writeln!(
        w,
        "<caption>Each stratum's incidents, how many were read, the auditors' verdicts (incidents) and the crimes they found.</caption>"
    )?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Stratum</th><th scope=\"col\" class=\"num\">Population</th><th scope=\"col\" class=\"num\">Sampled</th><th scope=\"col\" class=\"num\">Recorded</th><th scope=\"col\" class=\"num\">Unrecorded</th><th scope=\"col\" class=\"num\">Not crime</th><th scope=\"col\" class=\"num\">Crimes to record</th><th scope=\"col\" class=\"num\">Recorded correctly</th><th scope=\"col\" class=\"num\">Recording rate</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    let row = |w: &mut dyn Write, s: &StratumScore| {
        let blank = if s.blank > 0 {
            format!("<span class=\"sub\">{} without a verdict</span>", s.blank)
        } else {
            String::new()
        };
        writeln!(
            w,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} {}<span class=\"sub\">{}</span></td></tr>",
            escape(&s.stratum),
            thousands(s.population),
            thousands(s.sampled),
            blank,
            thousands(s.recorded),
            thousands(s.unrecorded),
            thousands(s.not_crime),
            thousands(s.should_record),
            thousands(s.recorded_correctly),
            percent(s.rate),
            plus_minus(s.half_width),
            interval(s.ci_low, s.ci_high),
        )
    };
    for s in &score.strata {
        row(w, s)?;
    }
    row(w, &o.as_row("All strata (weighted)"))?;
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    writeln!(w, "</section>")?;
    Ok(())
}
