//! `--format html`: one self-contained page for people who do not read
//! terminals (a police board, an inspector). Inline CSS, inline SVG and one
//! small inline script (the findings' filters; the page reads whole
//! without it): no fonts, no images, nothing fetched. Same input, same bytes.

use super::{Report, percent, range};
use crate::lang::plan::{Plan, Severity};
use crate::out::html::{Bar, ChartWords, STYLE, chart, escape};
use crate::run::baseline::{ChangeCounts, Changes, Status};
use crate::run::findings::{Finding, Headline, RuleStats, Totals};
use crate::util::text::thousands;
use std::io::{self, Write};

/// How many findings the page lists; the rest are in `--format jsonl`.
const FINDINGS_SHOWN: usize = 1000;
/// How many rejected rows the page lists.
const REJECTS_SHOWN: usize = 20;

fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|&sev| (sev, findings.iter().filter(|f| f.severity == sev).count()))
        .collect()
}

pub fn render(report: &Report, w: &mut dyn Write) -> io::Result<()> {
    let plan = report.plan;
    let stats = &report.outcome.stats;
    let findings = &report.outcome.findings;
    let headline = report.headline();
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

    // Headline: compliance over the compliance rules only, data quality
    // apart, then the themes worst first.
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
    let c = &headline.compliance;
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Compliance with the recording rules</span><span class=\"big\">{}</span><span class=\"label\">95% interval {} · {} checks decided, {} rules</span></div>",
        percent(c.compliance),
        range(c.ci_low.zip(c.ci_high)),
        thousands(c.decided()),
        c.rules,
    )?;
    let dq = &headline.data_quality;
    if dq.rules > 0 {
        writeln!(
            w,
            "<div class=\"card\"><span class=\"label\">Data quality, scored apart</span><span class=\"big\">{}</span><span class=\"label\">95% interval {} · {} checks decided, {} rules</span></div>",
            percent(dq.compliance),
            range(dq.ci_low.zip(dq.ci_high)),
            thousands(dq.decided()),
            dq.rules,
        )?;
    }
    match report.compared() {
        Some(ch) => writeln!(
            w,
            "<div class=\"card\"><span class=\"label\">Findings</span><span class=\"big\">{}</span><span class=\"label\">{} new since the baseline, {} persisting, {} resolved</span></div>",
            thousands(findings.len() as u64),
            thousands(ch.new),
            thousands(ch.persisting),
            thousands(ch.resolved),
        )?,
        None => writeln!(
            w,
            "<div class=\"card\"><span class=\"label\">Findings</span><span class=\"big\">{}</span><span class=\"label\">{} checks made, {} still within their deadline</span></div>",
            thousands(findings.len() as u64),
            thousands(c.checked + dq.checked),
            thousands(c.pending + dq.pending),
        )?,
    }
    writeln!(
        w,
        "<div class=\"card\"><span class=\"label\">Records read</span><span class=\"big\">{}</span><span class=\"label\">{} rejected as unreadable</span></div>",
        thousands(report.rows_read()),
        thousands(report.rows_rejected()),
    )?;
    writeln!(w, "</section>")?;
    writeln!(w, "</header>")?;

    if report.outcome.outside_calendar > 0 {
        writeln!(
            w,
            "<p class=\"note\" role=\"note\"><strong>Note:</strong> {} working-day deadlines counted days in years the holiday calendar does not cover; only weekends were treated as non-working.</p>",
            thousands(report.outcome.outside_calendar)
        )?;
    }

    themes_section(w, &headline)?;

    if let Some(ch) = report.changes {
        changes_section(w, ch, stats, &headline)?;
    }

    coverage_section(w, report)?;

    severity_section(w, findings)?;
    rule_chart_section(w, stats)?;
    rules_section(w, plan, stats)?;

    // Findings table.
    findings_section(w, findings, stats, report.compared().is_some())?;

    inputs_section(w, report)?;

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

/// Compliance by theme, worst first, data quality apart: a chart.
fn themes_section(w: &mut dyn Write, headline: &Headline) -> io::Result<()> {
    let dq = &headline.data_quality;
    writeln!(w, "<section aria-labelledby=\"h-themes\">")?;
    writeln!(
        w,
        "<h2 id=\"h-themes\">Compliance by theme, worst first</h2>"
    )?;
    let mut theme_bars: Vec<Bar> = headline
        .themes
        .iter()
        .map(|t| Bar {
            label: format!("{} · {}", t.name, thousands(t.decided())),
            totals: t.clone(),
        })
        .collect();
    if dq.rules > 0 {
        theme_bars.push(Bar {
            label: format!("data quality (apart) · {}", thousands(dq.decided())),
            totals: dq.clone(),
        });
    }
    chart(
        w,
        "themes",
        "Compliance by theme, worst first",
        &ChartWords {
            caption: "Compliance rules only, the lowest rate first; the number after each theme is the checks decided. Data quality is scored apart, last. The black whisker is the 95% interval.",
            ..COMPLIANCE_WORDS
        },
        &theme_bars,
    )?;
    writeln!(w, "</section>")?;
    Ok(())
}

