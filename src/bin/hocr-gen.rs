//! `hocr-gen`: writes a deterministic synthetic export for benchmarks and
//! demonstrations (see `hocr::tools::generate`).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Parser;
use hocr::tools::generate::{GenOptions, generate};

/// Write a synthetic export (incidents.csv, crimes.csv, updates.csv).
/// The same options always give byte-identical files.
#[derive(Parser)]
#[command(name = "hocr-gen", version)]
struct Args {
    /// Number of incidents
    #[arg(long)]
    incidents: u64,
    /// Seed of the random sequence
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Directory to write into (created if missing)
    #[arg(long)]
    out: PathBuf,
    /// First report day
    #[arg(long, default_value = "2025-01-01")]
    start: NaiveDate,
    /// Number of days the reports are spread over
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..))]
    days: u32,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = GenOptions {
        incidents: args.incidents,
        seed: args.seed,
        start: args.start,
        days: args.days,
    };
    match generate(&args.out, &opts) {
        Ok(s) => {
            println!("directory  {}", args.out.display());
            println!("incidents  {}", s.incidents);
            println!("crimes     {}", s.crimes);
            println!("updates    {}", s.updates);
            println!("bytes      {}", s.bytes);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("hocr-gen: cannot write {}: {e}", args.out.display());
            ExitCode::from(2)
        }
    }
}
