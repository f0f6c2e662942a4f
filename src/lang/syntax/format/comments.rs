//! The comments of a rule file: where each is, and what follows it, so
//! the printer can put every one back in its place.

/// A `#` comment in the source text.
pub(super) struct Comment<'t> {
    /// Byte offset of the `#`.
    pub(super) start: usize,
    /// From `#` to the end of the line, less trailing white space.
    pub(super) text: &'t str,
    /// A blank line follows the comment's line.
    pub(super) blank_after: bool,
}

/// Every comment in `text`, in order: each `#` outside a quoted string
/// starts one (no other token of the language contains `#` or `"`).
pub(super) fn comments(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(Comment {
                    start: i,
                    text: text[i..end].trim_end(),
                    blank_after: blank_line_at(text, end),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The text of every comment in `text`, in order, as the formatter keeps
/// them (without trailing white space).
pub(super) fn comment_texts(text: &str) -> Vec<&str> {
    comments(text).into_iter().map(|c| c.text).collect()
}

/// Whether the line after the one ending at `end` (a `\n` or the end of
/// the text) is blank.
fn blank_line_at(text: &str, end: usize) -> bool {
    let Some(rest) = text[end..].strip_prefix('\n') else {
        return false;
    };
    rest.find('\n').is_some_and(|n| rest[..n].trim().is_empty())
}

/// The offset of the next token at or after `pos`, past white space and
/// comments (as the parser skips them).
pub(super) fn next_token(text: &str, mut pos: usize) -> usize {
    loop {
        let rest = &text[pos..];
        let trimmed = rest.trim_start();
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with('#') {
            pos += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            return pos;
        }
    }
}