/// What the rules did not see, when there is anything to say.
fn coverage_section(w: &mut dyn Write, report: &Report) -> io::Result<()> {
    let coverage = report.coverage();
    let warnings = coverage.warnings();
    if !warnings.is_empty() {
        // Open when a rule checked nothing: that is never expected.
        writeln!(
            w,
            "<details class=\"note\" id=\"coverage\"{}><summary><strong>Coverage:</strong> {} rule{} checked nothing; {} code{} in the export no group or rule mentions</summary><ul>",
            if coverage.rules_checking_nothing.is_empty() {
                ""
            } else {
                " open"
            },
            coverage.rules_checking_nothing.len(),
            if coverage.rules_checking_nothing.len() == 1 {
                ""
            } else {
                "s"
            },
            thousands(coverage.codes_no_rule_mentions.len() as u64),
            if coverage.codes_no_rule_mentions.len() == 1 {
                ""
            } else {
                "s"
            },
        )?;
        for warning in &warnings {
            writeln!(w, "<li>{}</li>", escape(warning))?;
        }
        writeln!(w, "</ul></details>")?;
    }
    Ok(())
}

/// How many findings of each severity.
fn severity_section(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    writeln!(w, "<section aria-labelledby=\"h-severity\">")?;
    writeln!(w, "<h2 id=\"h-severity\">Findings by severity</h2>")?;
    writeln!(w, "<ul class=\"sev\">")?;
    for (sev, n) in severity_counts(findings) {
        writeln!(
            w,
            "<li class=\"sev-{0}\"><span class=\"n\">{1}</span>{0}</li>",
            sev.name(),
            thousands(n as u64)
        )?;
    }
    writeln!(w, "</ul>")?;
    writeln!(w, "</section>")?;
    Ok(())
}

/// Compliance by rule, as a chart.
fn rule_chart_section(w: &mut dyn Write, stats: &[RuleStats]) -> io::Result<()> {
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
    Ok(())
}

/// Each rule, what it checked and found, and what it rests on.
fn rules_section(w: &mut dyn Write, plan: &Plan, stats: &[RuleStats]) -> io::Result<()> {
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
            thousands(s.checked),
            thousands(s.findings),
            thousands(s.pending),
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
    Ok(())
}

/// The files read, and the rows rejected.
fn inputs_section(w: &mut dyn Write, report: &Report) -> io::Result<()> {
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
            thousands(i.rows_read),
            thousands(i.evaluated),
            thousands(i.rejected),
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
            thousands(report.rejects.len() as u64)
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
                thousands((report.rejects.len() - REJECTS_SHOWN) as u64)
            )?;
        }
    }
    writeln!(w, "</section>")?;
    Ok(())
}

