//! One worksheet row: its cells read, and checked against the sample that
//! drew it (`row_check`, weight) and against themselves (verdict and
//! counts agree).

use super::columns::Columns;
use super::{Crimes, Problem};
use crate::audit::{RECORDED_CORRECTLY, SHOULD_RECORD, Verdict, row_check, weight_text};

/// What one row says, once its fields are read.
pub(super) struct RowFields {
    pub line: u64,
    pub incident_id: String,
    pub stratum: String,
    pub population: u64,
    pub sampled: u64,
    pub crimes: Option<Crimes>,
}

/// One row read and checked against its sample: its fields, or `None`
/// with the problems pushed (a row of empty cells is no row at all). A row
/// naming a stratum is counted in `stratum_lines`, sound or not.
pub(super) fn read_row(
    record: &csv::StringRecord,
    line: u64,
    cols: &Columns,
    problems: &mut Vec<Problem>,
    stratum_lines: &mut Vec<(String, u64)>,
) -> Option<RowFields> {
    // Spreadsheets leave rows of empty cells behind: not rows at all.
    if record.iter().all(|f| f.trim().is_empty()) {
        return None;
    }
    let cells = Cells { record, cols };
    match cells.fields(line, problems, stratum_lines) {
        Ok(row) => Some(row),
        Err(message) => {
            problems.push(Problem::at(line, message));
            None
        }
    }
}

/// A row's cells, found by column.
struct Cells<'r> {
    record: &'r csv::StringRecord,
    cols: &'r Columns,
}

