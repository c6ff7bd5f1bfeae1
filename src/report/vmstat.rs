//! `rsar vmstat`: procps vmstat's one line per interval, narrow or wide (`-w`), memory in
//! the unit `-S` asks for. The header repeats after a restart.

use super::Render;
use crate::sample::HostFacts;
use crate::stats::{IntervalStats, VmstatRow};
use std::io::{self, Write};

/// `-S`: the unit of the memory columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Unit {
    /// 1000 bytes
    #[value(name = "k")]
    Kilo,
    /// 1024 bytes
    #[default]
    #[value(name = "K")]
    Kibi,
    /// 1000000 bytes
    #[value(name = "m")]
    Mega,
    /// 1048576 bytes
    #[value(name = "M")]
    Mebi,
}

impl Unit {
    fn of_kib(self, kib: u64) -> u64 {
        let bytes = u128::from(kib) * 1024;
        let unit: u128 = match self {
            Unit::Kilo => 1000,
            Unit::Kibi => 1024,
            Unit::Mega => 1_000_000,
            Unit::Mebi => 1_048_576,
        };
        u64::try_from(bytes / unit).unwrap_or(u64::MAX)
    }
}

pub struct Vmstat<W: Write> {
    out: W,
    wide: bool,
    unit: Unit,
    page_size: u32,
    user_hz: u32,
    header_due: bool,
}

impl<W: Write> Vmstat<W> {
    pub fn new(out: W, wide: bool, unit: Unit) -> Self {
        Vmstat {
            out,
            wide,
            unit,
            page_size: 4096,
            user_hz: 100,
            header_due: true,
        }
    }

    fn header(&mut self) -> io::Result<()> {
        if self.wide {
            writeln!(self.out, "--procs-- -----------------------memory---------------------- ---swap-- -----io---- -system-- ----------cpu----------")?;
            writeln!(self.out, "   r    b         swpd         free         buff        cache   si   so    bi    bo   in   cs  us  sy  id  wa  st  gu")
        } else {
            writeln!(
                self.out,
                "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----"
            )?;
            writeln!(
                self.out,
                " r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st"
            )
        }
    }
}

impl<W: Write> Render for Vmstat<W> {
    fn begin(&mut self, host: &HostFacts, _: i64) -> io::Result<()> {
        self.page_size = host.page_size.max(1);
        self.user_hz = host.user_hz.max(1);
        Ok(())
    }

    fn interval(&mut self, s: &IntervalStats) -> io::Result<()> {
        if self.header_due {
            self.header()?;
            self.header_due = false;
        }
        let v = VmstatRow::of(s, self.page_size, self.user_hz);
        let m = |kib: u64| self.unit.of_kib(kib);
        if self.wide {
            writeln!(
                self.out,
                "{:>4} {:>4} {:>12} {:>12} {:>12} {:>12} {:>4} {:>4} {:>5} {:>5} {:>4} {:>4} {:>3} {:>3} {:>3} {:>3} {:>3} {:>3}",
                v.r, v.b, m(v.swpd), m(v.free), m(v.buff), m(v.cache), v.si, v.so, v.bi, v.bo,
                v.r#in, v.cs, v.us, v.sy, v.id, v.wa, v.st, v.gu
            )?;
        } else {
            writeln!(
                self.out,
                "{:>2} {:>2} {:>6} {:>6} {:>6} {:>6} {:>4} {:>4} {:>5} {:>5} {:>4} {:>4} {:>2} {:>2} {:>2} {:>2} {:>2}",
                v.r, v.b, m(v.swpd), m(v.free), m(v.buff), m(v.cache), v.si, v.so, v.bi, v.bo,
                v.r#in, v.cs, v.us, v.sy, v.id, v.wa, v.st
            )?;
        }
        self.out.flush()
    }

    fn restart(&mut self, _: i64, _: u32) -> io::Result<()> {
        self.header_due = true;
        Ok(())
    }

    fn comment(&mut self, _: i64, _: &str) -> io::Result<()> {
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