/// New, persisting and resolved findings since the baseline, per theme
/// and per rule.
fn changes_section(
    w: &mut dyn Write,
    ch: &Changes,
    stats: &[RuleStats],
    headline: &Headline,
) -> io::Result<()> {
    writeln!(w, "<section aria-labelledby=\"h-changes\">")?;
    writeln!(w, "<h2 id=\"h-changes\">Since the baseline</h2>")?;
    let Some(counts) = &ch.counts else {
        writeln!(
            w,
            "<p>The baseline <code>{}</code> does not exist yet (<code>--baseline-if-exists</code>): nothing to compare with.</p>",
            escape(&ch.file)
        )?;
        return writeln!(w, "</section>");
    };
    if ch.same_rules == Some(false) {
        writeln!(
            w,
            "<p class=\"note\" role=\"note\"><strong>Note:</strong> the baseline was made with another rule set (<code>{}</code>): findings of rules changed since may show as new or resolved.</p>",
            escape(ch.rules_fingerprint.as_deref().unwrap_or("?"))
        )?;
    }
    writeln!(
        w,
        "<p>{} new, {} persisting, {} resolved (findings of the baseline run that are gone).</p>",
        thousands(counts.new),
        thousands(counts.persisting),
        thousands(counts.resolved)
    )?;
    let table = |w: &mut dyn Write, first: &str, rows: &[(String, ChangeCounts)], code: bool| {
        writeln!(w, "<div class=\"table-wrap\">")?;
        writeln!(w, "<table class=\"changes\">")?;
        writeln!(
            w,
            "<thead><tr><th scope=\"col\">{first}</th><th scope=\"col\" class=\"num\">New</th><th scope=\"col\" class=\"num\">Persisting</th><th scope=\"col\" class=\"num\">Resolved</th></tr></thead>"
        )?;
        writeln!(w, "<tbody>")?;
        for (name, c) in rows {
            let name = if code {
                format!("<code>{}</code>", escape(name))
            } else {
                escape(name)
            };
            writeln!(
                w,
                "<tr><th scope=\"row\">{name}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                thousands(c.new),
                thousands(c.persisting),
                thousands(c.resolved)
            )?;
        }
        writeln!(w, "</tbody>")?;
        writeln!(w, "</table>")?;
        writeln!(w, "</div>")
    };
    writeln!(w, "<div class=\"pair\">")?;
    // Themes in the headline's order (worst first), the rest after.
    let mut themes = counts.by_theme(stats);
    themes.sort_by_key(|(name, _)| {
        headline
            .themes
            .iter()
            .position(|t| t.name == *name)
            .unwrap_or(usize::MAX)
    });
    table(w, "Theme", &themes, false)?;
    let rules: Vec<(String, ChangeCounts)> = counts
        .by_rule()
        .into_iter()
        .filter(|(_, c)| *c != ChangeCounts::default())
        .collect();
    table(w, "Rule", &rules, true)?;
    writeln!(w, "</div>")?;
    writeln!(w, "</section>")
}

/// Which findings the page lists, at most [`FINDINGS_SHOWN`], worst
/// first: by severity (high first), then new before persisting, then rule,
/// then the report's order. Within each severity and status the places
/// are shared out between the rules in turn, so that one rule with many
/// findings does not crowd the others off the page.
fn shown(findings: &[Finding]) -> Vec<&Finding> {
    let tier = |f: &Finding| {
        (
            std::cmp::Reverse(f.severity),
            f.status == Some(Status::Persisting),
        )
    };
    let mut order: Vec<&Finding> = findings.iter().collect();
    // Stable: within a tier, the report's order (rule, then subject).
    order.sort_by_key(|f| tier(f));
    let mut out = Vec::with_capacity(order.len().min(FINDINGS_SHOWN));
    let mut k = 0;
    while k < order.len() && out.len() < FINDINGS_SHOWN {
        let end = order[k..]
            .iter()
            .position(|f| tier(f) != tier(order[k]))
            .map_or(order.len(), |e| k + e);
        // The tier's findings by rule (already in rule order), taken in turn.
        let mut runs: Vec<&[&Finding]> = order[k..end].chunk_by(|a, b| a.rule == b.rule).collect();
        let mut taken: Vec<&Finding> = Vec::new();
        let mut round = 0;
        while out.len() + taken.len() < FINDINGS_SHOWN && runs.iter().any(|r| round < r.len()) {
            for run in &mut runs {
                if round < run.len() && out.len() + taken.len() < FINDINGS_SHOWN {
                    taken.push(run[round]);
                }
            }
            round += 1;
        }
        taken.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        out.extend(taken);
        k = end;
    }
    out
}

