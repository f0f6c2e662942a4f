//! A deterministic synthetic export generator: `incidents.csv`, `crimes.csv`
//! and `updates.csv` in the canonical schema (SPEC §2), with realistic
//! proportions and a sprinkling of every situation the shipped rules look
//! for (SPEC §3), for benchmarks, load tests and demonstrations.
//!
//! Same options, same bytes, on any machine: the only source of randomness
//! is the seeded [`Rng`] of `util::rng`, every draw is integer arithmetic (no
//! floating point, whose `ln`/`exp` may differ between platforms), and the
//! output is written in one fixed order. The data is invented: ids are
//! sequence numbers (`INC000000001`, `CR000000001`) and the free text is a
//! handful of stock phrases.
//!
//! Output is streamed: each incident is written together with its crimes
//! and their update events before the next is drawn, so memory does not
//! grow with the size of the export.
//!
//! # Proportions
//!
//! Per incident (they compound, e.g. crimes ≈ 0.35 × 0.9 × 1.26 + 0.015):
//!
//! | what | share |
//! |---|---|
//! | crime-related (`CRIME-…` closing code, or opening code while open) | 35% |
//! | … of which `CRIME-RAPE` | 1.4% (≈ 0.5% of incidents) |
//! | still open (closing code and `closed_at` empty) | 5% |
//! | closed crime-related: opened under the same / a non-crime / another `CRIME-…` code | 80 / 15 / 5% |
//! | closed non-crime: opened under the same / another non-crime / a `CRIME-…` code | 85 / 10 / 5% |
//! | … a `CRIME-…` opening code that was not the closing one is `CRIME-RAPE` | 0.1% |
//! | crime-related without any crime record | 10% (half with a `non_crime_rationale`) |
//! | crimes per crime-related incident with crimes | 1: 80%, 2: 14%, 3: 6% |
//! | … a second or third crime of another category | 20% |
//! | crime reported directly (no incident, own `reported_at`) | 1.5% |
//! | … of which citing an incident not in the export (orphan) | 3% |
//! | `victim_count` = linked crimes / one more / empty / 0 | 88% / 4% / 6% / 2% |
//! | `victim_count` unreadable (`unknown`) | 0.05% |
//! | qualifiers `DA`, `HATE`, `VULNERABLE` | by category, 2–20% each |
//!
//! Per crime:
//!
//! | what | share |
//! |---|---|
//! | offence | by incident category, codes from the ONS list with weights |
//! | rape reports | 19C–19H 70%, N100/1–3 23%, bare `N100` 4%, other sexual 3% |
//! | code written `4.1` instead of `4/1` (codes with a sub-class) | 20% |
//! | code written in lower case | 1% |
//! | own `reported_at` (linked crimes) | 12%, 10 min – 3 days after the incident |
//! | recorded ≤ 1 h / 1–6 h / 6–24 h after report | 30% / 30% / 25% (85% within 24 h) |
//! | recorded 1–2 / 2–7 / 7–30 days after report | 8% / 5% / 2% |
//! | recorded before reported (data error) | 0.3% (taken from the ≤ 1 h share) |
//! | cancelled | 3% |
//! | … code C1/C2/C3/C4/C5 | 20/30/25/18/4%; empty, `C9` or `NFA` 3% |
//! | … authority FCR/DDM/INSPECTOR | 30/60/10% (sexual offences 85/12/3%) |
//! | … `cancelled_at` empty | 1% |
//! | … victim told ≤ 3 d / 3–7 d / 7–30 d / never | 70/10/8/12% (C3: 80% never, the rest as others) |
//! | outcome (recorded crimes) | none 18%, 18: 30%, 14: 14%, 15: 12%, 16: 9%, 1: 7%, 21: 3%, 8: 3.5%, 3: 1.5%, 7: 0.8%, 6: 0.7%, 2: 0.5% |
//! | out-of-court disposal: victim views / history checked true | 85% / 90% (rest false or empty) |
//! | caution for an indictable-only offence: DPP consent true | 75% |
//! | `victim_enhanced` true (DA/HATE/VULNERABLE or sexual) | 90%, else 8% (empty 10% / 30%) |
//! | transferred in from another force (`transferred_from`; crimes not cancelled) | 2% |
//! | … `received_at` 0–1 h / 1–20 h / 1–3 d before `recorded_at`, empty | 60/30/10% of 90%; 10% |
//! | C1 cancellation: `transferred_to` a force / empty | 90% / 10% |
//! | C3 cancellation: `duplicate_of` an earlier crime (≤ 50 back) / itself / empty / not in the export | 85/3/7/5% |
//! | update events (recorded crimes) 0/1/2/3/4 | 68/18/8/4/2% (cancelled crimes: none) |
//! | update for a crime not in the export (orphan) | 0.05% |
//!
//! Per update event: victim told ≤ 1 d / 1–4 d / 5–7 d / 8–30 d / never:
//! 55/25/5/5/10%. Events follow arrest → interview → release/bail/rui;
//! a single event is `no_investigation` half the time.
//!
//! Timestamps: 96% local `YYYY-MM-DD HH:MM:SS` (Europe/London, so instants
//! in the hour repeated in October come out ambiguous, as real exports do),
//! 3% RFC 3339 with the local offset, 1% RFC 3339 in UTC (`…Z`).
//! Incidents are spread evenly over `days` days from `start` in id order,
//! by hour of day with a day-time peak.
//!
//! At this mix 1M incidents give about 412k crimes, 216k update events and
//! 128 MB of CSV (76 + 39 + 13).

