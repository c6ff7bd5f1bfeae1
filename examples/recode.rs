//! A log written again by this build: every record of LOG (a raw day or a tier, plain or
//! compressed as rsadc leaves it) read and appended to a new OUT as this build's rsadc
//! writes it (its format version, its encoding). `bench/rollup-budget.sh` measures a day
//! recorded by an older rsadc so, and a format change is measured on the same recording.
//! A tier's roll-up records are copied as they are (they are made from raw days).
//!
//! Usage: cargo run --release --example recode -- LOG OUT

use rsar::store::{DayWriter, LogReader, Record};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(from), Some(to)) = (args.next(), args.next()) else {
        return Err("usage: recode LOG OUT".into());
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
        match r {
            Record::Sample(s) => w.append_sample(&host, &s)?,
            Record::Restart { wall_ns, host: h } => {
                host = h;
                w.append_restart(&host, wall_ns)?;
            }
            Record::Comment { wall_ns, text } => w.append_comment(wall_ns, &text)?,
            Record::Processes(t) => w.append_processes(&t)?,
            Record::Rollup(p) => w.append_rollup(&p)?,
        }
    }
    w.sync()?;
    if !reader.damage().is_clean() {
        eprintln!("recode: {from}: {:?}", reader.damage());
    }
    Ok(())
}