impl<'r> Cells<'r> {
    /// The cell in `column`, trimmed; empty when the row is short or the
    /// worksheet lacks the column.
    fn get(&self, column: usize) -> &'r str {
        self.record.get(column).unwrap_or("").trim()
    }

    /// The row's fields, or the problem that stops it being read. An edited
    /// weight is pushed to `problems` and reading goes on: the row's other
    /// cells can still have problems worth naming.
    fn fields(
        &self,
        line: u64,
        problems: &mut Vec<Problem>,
        stratum_lines: &mut Vec<(String, u64)>,
    ) -> Result<RowFields, String> {
        let (incident_id, stratum) = self.identity()?;
        stratum_lines.push((stratum.clone(), line));
        let (population, sampled) = self.sample_size(&incident_id)?;
        self.check_drawn(&incident_id, &stratum, population, sampled)?;
        if let Err(message) = self.check_weight(&incident_id, population, sampled) {
            problems.push(Problem::at(line, message));
        }
        let verdict = self.verdict(&incident_id)?;
        let counts = self.counts(&incident_id)?;
        let crimes = reconcile(&incident_id, verdict, counts)?;
        Ok(RowFields {
            line,
            incident_id,
            stratum,
            population,
            sampled,
            crimes,
        })
    }

    /// The incident id and stratum, both required.
    fn identity(&self) -> Result<(String, String), String> {
        let incident_id = self.get(self.cols.incident_id).to_string();
        let stratum = self.get(self.cols.stratum).to_string();
        if incident_id.is_empty() {
            return Err("no `incident_id`".into());
        }
        if stratum.is_empty() {
            return Err(format!("incident `{incident_id}` has no `stratum`"));
        }
        Ok((incident_id, stratum))
    }

    /// Population and sample size: whole numbers, and a sample that could
    /// have been drawn from that population.
    fn sample_size(&self, incident_id: &str) -> Result<(u64, u64), String> {
        let population = self.whole_number(self.cols.population, "population", incident_id)?;
        let sampled = self.whole_number(self.cols.sampled, "sampled", incident_id)?;
        if sampled == 0 || sampled > population {
            return Err(format!(
                "incident `{incident_id}`: a sample of {sampled} from a population of {population} cannot have been drawn"
            ));
        }
        Ok((population, sampled))
    }

    fn whole_number(&self, column: usize, name: &str, incident_id: &str) -> Result<u64, String> {
        let text = self.get(column);
        text.parse::<u64>().map_err(|_| {
            format!("`{name}` of incident `{incident_id}` is `{text}`, not a whole number")
        })
    }

    /// The `row_check` matches: the sample drew this incident into this
    /// stratum, with this population and sample size.
    fn check_drawn(
        &self,
        incident_id: &str,
        stratum: &str,
        population: u64,
        sampled: u64,
    ) -> Result<(), String> {
        if self.get(self.cols.row_check) == row_check(incident_id, stratum, population, sampled) {
            return Ok(());
        }
        Err(format!(
            "incident `{incident_id}` in stratum `{stratum}` (population {population}, sampled {sampled}) is not a row the sample drew: its `row_check` does not match; the incident id, stratum, population and sampled columns must stay as drawn"
        ))
    }

    /// The weight is population ÷ sampled, as the sample wrote it (to
    /// within the rounding of its six decimals).
    fn check_weight(&self, incident_id: &str, population: u64, sampled: u64) -> Result<(), String> {
        let text = self.get(self.cols.weight);
        let expected = population as f64 / sampled as f64;
        match text.parse::<f64>() {
            Ok(w) if (w - expected).abs() <= 1e-6 * expected.max(1.0) => Ok(()),
            _ => Err(format!(
                "the weight of incident `{incident_id}` is `{text}`, but population ÷ sampled is {population} ÷ {sampled} = {}; weights must not be edited",
                weight_text(population, sampled)
            )),
        }
    }

    /// The verdict, `None` when left blank.
    fn verdict(&self, incident_id: &str) -> Result<Option<Verdict>, String> {
        match self.get(self.cols.verdict) {
            "" => Ok(None),
            v => Verdict::parse(v).map(Some).ok_or_else(|| {
                format!(
                    "the verdict of incident `{incident_id}` is `{v}`; a verdict is `recorded`, `unrecorded` or `not-crime`"
                )
            }),
        }
    }

    /// The two counts of crimes, both or neither; `None` when both are
    /// blank.
    fn counts(&self, incident_id: &str) -> Result<Option<Crimes>, String> {
        let should = self.count(self.cols.should_record, SHOULD_RECORD, incident_id)?;
        let correct = self.count(
            self.cols.recorded_correctly,
            RECORDED_CORRECTLY,
            incident_id,
        )?;
        match (should, correct) {
            (Some(should_record), Some(recorded_correctly)) => Ok(Some(Crimes {
                should_record,
                recorded_correctly,
            })),
            (None, None) => Ok(None),
            _ => Err(format!(
                "incident `{incident_id}` has one of `{SHOULD_RECORD}` and `{RECORDED_CORRECTLY}` without the other; give both (or neither, and a verdict)"
            )),
        }
    }

    fn count(&self, column: usize, name: &str, incident_id: &str) -> Result<Option<u64>, String> {
        match self.get(column) {
            "" => Ok(None),
            text => text.parse::<u64>().map(Some).map_err(|_| {
                format!(
                    "`{name}` of incident `{incident_id}` is `{text}`: a count of crimes is a whole number, 0 or more"
                )
            }),
        }
    }
}

/// What the row found, from its counts, or else its verdict; counts that
/// cannot be, or that contradict the verdict given beside them, are a
/// problem.
fn reconcile(
    incident_id: &str,
    verdict: Option<Verdict>,
    counts: Option<Crimes>,
) -> Result<Option<Crimes>, String> {
    if let Some(c) = counts
        && c.recorded_correctly > c.should_record
    {
        return Err(format!(
            "incident `{incident_id}`: {} crimes recorded correctly of {} that should have been recorded; `{RECORDED_CORRECTLY}` cannot be more than `{SHOULD_RECORD}`",
            c.recorded_correctly, c.should_record
        ));
    }
    if let (Some(c), Some(v)) = (counts, verdict)
        && c.verdict() != v
    {
        return Err(format!(
            "incident `{incident_id}`: the verdict `{}` contradicts its counts, {} of {} crimes recorded correctly (that is `{}`); correct one or leave the verdict empty",
            v.word(),
            c.recorded_correctly,
            c.should_record,
            c.verdict().word()
        ));
    }
    Ok(counts.or(verdict.map(Crimes::from)))
}