use std::fs;
use std::io;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use crate::data::records::Table;
use crate::data::time::Clock;
use crate::util::file::Output;
use crate::util::rng::Rng;

mod model;
mod text;

use model::*;
use text::*;

#[derive(Clone, Debug)]
pub struct GenOptions {
    pub incidents: u64,
    pub seed: u64,
    /// First report day.
    pub start: NaiveDate,
    /// Number of days the reports are spread over.
    pub days: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenSummary {
    pub incidents: u64,
    pub crimes: u64,
    pub updates: u64,
    /// Total size of the three files.
    pub bytes: u64,
}

/// Writes `incidents.csv`, `crimes.csv` and `updates.csv` into `dir`
/// (created if missing).
pub fn generate(dir: &Path, opts: &GenOptions) -> io::Result<GenSummary> {
    fs::create_dir_all(dir)?;
    let paths = Table::ALL.map(|t| dir.join(format!("{}.csv", t.name())));
    let [inc, crm, upd] = paths.each_ref().map(|p| open(p));
    let mut g = Gen {
        rng: Rng::new(opts.seed),
        tz: Clock::default().tz,
        inc: inc?,
        crm: crm?,
        upd: upd?,
        next_crime: 1,
        day: None,
        summary: GenSummary::default(),
    };
    for (w, t) in [&mut g.inc, &mut g.crm, &mut g.upd]
        .into_iter()
        .zip(Table::ALL)
    {
        w.write_record(t.fields().iter().map(|f| f.name))?;
    }
    let days = u128::from(opts.days.max(1));
    let n = u128::from(opts.incidents.max(1));
    for i in 0..opts.incidents {
        // Ids run in report order, day by day, as a real export's would.
        let day = u64::try_from(u128::from(i) * days / n).expect("day fits");
        g.incident(i + 1, opts.start, day)?;
    }
    let summary = g.summary;
    // Each file replaces an earlier one whole, only once all are written.
    for w in [g.inc, g.crm, g.upd] {
        w.into_inner().map_err(|e| e.into_error())?.commit()?;
    }
    let mut summary = summary;
    for p in &paths {
        summary.bytes += fs::metadata(p)?.len();
    }
    Ok(summary)
}

fn open(path: &Path) -> io::Result<csv::Writer<Output>> {
    Ok(csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(Output::create(path)?))
}

/// What the generator draws beyond the shared random sequence.
trait Draws {
    /// A delay in seconds: a bucket by weight, then uniform within it.
    fn delay(&mut self, buckets: &[(u32, (i64, i64))]) -> i64;
}

impl Draws for Rng {
    fn delay(&mut self, buckets: &[(u32, (i64, i64))]) -> i64 {
        let (lo, hi) = self.pick(buckets);
        self.range(lo, hi)
    }
}

struct Gen {
    rng: Rng,
    tz: Tz,
    inc: csv::Writer<Output>,
    crm: csv::Writer<Output>,
    upd: csv::Writer<Output>,
    next_crime: u64,
    /// The day index last seen and the instant its local midnight falls on.
    day: Option<(u64, i64)>,
    summary: GenSummary,
}

/// What a crime needs to know about the incident it came from.
struct Parent {
    id: u64,
    reported: i64,
    enhanced: bool,
}

impl Gen {
    fn incident(&mut self, id: u64, start: NaiveDate, day: u64) -> io::Result<()> {
        let reported = self.report_time(start, day);
        let crime_related = self.rng.chance(3500);
        let open = self.rng.chance(500);
        let cat = &CATEGORIES[self.rng.pick(&CAT_INDEX)];
        let (opening, closing) = match (crime_related, open) {
            (true, true) => (cat.code, ""),
            (true, false) => {
                let opening = match self.rng.below(100) {
                    0..80 => cat.code,
                    80..95 => self.rng.pick(NON_CRIME),
                    _ => CATEGORIES[self.rng.pick(&MISOPENED_INDEX)].code,
                };
                (opening, cat.code)
            }
            (false, true) => (self.rng.pick(NON_CRIME), ""),
            (false, false) => {
                let closing = self.rng.pick(NON_CRIME);
                let opening = match self.rng.below(100) {
                    0..85 => closing,
                    85..95 => self.rng.pick(NON_CRIME),
                    _ => CATEGORIES[self.rng.pick(&MISOPENED_INDEX)].code,
                };
                (opening, closing)
            }
        };
        let crimes = match crime_related {
            true if self.rng.chance(1000) => 0,
            true => self.rng.pick(&[(80, 1u64), (14, 2), (6, 3)]),
            false => 0,
        };
        let rationale = if crime_related && crimes == 0 && self.rng.chance(5000) {
            self.rng.pick(RATIONALES)
        } else {
            ""
        };
        let mut count = [0u8; 24];
        let victim_count: &[u8] = if self.rng.chance(5) {
            b"unknown"
        } else if crimes > 0 {
            match self.rng.below(100) {
                0..88 => num(&mut count, crimes, 0).done(),
                88..92 => num(&mut count, crimes + 1, 0).done(),
                92..98 => b"",
                _ => b"0",
            }
        } else if crime_related {
            self.rng.pick(&[(60, &b"1"[..]), (30, b""), (10, b"0")])
        } else {
            self.rng.pick(&[(70, &b""[..]), (20, b"0"), (10, b"1")])
        };
        let (da, hate, vulnerable) = if crime_related {
            (
                self.rng.chance(cat.da),
                self.rng.chance(200),
                self.rng.chance(500),
            )
        } else {
            let concern = closing == "CONCERN" || opening == "CONCERN";
            (
                opening == "DOMESTIC" && self.rng.chance(6000),
                false,
                self.rng.chance(if concern { 3000 } else { 100 }),
            )
        };
        let mut quals = [0u8; 32];
        let qualifiers = qualifiers(&mut quals, da, hate, vulnerable);

        let mut b = [0u8; 32];
        self.inc.write_field(num(&mut b, id, 9).prefixed(b"INC"))?;
        self.time_field(Out::Inc, Some(reported))?;
        self.inc.write_field(opening)?;
        self.inc.write_field(closing)?;
        let closed = (!open).then(|| reported + self.rng.delay(CLOSE_DELAY));
        self.time_field(Out::Inc, closed)?;
        self.inc.write_field(victim_count)?;
        self.inc.write_field(qualifiers)?;
        self.inc.write_field(rationale)?;
        self.inc.write_record(None::<&[u8]>)?;
        self.summary.incidents += 1;

        let parent = Parent {
            id,
            reported,
            enhanced: da || hate || vulnerable,
        };
        for k in 0..crimes {
            // The first crime is of the incident's kind; further victims'
            // now and then of another (the principal crime rule aside).
            let c = if k == 0 || self.rng.chance(8000) {
                cat
            } else {
                &CATEGORIES[self.rng.pick(&CAT_INDEX)]
            };
            self.crime(&parent, c)?;
        }
        if self.rng.chance(150) {
            self.direct_crime(reported)?;
        }
        Ok(())
    }

