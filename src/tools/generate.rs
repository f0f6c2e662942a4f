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
//! 128 MB of CSV (76 + 39 + 13), in about 1.5 s with a release build.

use std::fs::{self, File};
use std::io;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use crate::data::records::Table;
use crate::data::time::Clock;
use crate::util::rng::Rng;

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
    for w in [&mut g.inc, &mut g.crm, &mut g.upd] {
        w.flush()?;
    }
    let mut summary = g.summary;
    for p in &paths {
        summary.bytes += fs::metadata(p)?.len();
    }
    Ok(summary)
}

fn open(path: &Path) -> io::Result<csv::Writer<File>> {
    Ok(csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(File::create(path)?))
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

const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// An incident category: its `CRIME-…` code and the offences it yields.
struct Category {
    code: &'static str,
    /// Per mille of crime-related incidents.
    weight: u32,
    /// Per mille of crimes reported directly, without an incident.
    direct: u32,
    /// Per mille of incidents opened under this code and closed under
    /// another: rape reports are rarely closed as something else, and each
    /// one that is becomes an RAP001 finding.
    misopened: u32,
    /// Per 10 000: chance of the `DA` qualifier.
    da: u64,
    sexual: bool,
    offences: &'static [(u32, &'static str)],
}

const VIOLENCE: &[(u32, &str)] = &[
    (300, "105A"),
    (230, "8N"),
    (120, "8L"),
    (110, "8R"),
    (50, "8Q"),
    (40, "104"),
    (30, "3B"),
    (25, "105B"),
    (20, "5D"),
    (15, "8M"),
    (15, "11A"),
    (10, "8S"),
    (10, "8P"),
    (5, "5E"),
    (5, "36"),
    (3, "13"),
    (3, "2"),
    (3, "106"),
    (2, "4/4"),
    (2, "4/8"),
    (1, "4/1"),
    (1, "1"),
    (1, "37/1"),
];
const THEFT: &[(u32, &str)] = &[
    (300, "46"),
    (200, "49"),
    (100, "45"),
    (70, "44"),
    (60, "48"),
    (60, "49A"),
    (50, "39"),
    (30, "40"),
    (20, "126"),
    (10, "41"),
    (10, "35"),
    (5, "47"),
    (5, "42"),
    (5, "37/2"),
    (3, "43"),
];
const BURGLARY: &[(u32, &str)] = &[
    (500, "28E"),
    (300, "30C"),
    (120, "28F"),
    (60, "30D"),
    (10, "28G"),
    (5, "29A"),
    (5, "31A"),
];
const DAMAGE: &[(u32, &str)] = &[
    (350, "58C"),
    (250, "58A"),
    (200, "58D"),
    (150, "58B"),
    (25, "56B"),
    (20, "58J"),
    (5, "56A"),
];
const PUBLIC_ORDER: &[(u32, &str)] = &[(850, "9A"), (100, "9B"), (30, "66"), (20, "62A")];
const SEXUAL: &[(u32, &str)] = &[
    (400, "20A"),
    (120, "88E"),
    (80, "22B"),
    (60, "22A"),
    (60, "20B"),
    (50, "17A"),
    (40, "21"),
    (40, "88A"),
    (30, "71"),
    (20, "17B"),
    (15, "88C"),
    (10, "23"),
    (10, "73"),
    (10, "70"),
    (5, "72"),
    (5, "88D"),
];
const RAPE: &[(u32, &str)] = &[
    (490, "19C"),
    (84, "19D"),
    (42, "19E"),
    (56, "19F"),
    (17, "19G"),
    (11, "19H"),
    (120, "N100/1"),
    (60, "N100/2"),
    (50, "N100/3"),
    (40, "N100"),
    (20, "20A"),
    (10, "22A"),
];
const ROBBERY: &[(u32, &str)] = &[(850, "34B"), (150, "34A")];
const DRUGS: &[(u32, &str)] = &[(550, "92E"), (200, "92D"), (200, "92A"), (50, "92C")];
const WEAPONS: &[(u32, &str)] = &[
    (500, "10D"),
    (200, "10C"),
    (90, "10A"),
    (80, "90"),
    (80, "10B"),
    (50, "81"),
];
const OTHER: &[(u32, &str)] = &[
    (150, "54"),
    (150, "59"),
    (100, "33"),
    (100, "80"),
    (50, "38"),
    (50, "802"),
    (50, "86"),
    (50, "99"),
    (50, "95"),
    (50, "814"),
    (50, "76"),
    (40, "79"),
    (30, "83"),
    (30, "33A"),
    (20, "27"),
    (20, "61"),
    (20, "67"),
    (20, "96"),
    (10, "24"),
    (10, "60"),
    (10, "61A"),
    (10, "69"),
    (5, "26"),
    (1, "15"),
];

