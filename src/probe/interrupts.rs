//! /proc/interrupts: how many times each interrupt line fired on each CPU.
//!
//! The header names the online CPUs (`CPU0 CPU1 CPU3`: an offline CPU has no column).
//! Each line is `NAME:` then one count per column, then the controller and device names.
//! Some architecture lines carry a single count for the whole machine (`ERR:`, `MIS:`):
//! it goes to the first column, the others count 0, as sadc reads them. Names are kept as
//! the kernel prints them (sysstat truncates them to 15 bytes only for its file format).

use super::{fields, lines, parse_u64, ParseError};
use crate::sample::{Interrupts, IrqLine};

/// Parse /proc/interrupts into `out`, reusing its vectors.
pub fn parse_interrupts(text: &[u8], out: &mut Interrupts) -> Result<(), ParseError> {
    let mut it = lines(text);
    let header = it
        .by_ref()
        .find(|l| !l.trim_ascii().is_empty())
        .ok_or_else(|| ParseError::new("empty file"))?;
    out.cpus.clear();
    for f in fields(header) {
        let n = f
            .strip_prefix(b"CPU")
            .ok_or_else(|| ParseError::new("a header column that is not CPUn"))?;
        let n =
            u32::try_from(parse_u64(n)?).map_err(|_| ParseError::new("CPU number too large"))?;
        out.cpus.push(n);
    }
    if out.cpus.is_empty() {
        return Err(ParseError::new("no CPU in the header"));
    }
    let ncols = out.cpus.len();
    let mut n = 0;
    for line in it {
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let name = line[..colon].trim_ascii();
        if name.is_empty() {
            continue;
        }
        if out.lines.len() <= n {
            out.lines.push(IrqLine::default());
        }
        let l = &mut out.lines[n];
        l.name.clear();
        l.name.push_str(&String::from_utf8_lossy(name));
        l.counts.clear();
        for f in fields(&line[colon + 1..]).take(ncols) {
            // The first word that is not a number ends the counts (the controller's name).
            match parse_u64(f) {
                Ok(v) => l.counts.push(v),
                Err(_) => break,
            }
        }
        l.counts.resize(ncols, 0);
        n += 1;
    }
    out.lines.truncate(n);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_per_cpu_counts_and_single_counts() {
        let text = b"           CPU0       CPU1       \n  \
            0:         44          0   IO-APIC   2-edge      timer\n \
            24:          1          0  IO-APIC   5-edge      ACPI:Ged\n\
            NMI:          3          4   Non-maskable interrupts\n\
            ERR:          7\n";
        let mut i = Interrupts::default();
        parse_interrupts(text, &mut i).unwrap();
        assert_eq!(i.cpus, [0, 1]);
        let got: Vec<(&str, &[u64])> = i
            .lines
            .iter()
            .map(|l| (l.name.as_str(), l.counts.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                ("0", &[44, 0][..]),
                ("24", &[1, 0][..]),
                ("NMI", &[3, 4][..]),
                ("ERR", &[7, 0][..]),
            ]
        );
    }

    #[test]
    fn an_offline_cpu_has_no_column_and_odd_input_is_refused_or_skipped() {
        let mut i = Interrupts::default();
        parse_interrupts(b"  CPU0 CPU2\n 1: 5 6 x\nnot a line\n", &mut i).unwrap();
        assert_eq!(i.cpus, [0, 2]);
        assert_eq!(i.lines.len(), 1);
        assert!(parse_interrupts(b"", &mut i).is_err());
        assert!(parse_interrupts(b"IRQ CPU0\n", &mut i).is_err());
        assert!(parse_interrupts(b"CPU99999999999\n", &mut i).is_err());
        // A line with more numbers than columns keeps one per column.
        parse_interrupts(b"CPU0\n 3: 1 2 3\n", &mut i).unwrap();
        assert_eq!(i.lines[0].counts, [1]);
    }
}