    /// Report time: the day's local midnight plus an hour of day by weight.
    fn report_time(&mut self, start: NaiveDate, day: u64) -> i64 {
        let midnight = match self.day {
            Some((d, t)) if d == day => t,
            _ => {
                let date = start
                    .checked_add_days(chrono::Days::new(day))
                    .expect("date in range");
                let (t, _) = Clock::new(self.tz)
                    .from_local(date.and_time(chrono::NaiveTime::MIN))
                    .expect("midnight exists");
                let t = t.0.div_euclid(1_000_000);
                self.day = Some((day, t));
                t
            }
        };
        midnight + self.rng.pick(HOURS) * HOUR + self.rng.range(0, HOUR)
    }

    fn crime(&mut self, p: &Parent, cat: &Category) -> io::Result<()> {
        let own = self.rng.chance(1200);
        let report = if own {
            p.reported + self.rng.delay(OWN_REPORT_DELAY)
        } else {
            p.reported
        };
        self.crime_row(Some(p.id), own.then_some(report), report, cat, p.enhanced)
    }

    /// A crime reported straight to the crime system (online, at a front
    /// counter) around time `at`, sometimes citing an incident this export
    /// does not hold.
    fn direct_crime(&mut self, at: i64) -> io::Result<()> {
        let cat = &CATEGORIES[self.rng.pick(&DIRECT_INDEX)];
        let report = at + self.rng.range(-DAY, DAY);
        // Numbers from 900 000 000 up stand for incidents outside the export.
        let cites = self
            .rng
            .chance(300)
            .then(|| 900_000_000 + self.rng.below(99_999_999));
        let enhanced = self.rng.chance(500);
        self.crime_row(cites, Some(report), report, cat, enhanced)
    }

