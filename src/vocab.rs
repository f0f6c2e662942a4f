//! The words every side shares: where something was written in a rule
//! file ([`Span`]), what a check is about ([`Subject`]), how two values are
//! compared ([`CmpOp`]), how linked records are counted ([`Quantifier`])
//! and what a rule's example expects ([`Expectation`]). The syntax tree
//! uses them, and so do the plan, the diagnostics and the engine, which
//! never import the tree for them.

/// Byte offsets into the rule file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subject {
    Incident,
    Crime,
    Update,
    /// Every timestamp value in the export.
    Timestamp,
    /// Every non-empty optional value in the export.
    OptionalValue,
}

impl Subject {
    pub const ALL: [Subject; 5] = [
        Subject::Incident,
        Subject::Crime,
        Subject::Update,
        Subject::Timestamp,
        Subject::OptionalValue,
    ];

    pub fn words(self) -> &'static str {
        match self {
            Subject::Incident => "incident",
            Subject::Crime => "crime",
            Subject::Update => "update",
            Subject::Timestamp => "timestamp",
            Subject::OptionalValue => "optional value",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn text(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    /// `any crimes where …`: true if at least one matches.
    Any,
    /// `no crimes where …`: true if none matches.
    No,
    /// `all crimes where …`: true if every linked record matches.
    All,
    /// `count crimes where …`: how many match.
    Count,
}

impl Quantifier {
    pub fn word(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::No => "no",
            Quantifier::All => "all",
            Quantifier::Count => "count",
        }
    }
}

/// What an example expects of its rule (`expect …`).
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect no finding`
    Nothing,
    /// `expect pending`
    Pending,
    /// `expect late` (or any kind), optionally counted: `expect 2 missing`
    Finding { kind: String, count: u32 },
}
