//! A log written again by this build: every record of LOG (a raw day or a tier, plain or
//! compressed as rsadc leaves it) read and appended to a new OUT as this build's rsadc
//! writes it (its format version, its encoding). `bench/rollup-budget.sh` measures a day
//! recorded by an older rsadc so, and a format change is measured on the same recording.
//! A tier's roll-up records are copied as they are, so only from a tier of this build's
//! format (they are offsets against their sample as that format stores it); a tier of
//! another format is built again from its raw day instead (`rsadc --rollup`). With
//! UNTIL (seconds since the epoch), the records taken after it are left out: the bench
//! cuts a recording in two halves by time so.
//!
//! Usage: cargo run --release --example recode -- LOG OUT [UNTIL]

use rsar::store::{DayWriter, LogReader, Record};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(from), Some(to)) = (args.next(), args.next()) else {
        return Err("usage: recode LOG OUT [UNTIL]".into());
    };
    let until_ns = match args.next() {
        Some(s) => s.parse::<i64>()? * 1_000_000_000,
        None => i64::MAX,
    };
    let mut reader = LogReader::open(std::path::Path::new(&from))?;
    let header = reader.header().clone();
    let mut host = header.host.clone();
    let (mut w, _) = DayWriter::open(
        std::path::Path::new(&to),
        &host,
        header.created_ns,
        header.utc_offset_s,
    )?;
    while let Some((_, r)) = reader.next_record()? {
        let wall_ns = match &r {
            Record::Sample(s) => s.time.wall_ns,
            Record::Restart { wall_ns, .. } | Record::Comment { wall_ns, .. } => *wall_ns,
            Record::Processes(t) => t.wall_ns,
            Record::Rollup(_) => i64::MIN,
        };
        if wall_ns > until_ns {
            break;
        }
        match r {
            Record::Sample(s) => w.append_sample(&host, &s)?,
            Record::Restart { wall_ns, host: h } => {
                host = h;
                w.append_restart(&host, wall_ns)?;
            }
            Record::Comment { wall_ns, text } => w.append_comment(wall_ns, &text)?,
            Record::Processes(t) => w.append_processes(&t)?,
            Record::Rollup(_) if header.version != rsar::store::VERSION => {
                return Err(format!(
                    "{from}: roll-up levels of format {} cannot be written as format {}; \
                     build the tiers again from the raw day (rsadc --rollup)",
                    header.version,
                    rsar::store::VERSION
                )
                .into())
            }
            Record::Rollup(p) => w.append_rollup(&p)?,
        }
    }
    w.sync()?;
    if !reader.damage().is_clean() {
        eprintln!("recode: {from}: {:?}", reader.damage());
    }
    Ok(())
}
