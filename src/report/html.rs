//! `--format html`: one self-contained page for people who do not read
//! terminals (a police board, an inspector). Inline CSS and inline SVG only:
//! no scripts, no fonts, no images, nothing fetched. Same input, same bytes.

use super::{Report, percent, range};
use crate::findings::{Finding, Totals};
use crate::plan::Severity;
use std::io::{self, Write};

/// How many findings the page lists; the rest are in `--format jsonl`.
const FINDINGS_SHOWN: usize = 1000;
/// How many rejected rows the page lists.
const REJECTS_SHOWN: usize = 20;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1234567` as `1,234,567`.
pub(crate) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&sev| (sev, findings.iter().filter(|f| f.severity == sev).count()))
        .collect()
}

pub(crate) const STYLE: &str = r#"
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--soft:#f5f7fa;--bar:#5b8fb9;--track:#e4ebf2;--whisker:#102a43;
--high:#b42318;--medium:#a15c07;--low:#1f6f8b;--info:#52606d}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 28px 48px}
h1{font-size:28px;line-height:1.2;margin:0 0 4px;font-weight:650}
h2{font-size:20px;margin:40px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line);font-weight:600}
p{margin:0 0 8px}
.meta{color:var(--muted);margin:0 0 24px}
.meta code{font-size:13px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
.headline{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0 0}
.card{flex:1 1 220px;border:1px solid var(--line);border-radius:8px;padding:16px 20px;background:var(--soft)}
.card .big{display:block;font-size:40px;font-weight:650;line-height:1.1;font-variant-numeric:tabular-nums}
.card .label{display:block;color:var(--muted);font-size:14px}
.sev{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:12px}
.sev li{flex:1 1 160px;border:1px solid var(--line);border-left-width:6px;border-radius:6px;padding:10px 14px}
.sev .n{display:block;font-size:26px;font-weight:650;font-variant-numeric:tabular-nums}
.sev-high{border-left-color:var(--high)!important}.sev-medium{border-left-color:var(--medium)!important}
.sev-low{border-left-color:var(--low)!important}.sev-info{border-left-color:var(--info)!important}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;letter-spacing:.02em}
.badge-high{background:var(--high)}.badge-medium{background:var(--medium)}.badge-low{background:var(--low)}.badge-info{background:var(--info)}
figure{margin:0}
figcaption{color:var(--muted);font-size:14px;margin-bottom:6px}
svg{display:block;width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;fill:var(--ink)}
svg .axis{fill:var(--muted);font-size:12px}
svg .grid{stroke:var(--line);stroke-width:1}
svg .track{fill:var(--track)}
svg .bar{fill:var(--bar)}
svg .whisker{stroke:var(--whisker);stroke-width:2}
svg .none{fill:var(--muted);font-style:italic}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
caption{text-align:left;color:var(--muted);padding:0 0 6px}
th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid var(--line)}
thead th{background:var(--soft);font-weight:600;border-bottom:2px solid var(--line)}
tbody th{font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sub{display:block;color:var(--muted);font-size:13px}
blockquote{margin:0 0 6px;padding-left:10px;border-left:3px solid var(--line);font-style:italic}
cite{display:block;color:var(--muted);font-size:13px;font-style:normal}
.said{display:block;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;margin-top:6px}
.policy{margin:0 0 6px;padding-left:10px;border-left:3px dashed var(--line)}
.source{min-width:280px;max-width:420px}
.when{white-space:nowrap;font-variant-numeric:tabular-nums}
.hash{word-break:break-all;font-size:12px;color:var(--muted)}
.note{background:#fffbea;border:1px solid #f0d78c;border-radius:6px;padding:10px 14px}
footer{margin-top:40px;color:var(--muted);font-size:13px}
@media print{
body{font-size:10pt}main{max-width:none;padding:0}
h2{break-after:avoid}figure,.headline,.sev,tr{break-inside:avoid}
thead{display:table-header-group}.table-wrap{overflow:visible}
}
"#;

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let plan = report.plan;
    let stats = &report.outcome.stats;
    let findings = &report.outcome.findings;
    let themes = Totals::by_theme(stats);
    let all = Totals::of("all rules", stats);
    let as_of = report.as_of.to_string();

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
        "<title>Crime recording compliance as of {}</title>",
        escape(&as_of)
    )?;
    writeln!(w, "<style>{STYLE}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<main>")?;

    // Headline.
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>Crime recording compliance</h1>")?;
    writeln!(
        w,
        "<p class=\"meta\">As of <time datetime=\"{0}\">{0}</time> · rules {1} ({2} rules, <code>{3}</code>)</p>",
        escape(&as_of),
        escape(&plan.edition()),
        plan.rules.len(),
        escape(&plan.fingerprint),
    )?;
    writeln!(
        w,
        "<section class=\"headline\" aria-label=\"Headline figures\">"
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Overall compliance</span><span class=\"big\">{}</span><span class=\"label\">95% interval {}</span></div>",
        percent(all.compliance),
        range(all.ci_low.zip(all.ci_high)),
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Findings</span><span class=\"big\">{}</span><span class=\"label\">breaches of the rules found</span></div>",
        count(findings.len() as u64),
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Checks made</span><span class=\"big\">{}</span><span class=\"label\">{} still within their deadline</span></div>",
        count(all.checked),
        count(all.pending),
    )?;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Records read</span><span class=\"big\">{}</span><span class=\"label\">{} rejected as unreadable</span></div>",
        count(report.rows_read()),
        count(report.rows_rejected()),
    )?;
    writeln!(w, "</section>")?;
    writeln!(w, "</header>")?;

    if report.outcome.outside_calendar > 0 {
        writeln!(
            w,
            "<p class=\"note\" role=\"note\"><strong>Note:</strong> {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working.</p>",
            count(report.outcome.outside_calendar)
        )?;
    }

    // Severity.
    writeln!(w, "<section aria-labelledby=\"h-severity\">")?;
    writeln!(w, "<h2 id=\"h-severity\">Findings by severity</h2>")?;
    writeln!(w, "<ul class=\"sev\">")?;
    for (sev, n) in severity_counts(findings) {
        writeln!(
            w,
            "<li class=\"sev-{0}\"><span class=\"n\">{1}</span>{0}</li>",
            sev.name(),
            count(n as u64)
        )?;
    }
    writeln!(w, "</ul>")?;
    writeln!(w, "</section>")?;

    // Charts.
    writeln!(w, "<section aria-labelledby=\"h-themes\">")?;
    writeln!(w, "<h2 id=\"h-themes\">Compliance by theme</h2>")?;
    let theme_bars: Vec<Bar> = themes
        .iter()
        .map(|t| Bar {
            label: t.name.clone(),
            totals: t.clone(),
        })
        .collect();
    chart(
        w,
        "themes",
        "Compliance by theme",
        &COMPLIANCE_WORDS,
        &theme_bars,
    )?;
    writeln!(w, "</section>")?;

    writeln!(w, "<section aria-labelledby=\"h-rules-chart\">")?;
    writeln!(w, "<h2 id=\"h-rules-chart\">Compliance by rule</h2>")?;
    let rule_bars: Vec<Bar> = stats
        .iter()
        .map(|s| Bar {
            label: format!("{} {}", s.rule, s.name),
            totals: Totals::of(&s.rule, [s]),
        })
        .collect();
    chart(
        w,
        "rules",
        "Compliance by rule",
        &COMPLIANCE_WORDS,
        &rule_bars,
    )?;
    writeln!(w, "</section>")?;

    // Rules table.
    writeln!(w, "<section aria-labelledby=\"h-rules\">")?;
    writeln!(w, "<h2 id=\"h-rules\">Rules</h2>")?;
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table>")?;
    writeln!(
        w,
        "<caption>Each rule, what it checked and what it found. Compliance leaves out checks still within their deadline (pending).</caption>"
    )?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Rule</th><th scope=\"col\">Theme</th><th scope=\"col\" class=\"num\">Checked</th><th scope=\"col\" class=\"num\">Findings</th><th scope=\"col\" class=\"num\">Pending</th><th scope=\"col\" class=\"num\">Compliance</th><th scope=\"col\">Source</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    for s in stats {
        let t = Totals::of(&s.rule, [s]);
        write!(
            w,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{}<span class=\"sub\">{}</span></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}<span class=\"sub\">{}</span></td><td class=\"source\">",
            escape(&s.rule),
            escape(&s.title),
            escape(&s.name),
            escape(&s.theme),
            count(s.checked),
            count(s.findings),
            count(s.pending),
            percent(t.compliance),
            range(t.ci_low.zip(t.ci_high)),
        )?;
        if let Some(rule) = plan.rule(&s.rule) {
            // Labelled so that a reader tells the published text from the
            // force's own policy at a glance. Addresses are left out: the
            // page links to nothing outside itself (`hocr explain` and the
            // JSON report give them).
            if !rule.quotes.is_empty() {
                write!(w, "<span class=\"said\">the source says</span>")?;
            }
            for q in &rule.quotes {
                write!(w, "<blockquote>{}</blockquote>", escape(q))?;
            }
            for src in &rule.sources {
                write!(w, "<cite>{}</cite>", escape(&src.text))?;
            }
            if !rule.policies.is_empty() {
                write!(w, "<span class=\"said\">force policy</span>")?;
            }
            for p in &rule.policies {
                write!(w, "<p class=\"policy\">{}</p>", escape(p))?;
            }
        }
        writeln!(w, "</td></tr>")?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    writeln!(w, "</section>")?;

    // Findings table.
    writeln!(w, "<section aria-labelledby=\"h-findings\">")?;
    writeln!(w, "<h2 id=\"h-findings\">Findings</h2>")?;
    if findings.is_empty() {
        writeln!(w, "<p>No findings.</p>")?;
    } else {
        let shown = findings.len().min(FINDINGS_SHOWN);
        writeln!(
            w,
            "<p>Showing {} of {} findings{}.</p>",
            count(shown as u64),
            count(findings.len() as u64),
            if shown < findings.len() {
                " (all of them are in <code>--format jsonl</code>)"
            } else {
                ""
            }
        )?;
        writeln!(w, "<div class=\"table-wrap\">")?;
        writeln!(w, "<table>")?;
        writeln!(
            w,
            "<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th><th scope=\"col\">Kind</th><th scope=\"col\">Incident</th><th scope=\"col\">Crime</th><th scope=\"col\">Due</th><th scope=\"col\">Done</th><th scope=\"col\">Message</th></tr></thead>"
        )?;
        writeln!(w, "<tbody>")?;
        for f in &findings[..shown] {
            let opt = |v: Option<&str>| v.map_or_else(|| "—".to_string(), escape);
            let id = |v: Option<&str>| {
                v.map_or_else(
                    || "—".to_string(),
                    |v| format!("<code>{}</code>", escape(v)),
                )
            };
            let mut message = escape(&f.message);
            if let Some(field) = f.field {
                message.push_str(&format!(
                    " <span class=\"sub\">field {}</span>",
                    escape(field)
                ));
            }
            if let Some(event) = &f.event {
                let at = f.event_at.get().map(|t| t.to_string()).unwrap_or_default();
                message.push_str(&format!(
                    " <span class=\"sub\">event {} {}</span>",
                    escape(event),
                    escape(&at)
                ));
            }
            writeln!(
                w,
                "<tr><th scope=\"row\"><code>{}</code></th><td><span class=\"badge badge-{sev}\">{sev}</span></td><td>{}</td><td>{}</td><td>{}</td><td class=\"when\">{}</td><td class=\"when\">{}</td><td>{}</td></tr>",
                escape(&f.rule),
                escape(&f.kind),
                id(f.incident_id.as_deref()),
                id(f.crime_id.as_deref()),
                opt(f.due.get().map(|t| t.to_string()).as_deref()),
                opt(f.at.get().map(|t| t.to_string()).as_deref()),
                message,
                sev = f.severity.name(),
            )?;
        }
        writeln!(w, "</tbody>")?;
        writeln!(w, "</table>")?;
        writeln!(w, "</div>")?;
    }
    writeln!(w, "</section>")?;

    // Inputs.
    writeln!(w, "<section aria-labelledby=\"h-inputs\">")?;
    writeln!(w, "<h2 id=\"h-inputs\">Inputs</h2>")?;
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table>")?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Table</th><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Rows read</th><th scope=\"col\" class=\"num\">Evaluated</th><th scope=\"col\" class=\"num\">Rejected</th><th scope=\"col\">SHA-256</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    for i in report.inputs {
        writeln!(
            w,
            "<tr><th scope=\"row\">{}</th><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"hash\"><code>{}</code></td></tr>",
            escape(i.table.name()),
            escape(&i.path),
            count(i.rows_read),
            count(i.evaluated),
            count(i.rejected),
            escape(i.sha256.as_deref().unwrap_or_default()),
        )?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    if !report.rejects.is_empty() {
        writeln!(
            w,
            "<h3>Rejected rows: {}</h3>",
            count(report.rejects.len() as u64)
        )?;
        writeln!(w, "<ul>")?;
        for r in report.rejects.iter().take(REJECTS_SHOWN) {
            writeln!(
                w,
                "<li><code>{}:{}</code>: {}</li>",
                escape(&r.file),
                r.line,
                escape(&r.reason)
            )?;
        }
        writeln!(w, "</ul>")?;
        if report.rejects.len() > REJECTS_SHOWN {
            writeln!(
                w,
                "<p>… and {} more (write them all with <code>--rejects FILE</code>).</p>",
                count((report.rejects.len() - REJECTS_SHOWN) as u64)
            )?;
        }
    }
    writeln!(w, "</section>")?;

    writeln!(
        w,
        "<footer>Generated by hocr {} from the rules {} (<code>{}</code>). Intervals are 95% Wilson score intervals.</footer>",
        env!("CARGO_PKG_VERSION"),
        escape(&plan.edition()),
        escape(&plan.fingerprint),
    )?;
    writeln!(w, "</main>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

pub(crate) struct Bar {
    pub label: String,
    pub totals: Totals,
}

/// The words of a chart: the caption under its title, and what a bar with
/// no rate says.
pub(crate) struct ChartWords<'a> {
    pub caption: &'a str,
    pub none: &'a str,
}

const COMPLIANCE_WORDS: ChartWords = ChartWords {
    caption: "Bars show the share of checks that complied; the black whisker is the 95% interval.",
    none: "nothing checked",
};

/// Chart geometry, in SVG user units.
const WIDTH: f64 = 960.0;
const LABEL_W: f64 = 290.0;
const PLOT_W: f64 = 470.0;
const ROW_H: f64 = 28.0;
const TOP: f64 = 26.0;

fn x(rate: f64) -> f64 {
    LABEL_W + rate.clamp(0.0, 1.0) * PLOT_W
}

/// A horizontal bar chart: a bar per rate, a whisker for its interval.
pub(crate) fn chart(
    w: &mut dyn Write,
    id: &str,
    title: &str,
    words: &ChartWords,
    bars: &[Bar],
) -> io::Result<()> {
    let height = TOP + ROW_H * bars.len() as f64 + 8.0;
    let desc: Vec<String> = bars
        .iter()
        .map(|b| match b.totals.compliance {
            Some(_) => format!(
                "{}: {} (95% interval {})",
                b.label,
                percent(b.totals.compliance),
                range(b.totals.ci_low.zip(b.totals.ci_high))
            ),
            None => format!("{}: {}", b.label, words.none),
        })
        .collect();
    writeln!(w, "<figure>")?;
    writeln!(w, "<figcaption>{}</figcaption>", escape(words.caption))?;
    writeln!(
        w,
        "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH:.0} {height:.0}\" width=\"{WIDTH:.0}\" height=\"{height:.0}\">"
    )?;
    writeln!(w, "<title id=\"{id}-title\">{}</title>", escape(title))?;
    writeln!(
        w,
        "<desc id=\"{id}-desc\">{}</desc>",
        escape(&desc.join("; "))
    )?;
    // Grid and axis.
    for step in 0..=4 {
        let rate = step as f64 / 4.0;
        let gx = x(rate);
        writeln!(
            w,
            "<line class=\"grid\" x1=\"{gx:.1}\" y1=\"{:.1}\" x2=\"{gx:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{gx:.1}\" y=\"14\" text-anchor=\"middle\">{}%</text>",
            TOP - 6.0,
            height - 4.0,
            step * 25,
        )?;
    }
    for (n, (bar, d)) in bars.iter().zip(&desc).enumerate() {
        let y = TOP + ROW_H * n as f64;
        let mid = y + ROW_H / 2.0;
        let t = &bar.totals;
        writeln!(w, "<g aria-label=\"{}\">", escape(d))?;
        writeln!(
            w,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"13\">{}</text>",
            LABEL_W - 10.0,
            mid + 4.5,
            escape(&bar.label),
        )?;
        writeln!(
            w,
            "<rect class=\"track\" x=\"{LABEL_W:.1}\" y=\"{:.1}\" width=\"{PLOT_W:.1}\" height=\"14\" rx=\"2\"/>",
            mid - 7.0,
        )?;
        match (t.compliance, t.ci_low.zip(t.ci_high)) {
            (Some(rate), Some((lo, hi))) => {
                writeln!(
                    w,
                    "<rect class=\"bar\" x=\"{LABEL_W:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" rx=\"2\"/>",
                    mid - 7.0,
                    x(rate) - LABEL_W,
                )?;
                let (x1, x2) = (x(lo), x(hi));
                let d = format!(
                    "M{x1:.1} {:.1}H{x2:.1}M{x1:.1} {:.1}V{:.1}M{x2:.1} {:.1}V{:.1}",
                    mid,
                    mid - 9.0,
                    mid + 9.0,
                    mid - 9.0,
                    mid + 9.0,
                );
                writeln!(w, "<path class=\"whisker\" d=\"{d}\" fill=\"none\"/>")?;
                writeln!(
                    w,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\"><tspan font-weight=\"600\">{}</tspan> <tspan class=\"axis\">{}</tspan></text>",
                    LABEL_W + PLOT_W + 12.0,
                    mid + 4.5,
                    percent(Some(rate)),
                    range(Some((lo, hi))),
                )?;
            }
            _ => writeln!(
                w,
                "<text class=\"none\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\">{}</text>",
                LABEL_W + PLOT_W + 12.0,
                mid + 4.5,
                escape(words.none),
            )?,
        }
        writeln!(w, "</g>")?;
    }
    writeln!(w, "</svg>")?;
    writeln!(w, "</figure>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }
}