    fn crime_row(
        &mut self,
        incident: Option<u64>,
        reported_at: Option<i64>,
        report: i64,
        cat: &Category,
        qualified: bool,
    ) -> io::Result<()> {
        let id = self.next_crime;
        self.next_crime += 1;
        let offence = self.rng.pick(cat.offences);
        let recorded = report + self.rng.delay(RECORD_DELAY);
        let cancelled = self.rng.chance(300);
        let sexual = cat.sexual && !offence.starts_with('N');

        let mut b = [0u8; 32];
        self.crm.write_field(num(&mut b, id, 9).prefixed(b"CR"))?;
        match incident {
            Some(i) => self.crm.write_field(num(&mut b, i, 9).prefixed(b"INC"))?,
            None => self.crm.write_field(b"")?,
        }
        let mut code = [0u8; 16];
        let dotted = offence.contains('/') && self.rng.chance(2000);
        let lower = self.rng.chance(100);
        self.crm
            .write_field(offence_text(&mut code, offence, dotted, lower))?;
        self.time_field(Out::Crm, reported_at)?;
        self.time_field(Out::Crm, Some(recorded))?;

        let enhanced = if qualified || cat.sexual {
            self.rng.pick(&[(90, "true"), (10, "")])
        } else {
            self.rng.pick(&[(8, "true"), (62, "false"), (30, "")])
        };
        let mut cancelled_as = None;
        if cancelled {
            self.crm.write_field("cancelled")?;
            let code = self.rng.pick(CANCEL_CODES);
            cancelled_as = Some(code);
            self.crm.write_field(code)?;
            let at = recorded + self.rng.delay(CANCEL_DELAY);
            let at = (!self.rng.chance(100)).then_some(at);
            self.time_field(Out::Crm, at)?;
            let authority = if sexual { AUTHORITY_SEXUAL } else { AUTHORITY };
            self.crm.write_field(self.rng.pick(authority))?;
            // A duplicate (C3) has nothing to tell the victim, mostly.
            let told = if code == "C3" && self.rng.chance(8000) {
                None
            } else {
                self.rng.pick(CANCEL_TOLD)
            };
            let told = told.map(|d| at.unwrap_or(recorded) + self.rng.delay(&[(1, d)]));
            self.time_field(Out::Crm, told)?;
            // No outcome on a cancelled crime; the booleans may be set.
            self.crm.write_field(b"")?;
            self.crm.write_field(b"")?;
            for _ in 0..3 {
                self.crm.write_field(b"")?;
            }
            self.crm.write_field(enhanced)?;
        } else {
            let status = self.rng.pick(&[(95, "recorded"), (3, ""), (2, "RECORDED")]);
            self.crm.write_field(status)?;
            for _ in 0..4 {
                self.crm.write_field(b"")?;
            }
            let outcome = self.rng.pick(OUTCOMES);
            self.crm.write_field(outcome)?;
            let outcome_at =
                (!outcome.is_empty()).then(|| recorded + self.rng.delay(OUTCOME_DELAY));
            self.time_field(Out::Crm, outcome_at)?;
            let oocd = matches!(outcome, "2" | "3" | "6" | "7" | "8");
            let (views, history) = if oocd {
                (
                    self.rng.pick(&[(85, "true"), (8, "false"), (7, "")]),
                    self.rng.pick(&[(90, "true"), (5, "false"), (5, "")]),
                )
            } else {
                (
                    self.rng.pick(&[(15, "true"), (5, "false"), (80, "")]),
                    self.rng.pick(&[(12, "true"), (3, "false"), (85, "")]),
                )
            };
            let indictable = INDICTABLE_ONLY.contains(&offence) || offence.starts_with("19");
            let dpp = match (outcome, indictable) {
                ("3", true) => self.rng.pick(&[(75, "true"), (10, "false"), (15, "")]),
                ("3", false) => self.rng.pick(&[(5, "true"), (10, "false"), (85, "")]),
                _ => "",
            };
            self.crm.write_field(views)?;
            self.crm.write_field(history)?;
            self.crm.write_field(dpp)?;
            self.crm.write_field(enhanced)?;
        }
        self.transfers(id, recorded, cancelled_as)?;
        self.crm.write_record(None::<&[u8]>)?;
        self.summary.crimes += 1;

        if !cancelled {
            let n = self.rng.pick(EVENT_COUNTS);
            self.updates(id, recorded, n)?;
        }
        if self.rng.chance(5) {
            // An event for a crime outside this export (numbers from
            // 900 000 000 up are never generated).
            let other = 900_000_000 + self.rng.below(99_999_999);
            self.updates(other, recorded, 1)?;
        }
        Ok(())
    }

