//! Time: the one timestamp parser, the one UTC formatter and the one
//! deadline calculator (SPEC §2 "Value formats" and §3 "Working-day
//! deadlines"). Everything else in hocr goes through here.

use crate::util::cache::DirectMapped;
use chrono::format::{Item, Numeric, Parsed, StrftimeItems};
use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use std::collections::BTreeSet;
use std::fmt;

/// An instant: microseconds since the Unix epoch, UTC. Durations between
/// instants are elapsed real time, whatever the wall clock did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(pub i64);

pub const MICROS_PER_HOUR: i64 = 3_600_000_000;

impl Instant {
    pub fn plus_micros(self, micros: i64) -> Instant {
        Instant(self.0.saturating_add(micros))
    }

    fn to_utc(self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.0)
    }

    /// The UTC calendar date of the instant.
    pub fn utc_date(self) -> Option<chrono::NaiveDate> {
        self.to_utc().map(|t| t.date_naive())
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the only way hocr writes an instant.
    pub fn format_utc(self) -> String {
        let mut text = String::with_capacity(UTC_TEXT.len());
        self.write_utc(&mut text)
            .expect("writing to a String does not fail");
        text
    }

    /// Writes [`Instant::format_utc`]'s text. Years 0000 to 9999 (every
    /// instant hocr reads) are written digit by digit into a fixed
    /// template; other years go through chrono's `%Y`, which then adds a
    /// sign and more digits. The bytes are chrono's either way (tested):
    /// this only skips parsing the strftime string on every call.
    fn write_utc(self, w: &mut impl fmt::Write) -> fmt::Result {
        match self.utc_text() {
            Some(text) => w.write_str(text.as_str()),
            None => match self.to_utc() {
                Some(t) => write!(w, "{}", t.format("%Y-%m-%dT%H:%M:%SZ")),
                None => w.write_str("out-of-range"),
            },
        }
    }

    /// The instant as `YYYY-MM-DDTHH:MM:SSZ` when its year has four
    /// digits (every instant read from an export); `None` otherwise.
    pub fn utc_text(self) -> Option<UtcText> {
        if !(FIRST_MICROS..AFTER_LAST_MICROS).contains(&self.0) {
            return None;
        }
        let seconds = self.0.div_euclid(1_000_000);
        let (days, second_of_day) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        let (year, month, day) = civil_from_days(days);
        let second_of_day = second_of_day as u32;
        fn digits(out: &mut [u8], mut n: u32) {
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        }
        let mut text = *UTC_TEXT;
        digits(&mut text[0..4], year);
        digits(&mut text[5..7], month);
        digits(&mut text[8..10], day);
        digits(&mut text[11..13], second_of_day / 3600);
        digits(&mut text[14..16], second_of_day / 60 % 60);
        digits(&mut text[17..19], second_of_day % 60);
        Some(UtcText(text))
    }
}

/// The proleptic Gregorian date `days` after 1970-01-01, for years 0000
/// to 9999: Howard Hinnant's `civil_from_days`, in whole 400-year eras
/// from 0000-03-01. A few dozen instructions where chrono's date takes
/// several hundred (each finding writes two or three times); the property
/// test `utc_text_is_chronos` holds it to chrono's text.
fn civil_from_days(days: i64) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March, so that February's leap day comes last.
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year as u32, month as u32, day as u32)
}

/// An instant written out by [`Instant::utc_text`]: ASCII only.
#[derive(Clone, Copy)]
pub struct UtcText([u8; 20]);

impl UtcText {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The template [`Instant::utc_text`] fills in.
const UTC_TEXT: &[u8; 20] = b"0000-00-00T00:00:00Z";

impl serde::Serialize for Instant {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // As a plain string when it can be (no formatting machinery), else
        // straight into the output, not through a String.
        match self.utc_text() {
            Some(text) => s.serialize_str(text.as_str()),
            None => s.collect_str(self),
        }
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_utc(f)
    }
}

/// How a local (offset-less) time mapped onto the zone's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// Written with an offset, or a local time that happens exactly once.
    Unique,
    /// In the hour repeated when clocks go back: read as the earlier instant.
    Repeated,
    /// In the hour skipped when clocks go forward: read with the offset in
    /// force before the change.
    Skipped,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("not a timestamp (expected e.g. `2025-03-30T10:30:00+01:00` or `2025-03-30 10:30`)")]
    Format,
    #[error("timestamp out of range")]
    OutOfRange,
}

/// The zone offset-less times are read in (Europe/London unless a flag says
/// otherwise).
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    pub tz: Tz,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            tz: chrono_tz::Europe::London,
        }
    }
}

const LOCAL_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

impl Clock {
    pub fn new(tz: Tz) -> Clock {
        Clock { tz }
    }

