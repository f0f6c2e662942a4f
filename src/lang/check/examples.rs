//! A rule's examples checked before they are run: rows that fit their
//! tables, expectations that can come true. What reads cleanly goes into
//! the plan as [`plan::Example`](crate::lang::plan::Example).

use super::*;

impl Checker {
    /// Every example must be readable as records and expect something the
    /// rule can report; running them is `hocr rules test`'s business. The
    /// examples read, for the plan.
    pub(super) fn examples(
        &mut self,
        r: &ast::Rule,
        examples: &[&ast::Example],
        checks: &[Check],
    ) -> Vec<crate::lang::plan::Example> {
        let may_be_unreadable = crate::lang::examples::may_hold_unreadable(checks);
        let mut reports: Vec<&str> = checks.iter().flat_map(Check::reports).collect();
        reports.sort_unstable();
        reports.dedup();
        let mut names = HashSet::new();
        let mut read = Vec::new();
        for &ex in examples {
            if !names.insert(ex.name.node.as_str()) {
                self.warn(
                    Code::W005,
                    ex.name.span,
                    format!(
                        "rule `{}` has two examples called `{}`",
                        r.code.node, ex.name.node
                    ),
                    "name each example after what it shows",
                );
            }
            match crate::lang::examples::read(ex, may_be_unreadable) {
                Ok(example) => read.push(example),
                Err(problems) => {
                    for p in problems {
                        self.error(p.code, p.span, p.message, p.help);
                    }
                }
            }
            self.expectation(r, ex, &reports);
        }
        read
    }

    pub(super) fn expectation(&mut self, r: &ast::Rule, ex: &ast::Example, reports: &[&str]) {
        let span = ex.expect.span;
        match &ex.expect.node {
            ast::Expectation::Nothing => {}
            ast::Expectation::Pending => {
                if ex.as_of.is_none() {
                    self.error(
                        Code::E015,
                        span,
                        "without `as of`, nothing is pending".into(),
                        "an example without `as of` is judged after every deadline; add `as of \"…\"` with a time before the deadline",
                    );
                }
            }
            ast::Expectation::Finding { kind, count } => {
                if kind == "pending" {
                    self.error(
                        Code::E015,
                        span,
                        "pending subjects are not counted".into(),
                        "write `expect pending`",
                    );
                } else if !KINDS.contains(&kind.as_str()) {
                    let hint = match did_you_mean(kind, KINDS.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "expect `no finding`, `pending` or a kind of finding: {}",
                            KINDS.join(", ")
                        ),
                    };
                    self.error(
                        Code::E015,
                        span,
                        format!("`{kind}` is not a kind of finding"),
                        hint,
                    );
                } else if *count == 0 {
                    self.error(
                        Code::E015,
                        span,
                        format!("`expect 0 {kind}` expects nothing"),
                        "write `expect no finding`",
                    );
                } else if !reports.is_empty() && !reports.contains(&kind.as_str()) {
                    self.error(
                        Code::E015,
                        span,
                        format!("rule `{}` never reports `{kind}`", r.code.node),
                        format!(
                            "expect {} or `no finding`",
                            reports
                                .iter()
                                .chain(&["pending"])
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
    }
}