    /// The edition-2 columns: `transferred_from` and `received_at` for a
    /// crime transferred in from another force, `transferred_to` for a C1
    /// cancellation, `duplicate_of` for a C3.
    fn transfers(&mut self, id: u64, recorded: i64, cancelled_as: Option<&str>) -> io::Result<()> {
        let mut b = [0u8; 32];
        if cancelled_as.is_none() && self.rng.chance(TRANSFERRED_IN) {
            self.crm.write_field(self.rng.pick(FORCES))?;
            // Received shortly before it was recorded here, mostly; now
            // and then the receiving time was not kept.
            let received = (!self.rng.chance(1000)).then(|| recorded - self.rng.delay(RECEIVED));
            self.time_field(Out::Crm, received)?;
        } else {
            self.crm.write_field(b"")?;
            self.crm.write_field(b"")?;
        }
        match cancelled_as {
            Some("C1") if !self.rng.chance(1000) => self.crm.write_field(self.rng.pick(FORCES))?,
            _ => self.crm.write_field(b"")?,
        }
        match cancelled_as {
            Some("C3") => match self.rng.below(100) {
                // An earlier crime (recorded, nearly always), itself
                // now and then, none, or one not in this export.
                0..85 if id > 1 => {
                    let other = id - 1 - self.rng.below((id - 1).min(50));
                    self.crm
                        .write_field(num(&mut b, other, 9).prefixed(b"CR"))?
                }
                85..88 => self.crm.write_field(num(&mut b, id, 9).prefixed(b"CR"))?,
                88..95 => self.crm.write_field(b"")?,
                _ => {
                    let other = 900_000_000 + self.rng.below(99_999_999);
                    self.crm
                        .write_field(num(&mut b, other, 9).prefixed(b"CR"))?
                }
            },
            _ => self.crm.write_field(b"")?,
        }
        Ok(())
    }

