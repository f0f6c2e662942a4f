//! What the synthetic exports look like: offence categories and codes by
//! weight, the hours of reports, the delays, outcomes and authorities, all
//! as weighted tables.

pub(super) const MIN: i64 = 60;
pub(super) const HOUR: i64 = 3600;
pub(super) const DAY: i64 = 86_400;

/// An incident category: its `CRIME-…` code and the offences it yields.
pub(super) struct Category {
    pub(super) code: &'static str,
    /// Per mille of crime-related incidents.
    pub(super) weight: u32,
    /// Per mille of crimes reported directly, without an incident.
    pub(super) direct: u32,
    /// Per mille of incidents opened under this code and closed under
    /// another: rape reports are rarely closed as something else, and each
    /// one that is becomes an RAP001 finding.
    pub(super) misopened: u32,
    /// Per 10 000: chance of the `DA` qualifier.
    pub(super) da: u64,
    pub(super) sexual: bool,
    pub(super) offences: &'static [(u32, &'static str)],
}

pub(super) const VIOLENCE: &[(u32, &str)] = &[
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
pub(super) const THEFT: &[(u32, &str)] = &[
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
pub(super) const BURGLARY: &[(u32, &str)] = &[
    (500, "28E"),
    (300, "30C"),
    (120, "28F"),
    (60, "30D"),
    (10, "28G"),
    (5, "29A"),
    (5, "31A"),
];
pub(super) const DAMAGE: &[(u32, &str)] = &[
    (350, "58C"),
    (250, "58A"),
    (200, "58D"),
    (150, "58B"),
    (25, "56B"),
    (20, "58J"),
    (5, "56A"),
];
pub(super) const PUBLIC_ORDER: &[(u32, &str)] =
    &[(850, "9A"), (100, "9B"), (30, "66"), (20, "62A")];
pub(super) const SEXUAL: &[(u32, &str)] = &[
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
pub(super) const RAPE: &[(u32, &str)] = &[
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
pub(super) const ROBBERY: &[(u32, &str)] = &[(850, "34B"), (150, "34A")];
pub(super) const DRUGS: &[(u32, &str)] = &[(550, "92E"), (200, "92D"), (200, "92A"), (50, "92C")];
pub(super) const WEAPONS: &[(u32, &str)] = &[
    (500, "10D"),
    (200, "10C"),
    (90, "10A"),
    (80, "90"),
    (80, "10B"),
    (50, "81"),
];
pub(super) const OTHER: &[(u32, &str)] = &[
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

pub(super) const fn cat(
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

pub(super) const CATEGORIES: &[Category] = &[
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

pub(super) const NON_CRIME: &[(u32, &str)] = &[
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

pub(super) const RATIONALES: &[(u32, &str)] = &[
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
pub(super) const HOURS: &[(u32, i64)] = &[
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

pub(super) const CLOSE_DELAY: &[(u32, (i64, i64))] = &[
    (400, (10 * MIN, 2 * HOUR)),
    (400, (2 * HOUR, 12 * HOUR)),
    (150, (12 * HOUR, 2 * DAY)),
    (50, (2 * DAY, 10 * DAY)),
];
pub(super) const RECORD_DELAY: &[(u32, (i64, i64))] = &[
    (297, (0, HOUR)),
    (3, (-2 * HOUR, -5 * MIN)),
    (300, (HOUR, 6 * HOUR)),
    (250, (6 * HOUR, DAY)),
    (80, (DAY, 2 * DAY)),
    (50, (2 * DAY, 7 * DAY)),
    (20, (7 * DAY, 30 * DAY)),
];
pub(super) const OWN_REPORT_DELAY: &[(u32, (i64, i64))] =
    &[(70, (10 * MIN, 6 * HOUR)), (30, (6 * HOUR, 3 * DAY))];
pub(super) const CANCEL_DELAY: &[(u32, (i64, i64))] = &[
    (300, (HOUR, 2 * DAY)),
    (500, (2 * DAY, 14 * DAY)),
    (200, (14 * DAY, 60 * DAY)),
];
/// `None` is "never told".
pub(super) const CANCEL_TOLD: &[(u32, Option<(i64, i64)>)] = &[
    (70, Some((10 * MIN, 3 * DAY))),
    (10, Some((3 * DAY, 7 * DAY))),
    (8, Some((7 * DAY, 30 * DAY))),
    (12, None),
];
pub(super) const OUTCOME_DELAY: &[(u32, (i64, i64))] = &[
    (30, (DAY, 7 * DAY)),
    (40, (7 * DAY, 30 * DAY)),
    (30, (30 * DAY, 180 * DAY)),
];
pub(super) const UPDATE_TOLD: &[(u32, Option<(i64, i64)>)] = &[
    (55, Some((5 * MIN, DAY))),
    (25, Some((DAY, 4 * DAY))),
    (5, Some((5 * DAY, 7 * DAY))),
    (5, Some((8 * DAY, 30 * DAY))),
    (10, None),
];

pub(super) const OUTCOMES: &[(u32, &str)] = &[
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
pub(super) const CANCEL_CODES: &[(u32, &str)] = &[
    (200, "C1"),
    (300, "C2"),
    (250, "C3"),
    (180, "C4"),
    (40, "C5"),
    (15, ""),
    (10, "C9"),
    (5, "NFA"),
];
pub(super) const AUTHORITY: &[(u32, &str)] = &[(30, "FCR"), (60, "DDM"), (10, "INSPECTOR")];
pub(super) const AUTHORITY_SEXUAL: &[(u32, &str)] = &[(85, "FCR"), (12, "DDM"), (3, "INSPECTOR")];
/// Update events per recorded crime.
pub(super) const EVENT_COUNTS: &[(u32, usize)] = &[(68, 0), (18, 1), (8, 2), (4, 3), (2, 4)];
pub(super) const DISPOSALS: &[(u32, &str)] = &[(40, "release"), (25, "bail"), (35, "rui")];
pub(super) const LATER: &[(u32, &str)] = &[(40, "bail"), (40, "rui"), (20, "release")];

pub(super) const INDICTABLE_ONLY: &[&str] = &[
    "1", "2", "4/1", "4/2", "4/4", "5D", "36", "56A", "34A", "34B",
];

/// Per 10 000 recorded crimes: transferred in from another force.
pub(super) const TRANSFERRED_IN: u64 = 200;
/// Other forces, by their usual short names.
pub(super) const FORCES: &[(u32, &str)] = &[
    (30, "MPS"),
    (20, "GMP"),
    (15, "WMP"),
    (15, "WYP"),
    (10, "TVP"),
    (10, "KENT"),
];
/// How long before it was recorded here a transferred-in crime was
/// received: most within the day, some (late records) earlier.
pub(super) const RECEIVED: &[(u32, (i64, i64))] = &[
    (60, (0, HOUR)),
    (30, (HOUR, 20 * HOUR)),
    (10, (DAY, 3 * DAY)),
];

/// Category indices weighted for incidents and for direct reports.
pub(super) const CAT_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Incident);
pub(super) const DIRECT_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Direct);
pub(super) const MISOPENED_INDEX: [(u32, usize); CATEGORIES.len()] = weights(Weight::Misopened);

pub(super) enum Weight {
    Incident,
    Direct,
    Misopened,
}

pub(super) const fn weights(by: Weight) -> [(u32, usize); CATEGORIES.len()] {
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