/// The findings, worst first, with per-rule totals and filters.
fn findings_section(
    w: &mut dyn Write,
    findings: &[Finding],
    stats: &[RuleStats],
    baseline: bool,
) -> io::Result<()> {
    writeln!(w, "<section aria-labelledby=\"h-findings\">")?;
    writeln!(w, "<h2 id=\"h-findings\">Findings, worst first</h2>")?;
    if findings.is_empty() {
        writeln!(w, "<p>No findings.</p>")?;
        return writeln!(w, "</section>");
    }
    let listed = shown(findings);
    writeln!(
        w,
        "<p>Showing {} of {} findings: by severity (high first){}, then rule.{}</p>",
        thousands(listed.len() as u64),
        thousands(findings.len() as u64),
        if baseline {
            ", new before persisting"
        } else {
            ""
        },
        if listed.len() < findings.len() {
            " The rest are left out of this page (every finding is in <code>--format jsonl</code> or <code>csv</code>); the table below says how many of each rule."
        } else {
            ""
        }
    )?;
    // Per-rule totals: found, on the page, left out.
    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table id=\"rule-totals\">")?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\" class=\"num\">High</th><th scope=\"col\" class=\"num\">Medium</th><th scope=\"col\" class=\"num\">Low</th><th scope=\"col\" class=\"num\">Info</th><th scope=\"col\" class=\"num\">Findings</th><th scope=\"col\" class=\"num\">On this page</th><th scope=\"col\" class=\"num\">Left out</th></tr></thead>"
    )?;
    writeln!(w, "<tbody>")?;
    for s in stats.iter().filter(|s| s.findings > 0) {
        let by = |sev: Severity| {
            findings
                .iter()
                .filter(|f| *f.rule == *s.rule && f.severity == sev)
                .count()
        };
        let on_page = listed.iter().filter(|f| *f.rule == *s.rule).count();
        write!(
            w,
            "<tr><th scope=\"row\"><code>{}</code></th>",
            escape(&s.rule)
        )?;
        for sev in Severity::ALL.iter().rev() {
            write!(w, "<td class=\"num\">{}</td>", thousands(by(*sev) as u64))?;
        }
        writeln!(
            w,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            thousands(s.findings),
            thousands(on_page as u64),
            thousands(s.findings.saturating_sub(on_page as u64)),
        )?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;

    // Filters: shown only when the script runs (the page is whole without it).
    let mut rules: Vec<&str> = listed.iter().map(|f| &*f.rule).collect();
    rules.dedup();
    rules.sort_unstable();
    rules.dedup();
    writeln!(
        w,
        "<form id=\"filters\" class=\"filters\" hidden aria-label=\"Filter the findings\">"
    )?;
    let select = |w: &mut dyn Write, name: &str, label: &str, options: &[&str]| {
        write!(
            w,
            "<label>{label} <select name=\"{name}\"><option value=\"\">all</option>"
        )?;
        for o in options {
            write!(w, "<option>{}</option>", escape(o))?;
        }
        writeln!(w, "</select></label>")
    };
    select(w, "rule", "Rule", &rules)?;
    let severities: Vec<&str> = Severity::ALL.iter().rev().map(|s| s.name()).collect();
    select(w, "severity", "Severity", &severities)?;
    if baseline {
        select(w, "status", "Since the baseline", &["new", "persisting"])?;
    }
    writeln!(
        w,
        "<output id=\"filter-count\" aria-live=\"polite\"></output>"
    )?;
    writeln!(w, "</form>")?;

    writeln!(w, "<div class=\"table-wrap\">")?;
    writeln!(w, "<table id=\"findings\">")?;
    writeln!(
        w,
        "<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Severity</th>{}<th scope=\"col\">Kind</th><th scope=\"col\">Incident</th><th scope=\"col\">Crime</th><th scope=\"col\">Due</th><th scope=\"col\">Done</th><th scope=\"col\">Message</th></tr></thead>",
        if baseline {
            "<th scope=\"col\">Since the baseline</th>"
        } else {
            ""
        }
    )?;
    writeln!(w, "<tbody>")?;
    for f in listed {
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
        let status = f.status.map(Status::name);
        writeln!(
            w,
            "<tr data-rule=\"{rule}\" data-severity=\"{sev}\"{status_attr}><th scope=\"row\"><code>{rule}</code></th><td><span class=\"badge badge-{sev}\">{sev}</span></td>{status_cell}<td>{}</td><td>{}</td><td>{}</td><td class=\"when\">{}</td><td class=\"when\">{}</td><td>{}</td></tr>",
            escape(&f.kind),
            id(f.incident_id.as_deref()),
            id(f.crime_id.as_deref()),
            opt(f.due.get().map(|t| t.to_string()).as_deref()),
            opt(f.at.get().map(|t| t.to_string()).as_deref()),
            message,
            rule = escape(&f.rule),
            sev = f.severity.name(),
            status_attr = status.map_or_else(String::new, |s| format!(" data-status=\"{s}\"")),
            status_cell = if baseline {
                format!("<td>{}</td>", status.unwrap_or("—"))
            } else {
                String::new()
            },
        )?;
    }
    writeln!(w, "</tbody>")?;
    writeln!(w, "</table>")?;
    writeln!(w, "</div>")?;
    writeln!(w, "<script>{FILTER_SCRIPT}</script>")?;
    writeln!(w, "</section>")
}

