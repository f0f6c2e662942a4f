//! `hocr trend --format html`: a small chart per figure over the nights,
//! on one self-contained page.

use super::*;

/// Small-multiple geometry, in SVG user units.
pub(super) const CW: f64 = 340.0;
pub(super) const CH: f64 = 150.0;
pub(super) const LEFT: f64 = 44.0;
pub(super) const RIGHT: f64 = 12.0;
pub(super) const TOP: f64 = 12.0;
pub(super) const BOTTOM: f64 = 24.0;

pub(super) const TREND_STYLE: &str = r#"
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:16px 20px}
.multiple{border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.multiple h3{font-size:15px;margin:0 0 2px}
.multiple .now{color:var(--muted);font-size:13px;margin:0 0 4px}
svg .band{fill:#5b8fb9;opacity:.22}
svg .line{stroke:#1f4e79;stroke-width:2;fill:none}
svg .dot{fill:#1f4e79}
svg .gapband{fill:#f5f7fa}
.legend{color:var(--muted);font-size:14px}
.legend .swatch{display:inline-block;width:14px;height:10px;vertical-align:middle;margin:0 4px 0 10px}
"#;

/// The inline script of the page: which series to show, kept in the
/// address (`trend.html#show=rule`).
pub(super) const SHOW_SCRIPT: &str = r##"
(function(){
var form=document.getElementById("show"),sel=form&&form.elements["show"];
if(!sel)return;
var figs=Array.prototype.slice.call(document.querySelectorAll(".multiple"));
function apply(){
var n=0;
figs.forEach(function(f){var ok=!sel.value||f.getAttribute("data-level")===sel.value;f.hidden=!ok;if(ok)n++;});
form.setAttribute("data-shown",n);
document.getElementById("show-count").textContent=n+" of "+figs.length+" charts shown";
if(history.replaceState)history.replaceState(null,"",sel.value?"#show="+sel.value:location.pathname+location.search);
}
var m=/^#show=([a-z-]+)$/.exec(location.hash);if(m)sel.value=m[1];
sel.addEventListener("change",apply);form.hidden=false;apply();
})();
"##;

pub(super) fn html(trend: &Trend, w: &mut dyn Write) -> io::Result<()> {
    let nights = &trend.nights;
    let reported: Vec<&NightEntry> = nights.iter().filter(|n| n.report.is_some()).collect();
    let missing = nights.len() - reported.len();
    let (first, last) = (nights[0].date, nights[nights.len() - 1].date);
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<title>Crime recording compliance over the nights, {first} to {last}</title>"
    )?;
    writeln!(w, "<style>{STYLE}{TREND_STYLE}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<main>")?;
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>Crime recording compliance over the nights</h1>")?;
    writeln!(
        w,
        "<p class=\"meta\">{} to {} · {} nights, {} with a report, {} missing</p>",
        first,
        last,
        thousands(nights.len() as u64),
        thousands(reported.len() as u64),
        thousands(missing as u64)
    )?;
    let changes: Vec<&NightEntry> = nights.iter().filter(|n| n.rule_set_changed).collect();
    writeln!(
        w,
        "<p class=\"legend\">Line: compliance each night<span class=\"swatch\" style=\"background:rgba(91,143,185,.35)\"></span>95% interval<span class=\"swatch\" style=\"border-top:2px dashed #a15c07;height:0\"></span>the rule set changed (edition or fingerprint): not a change in compliance<span class=\"swatch\" style=\"background:#e4ebf2\"></span>no report that night</p>"
    )?;
    writeln!(w, "</header>")?;
    if !changes.is_empty() {
        writeln!(
            w,
            "<section class=\"note\" role=\"note\"><strong>The rule set changed</strong> on {} night{}: figures either side are not like for like.<ul>",
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        )?;
        for c in &changes {
            writeln!(
                w,
                "<li>{}: {} <code>{}</code></li>",
                c.date,
                escape(c.edition.as_deref().unwrap_or("")),
                escape(c.fingerprint.as_deref().unwrap_or(""))
            )?;
        }
        writeln!(w, "</ul></section>")?;
    }
    writeln!(w, "<section aria-labelledby=\"h-series\">")?;
    writeln!(
        w,
        "<h2 id=\"h-series\">Compliance, data quality, themes and rules</h2>"
    )?;
    writeln!(
        w,
        "<form id=\"show\" class=\"filters\" hidden aria-label=\"Which charts to show\"><label>Show <select name=\"show\"><option value=\"\">all</option><option value=\"overall\">compliance overall</option><option value=\"data-quality\">data quality</option><option value=\"theme\">themes</option><option value=\"rule\">rules</option></select></label><output id=\"show-count\" aria-live=\"polite\"></output></form>"
    )?;
    writeln!(w, "<div class=\"multiples\">")?;
    for (k, s) in trend.series.iter().enumerate() {
        multiple(w, trend, s, k)?;
    }
    writeln!(w, "</div>")?;
    writeln!(w, "<script>{SHOW_SCRIPT}</script>")?;
    writeln!(w, "</section>")?;

    writeln!(w, "<section aria-labelledby=\"h-nights\">")?;
    writeln!(w, "<h2 id=\"h-nights\">Nights</h2>")?;
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table>")?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Night</th><th scope=\"col\" class=\"num\">Compliance</th><th scope=\"col\" class=\"num\">Data quality</th><th scope=\"col\">Rule set</th><th scope=\"col\">Report</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    let overall = &trend.series[0];
    let dq = &trend.series[1];
    for (k, n) in nights.iter().enumerate() {
        match &n.report {
            None => writeln!(
                w,
                "<tr class=\"missing\"><th scope=\"row\">{}</th><td colspan=\"4\"><em>no report</em></td></tr>",
                n.date
            )?,
            Some(report) => {
                let cell = |p: &Option<Point>| {
                    p.as_ref().map_or_else(
                        || "-".to_string(),
                        |p| {
                            format!(
                                "{}<span class=\"sub\">{}</span>",
                                percent(p.compliance),
                                range(p.ci_low.zip(p.ci_high))
                            )
                        },
                    )
                };
                writeln!(
                    w,
                    "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{} <code class=\"hash\">{}</code></td><td><code>{}</code></td></tr>",
                    n.date,
                    cell(&overall.points[k]),
                    cell(&dq.points[k]),
                    if n.rule_set_changed {
                        "<strong>changed:</strong> "
                    } else {
                        ""
                    },
                    escape(n.edition.as_deref().unwrap_or("")),
                    escape(n.fingerprint.as_deref().unwrap_or("")),
                    escape(report)
                )?;
            }
        }
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    writeln!(w, "</section>")?;
    writeln!(
        w,
        "<footer>Generated by hocr {} from {} nightly reports. Compliance is over the compliance rules only; data quality is scored apart. Intervals are 95% Wilson score intervals.</footer>",
        env!("CARGO_PKG_VERSION"),
        thousands(reported.len() as u64)
    )?;
    writeln!(w, "</main>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

/// One series as a small chart: the rate as a line (broken at gaps), its
/// interval as a band, missing nights shaded, rule-set changes dashed.
pub(super) fn multiple(w: &mut dyn Write, trend: &Trend, s: &Series, k: usize) -> io::Result<()> {
    let n = trend.nights.len();
    let plot_w = CW - LEFT - RIGHT;
    let plot_h = CH - TOP - BOTTOM;
    // The rate axis: from a round tenth below the lowest interval to 100%.
    let lowest = s
        .points
        .iter()
        .flatten()
        .filter_map(|p| p.ci_low.or(p.compliance))
        .fold(1.0_f64, f64::min);
    let floor = ((lowest * 10.0).floor() / 10.0).clamp(0.0, 0.9);
    let x = |i: usize| {
        LEFT + if n == 1 {
            plot_w / 2.0
        } else {
            plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |r: f64| TOP + plot_h * (1.0 - (r.clamp(floor, 1.0) - floor) / (1.0 - floor));
    let last = s.points.iter().rev().flatten().next();
    let id = format!("s{k}");
    let title = match s.level {
        "rule" => format!("Rule {}", s.name),
        "theme" => format!("Theme {}", s.name),
        _ => format!("{}{}", s.name[..1].to_uppercase(), &s.name[1..]),
    };
    let now = last.map_or_else(
        || "nothing decided".to_string(),
        |p| {
            format!(
                "last night {} ({}, {} checks)",
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high)),
                thousands(p.checked - p.pending)
            )
        },
    );
    let desc: Vec<String> = trend
        .nights
        .iter()
        .zip(&s.points)
        .map(|(night, p)| match (p, &night.report) {
            (_, None) => format!("{}: no report", night.date),
            (None, _) => format!("{}: not in the report", night.date),
            (Some(p), _) => format!(
                "{}: {} ({})",
                night.date,
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high))
            ),
        })
        .collect();
    writeln!(w, "<figure class=\"multiple\" data-level=\"{}\">", s.level)?;
    writeln!(
        w,
        "<h3>{}</h3><p class=\"now\">{}</p>",
        escape(&title),
        escape(&now)
    )?;
    writeln!(
        w,
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {CW:.0} {CH:.0}\" width=\"{CW:.0}\" height=\"{CH:.0}\">"
    )?;
    writeln!(
        w,
        "<title id=\"{id}-title\">{} over the nights</title>",
        escape(&title)
    )?;
    writeln!(
        w,
        "<desc id=\"{id}-desc\">{}</desc>",
        escape(&desc.join("; "))
    )?;
    // Missing nights, shaded.
    let step = if n > 1 {
        plot_w / (n - 1) as f64
    } else {
        plot_w
    };
    for (i, night) in trend.nights.iter().enumerate() {
        if night.report.is_none() {
            writeln!(
                w,
                "<rect class=\"gapband\" x=\"{:.1}\" y=\"{TOP:.1}\" width=\"{:.1}\" height=\"{plot_h:.1}\"><title>{}: no report</title></rect>",
                x(i) - step / 2.0,
                step,
                night.date
            )?;
        }
    }
    // Grid: the floor, the middle and 100%.
    for r in [floor, (floor + 1.0) / 2.0, 1.0] {
        writeln!(
            w,
            "<line class=\"grid\" x1=\"{LEFT:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\"/><text class=\"axis\" x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\">{4:.0}%</text>",
            y(r),
            LEFT + plot_w,
            LEFT - 6.0,
            y(r) + 4.0,
            r * 100.0
        )?;
    }
    // Dates at the ends.
    writeln!(
        w,
        "<text class=\"axis\" x=\"{LEFT:.1}\" y=\"{0:.1}\">{1}</text><text class=\"axis\" x=\"{2:.1}\" y=\"{0:.1}\" text-anchor=\"end\">{3}</text>",
        CH - 6.0,
        trend.nights[0].date,
        LEFT + plot_w,
        trend.nights[n - 1].date
    )?;
    // Rule-set changes.
    for (i, night) in trend.nights.iter().enumerate() {
        if night.rule_set_changed {
            let cx = x(i) - step / 2.0;
            writeln!(
                w,
                "<line class=\"edition\" x1=\"{cx:.1}\" y1=\"{TOP:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\"><title>{}: the rule set changed</title></line>",
                TOP + plot_h,
                night.date
            )?;
        }
    }
    // Runs of nights with a rate: band and line, broken at gaps.
    let mut i = 0;
    while i < n {
        if s.points[i].as_ref().and_then(|p| p.compliance).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && s.points[i].as_ref().and_then(|p| p.compliance).is_some() {
            i += 1;
        }
        let run: Vec<(usize, &Point)> = (start..i)
            .map(|j| (j, s.points[j].as_ref().unwrap()))
            .collect();
        let top: Vec<String> = run
            .iter()
            .map(|(j, p)| {
                format!(
                    "{:.1},{:.1}",
                    x(*j),
                    y(p.ci_high.or(p.compliance).unwrap_or(1.0))
                )
            })
            .collect();
        let bottom: Vec<String> = run
            .iter()
            .rev()
            .map(|(j, p)| {
                format!(
                    "{:.1},{:.1}",
                    x(*j),
                    y(p.ci_low.or(p.compliance).unwrap_or(0.0))
                )
            })
            .collect();
        if run.len() > 1 {
            writeln!(
                w,
                "<polygon class=\"band\" points=\"{} {}\"/>",
                top.join(" "),
                bottom.join(" ")
            )?;
            let line: Vec<String> = run
                .iter()
                .map(|(j, p)| format!("{:.1},{:.1}", x(*j), y(p.compliance.unwrap_or(0.0))))
                .collect();
            writeln!(
                w,
                "<polyline class=\"line\" points=\"{}\"/>",
                line.join(" ")
            )?;
        }
        for (j, p) in &run {
            let (lo, hi) = (
                p.ci_low.or(p.compliance).unwrap_or(0.0),
                p.ci_high.or(p.compliance).unwrap_or(1.0),
            );
            if run.len() == 1 {
                writeln!(
                    w,
                    "<line class=\"whisker\" x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\"/>",
                    x(*j),
                    y(hi),
                    y(lo)
                )?;
            }
            writeln!(
                w,
                "<circle class=\"dot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"><title>{}: {} ({})</title></circle>",
                x(*j),
                y(p.compliance.unwrap_or(0.0)),
                trend.nights[*j].date,
                percent(p.compliance),
                range(p.ci_low.zip(p.ci_high))
            )?;
        }
    }
    writeln!(w, "</svg>")?;
    writeln!(w, "</figure>")
}
