//! Byte offsets (what the parser and checker speak) to LSP positions
//! (lines and UTF-16 code units, what every client understands) and back,
//! and file paths to `file:` URIs and back.

use crate::lang::syntax::ast::Span;
use lsp_types::{Position, Range, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Where each line of a text starts, so a position is found without
/// scanning the text from the start.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|n| n + 1));
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text, and back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end.max(span.start)),
        )
    }

    /// The byte offset of a position; past the end of a line is its end,
    /// past the last line is the end of the text.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |n| n - 1);
        let line = &text[start..end];
        let mut units = 0;
        for (at, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        end
    }

    /// The range from the start of the text to its end.
    pub fn whole(&self, text: &str) -> Range {
        Range::new(Position::new(0, 0), self.position(text, text.len()))
    }
}

/// The path of a `file:` URI.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme()?.as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let path = uri.path().as_estr().decode().into_string().ok()?;
    Some(PathBuf::from(path.into_owned()))
}

/// The `file:` URI of a path, every byte outside the unreserved set (and
/// `/`) percent-encoded.
pub fn path_to_uri(path: &Path) -> Uri {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&s).unwrap_or_else(|_| Uri::from_str("file:///").expect("a valid URI"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "ab\n€x𝄞y\n";
        let idx = LineIndex::new(text);
        // `y` is after € (1 unit, 3 bytes), x, 𝄞 (2 units, 4 bytes).
        let y = text.find('y').unwrap();
        assert_eq!(idx.position(text, y), Position::new(1, 4));
        assert_eq!(idx.offset(text, Position::new(1, 4)), y);
        assert_eq!(idx.offset(text, Position::new(0, 99)), 2);
        assert_eq!(idx.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(idx.position(text, text.len()), Position::new(2, 0));
    }

    #[test]
    fn paths_and_uris_round_trip() {
        let p = Path::new("/tmp/my rules/café.hocr");
        let uri = path_to_uri(p);
        assert_eq!(uri.as_str(), "file:///tmp/my%20rules/caf%C3%A9.hocr");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(p));
    }
}
