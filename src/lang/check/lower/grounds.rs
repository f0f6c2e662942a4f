//! What a rule rests on: its sources (a title and a web address), the
//! published words it quotes and the force policy it applies.

use super::*;

impl Checker {
    /// A rule's source: a title and a web address a reader can follow.
    pub(super) fn source(&mut self, s: &ast::Source, unreadable_clause: bool) {
        self.source_text(s);
        match &s.address {
            None if unreadable_clause => {}
            None => self.error(
                Code::E023,
                s.text.span,
                "this `source` has no address".into(),
                "say where a reader finds the document, e.g. `source \"HOCR General Rules, Section A\" at \"https://www.gov.uk/government/publications/counting-rules-for-recorded-crime\"`",
            ),
            Some(a) if !is_web_address(&a.node) => self.error(
                Code::E024,
                a.span,
                format!("`{}` is not a web address", a.node.trim()),
                "give the document's address, starting `https://` (or `http://`), with no spaces",
            ),
            Some(_) => {}
        }
    }

    /// A source's title (for rules and audit plans alike) says something.
    pub(in crate::lang::check) fn source_text(&mut self, s: &ast::Source) {
        if s.text.node.trim().is_empty() {
            self.error(
                Code::E022,
                s.text.span,
                "this `source` is empty".into(),
                "name the document, and the section where known, e.g. `source \"HOCR General Rules, Section A\"`",
            );
        }
    }

    /// A `quote` or `policy` says something, and says it once.
    pub(super) fn attribution(
        &mut self,
        r: &ast::Rule,
        word: &str,
        s: &ast::Spanned<String>,
        same: &[String],
        other: &[String],
    ) {
        let text = normalise_space(&s.node);
        if text.is_empty() {
            let help = if word == "quote" {
                "copy the words of the source exactly as published, or remove the line"
            } else {
                "say what the force decided (or how this rule reads the source), or remove the line"
            };
            self.error(Code::E022, s.span, format!("this `{word}` is empty"), help);
        } else if same.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!("rule `{}` has this `{word}` twice", r.code.node),
                "remove the repeated line",
            );
        } else if other.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!(
                    "rule `{}` gives this text as both a `quote` and a `policy`",
                    r.code.node
                ),
                "keep one: a `quote` is the source's own words, a `policy` the force's reading",
            );
        }
    }
}

/// `https://host/…` or `http://host/…`, with something after the scheme
/// and no white space: what a reader can paste into a browser.
fn is_web_address(s: &str) -> bool {
    ["https://", "http://"].iter().any(|scheme| {
        s.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// Runs of white space as one space, none at the ends.
fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
