//! `hocr audit sample`: a stratified simple random sample of incidents,
//! drawn without replacement, reproducible from its seed.
//!
//! Each stratum's incidents are its condition's matches, in input order.
//! Its sample is the first n of a partial Fisher–Yates shuffle of them,
//! driven by SplitMix64 seeded with the run's seed mixed with the stratum's
//! name (so adding a stratum to a plan does not change another's sample).
//! The worksheet lists strata in plan order and, within each, incidents by
//! id. Same export, plan and seed: byte-identical worksheet.

use super::{COLUMNS, row_check, weight_text};
use crate::data::records::Records;
use crate::data::time::Clock;
use crate::lang::plan::{AuditPlan, Plan, SampleSize};
use crate::run::engine::incidents_where;
use crate::util::rng::Rng;
use std::collections::HashMap;
use std::io::{self, Write};

/// One stratum's draw.
#[derive(Debug)]
pub struct StratumDraw {
    pub name: String,
    pub label: Option<String>,
    pub size: SampleSize,
    /// How many incidents fall in the stratum.
    pub population: u64,
    /// The incidents drawn (indices into the incidents), sorted by id.
    pub drawn: Vec<usize>,
}

impl StratumDraw {
    pub fn sampled(&self) -> u64 {
        self.drawn.len() as u64
    }

    /// The size the plan asks of this stratum, before capping at the
    /// population.
    pub fn asked(&self) -> u64 {
        self.size.asked(self.population)
    }

    /// The whole stratum was taken because it is no larger than its size.
    pub fn taken_whole(&self) -> bool {
        self.population > 0 && self.sampled() == self.population && self.asked() >= self.population
    }
}

/// A drawn sample.
#[derive(Debug)]
pub struct Draw {
    pub plan: String,
    pub seed: u64,
    pub strata: Vec<StratumDraw>,
    /// Incidents that fall in no stratum (never sampled).
    pub outside: u64,
    pub incidents: u64,
}

/// Why no sample could be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrawError {
    /// Two strata share incidents: their weights would be wrong.
    Overlap {
        first: String,
        second: String,
        example: String,
        count: usize,
    },
    /// Two incidents of some stratum have the same id: the worksheet could
    /// not tell them apart.
    DuplicateId { id: String, lines: (u64, u64) },
}

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DrawError::Overlap {
                first,
                second,
                example,
                count,
            } => {
                write!(
                    f,
                    "strata `{first}` and `{second}` overlap: incident `{example}`"
                )?;
                if *count > 1 {
                    write!(f, " (and {} more)", count - 1)?;
                }
                write!(
                    f,
                    " falls in both; each incident must fall in at most one stratum: make their `where` conditions exclusive, e.g. add `and not (…)` to one"
                )
            }
            DrawError::DuplicateId { id, lines } => write!(
                f,
                "incident id `{id}` is on lines {} and {} of the incidents file; a sample needs each sampled incident's id to be unique",
                lines.0, lines.1
            ),
        }
    }
}

