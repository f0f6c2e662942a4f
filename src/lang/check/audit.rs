//! Audit plans compiled: strata, sample sizes, and strata that overlap.

use super::lints::never_true;
use super::*;

impl Checker {
    pub(super) fn audits(&mut self, parsed: &[&ast::File]) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Audit(a) = item else { continue };
                if let Some(&other) = seen.get(&a.name.node) {
                    self.error(
                        Code::E007,
                        a.name.span,
                        format!("audit plan `{}` is declared twice", a.name.node),
                        format!(
                            "give each plan its own name (the other is in {})",
                            self.where_is(other)
                        ),
                    );
                } else {
                    seen.insert(a.name.node.clone(), n);
                }
                let plan = self.audit(a);
                self.plan.audits.push(plan);
            }
        }
    }

    pub(super) fn audit(&mut self, a: &ast::Audit) -> AuditPlan {
        let mut sources = Vec::new();
        let mut strata: Vec<(Stratum, &ast::Stratum)> = Vec::new();
        for line in &a.lines {
            let s = match line {
                ast::AuditLine::Source(s) => {
                    self.source_text(s);
                    sources.push(crate::lang::plan::Source {
                        text: s.text.node.clone(),
                        address: s.address.as_ref().map(|a| a.node.clone()),
                    });
                    continue;
                }
                ast::AuditLine::Stratum(s) => s,
            };
            if strata.iter().any(|(t, _)| t.name == s.name.node) {
                self.error(
                    Code::E007,
                    s.name.span,
                    format!(
                        "stratum `{}` is declared twice in audit plan `{}`",
                        s.name.node, a.name.node
                    ),
                    "give each stratum its own name",
                );
            }
            let (filter, clean) = self.condition_checked(&s.filter, Subject::Incident);
            if clean && never_true(&filter) {
                self.warn(
                    Code::W002,
                    s.filter.span,
                    "this condition can never be true".into(),
                    "the stratum will always be empty; correct or remove the condition",
                );
            }
            let size = self.sample_size(&s.size);
            strata.push((
                Stratum {
                    name: s.name.node.clone(),
                    label: s.label.as_ref().map(|l| l.node.clone()),
                    filter,
                    size,
                },
                s,
            ));
        }
        let unreadable = self.unreadable(a.span);
        if strata.is_empty() && !unreadable {
            self.error(
                Code::E016,
                a.name.span,
                format!("audit plan `{}` has no strata", a.name.node),
                "add a line such as `stratum violence where closing_code in violence_codes sample 60`",
            );
        }
        self.overlaps(&strata);
        AuditPlan {
            name: a.name.node.clone(),
            title: a.title.node.clone(),
            sources,
            strata: strata.into_iter().map(|(s, _)| s).collect(),
            file: self.file,
            span: a.span,
        }
    }

    pub(super) fn sample_size(&mut self, size: &ast::SampleSize) -> SampleSize {
        match size {
            ast::SampleSize::Count(n) => {
                if n.node < 1 {
                    self.error(
                        Code::E016,
                        n.span,
                        "a stratum's sample needs at least one incident".into(),
                        "write `sample 1` or more",
                    );
                }
                SampleSize::Count(u64::try_from(n.node).unwrap_or(1).max(1))
            }
            ast::SampleSize::HalfWidth {
                half_width,
                expected,
            } => {
                if !(half_width.node > 0.0 && half_width.node <= 50.0) {
                    self.error(
                        Code::E016,
                        half_width.span,
                        format!(
                            "a half-width of {}% cannot give a sample size",
                            half_width.node
                        ),
                        "the half-width of the 95% interval is more than 0% and at most 50%, e.g. `5%`",
                    );
                }
                if !(expected.node > 0.0 && expected.node < 100.0) {
                    self.error(
                        Code::E016,
                        expected.span,
                        format!(
                            "expecting {}% gives no sample size: the formula needs a rate between 0% and 100%",
                            expected.node
                        ),
                        "write the rate you expect, strictly between 0% and 100%, e.g. `expecting 90%`; to sample a number of incidents write `sample 60`",
                    );
                }
                let clamp = |v: f64, lo: f64, hi: f64| v.clamp(lo, hi) / 100.0;
                SampleSize::HalfWidth {
                    half_width: clamp(half_width.node, 0.1, 50.0),
                    expected: clamp(expected.node, 1.0, 99.0),
                }
            }
        }
    }

    /// Strata must not overlap. That is checked for every incident when a
    /// sample is drawn; here, what can be seen in the text: two strata with
    /// the same condition, or a condition that always holds beside others.
    pub(super) fn overlaps(&mut self, strata: &[(Stratum, &ast::Stratum)]) {
        for (k, (a, sa)) in strata.iter().enumerate() {
            if strata.len() > 1 && self.always_true(&a.filter) {
                self.warn(
                    Code::W006,
                    sa.filter.span,
                    format!(
                        "stratum `{}` takes every incident, so it overlaps every other stratum",
                        a.name
                    ),
                    "give it a condition that leaves out the other strata's incidents: `… and not …` with another stratum's condition",
                );
                continue;
            }
            let same = strata[..k]
                .iter()
                .find(|(b, _)| format!("{:?}", b.filter) == format!("{:?}", a.filter));
            if let Some((b, _)) = same {
                self.warn(
                    Code::W006,
                    sa.filter.span,
                    format!(
                        "strata `{}` and `{}` have the same condition, so they overlap",
                        b.name, a.name
                    ),
                    "each incident must fall in at most one stratum: merge them, or make the conditions exclusive",
                );
            }
        }
    }
}
