//! Laying out a document in the width: groups written on one line when
//! they fit, else broken where they allow; lists filled line by line.

use super::{INDENT, WIDTH};

/// A document to lay out (Wadler's "prettier printer"): a group is written
/// on one line if it fits, else each of its own line breaks is taken.
pub(super) enum Doc {
    Text(String),
    /// A space, or a new line at the current indentation.
    Line,
    /// Indents the new lines inside by this much more.
    Nest(usize, Box<Doc>),
    Group(Box<Doc>),
    Concat(Vec<Doc>),
}

pub(super) fn text(s: impl Into<String>) -> Doc {
    Doc::Text(s.into())
}

pub(super) fn nest(d: Doc) -> Doc {
    Doc::Nest(INDENT, Box::new(d))
}

pub(super) fn group(d: Doc) -> Doc {
    Doc::Group(Box::new(d))
}

pub(super) fn cat(parts: Vec<Doc>) -> Doc {
    Doc::Concat(parts)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// The column after writing `s` from column `col` (strings may hold new
/// lines).
fn advance(col: usize, s: &str) -> usize {
    match s.rfind('\n') {
        Some(n) => width(&s[n + 1..]),
        None => col + width(s),
    }
}

/// Writes `doc` starting at column `indent`, with new lines indented from
/// `indent`. The caller writes the first line's indentation.
pub(super) fn render(doc: &Doc, indent: usize) -> String {
    let mut out = String::new();
    let mut col = indent;
    let mut stack: Vec<(usize, Mode, &Doc)> = vec![(indent, Mode::Break, doc)];
    while let Some((ind, mode, d)) = stack.pop() {
        match d {
            Doc::Text(s) => {
                out.push_str(s);
                col = advance(col, s);
            }
            Doc::Line => match mode {
                Mode::Flat => {
                    out.push(' ');
                    col += 1;
                }
                Mode::Break => {
                    out.push('\n');
                    out.push_str(&" ".repeat(ind));
                    col = ind;
                }
            },
            Doc::Nest(j, inner) => stack.push((ind + j, mode, inner)),
            Doc::Group(inner) => {
                let room = WIDTH as isize - col as isize;
                let m = if mode == Mode::Flat || fits(room, (ind, Mode::Flat, inner), &stack) {
                    Mode::Flat
                } else {
                    Mode::Break
                };
                stack.push((ind, m, inner));
            }
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (ind, mode, p))),
        }
    }
    out
}

/// Whether `first`, then what follows it up to the next line break, fits
/// in `room` columns.
fn fits(mut room: isize, first: (usize, Mode, &Doc), rest: &[(usize, Mode, &Doc)]) -> bool {
    let mut stack = vec![first];
    let mut rest = rest.iter().rev();
    loop {
        if room < 0 {
            return false;
        }
        let Some((ind, mode, d)) = stack.pop().or_else(|| rest.next().copied()) else {
            return true;
        };
        match d {
            Doc::Text(s) => match s.split_once('\n') {
                Some((line, _)) => return room >= width(line) as isize,
                None => room -= width(s) as isize,
            },
            Doc::Line => match mode {
                Mode::Flat => room -= 1,
                Mode::Break => return true,
            },
            Doc::Nest(j, inner) => stack.push((ind + j, mode, inner)),
            Doc::Group(inner) => stack.push((ind, mode, inner)),
            Doc::Concat(parts) => stack.extend(parts.iter().rev().map(|p| (ind, mode, p))),
        }
    }
}

/// `head item, item, …`, filling each line and wrapping after a `,` with
/// continuation lines indented two more than `indent`.
pub(super) fn fill(head: String, items: Vec<String>, indent: usize) -> String {
    let mut out = head;
    let mut col = advance(indent, &out);
    let count = items.len();
    for (k, item) in items.into_iter().enumerate() {
        let piece = if k + 1 < count { item + "," } else { item };
        let first_line = piece.split('\n').next().unwrap_or("");
        if k > 0 && col + 1 + width(first_line) > WIDTH {
            out.push('\n');
            out.push_str(&" ".repeat(indent + INDENT));
            col = indent + INDENT;
        } else {
            out.push(' ');
            col += 1;
        }
        col = advance(col, &piece);
        out.push_str(&piece);
    }
    out
}