/// The findings' filters: rows whose `data-*` attributes do not match a
/// chosen value are hidden. The choice is kept in the address's fragment
/// (`#severity=high&rule=REC001`), so a filtered view can be bookmarked
/// and is the view the page opens with. Inline, fetching nothing.
const FILTER_SCRIPT: &str = r##"
(function(){
var form=document.getElementById("filters"),table=document.getElementById("findings");
if(!form||!table)return;
var selects=Array.prototype.slice.call(form.querySelectorAll("select"));
var rows=Array.prototype.slice.call(table.tBodies[0].rows);
var out=document.getElementById("filter-count");
function apply(){
var shown=0,hash=[];
selects.forEach(function(s){if(s.value)hash.push(s.name+"="+encodeURIComponent(s.value));});
rows.forEach(function(r){
var ok=selects.every(function(s){return !s.value||r.getAttribute("data-"+s.name)===s.value;});
r.hidden=!ok;if(ok)shown++;});
out.textContent=shown+" of "+rows.length+" findings on this page shown";
form.setAttribute("data-shown",shown);
if(history.replaceState)history.replaceState(null,"",hash.length?"#"+hash.join("&"):location.pathname+location.search);
}
location.hash.slice(1).split("&").forEach(function(kv){
var p=kv.split("="),s=form.elements[p[0]];
if(s&&p.length===2)s.value=decodeURIComponent(p[1]);});
selects.forEach(function(s){s.addEventListener("change",apply);});
form.hidden=false;apply();
})();
"##;

const COMPLIANCE_WORDS: ChartWords<'static> = ChartWords {
    caption: "Bars show the share of checks that complied; the black whisker is the 95% interval.",
    none: "nothing checked",
};

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

    fn finding(rule: &str, severity: Severity, n: usize, status: Option<Status>) -> Finding {
        use crate::data::records::{MaybeTime, Shared, Table};
        Finding {
            rule: Shared::new(rule),
            kind: Shared::new("late"),
            severity,
            incident_id: Some(format!("I{n:05}").as_str().into()),
            crime_id: None,
            event: None,
            event_at: MaybeTime::from(None),
            field: None,
            due: MaybeTime::from(None),
            at: MaybeTime::from(None),
            message: Shared::new("m"),
            status,
            order: (Table::Incidents, n as u32, 0, 0),
        }
    }

    /// A rule with thousands of findings does not crowd the others off the
    /// page: within a severity the places go to each rule in turn, and a
    /// lower severity comes only after every higher one.
    #[test]
    fn the_page_lists_the_worst_first_and_every_rule_of_a_severity() {
        let mut all = Vec::new();
        // In the report's order: by rule.
        all.extend((0..1500).map(|n| finding("A001", Severity::Low, n, None)));
        all.extend((0..2000).map(|n| finding("B001", Severity::High, n, None)));
        all.extend((0..10).map(|n| finding("C001", Severity::High, n, None)));
        all.extend((0..5).map(|n| finding("D001", Severity::Medium, n, None)));
        let page = shown(&all);
        assert_eq!(page.len(), FINDINGS_SHOWN);
        let of = |rule: &str| page.iter().filter(|f| &*f.rule == rule).count();
        assert_eq!(
            (of("B001"), of("C001"), of("D001"), of("A001")),
            (990, 10, 0, 0)
        );
        // High first, by rule within it, then subject.
        assert_eq!(&*page[0].rule, "B001");
        assert_eq!(&*page[989].rule, "B001");
        assert_eq!(&*page[990].rule, "C001");
        assert!(page.iter().all(|f| f.severity == Severity::High));
        // Under the cap, every finding, worst first.
        let few: Vec<Finding> = all
            .iter()
            .filter(|f| &*f.rule != "A001" && &*f.rule != "B001")
            .cloned()
            .collect();
        let page = shown(&few);
        assert_eq!(page.len(), 15);
        assert_eq!(
            page.iter().map(|f| f.severity).collect::<Vec<_>>()[9..11],
            [Severity::High, Severity::Medium]
        );
    }

    /// With a baseline, new findings come before persisting ones of the
    /// same severity, and after every finding of a higher one.
    #[test]
    fn new_before_persisting_within_a_severity() {
        let all = vec![
            finding("A001", Severity::High, 1, Some(Status::Persisting)),
            finding("A001", Severity::Medium, 2, Some(Status::New)),
            finding("B001", Severity::High, 3, Some(Status::New)),
            finding("B001", Severity::High, 4, Some(Status::Persisting)),
        ];
        let page: Vec<(String, Option<Status>)> = shown(&all)
            .iter()
            .map(|f| (f.rule.to_string(), f.status))
            .collect();
        assert_eq!(
            page,
            [
                ("B001".to_string(), Some(Status::New)),
                ("A001".to_string(), Some(Status::Persisting)),
                ("B001".to_string(), Some(Status::Persisting)),
                ("A001".to_string(), Some(Status::New)),
            ]
        );
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
