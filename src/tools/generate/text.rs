//! Writing the generated values as the bytes of a CSV field: numbers,
//! offence codes, timestamps in several styles, without allocating.

use super::*;

pub(super) fn qualifiers(buf: &mut [u8; 32], da: bool, hate: bool, vulnerable: bool) -> &[u8] {
    let mut n = 0;
    for (on, q) in [(da, "DA"), (hate, "HATE"), (vulnerable, "VULNERABLE")] {
        if on {
            if n > 0 {
                buf[n] = b';';
                n += 1;
            }
            buf[n..n + q.len()].copy_from_slice(q.as_bytes());
            n += q.len();
        }
    }
    &buf[..n]
}

pub(super) fn offence_text<'b>(
    buf: &'b mut [u8; 16],
    code: &str,
    dotted: bool,
    lower: bool,
) -> &'b [u8] {
    let out = &mut buf[..code.len()];
    out.copy_from_slice(code.as_bytes());
    for c in out.iter_mut() {
        if dotted && *c == b'/' {
            *c = b'.';
        }
        if lower {
            c.make_ascii_lowercase();
        }
    }
    out
}

/// Decimal digits of `n`, zero-padded to `width`, at the end of `buf`.
pub(super) fn num(buf: &mut [u8], mut n: u64, width: usize) -> Digits<'_> {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && buf.len() - i >= width {
            break;
        }
    }
    Digits { buf, start: i }
}

/// Digits written at the end of a buffer, room left before them.
pub(super) struct Digits<'b> {
    pub(super) buf: &'b mut [u8],
    pub(super) start: usize,
}

impl<'b> Digits<'b> {
    pub(super) fn done(self) -> &'b [u8] {
        self.prefixed(b"")
    }
    pub(super) fn prefixed(self, prefix: &[u8]) -> &'b [u8] {
        let start = self.start - prefix.len();
        self.buf[start..self.start].copy_from_slice(prefix);
        &self.buf[start..]
    }
}

impl AsRef<[u8]> for Digits<'_> {
    fn as_ref(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    /// `2025-03-30 10:30:00`, local time without offset.
    Local,
    /// `2025-03-30T10:30:00+01:00`.
    Offset,
    /// `2025-03-30T09:30:00Z`.
    Utc,
}

/// Formats `t` (seconds since the epoch) without going through chrono's
/// format strings, which would be most of the generator's run time.
pub(super) fn stamp(tz: Tz, t: i64, style: Style, buf: &mut [u8; 32]) -> &[u8] {
    let offset = match style {
        Style::Utc => 0,
        Style::Local | Style::Offset => {
            let utc = DateTime::from_timestamp(t, 0)
                .expect("in range")
                .naive_utc();
            i64::from(tz.offset_from_utc_datetime(&utc).fix().local_minus_utc())
        }
    };
    let local = t + offset;
    let (y, m, d) = civil_from_days(local.div_euclid(DAY));
    let secs = local.rem_euclid(DAY);
    let sep = if style == Style::Local { b' ' } else { b'T' };
    let mut w = Cursor { buf, n: 0 };
    w.digits(y as u64, 4);
    w.push(b'-');
    w.digits(m, 2);
    w.push(b'-');
    w.digits(d, 2);
    w.push(sep);
    w.digits((secs / HOUR) as u64, 2);
    w.push(b':');
    w.digits((secs % HOUR / MIN) as u64, 2);
    w.push(b':');
    w.digits((secs % MIN) as u64, 2);
    match style {
        Style::Local => {}
        Style::Utc => w.push(b'Z'),
        Style::Offset => {
            w.push(if offset < 0 { b'-' } else { b'+' });
            w.digits((offset.abs() / HOUR) as u64, 2);
            w.push(b':');
            w.digits((offset.abs() % HOUR / MIN) as u64, 2);
        }
    }
    let n = w.n;
    &buf[..n]
}

pub(super) struct Cursor<'b> {
    pub(super) buf: &'b mut [u8; 32],
    pub(super) n: usize,
}

impl Cursor<'_> {
    pub(super) fn push(&mut self, c: u8) {
        self.buf[self.n] = c;
        self.n += 1;
    }
    pub(super) fn digits(&mut self, mut v: u64, width: usize) {
        for i in (0..width).rev() {
            self.buf[self.n + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.n += width;
    }
}

/// Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub(super) fn civil_from_days(z: i64) -> (i64, u64, u64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