const fn cat(
    code: &'static str,
    weight: u32,
    direct: u32,
    misopened: u32,
    da: u64,
    sexual: bool,
    offences: &'static [(u32, &'static str)],
) -> Category {
    Category {
        code,
        weight,
        direct,
        misopened,
        da,
        sexual,
        offences,
    }
}

const CATEGORIES: &[Category] = &[
    cat("CRIME-VIOLENCE", 340, 300, 340, 1500, false, VIOLENCE),
    cat("CRIME-THEFT", 250, 400, 250, 200, false, THEFT),
    cat("CRIME-DAMAGE", 100, 80, 100, 800, false, DAMAGE),
    cat("CRIME-PUBLIC-ORDER", 90, 30, 90, 300, false, PUBLIC_ORDER),
    cat("CRIME-BURGLARY", 60, 50, 60, 100, false, BURGLARY),
    cat("CRIME-DRUGS", 40, 0, 40, 0, false, DRUGS),
    cat("CRIME-SEXUAL", 30, 40, 15, 2000, true, SEXUAL),
    cat("CRIME-ROBBERY", 15, 10, 15, 100, false, ROBBERY),
    cat("CRIME-WEAPONS", 15, 0, 15, 200, false, WEAPONS),
    cat("CRIME-RAPE", 14, 10, 1, 2000, true, RAPE),
    cat("CRIME-OTHER", 46, 80, 46, 100, false, OTHER),
];

const NON_CRIME: &[(u32, &str)] = &[
    (250, "ASB"),
    (220, "CONCERN"),
    (150, "ADMIN"),
    (100, "SUSPICIOUS"),
    (80, "RTC"),
    (60, "PUBLIC-SAFETY"),
    (50, "MISSING"),
    (50, "ALARM"),
    (40, "DOMESTIC"),
];

const RATIONALES: &[(u32, &str)] = &[
    (30, "Civil dispute, no offence disclosed"),
    (25, "Reporting person confirmed no offence took place"),
    (15, "Crime recorded on an earlier incident"),
    (
        15,
        "Credible evidence to the contrary immediately available",
    ),
    (10, "Transferred to another force area"),
    (5, "Third-party report, victim not traced"),
];

/// Local hour of report, per mille-ish: quiet before dawn, busy afternoons.
const HOURS: &[(u32, i64)] = &[
    (40, 0),
    (30, 1),
    (25, 2),
    (20, 3),
    (15, 4),
    (15, 5),
    (20, 6),
    (30, 7),
    (40, 8),
    (45, 9),
    (50, 10),
    (52, 11),
    (55, 12),
    (55, 13),
    (57, 14),
    (60, 15),
    (62, 16),
    (63, 17),
    (62, 18),
    (60, 19),
    (58, 20),
    (55, 21),
    (50, 22),
    (45, 23),
];

const CLOSE_DELAY: &[(u32, (i64, i64))] = &[
    (400, (10 * MIN, 2 * HOUR)),
    (400, (2 * HOUR, 12 * HOUR)),
    (150, (12 * HOUR, 2 * DAY)),
    (50, (2 * DAY, 10 * DAY)),
];
const RECORD_DELAY: &[(u32, (i64, i64))] = &[
    (297, (0, HOUR)),
    (3, (-2 * HOUR, -5 * MIN)),
    (300, (HOUR, 6 * HOUR)),
    (250, (6 * HOUR, DAY)),
    (80, (DAY, 2 * DAY)),
    (50, (2 * DAY, 7 * DAY)),
    (20, (7 * DAY, 30 * DAY)),
];
const OWN_REPORT_DELAY: &[(u32, (i64, i64))] =
    &[(70, (10 * MIN, 6 * HOUR)), (30, (6 * HOUR, 3 * DAY))];
const CANCEL_DELAY: &[(u32, (i64, i64))] = &[
    (300, (HOUR, 2 * DAY)),
    (500, (2 * DAY, 14 * DAY)),
    (200, (14 * DAY, 60 * DAY)),
];
/// `None` is "never told".
const CANCEL_TOLD: &[(u32, Option<(i64, i64)>)] = &[
    (70, Some((10 * MIN, 3 * DAY))),
    (10, Some((3 * DAY, 7 * DAY))),
    (8, Some((7 * DAY, 30 * DAY))),
    (12, None),
];
const OUTCOME_DELAY: &[(u32, (i64, i64))] = &[
    (30, (DAY, 7 * DAY)),
    (40, (7 * DAY, 30 * DAY)),
    (30, (30 * DAY, 180 * DAY)),
];
const UPDATE_TOLD: &[(u32, Option<(i64, i64)>)] = &[
    (55, Some((5 * MIN, DAY))),
    (25, Some((DAY, 4 * DAY))),
    (5, Some((5 * DAY, 7 * DAY))),
    (5, Some((8 * DAY, 30 * DAY))),
    (10, None),
];