/// A 64-bit FNV-1a hash, to mix a stratum's name into the seed.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The first `n` of a partial Fisher–Yates shuffle of `items`.
fn choose(items: &[usize], n: usize, rng: &mut Rng) -> Vec<usize> {
    let mut pool = items.to_vec();
    let n = n.min(pool.len());
    for i in 0..n {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(n);
    pool
}

/// Draws the sample `audit` (a plan of `plan`) asks for.
pub fn draw(
    plan: &Plan,
    audit: &AuditPlan,
    records: Records,
    clock: Clock,
    seed: u64,
) -> Result<Draw, Vec<DrawError>> {
    let filters: Vec<_> = audit.strata.iter().map(|s| &s.filter).collect();
    let members = incidents_where(plan, records, &filters, clock);
    let mut errors = Vec::new();
    // Overlaps: every incident in at most one stratum.
    let mut owner: Vec<Option<usize>> = vec![None; records.incidents.len()];
    let mut overlaps: Vec<((usize, usize), (usize, usize))> = Vec::new();
    for (s, incidents) in members.iter().enumerate() {
        for &n in incidents {
            match owner[n] {
                None => owner[n] = Some(s),
                Some(first) => match overlaps.iter_mut().find(|(pair, _)| *pair == (first, s)) {
                    Some((_, (_, count))) => *count += 1,
                    None => overlaps.push(((first, s), (n, 1))),
                },
            }
        }
    }
    for ((a, b), (example, count)) in overlaps {
        errors.push(DrawError::Overlap {
            first: audit.strata[a].name.clone(),
            second: audit.strata[b].name.clone(),
            example: records.incidents[example].incident_id.to_string(),
            count,
        });
    }
    // Ids must tell the sampled incidents apart.
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for (n, i) in records.incidents.iter().enumerate() {
        if owner[n].is_none() {
            continue;
        }
        if let Some(&line) = seen.get(&*i.incident_id) {
            errors.push(DrawError::DuplicateId {
                id: i.incident_id.to_string(),
                lines: (line, i.line),
            });
        } else {
            seen.insert(&i.incident_id, i.line);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let strata = audit
        .strata
        .iter()
        .zip(&members)
        .map(|(s, incidents)| {
            let population = incidents.len() as u64;
            let n = s.size.for_population(population);
            let mut rng = Rng::new(seed ^ fnv1a(&s.name));
            let mut drawn = choose(incidents, n as usize, &mut rng);
            drawn.sort_by(|&a, &b| {
                records.incidents[a]
                    .incident_id
                    .cmp(&records.incidents[b].incident_id)
            });
            StratumDraw {
                name: s.name.clone(),
                label: s.label.clone(),
                size: s.size,
                population,
                drawn,
            }
        })
        .collect();
    Ok(Draw {
        plan: audit.name.clone(),
        seed,
        strata,
        outside: owner.iter().filter(|o| o.is_none()).count() as u64,
        incidents: records.incidents.len() as u64,
    })
}

/// Writes the worksheet: CSV, UTF-8 with a byte-order mark (so Excel opens
/// it cleanly), CRLF line ends, one row per drawn incident, `verdict` and
/// `note` empty.
pub fn write_worksheet(draw: &Draw, records: Records, w: &mut dyn Write) -> io::Result<()> {
    let mut crimes_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, c) in records.crimes.iter().enumerate() {
        if let Some(id) = c.incident_id.as_deref() {
            crimes_of.entry(id).or_default().push(n);
        }
    }
    w.write_all("\u{feff}".as_bytes())?;
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w);
    out.write_record(COLUMNS)?;
    for s in &draw.strata {
        let (population, sampled) = (s.population, s.sampled());
        for &n in &s.drawn {
            let i = &records.incidents[n];
            let crimes = crimes_of
                .get(&*i.incident_id)
                .map_or(&[][..], Vec::as_slice);
            let list = |f: &dyn Fn(usize) -> String| {
                crimes.iter().map(|&c| f(c)).collect::<Vec<_>>().join(";")
            };
            let crime = |c: usize| &records.crimes[c];
            out.write_record([
                &*i.incident_id,
                &s.name,
                &population.to_string(),
                &sampled.to_string(),
                &weight_text(population, sampled),
                &i.reported_at.format_utc(),
                i.opening_code.as_deref().unwrap_or(""),
                i.closing_code.as_deref().unwrap_or(""),
                &i.qualifiers
                    .iter()
                    .map(|q| &**q)
                    .collect::<Vec<_>>()
                    .join(";"),
                if i.non_crime_rationale.is_some() {
                    "yes"
                } else {
                    "no"
                },
                &list(&|c| crime(c).crime_id.to_string()),
                &list(&|c| crime(c).offence_code.to_string()),
                &list(&|c| crime(c).status.to_ascii_lowercase()),
                "",
                "",
                "",
                "",
                &row_check(&i.incident_id, &s.name, population, sampled),
            ])?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choose_is_a_sample_without_replacement() {
        let items: Vec<usize> = (100..150).collect();
        let mut rng = Rng::new(7);
        let mut got = choose(&items, 20, &mut rng);
        assert_eq!(got.len(), 20);
        got.sort_unstable();
        got.dedup();
        assert_eq!(got.len(), 20, "no incident drawn twice");
        assert!(got.iter().all(|g| items.contains(g)));
        // Asking for more than there is takes everything.
        let mut all = choose(&items, 80, &mut Rng::new(7));
        all.sort_unstable();
        assert_eq!(all, items);
    }

    #[test]
    fn choose_is_roughly_uniform() {
        // 10 000 draws of 3 from 10: each item is drawn 3 000 times on
        // average (sd ≈ 46); allow 5 sd.
        let items: Vec<usize> = (0..10).collect();
        let mut counts = [0u32; 10];
        let mut rng = Rng::new(2024);
        for _ in 0..10_000 {
            for k in choose(&items, 3, &mut rng) {
                counts[k] += 1;
            }
        }
        for c in counts {
            assert!((2770..=3230).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn a_stratum_name_changes_its_stream() {
        assert_ne!(fnv1a("violence"), fnv1a("sexual"));
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
    }
}