    /// Parses every timestamp form SPEC §2 accepts.
    pub fn parse(&self, s: &str) -> Result<(Instant, Fold), TimeError> {
        let s = crate::util::text::trim(s);
        // Most exports write one of a few fixed-width forms: read those
        // directly; anything else goes through chrono's general parsers, so
        // the fast path changes speed, never what is accepted.
        if let Some(time) = fixed_time(s.as_bytes())
            && let Some(day) = written_day(self.tz, s.as_bytes())
        {
            let local = (i64::from(day.days) * 86_400 + i64::from(time.second_of_day)) * 1_000_000
                + i64::from(time.micro);
            let offset = match (time.offset, day.offset) {
                (Some(seconds), _) => seconds,
                (None, Some(plain)) => plain,
                (None, None) => return self.read_local_by_tz(day.naive(&time)?),
            };
            return Ok((
                instant_of(local - i64::from(offset) * 1_000_000)?,
                Fold::Unique,
            ));
        }
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok((instant_of(t.timestamp_micros())?, Fold::Unique));
        }
        let naive = LOCAL_FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .ok_or(TimeError::Format)?;
        self.from_local(naive)
    }

    /// Parses with a force profile's formats instead of the SPEC §2 forms:
    /// the first format that reads the whole text wins. A time without an
    /// offset is read in the clock's zone exactly as [`Clock::parse`] reads
    /// one, with the same repeated and skipped hours.
    pub fn parse_as(&self, s: &str, formats: &[LocalFormat]) -> Result<(Instant, Fold), TimeError> {
        let s = s.trim();
        for format in formats {
            let mut parsed = Parsed::new();
            if chrono::format::parse(&mut parsed, s, format.items.iter()).is_err() {
                continue;
            }
            if parsed.offset().is_some() {
                if let Ok(t) = parsed.to_datetime() {
                    return Ok((instant_of(t.timestamp_micros())?, Fold::Unique));
                }
                continue;
            }
            let naive = if format.has_time {
                parsed.to_naive_datetime_with_offset(0)
            } else {
                parsed.to_naive_date().map(|d| d.and_time(NaiveTime::MIN))
            };
            if let Ok(naive) = naive {
                return self.from_local(naive);
            }
        }
        Err(TimeError::Format)
    }

    /// Reads a parsed custom format (force profiles) the same way.
    ///
    /// Most local times fall on a day with no clock change: those are read
    /// with the day's one offset, remembered per thread (see
    /// `plain_day_offset`). Everything else (clock-change days, years
    /// outside 0000 to 9999) goes to chrono-tz as before, so the result,
    /// instant and [`Fold`], is the same either way (the tests compare
    /// it with `Clock::read_local_by_tz`, which always asks chrono-tz).
    pub fn from_local(&self, naive: NaiveDateTime) -> Result<(Instant, Fold), TimeError> {
        if let Some(offset) = plain_date_offset(self.tz, naive.date()) {
            let local = naive.and_utc().timestamp_micros();
            let utc = local - i64::from(offset) * 1_000_000;
            return Ok((instant_of(utc)?, Fold::Unique));
        }
        self.read_local_by_tz(naive)
    }

    /// [`Clock::from_local`] without the remembered days: asks chrono-tz
    /// every time.
    fn read_local_by_tz(&self, naive: NaiveDateTime) -> Result<(Instant, Fold), TimeError> {
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => Ok((instant_of(t.timestamp_micros())?, Fold::Unique)),
            LocalResult::Ambiguous(a, b) => {
                let micros = a.timestamp_micros().min(b.timestamp_micros());
                Ok((instant_of(micros)?, Fold::Repeated))
            }
            LocalResult::None => {
                // The offset in force a few hours before the gap is the one
                // "as if the clocks had not yet changed".
                let before = naive
                    .checked_sub_signed(chrono::TimeDelta::hours(3))
                    .ok_or(TimeError::OutOfRange)?;
                let offset = match self.tz.offset_from_local_datetime(&before) {
                    LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => o,
                    LocalResult::None => return Err(TimeError::OutOfRange),
                };
                let t = offset
                    .fix()
                    .from_local_datetime(&naive)
                    .single()
                    .ok_or(TimeError::OutOfRange)?;
                Ok((instant_of(t.timestamp_micros())?, Fold::Skipped))
            }
        }
    }

    /// The local calendar date of an instant.
    ///
    /// Most instants fall on a plain local date (see `plain_day_offset`):
    /// the UTC date's offset, if that date is plain, gives a local time;
    /// if the local time's date is plain with that same offset, the local
    /// time reads back as this very instant, so that is its date. Anything
    /// else (a clock-change day near) asks chrono-tz, as
    /// `Clock::local_date_by_tz` always does.
    pub fn local_date(&self, t: Instant) -> Option<NaiveDate> {
        let plain = |date| plain_date_offset(self.tz, date);
        let utc = t.to_utc()?;
        let guess = utc.date_naive();
        if let Some(offset) = plain(guess)
            && let Some(local) = utc
                .naive_utc()
                .checked_add_signed(chrono::TimeDelta::seconds(offset.into()))
            && (local.date() == guess || plain(local.date()) == Some(offset))
        {
            return Some(local.date());
        }
        self.local_date_by_tz(t)
    }

    /// [`Clock::local_date`] without the remembered days.
    fn local_date_by_tz(&self, t: Instant) -> Option<NaiveDate> {
        Some(t.to_utc()?.with_timezone(&self.tz).date_naive())
    }

    /// The instant a local date begins (its 00:00; never in a gap in the
    /// zones hocr is used in, and the earlier instant if repeated).
    fn start_of(&self, d: NaiveDate) -> Option<Instant> {
        let naive = d.and_time(NaiveTime::MIN);
        self.from_local(naive).ok().map(|(t, _)| t)
    }
}

/// How many local dates each thread remembers: a year of dates fits
/// without two sharing a slot.
const PLAIN_DAY_SLOTS: usize = 512;

thread_local! {
    /// What chrono-tz said about each (zone, local date), the date as
    /// `NaiveDate::num_days_from_ce`: the UTC offset (seconds east) every
    /// time of that day has, or `None` if the day is not plain (chrono-tz
    /// must judge each time of it). Local date `day` lives in slot
    /// `day mod 512`.
    static PLAIN_DAYS: DirectMapped<(Tz, i32), Option<i32>, PLAIN_DAY_SLOTS> =
        const { DirectMapped::new() };
}

/// The offset every time of local date `date` has in `tz`, if that date
/// is plain (see [`day_offset`]). Asks chrono-tz once per (zone, date) per
/// thread, then answers from [`PLAIN_DAYS`]: exports hold millions of local
/// times on a few hundred dates.
///
/// Keyed by the date itself, not by the time's microsecond count: a leap
/// second (`23:59:60`, which chrono's `%S` reads) counts as the next day's
/// first second in microseconds, but chrono-tz resolves it as 23:59:59 of
/// its own date, whose offset can differ from the next day's (Beirut's
/// clocks go back at midnight).
///
/// `day` is the date as `NaiveDate::num_days_from_ce`, and `date` makes
/// the date itself, only when chrono-tz must be asked. Years 0000 to 9999
/// only (the callers see to it): the instant is then less than a day from
/// the local time, well inside chrono's range, so chrono-tz's subtraction
/// of the offset cannot fail, and `instant_of` judges both paths' instants
/// the same.
fn plain_day_offset(tz: Tz, day: i32, date: impl FnOnce() -> NaiveDate) -> Option<i32> {
    let slot = day.rem_euclid(PLAIN_DAY_SLOTS as i32) as usize;
    PLAIN_DAYS.with(|days| {
        days.get_or(slot, (tz, day), || {
            let date = date();
            debug_assert!((0..=9999).contains(&date.year()));
            debug_assert_eq!(date.num_days_from_ce(), day);
            day_offset(tz, date)
        })
    })
}