const OUTCOMES: &[(u32, &str)] = &[
    (180, ""),
    (300, "18"),
    (140, "14"),
    (120, "15"),
    (90, "16"),
    (70, "1"),
    (30, "21"),
    (35, "8"),
    (15, "3"),
    (8, "7"),
    (7, "6"),
    (5, "2"),
];
const CANCEL_CODES: &[(u32, &str)] = &[
    (200, "C1"),
    (300, "C2"),
    (250, "C3"),
    (180, "C4"),
    (40, "C5"),
    (15, ""),
    (10, "C9"),
    (5, "NFA"),
];
const AUTHORITY: &[(u32, &str)] = &[(30, "FCR"), (60, "DDM"), (10, "INSPECTOR")];
const AUTHORITY_SEXUAL: &[(u32, &str)] = &[(85, "FCR"), (12, "DDM"), (3, "INSPECTOR")];
/// Update events per recorded crime.
const EVENT_COUNTS: &[(u32, usize)] = &[(68, 0), (18, 1), (8, 2), (4, 3), (2, 4)];
const DISPOSALS: &[(u32, &str)] = &[(40, "release"), (25, "bail"), (35, "rui")];
const LATER: &[(u32, &str)] = &[(40, "bail"), (40, "rui"), (20, "release")];

const INDICTABLE_ONLY: &[&str] = &[
    "1", "2", "4/1", "4/2", "4/4", "5D", "36", "56A", "34A", "34B",
];

/// Per 10 000 recorded crimes: transferred in from another force.
const TRANSFERRED_IN: u64 = 200;
/// Other forces, by their usual short names.
const FORCES: &[(u32, &str)] = &[
    (30, "MPS"),
    (20, "GMP"),
    (15, "WMP"),
    (15, "WYP"),
    (10, "TVP"),
    (10, "KENT"),
];
/// How long before it was recorded here a transferred-in crime was
/// received: most within the day, some (late records) earlier.
const RECEIVED: &[(u32, (i64, i64))] = &[
    (60, (0, HOUR)),
    (30, (HOUR, 20 * HOUR)),
    (10, (DAY, 3 * DAY)),
];

struct Gen {
    rng: Rng,
    tz: Tz,
    inc: csv::Writer<File>,
    crm: csv::Writer<File>,
    upd: csv::Writer<File>,
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

/// Category indices weighted for incidents and for direct reports.
const CAT_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Incident);
const DIRECT_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Direct);
const MISOPENED_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Misopened);

enum Weight {
    Incident,
    Direct,
    Misopened,
}

const fn weights(by: Weight) -> [(u32, usize); CATEGORIES.len()] {
    let mut out = [(0, 0); CATEGORIES.len()];
    let mut i = 0;
    while i < CATEGORIES.len() {
        let c = &CATEGORIES[i];
        let w = match by {
            Weight::Incident => c.weight,
            Weight::Direct => c.direct,
            Weight::Misopened => c.misopened,
        };
        out[i] = (w, i);
        i += 1;
    }
    out
}

fn qualifiers(buf: &mut [u8; 32], da: bool, hate: bool, vulnerable: bool) -> &[u8] {
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

fn offence_text<'b>(buf: &'b mut [u8; 16], code: &str, dotted: bool, lower: bool) -> &'b [u8] {
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
fn num(buf: &mut [u8], mut n: u64, width: usize) -> Digits<'_> {
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
struct Digits<'b> {
    buf: &'b mut [u8],
    start: usize,
}

impl<'b> Digits<'b> {
    fn done(self) -> &'b [u8] {
        self.prefixed(b"")
    }
    fn prefixed(self, prefix: &[u8]) -> &'b [u8] {
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
enum Style {
    /// `2025-03-30 10:30:00`, local time without offset.
    Local,
    /// `2025-03-30T10:30:00+01:00`.
    Offset,
    /// `2025-03-30T09:30:00Z`.
    Utc,
}

/// Formats `t` (seconds since the epoch) without going through chrono's
/// format strings, which would be most of the generator's run time.
fn stamp(tz: Tz, t: i64, style: Style, buf: &mut [u8; 32]) -> &[u8] {
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

struct Cursor<'b> {
    buf: &'b mut [u8; 32],
    n: usize,
}

impl Cursor<'_> {
    fn push(&mut self, c: u8) {
        self.buf[self.n] = c;
        self.n += 1;
    }
    fn digits(&mut self, mut v: u64, width: usize) {
        for i in (0..width).rev() {
            self.buf[self.n + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.n += width;
    }
}

/// Civil date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u64, u64) {
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