    fn updates(&mut self, crime: u64, recorded: i64, n: usize) -> io::Result<()> {
        let single = if self.rng.chance(5000) {
            "no_investigation"
        } else {
            self.rng
                .pick(&[(60, "arrest"), (25, "interview"), (15, "rui")])
        };
        let path = [
            "arrest",
            "interview",
            self.rng.pick(DISPOSALS),
            self.rng.pick(LATER),
        ];
        let mut at = recorded + self.rng.range(HOUR, 14 * DAY);
        for &step in path.iter().take(n) {
            let event = if n == 1 { single } else { step };
            let mut b = [0u8; 32];
            self.upd
                .write_field(num(&mut b, crime, 9).prefixed(b"CR"))?;
            self.upd.write_field(event)?;
            self.time_field(Out::Upd, Some(at))?;
            let told = self
                .rng
                .pick(UPDATE_TOLD)
                .map(|d| at + self.rng.delay(&[(1, d)]));
            self.time_field(Out::Upd, told)?;
            self.upd.write_record(None::<&[u8]>)?;
            self.summary.updates += 1;
            at += self.rng.range(HOUR, 5 * DAY);
        }
        Ok(())
    }

    fn time_field(&mut self, out: Out, t: Option<i64>) -> csv::Result<()> {
        let mut b = [0u8; 32];
        let text = match t {
            Some(t) => {
                let style =
                    self.rng
                        .pick(&[(96, Style::Local), (3, Style::Offset), (1, Style::Utc)]);
                stamp(self.tz, t, style, &mut b)
            }
            None => &[],
        };
        match out {
            Out::Inc => self.inc.write_field(text),
            Out::Crm => self.crm.write_field(text),
            Out::Upd => self.upd.write_field(text),
        }
    }
}

#[derive(Clone, Copy)]
enum Out {
    Inc,
    Crm,
    Upd,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::time::Fold;

    fn fmt(t: i64, style: Style) -> String {
        let mut b = [0u8; 32];
        String::from_utf8(stamp(Clock::default().tz, t, style, &mut b).to_vec()).unwrap()
    }

    #[test]
    fn stamps_in_every_style() {
        // 2025-07-01T09:30:05Z is 10:30:05 BST.
        let t = 1_751_362_205;
        assert_eq!(fmt(t, Style::Local), "2025-07-01 10:30:05");
        assert_eq!(fmt(t, Style::Offset), "2025-07-01T10:30:05+01:00");
        assert_eq!(fmt(t, Style::Utc), "2025-07-01T09:30:05Z");
        assert_eq!(
            fmt(t - 170 * DAY, Style::Offset),
            "2025-01-12T09:30:05+00:00"
        );
    }

    #[test]
    fn stamps_read_back_as_the_same_instant() {
        let clock = Clock::default();
        let mut rng = Rng::new(7);
        for _ in 0..20_000 {
            let t = rng.range(0, 4_000_000_000);
            for style in [Style::Local, Style::Offset, Style::Utc] {
                let (got, fold) = clock.parse(&fmt(t, style)).unwrap();
                // The second pass through the repeated hour reads as the first.
                let expected = if fold == Fold::Repeated && got.0 != t * 1_000_000 {
                    t - HOUR
                } else {
                    t
                };
                assert_eq!(got.0, expected * 1_000_000, "{t} {style:?}");
                assert_ne!(fold, Fold::Skipped);
            }
        }
    }

    #[test]
    fn ids_are_zero_padded() {
        let mut b = [0u8; 32];
        assert_eq!(num(&mut b, 1, 9).prefixed(b"INC"), b"INC000000001");
        assert_eq!(
            num(&mut b, 1_234_567_890, 9).prefixed(b"CR"),
            b"CR1234567890"
        );
        assert_eq!(num(&mut b, 0, 0).as_ref(), b"0");
        assert_eq!(num(&mut b, 42, 0).as_ref(), b"42");
    }

    #[test]
    fn offence_variants() {
        let mut b = [0u8; 16];
        assert_eq!(offence_text(&mut b, "4/1", true, false), b"4.1");
        assert_eq!(offence_text(&mut b, "N100/2", false, true), b"n100/2");
        assert_eq!(offence_text(&mut b, "105A", false, false), b"105A");
    }

    #[test]
    fn every_offence_is_a_home_office_code() {
        // The ONS reference list, as shipped in `reference/`.
        let list = include_str!("../../reference/ons-offence-classification-2017-18.csv");
        let known: Vec<&str> = list
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        for c in CATEGORIES {
            for &(_, code) in c.offences {
                assert!(
                    known.contains(&code) || code.starts_with("N100"),
                    "{code} in {}",
                    c.code
                );
            }
        }
    }
}