/// [`plain_day_offset`] of a date of any year: years outside 0000 to 9999
/// are never plain here, and go to chrono-tz.
fn plain_date_offset(tz: Tz, date: NaiveDate) -> Option<i32> {
    if !(0..=9999).contains(&date.year()) {
        return None;
    }
    plain_day_offset(tz, date.num_days_from_ce(), || date)
}

/// `Some(offset)` if chrono-tz reads every time of local date `d` in `tz`
/// as a single time at that one offset: no gap, no repeated hour, no
/// change of offset during the day. Otherwise `None`.
///
/// Two questions to chrono-tz settle it: the day's first second (00:00:00)
/// and its last (23:59:59; chrono-tz resolves whole seconds, so that also
/// covers 23:59:59.999999 and a leap second 23:59:60) must each be a single
/// time, at the same offset.
///
/// Why that suffices: chrono-tz resolves a local time by finding the span
/// of local time during which one offset is in force; a change forward
/// leaves a gap between two spans, a change back makes them overlap. A gap
/// or overlap that reaches into the day and also past one of its ends
/// contains that end, which is then not single. One wholly inside the day
/// puts different offsets at the two ends, unless a second change on the
/// same day undoes the first. No zone does that: in the tz database
/// chrono-tz 0.10.4 carries, the closest two offset changes of one zone are
/// 7 days apart (Brazil in 2000; Gaza and Hebron), and the spans are in
/// order (each overlaps only its neighbours), checked over all 597 zones
/// in its generated tables. A change of abbreviation alone (same offset)
/// leaves no gap or overlap, so it does not matter. As a further one-off
/// check, this path and chrono-tz agreed at every half hour (and a leap
/// second a day) of 1900 to 2040 in all 597 zones.
fn day_offset(tz: Tz, d: NaiveDate) -> Option<i32> {
    let first = tz.offset_from_local_datetime(&d.and_time(NaiveTime::MIN));
    let last = tz.offset_from_local_datetime(&d.and_hms_opt(23, 59, 59)?);
    match (first, last) {
        (LocalResult::Single(a), LocalResult::Single(b)) if a.fix() == b.fix() => {
            Some(a.fix().local_minus_utc())
        }
        _ => None,
    }
}

/// `YYYY-MM-DD[T ]HH:MM[:SS[.f…]][Z|±HH:MM]`, with exactly these widths;
/// an offset only after seconds (as RFC 3339 requires): all but the date
/// (`b[..10]`, read by [`fixed_date`]). `None` for anything else, which
/// the general parsers then judge.
fn fixed_time(b: &[u8]) -> Option<FixedTime> {
    if b.len() < 16 || !matches!(b[10], b'T' | b' ') || b[13] != b':' {
        return None;
    }
    let (hour, minute) = (num(&b[11..13])?, num(&b[14..16])?);
    let mut rest = &b[16..];
    let (mut second, mut micro) = (0, 0);
    let has_seconds = rest.first() == Some(&b':');
    if has_seconds {
        second = num(rest.get(1..3)?)?;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let digits = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            // Microsecond precision: further digits are dropped, as chrono does.
            let kept = &rest[1..1 + digits.min(6)];
            micro = num(kept)? * 10u32.pow(6 - kept.len() as u32);
            rest = &rest[1 + digits..];
        }
    }
    let offset = match rest {
        [] => None,
        [b'Z'] if has_seconds => Some(0),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] if has_seconds => {
            let (hours, minutes) = (num(&[*h1, *h2])?, num(&[*m1, *m2])?);
            // Other offsets (`+01:99`) are left to chrono, which rejects them.
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = (hours * 60 + minutes) as i32 * 60;
            Some(if *sign == b'-' { -seconds } else { seconds })
        }
        _ => return None,
    };
    if matches!(b[10], b' ') && offset.is_some() {
        return None;
    }
    // As `NaiveTime::from_hms_micro_opt` (no leap second: `:60` is left to
    // chrono's parsers, which read it).
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    Some(FixedTime {
        second_of_day: hour * 3600 + minute * 60 + second,
        micro,
        offset,
    })
}

/// `YYYY-MM-DD`, a valid date of years 0000 to 9999: year, month, day.
fn fixed_date(b: &[u8; 10]) -> Option<(u32, u32, u32)> {
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some((year, month, day))
}

