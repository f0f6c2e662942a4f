//! One way to write HTML, for every page hocr makes (the report, the
//! audit score, the trend): escaping, the shared style sheet and the bar
//! chart. Numbers are written by `crate::util::text` (`thousands`,
//! `percent`, `plus_minus`, `range`), the same on every page and in the
//! text outputs.

use crate::run::findings::Totals;
use crate::util::text::{percent, range};
use std::io::{self, Write};

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

/// The opening of every page: document head with its title (already
/// escaped by the caller) and inline style sheet, then `<body><main>`.
pub fn page_start(w: &mut dyn Write, title: &str, style: &str) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">")?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(w, "<title>{title}</title>")?;
    writeln!(w, "<style>{style}</style>")?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<main>")
}

pub const STYLE: &str = r#"
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
.note{background:#fffbea;border:1px solid #f0d78c;border-radius:6px;padding:10px 14px;margin:16px 0 0}
.note ul{margin:4px 0 0;padding-left:20px}
details.note summary{cursor:pointer}
.pair{display:flex;flex-wrap:wrap;gap:8px 24px}.pair>.table-wrap{flex:1 1 320px}
table.changes td,table.changes th{padding:4px 10px}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:16px 0 8px}
.filters select{font:inherit;padding:2px 6px}
.filters output{color:var(--muted)}
.gap{fill:var(--muted);font-size:12px;font-style:italic}
.edition{stroke:#a15c07;stroke-width:1.5;stroke-dasharray:4 3}
footer{margin-top:40px;color:var(--muted);font-size:13px}
@media print{
body{font-size:10pt}main{max-width:none;padding:0}
h2{break-after:avoid}figure,.headline,.sev,tr{break-inside:avoid}
thead{display:table-header-group}.table-wrap{overflow:visible}
}
"#;

pub struct Bar {
    pub label: String,
    pub totals: Totals,
}

/// The words of a chart: the caption under its title, and what a bar with
/// no rate says.
pub struct ChartWords<'a> {
    pub caption: &'a str,
    pub none: &'a str,
}

/// Chart geometry, in SVG user units.
const WIDTH: f64 = 960.0;
// Wide enough for the longest shipped label (`OOC004 community-resolution-domestic-abuse` at 13px).
const LABEL_W: f64 = 340.0;
const PLOT_W: f64 = 420.0;
const ROW_H: f64 = 28.0;
const TOP: f64 = 26.0;

fn x(rate: f64) -> f64 {
    LABEL_W + rate.clamp(0.0, 1.0) * PLOT_W
}

/// A horizontal bar chart: a bar per rate, a whisker for its interval.
pub fn chart(
    w: &mut dyn Write,
    id: &str,
    title: &str,
    words: &ChartWords,
    bars: &[Bar],
) -> io::Result<()> {
    let height = TOP + ROW_H * bars.len() as f64 + 8.0;
    let desc: Vec<String> = bars
        .iter()
        .map(
            |b| match (b.totals.compliance, b.totals.ci_low.zip(b.totals.ci_high)) {
                (Some(_), None) => format!(
                    "{}: {} (no interval)",
                    b.label,
                    percent(b.totals.compliance)
                ),
                (Some(_), ci) => format!(
                    "{}: {} (95% interval {})",
                    b.label,
                    percent(b.totals.compliance),
                    range(ci)
                ),
                (None, _) => format!("{}: {}", b.label, words.none),
            },
        )
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
            (Some(rate), ci) => {
                writeln!(
                    w,
                    "<rect class=\"bar\" x=\"{LABEL_W:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" rx=\"2\"/>",
                    mid - 7.0,
                    x(rate) - LABEL_W,
                )?;
                // A rate without an interval (an audit stratum whose sample
                // does not vary) is drawn without a whisker.
                if let Some((lo, hi)) = ci {
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
                }
                writeln!(
                    w,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\"><tspan font-weight=\"600\">{}</tspan> <tspan class=\"axis\">{}</tspan></text>",
                    LABEL_W + PLOT_W + 12.0,
                    mid + 4.5,
                    percent(Some(rate)),
                    ci.map_or_else(|| "no interval".to_string(), |c| range(Some(c))),
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