/// The number `b` writes in decimal digits, if it is all digits.
fn num(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// What [`fixed_time`] reads: a time of day, and its offset if it has one.
struct FixedTime {
    second_of_day: u32,
    micro: u32,
    offset: Option<i32>,
}

/// A date written `YYYY-MM-DD` as [`Clock::parse`] needs it, remembered
/// per thread by [`written_day`].
#[derive(Clone, Copy)]
struct WrittenDay {
    /// Days from 1970-01-01.
    days: i32,
    /// [`plain_day_offset`] of the date in `tz`.
    offset: Option<i32>,
}

impl WrittenDay {
    /// For chrono-tz, on the days it must judge (clock changes).
    fn naive(&self, time: &FixedTime) -> Result<NaiveDateTime, TimeError> {
        let date = NaiveDate::from_num_days_from_ce_opt(self.days + DAYS_CE_TO_1970 as i32)
            .expect("fixed_date checks the date");
        let s = time.second_of_day;
        let time = NaiveTime::from_hms_micro_opt(s / 3600, s / 60 % 60, s % 60, time.micro)
            .ok_or(TimeError::Format)?;
        Ok(date.and_time(time))
    }
}

/// How many written dates each thread remembers.
const WRITTEN_DAY_SLOTS: usize = 512;

thread_local! {
    /// What [`fixed_date`] and [`plain_day_offset`] said about each (zone,
    /// date as written), by month and day (and the year's last digit): the
    /// dates of one year each have their own slot.
    static WRITTEN_DAYS: DirectMapped<(Tz, [u8; 10]), WrittenDay, WRITTEN_DAY_SLOTS> =
        const { DirectMapped::new() };
}

/// The date `b` starts with (`YYYY-MM-DD`, see [`fixed_date`]), or `None`
/// if it does not start with one. Exports hold millions of timestamps on a
/// few hundred dates, and a date read before is only compared, not read
/// again: no digits, no calendar arithmetic, no zone lookup.
fn written_day(tz: Tz, b: &[u8]) -> Option<WrittenDay> {
    let text: [u8; 10] = b.get(..10)?.try_into().ok()?;
    // Month and day give 1 to 415 for a valid date; only the low bits of
    // each digit are taken, so any bytes give a slot.
    let digit = |i: usize| usize::from(text[i] & 0x0F);
    let month_day =
        (usize::from(text[5] & 1) * 10 + digit(6)) * 32 + usize::from(text[8] & 3) * 10 + digit(9);
    let slot = (month_day + 416 * digit(3)) % WRITTEN_DAY_SLOTS;
    WRITTEN_DAYS.with(|written| {
        if let Some(known) = written.get(slot, (tz, text)) {
            return Some(known);
        }
        let (year, month, day) = fixed_date(&text)?;
        let days = days_from_civil(year, month, day);
        let date = || {
            NaiveDate::from_ymd_opt(year as i32, month, day).expect("fixed_date checks the date")
        };
        let offset = plain_day_offset(tz, (days + DAYS_CE_TO_1970) as i32, date);
        let known = WrittenDay {
            days: days as i32,
            offset,
        };
        written.set(slot, (tz, text), known);
        Some(known)
    })
}

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const DAYS_CE_TO_1970: i64 = 719_163;

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date of years 0000 to
/// 9999: Howard Hinnant's `days_from_civil`, the inverse of
/// [`civil_from_days`] (tests hold both to chrono).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    // Years from March, so that February's leap day comes last.
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let march_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * march_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A timestamp format a force profile declares, in chrono's strftime
/// syntax (e.g. `%d/%m/%Y %H:%M`), checked once when the profile is loaded.
/// Read by [`Clock::parse_as`].
#[derive(Clone, Debug)]
pub struct LocalFormat {
    text: Box<str>,
    items: Vec<Item<'static>>,
    /// Gives a time of day; a format without one reads as 00:00 local.
    has_time: bool,
}

/// Why a strftime format cannot be used to read timestamps.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("`{0}` is not a valid strftime format")]
    Invalid(String),
    #[error("`{0}` is an epoch count (`%s`), not a date and time")]
    Epoch(String),
    #[error("`{0}` does not give a whole date (day, month and year)")]
    NoDate(String),
    #[error("`{0}` gives part of a time of day (it needs the hour and the minutes)")]
    PartTime(String),
}

impl LocalFormat {
    /// Checks the format by writing a known time with it and reading it
    /// back: the date must survive whole, and the hour and minutes too if
    /// the format has any time of day.
    pub fn new(text: &str) -> Result<LocalFormat, FormatError> {
        let items = StrftimeItems::new(text)
            .parse_to_owned()
            .map_err(|_| FormatError::Invalid(text.into()))?;
        if items
            .iter()
            .any(|i| matches!(i, Item::Numeric(Numeric::Timestamp, _)))
        {
            return Err(FormatError::Epoch(text.into()));
        }
        let sample = NaiveDate::from_ymd_opt(2025, 11, 23)
            .and_then(|d| d.and_hms_opt(14, 37, 52))
            .ok_or_else(|| FormatError::Invalid(text.into()))?;
        // `%z` writes an offset: any will do for the check.
        let written = sample.and_utc().format_with_items(items.iter()).to_string();
        let mut parsed = Parsed::new();
        let read = chrono::format::parse(&mut parsed, &written, items.iter());
        if read.is_err() || parsed.to_naive_date() != Ok(sample.date()) {
            return Err(FormatError::NoDate(text.into()));
        }
        let has_time = parsed.hour_div_12().is_some()
            || parsed.hour_mod_12().is_some()
            || parsed.minute().is_some()
            || parsed.second().is_some();
        if has_time {
            let time = parsed.to_naive_time();
            if time.map(|t| (t.hour(), t.minute())) != Ok((14, 37)) {
                return Err(FormatError::PartTime(text.into()));
            }
        }
        Ok(LocalFormat {
            text: text.into(),
            items,
            has_time,
        })
    }

    /// The format as written in the profile.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The first instant hocr reads: 0000-01-01T00:00:00Z.
const FIRST_MICROS: i64 = -62_167_219_200_000_000;
/// The first instant after the last one hocr reads: 10000-01-01T00:00:00Z.
const AFTER_LAST_MICROS: i64 = 253_402_300_800_000_000;

fn instant_of(micros: i64) -> Result<Instant, TimeError> {
    // Years 0000 to 9999 in UTC: inside chrono's range, so date arithmetic
    // never overflows, and every instant read formats as
    // `YYYY-MM-DDTHH:MM:SSZ`, which reads back.
    if !(FIRST_MICROS..AFTER_LAST_MICROS).contains(&micros) {
        return Err(TimeError::OutOfRange);
    }
    Ok(Instant(micros))
}

/// Non-working days beyond weekends, declared in rule files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: BTreeSet<NaiveDate>,
    /// Inclusive years the holiday list is complete for; `None` when no
    /// calendar was declared.
    pub covers: Option<(i32, i32)>,
}

impl Calendar {
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    pub fn covers_year(&self, year: i32) -> bool {
        self.covers.is_some_and(|(lo, hi)| lo <= year && year <= hi)
    }
}

/// A span of time in a rule: elapsed real time, or working days.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Micros(i64),
    WorkingDays(u32),
}

/// A deadline, and whether the holiday calendar covered the days counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    pub at: Instant,
    pub outside_calendar: bool,
}

/// The one deadline calculator. Elapsed spans are added to the instant;
/// `N working days` after an event on local date D ends at 24:00 local of
/// the N-th working day after D.
pub fn deadline(anchor: Instant, span: Span, clock: &Clock, cal: &Calendar) -> Option<Deadline> {
    match span {
        Span::Micros(m) => Some(Deadline {
            at: anchor.plus_micros(m),
            outside_calendar: false,
        }),
        Span::WorkingDays(n) => working_days_after(clock.local_date(anchor)?, n, clock, cal),
    }
}

/// The deadline `n` working days after an event on local date `day`
/// (see [`deadline`]): it depends on the date alone, so a caller that
/// meets the same dates many times may remember it by date.
pub fn working_days_after(
    mut day: NaiveDate,
    n: u32,
    clock: &Clock,
    cal: &Calendar,
) -> Option<Deadline> {
    let mut outside = false;
    let mut counted = 0;
    while counted < n {
        day = day.checked_add_days(Days::new(1))?;
        outside |= !cal.covers_year(day.year());
        if cal.is_working_day(day) {
            counted += 1;
        }
    }
    let end = clock.start_of(day.checked_add_days(Days::new(1))?)?;
    Some(Deadline {
        at: end,
        outside_calendar: outside,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (fuzz/regressions/timestamp): a six-digit year was
    /// read, then written in a form that does not read back.
    #[test]
    fn years_outside_0000_to_9999_are_out_of_range() {
        let c = Clock::default();
        for s in [
            "+112345-01-01T00:00:00",
            "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:00:00Z",
            "0000-01-01T00:30:00+01:00",
        ] {
            assert!(c.parse(s).is_err(), "{s}");
        }
        for s in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"] {
            let (t, _) = c.parse(s).unwrap();
            assert_eq!(
                c.parse(&t.format_utc()).map(|p| p.0.0 / 1_000_000),
                Ok(t.0.div_euclid(1_000_000))
            );
        }
        assert_eq!(
            NaiveDate::from_ymd_opt(0, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_micros(),
            FIRST_MICROS
        );
        assert_eq!(
            NaiveDate::from_ymd_opt(10000, 1, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_micros(),
            AFTER_LAST_MICROS
        );
    }

    fn clock() -> Clock {
        Clock::default()
    }

    fn utc(s: &str) -> Instant {
        Instant(DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros())
    }

    fn parse(s: &str) -> (String, Fold) {
        let (t, fold) = clock().parse(s).unwrap();
        (t.format_utc(), fold)
    }

    #[test]
    fn offsets_are_honoured() {
        assert_eq!(parse("2025-03-30T10:30:00+01:00").0, "2025-03-30T09:30:00Z");
        assert_eq!(parse("2025-03-30T10:30:00Z").0, "2025-03-30T10:30:00Z");
        assert_eq!(parse("2025-03-30T10:30:00.250Z").0, "2025-03-30T10:30:00Z");
    }

    #[test]
    fn local_forms_read_in_london() {
        for s in [
            "2025-07-01T10:30:00",
            "2025-07-01 10:30:00",
            "2025-07-01 10:30",
        ] {
            assert_eq!(
                parse(s),
                ("2025-07-01T09:30:00Z".into(), Fold::Unique),
                "{s}"
            );
        }
        assert_eq!(parse("2025-01-15 10:30").0, "2025-01-15T10:30:00Z");
    }

    #[test]
    fn repeated_hour_reads_as_earlier_instant() {
        // 26 Oct 2025: 01:30 happens at 00:30Z (BST) and again at 01:30Z.
        assert_eq!(
            parse("2025-10-26 01:30"),
            ("2025-10-26T00:30:00Z".into(), Fold::Repeated)
        );
    }

    #[test]
    fn skipped_hour_reads_as_if_clocks_had_not_changed() {
        assert_eq!(
            parse("2025-03-30 01:30"),
            ("2025-03-30T01:30:00Z".into(), Fold::Skipped)
        );
        assert_eq!(parse("2025-03-30 02:00").1, Fold::Unique);
    }

    /// `Clock::parse` without the fixed-width fast path: chrono's parsers
    /// and chrono-tz, asked every time.
    fn slow_parse(clock: Clock, s: &str) -> Result<(Instant, Fold), TimeError> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok((instant_of(t.timestamp_micros())?, Fold::Unique));
        }
        let naive = LOCAL_FORMATS
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .ok_or(TimeError::Format)?;
        clock.read_local_by_tz(naive)
    }

    /// Remembered dates are told apart by their whole text and zone:
    /// dates sharing a slot (a year and three months apart, or ten years
    /// apart), the same date in other zones, and near-dates that
    /// are not dates, read in turn, each read as the general parsers read
    /// it.
    #[test]
    fn remembered_dates_are_told_apart() {
        let zones = [
            chrono_tz::Europe::London,
            chrono_tz::America::St_Johns,
            chrono_tz::UTC,
        ];
        let texts = [
            "2025-04-01 10:30",
            "2035-04-01 10:30",
            "2025-01-01 10:30",
            "2026-04-01 10:30",
            "2025-04-01T10:30:00Z",
            "2025-03-30 01:30",
            "2026-04-01T01:30:00+05:00",
            "2025-04-31 10:30",
            "2025-04-0x 10:30",
            "2025/04/01 10:30",
            "2025-10-26 01:30",
            "1925-10-26 01:30",
        ];
        for round in 0..3 {
            for zone in zones {
                let clock = Clock::new(zone);
                for i in 0..texts.len() {
                    let s = texts[(i * (round + 1) + round) % texts.len()];
                    assert_eq!(clock.parse(s), slow_parse(clock, s), "{s} in {zone}");
                }
            }
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_general_parsers() {
        let clock = clock();
        let slow = |s: &str| slow_parse(clock, s);
        for s in [
            "2025-03-30T10:30:00+01:00",
            "2025-03-30T10:30:00-05:30",
            "2025-03-30T10:30:00Z",
            "2025-03-30T10:30:00.5Z",
            "2025-03-30T10:30:00.123456789+00:00",
            "2025-03-30 10:30:00",
            "2025-03-30 10:30:00.25",
            "2025-03-30T10:30:00",
            "2025-03-30 10:30",
            "2025-03-30T10:30",
            "2025-10-26 01:30",
            "2025-03-30 01:30",
            "2024-02-29 23:59:59",
        ] {
            assert!(
                fixed_time(s.as_bytes()).is_some()
                    && fixed_date(s.as_bytes()[..10].try_into().unwrap()).is_some(),
                "{s} takes the fast path"
            );
            assert_eq!(clock.parse(s), slow(s), "{s}");
        }
        for s in [
            "2025-02-30 10:00",
            "2025-03-30 24:00",
            "2025-03-30 10:30Z",
            "2025-03-30 10:30:00Z",
        ] {
            assert_eq!(clock.parse(s).is_ok(), slow(s).is_ok(), "{s}");
        }
    }

    /// The remembered-day path of `local_date` against chrono-tz asked
    /// directly: every 7 minutes and 13 seconds of 2010 to 2012 (and at
    /// each end of each UTC day) in zones whose clocks change at odd
    /// times: at midnight (Beirut), by 30 minutes (Lord Howe), by a whole
    /// day (Apia skipped 2011-12-30), at a quarter hour's offset
    /// (Kathmandu), and London.
    #[test]
    fn remembered_days_give_local_dates_as_chrono_tz_does() {
        use chrono_tz::{Asia, Australia, Europe, Pacific};
        let start = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2013, 1, 1).unwrap();
        let (from, to) = (
            start.and_time(NaiveTime::MIN).and_utc().timestamp_micros(),
            end.and_time(NaiveTime::MIN).and_utc().timestamp_micros(),
        );
        let day = 86_400_000_000i64;
        let mut checked = 0;
        for tz in [
            Asia::Beirut,
            Australia::Lord_Howe,
            Pacific::Apia,
            Asia::Kathmandu,
            Europe::London,
        ] {
            let clock = Clock { tz };
            let mut t = from;
            while t < to {
                for at in [t, t - t.rem_euclid(day), t - t.rem_euclid(day) + day - 1] {
                    let by_tz = clock.local_date_by_tz(Instant(at));
                    assert_eq!(clock.local_date(Instant(at)), by_tz, "{tz} {at}");
                    checked += usize::from(by_tz.is_some());
                }
                t += 433_000_000;
            }
        }
        assert!(checked > 1_000_000, "{checked}");
    }

    /// The remembered-day path of `from_local` against chrono-tz asked
    /// directly. Each time is read twice: once when its date may be new to
    /// this thread's memo, once when it is remembered.
    fn assert_cached_matches_chrono_tz(clock: Clock, naive: NaiveDateTime) {
        let by_tz = clock.read_local_by_tz(naive);
        assert_eq!(clock.from_local(naive), by_tz, "{} {naive}", clock.tz);
        assert_eq!(clock.from_local(naive), by_tz, "{} {naive}", clock.tz);
    }

    /// Every date of 2024 to 2026 in three zones, taken zone after zone
    /// within each date so the memo's slots keep changing hands (and dates
    /// 512 days apart share a slot). Clock-change days are read every 20
    /// seconds; other days every 17 minutes and at both ends. Also checks
    /// that exactly the clock-change days are left to chrono-tz.
    #[test]
    fn remembered_days_read_local_times_as_chrono_tz_does() {
        use chrono_tz::{America, Australia, Europe};
        let zones = [
            Europe::London,
            America::New_York,
            // Clocks change by 30 minutes.
            Australia::Lord_Howe,
        ];
        let mut not_plain: Vec<(Tz, String)> = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        while day.year() < 2027 {
            for tz in zones {
                let clock = Clock::new(tz);
                let start = day.and_time(NaiveTime::MIN);
                let plain = day_offset(tz, day).is_some();
                if !plain {
                    not_plain.push((tz, day.to_string()));
                }
                let step = if plain { 17 * 60 } else { 20 };
                for s in (0..86_400).step_by(step) {
                    assert_cached_matches_chrono_tz(clock, start + chrono::TimeDelta::seconds(s));
                }
                let last = day.and_hms_micro_opt(23, 59, 59, 999_999).unwrap();
                assert_cached_matches_chrono_tz(clock, last);
            }
            day = day.succ_opt().unwrap();
        }
        let expected = |tz: Tz, days: [&str; 6]| days.map(|d| (tz, d.to_string()));
        let mut want: Vec<(Tz, String)> = [
            expected(
                Europe::London,
                [
                    "2024-03-31",
                    "2024-10-27",
                    "2025-03-30",
                    "2025-10-26",
                    "2026-03-29",
                    "2026-10-25",
                ],
            ),
            expected(
                America::New_York,
                [
                    "2024-03-10",
                    "2024-11-03",
                    "2025-03-09",
                    "2025-11-02",
                    "2026-03-08",
                    "2026-11-01",
                ],
            ),
            expected(
                Australia::Lord_Howe,
                [
                    "2024-04-07",
                    "2024-10-06",
                    "2025-04-06",
                    "2025-10-05",
                    "2026-04-05",
                    "2026-10-04",
                ],
            ),
        ]
        .concat();
        want.sort_by(|a, b| (a.1.as_str(), a.0.name()).cmp(&(b.1.as_str(), b.0.name())));
        not_plain.sort_by(|a, b| (a.1.as_str(), a.0.name()).cmp(&(b.1.as_str(), b.0.name())));
        assert_eq!(not_plain, want);
    }

    #[test]
    fn remembered_days_keep_repeated_and_skipped_hours() {
        // The fold is chrono-tz's on clock-change days, whether or not the
        // date (or a date sharing its slot) was read before.
        for _ in 0..2 {
            assert_eq!(
                parse("2025-10-26 01:30"),
                ("2025-10-26T00:30:00Z".into(), Fold::Repeated)
            );
            assert_eq!(
                parse("2025-03-30 01:30"),
                ("2025-03-30T01:30:00Z".into(), Fold::Skipped)
            );
            assert_eq!(
                parse("2025-10-26 00:59:59.999999"),
                ("2025-10-25T23:59:59Z".into(), Fold::Unique)
            );
            assert_eq!(
                parse("2025-10-25 23:59:59.999999"),
                ("2025-10-25T22:59:59Z".into(), Fold::Unique)
            );
            // 512 days after 2025-10-26: the same slot.
            assert_eq!(
                parse("2027-03-22 01:30"),
                ("2027-03-22T01:30:00Z".into(), Fold::Unique)
            );
        }
    }

    /// chrono's `%S` reads `60`, a leap second, which chrono-tz resolves as
    /// 23:59:59 of its own date. Where the clocks go back at midnight
    /// (Beirut; Santiago's 24:00) that second is in the repeated hour,
    /// though the next day is plain.
    #[test]
    fn leap_seconds_are_read_on_their_own_date() {
        use chrono_tz::{America, Asia, Europe};
        for tz in [Asia::Beirut, America::Santiago, Europe::London] {
            let clock = Clock::new(tz);
            let mut day = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
            while day.year() < 2027 {
                let next = day.succ_opt().unwrap();
                // The next date remembered first, then the leap second.
                assert_cached_matches_chrono_tz(clock, next.and_hms_opt(12, 0, 0).unwrap());
                for time in ["23:59:60", "23:59:60.999999", "00:59:60", "12:59:60"] {
                    let text = format!("{day} {time}");
                    let leap = NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f");
                    assert_cached_matches_chrono_tz(clock, leap.unwrap());
                    let by_tz = LOCAL_FORMATS
                        .iter()
                        .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
                        .map(|n| clock.read_local_by_tz(n));
                    assert_eq!(Some(clock.parse(&text)), by_tz, "{tz} {text}");
                }
                day = next;
            }
        }
        let beirut = Clock::new(Asia::Beirut);
        assert_eq!(
            beirut.parse("2025-10-25 23:59:60").map(|(_, f)| f),
            Ok(Fold::Repeated)
        );
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn config() -> ProptestConfig {
            ProptestConfig {
                cases: std::env::var("PROPTEST_CASES")
                    .ok()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(2_000),
                failure_persistence: None,
                ..ProptestConfig::default()
            }
        }

        /// A local time to the microsecond: mostly where the tz database
        /// has clock changes, some anywhere from year -2 to 10002 (so also
        /// past the ends of what hocr reads).
        fn naive() -> impl Strategy<Value = NaiveDateTime> {
            let micros = |lo: i32, hi: i32| {
                let at = |y| {
                    NaiveDate::from_ymd_opt(y, 1, 1)
                        .unwrap()
                        .and_time(NaiveTime::MIN)
                        .and_utc()
                        .timestamp_micros()
                };
                at(lo)..at(hi)
            };
            (
                prop_oneof![
                    3 => micros(1850, 2045),
                    1 => micros(-2, 10_003),
                ],
                // Now and then a leap second, as chrono's `%S` reads `60`.
                prop::bool::weighted(0.05),
            )
                .prop_map(|(us, leap)| {
                    let t = DateTime::from_timestamp_micros(us).unwrap().naive_utc();
                    if !leap {
                        return t;
                    }
                    // The leap second ending t's minute, same fraction.
                    let micro = 1_000_000 + t.nanosecond() / 1000;
                    t.date()
                        .and_hms_micro_opt(t.hour(), t.minute(), 59, micro)
                        .expect("a leap second")
                })
        }

        proptest! {
            #![proptest_config(config())]

            #[test]
            fn any_zone_any_local_time(
                zone in 0..chrono_tz::TZ_VARIANTS.len(),
                naive in naive(),
                // Another time of the same date, read from what the
                // first remembered.
                later in 0i64..86_400_000_000,
            ) {
                let clock = Clock::new(chrono_tz::TZ_VARIANTS[zone]);
                assert_cached_matches_chrono_tz(clock, naive);
                let day = naive.date().and_time(NaiveTime::MIN);
                let other = day + chrono::TimeDelta::microseconds(later);
                assert_cached_matches_chrono_tz(clock, other);
            }

            /// Fixed-width forms with any digits (months past 12, days
            /// past the month's end, hours past 23, leap days, years 0000
            /// and 9999, any offset) read alike with and without the fast
            /// path, in zones with and without clock changes.
            #[test]
            fn fixed_width_forms_read_as_chrono_reads_them(
                zone in prop::sample::select(vec![
                    chrono_tz::Europe::London,
                    chrono_tz::UTC,
                    chrono_tz::America::St_Johns,
                    chrono_tz::Asia::Kathmandu,
                    chrono_tz::Australia::Lord_Howe,
                ]),
                year in prop_oneof![Just(0u32), Just(9999), 1990u32..2030, 0u32..10_000],
                month in prop_oneof![1u32..=12, 0u32..100],
                day in prop_oneof![1u32..=28, 28u32..=31, 0u32..100],
                hour in prop_oneof![0u32..24, 0u32..100],
                minute in prop_oneof![0u32..60, 0u32..100],
                second in prop_oneof![0u32..60, 0u32..100],
                separator in prop::sample::select(vec!["T", " "]),
                fraction in prop::sample::select(vec!["", ".5", ".123456", ".1234567891", "."]),
                with_seconds in any::<bool>(),
                offset in prop::sample::select(vec![
                    "", "Z", "+01:00", "-05:30", "+00:00", "+23:59", "-99:99", "+1:00",
                ]),
            ) {
                let clock = Clock::new(zone);
                let seconds = if with_seconds {
                    format!(":{second:02}{fraction}")
                } else {
                    String::new()
                };
                let s = format!(
                    "{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}{seconds}{offset}"
                );
                prop_assert_eq!(clock.parse(&s), slow_parse(clock, &s), "{}", s);
                // Again, its date now remembered.
                prop_assert_eq!(clock.parse(&s), slow_parse(clock, &s), "{}", s);
            }

            #[test]
            fn utc_text_is_chronos(micros in prop_oneof![
                any::<i64>(),
                FIRST_MICROS - 1_000_000_000_000..AFTER_LAST_MICROS + 1_000_000_000_000,
            ]) {
                let t = Instant(micros);
                let chrono = match DateTime::from_timestamp_micros(micros) {
                    Some(t) => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    None => "out-of-range".to_string(),
                };
                prop_assert_eq!(t.format_utc(), chrono.clone());
                prop_assert_eq!(t.to_string(), chrono);
            }
        }
    }

    #[test]
    fn utc_text_at_the_edges() {
        for (micros, text) in [
            (FIRST_MICROS, "0000-01-01T00:00:00Z"),
            (FIRST_MICROS - 1, "-0001-12-31T23:59:59Z"),
            (AFTER_LAST_MICROS - 1, "9999-12-31T23:59:59Z"),
            (AFTER_LAST_MICROS, "+10000-01-01T00:00:00Z"),
            (-1, "1969-12-31T23:59:59Z"),
            (i64::MAX, "out-of-range"),
        ] {
            assert_eq!(Instant(micros).format_utc(), text);
            assert_eq!(Instant(micros).to_string(), text);
        }
    }

    #[test]
    fn rubbish_is_rejected() {
        for s in [
            "",
            "yesterday",
            "2025-13-01 10:00",
            "2025-02-30 10:00",
            "30/03/2025 10:00",
        ] {
            assert_eq!(clock().parse(s), Err(TimeError::Format), "{s}");
        }
    }

    fn formats(texts: &[&str]) -> Vec<LocalFormat> {
        texts.iter().map(|t| LocalFormat::new(t).unwrap()).collect()
    }

    fn parse_as(s: &str, texts: &[&str]) -> Result<(String, Fold), TimeError> {
        clock()
            .parse_as(s, &formats(texts))
            .map(|(t, fold)| (t.format_utc(), fold))
    }

    #[test]
    fn profile_formats_read_local_times_like_the_canonical_forms() {
        let uk = ["%d/%m/%Y %H:%M"];
        assert_eq!(
            parse_as("01/07/2025 10:30", &uk),
            Ok(("2025-07-01T09:30:00Z".into(), Fold::Unique))
        );
        assert_eq!(
            parse_as(" 26/10/2025 01:30 ", &uk),
            Ok(("2025-10-26T00:30:00Z".into(), Fold::Repeated))
        );
        assert_eq!(
            parse_as("30/03/2025 01:30", &uk),
            Ok(("2025-03-30T01:30:00Z".into(), Fold::Skipped))
        );
        // Only the profile's formats: canonical forms and rubbish do not match.
        for s in ["2025-07-01 10:30", "31/04/2025 10:00", "01/07/2025", "x"] {
            assert_eq!(parse_as(s, &uk), Err(TimeError::Format), "{s}");
        }
    }

    #[test]
    fn profile_formats_are_tried_in_order_and_may_omit_the_time() {
        let both = ["%d/%m/%Y %H:%M", "%d/%m/%Y"];
        assert_eq!(
            parse_as("01/07/2025 10:30", &both).unwrap().0,
            "2025-07-01T09:30:00Z"
        );
        assert_eq!(
            parse_as("01/07/2025", &both).unwrap().0,
            "2025-06-30T23:00:00Z"
        );
        assert_eq!(
            parse_as("01/07/2025 10:30 +0000", &["%d/%m/%Y %H:%M %z"]),
            Ok(("2025-07-01T10:30:00Z".into(), Fold::Unique))
        );
    }

    #[test]
    fn profile_formats_are_checked() {
        let err = |t: &str| LocalFormat::new(t).unwrap_err();
        assert_eq!(
            err("%d/%m/%Y %Q"),
            FormatError::Invalid("%d/%m/%Y %Q".into())
        );
        assert_eq!(err("%s"), FormatError::Epoch("%s".into()));
        assert_eq!(
            err("%d/%m %H:%M"),
            FormatError::NoDate("%d/%m %H:%M".into())
        );
        assert_eq!(err("%H:%M"), FormatError::NoDate("%H:%M".into()));
        assert_eq!(
            err("%d/%m/%Y %H"),
            FormatError::PartTime("%d/%m/%Y %H".into())
        );
        // 12-hour clock without AM/PM cannot be read back.
        assert!(LocalFormat::new("%d/%m/%Y %I:%M").is_err());
        for ok in [
            "%d/%m/%Y %H:%M",
            "%d/%m/%Y",
            "%Y%m%d%H%M%S",
            "%d %b %Y %I:%M %p",
        ] {
            assert_eq!(LocalFormat::new(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn elapsed_deadline_crosses_clock_change_in_real_hours() {
        let d = deadline(
            parse_i("2025-03-29 12:00"),
            Span::Micros(24 * MICROS_PER_HOUR),
            &clock(),
            &Calendar::default(),
        )
        .unwrap();
        // 24 real hours later the wall clock says 13:00.
        assert_eq!(d.at, utc("2025-03-30T13:00:00+01:00"));
        assert_eq!(d.at.format_utc(), "2025-03-30T12:00:00Z");
    }

    fn parse_i(s: &str) -> Instant {
        clock().parse(s).unwrap().0
    }

    fn cal() -> Calendar {
        let days = [
            "2025-04-18",
            "2025-04-21",
            "2025-05-05",
            "2025-12-25",
            "2025-12-26",
            "2026-01-01",
        ];
        Calendar {
            holidays: days.iter().map(|d| d.parse().unwrap()).collect(),
            covers: Some((2024, 2026)),
        }
    }

    fn wd(event: &str, n: u32) -> (String, bool) {
        let d = deadline(parse_i(event), Span::WorkingDays(n), &clock(), &cal()).unwrap();
        (d.at.format_utc(), d.outside_calendar)
    }

    #[test]
    fn friday_before_bank_holiday_monday_is_due_tuesday_night() {
        // Fri 2 May 2025, Mon 5 May is a bank holiday: due end of Tue 6 May (BST).
        assert_eq!(
            wd("2025-05-02 15:00", 1),
            ("2025-05-06T23:00:00Z".into(), false)
        );
        // An ordinary Friday: end of Monday.
        assert_eq!(wd("2025-05-09 15:00", 1).0, "2025-05-12T23:00:00Z");
    }

    #[test]
    fn easter_and_year_end() {
        // Thu 17 Apr 2025 + 1: Good Friday and Easter Monday skipped -> Tue 22.
        assert_eq!(wd("2025-04-17 09:00", 1).0, "2025-04-22T23:00:00Z");
        // Wed 24 Dec 2025 + 5: 29, 30, 31 Dec, 2, 5 Jan -> end of Mon 5 Jan (GMT).
        assert_eq!(wd("2025-12-24 09:00", 5).0, "2026-01-06T00:00:00Z");
    }

    #[test]
    fn outside_calendar_years_are_flagged() {
        assert!(wd("2026-12-31 09:00", 1).1);
        assert!(!wd("2026-12-29 09:00", 1).1);
    }
}
