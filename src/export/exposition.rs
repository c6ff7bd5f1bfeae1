//! Writing metric families: Prometheus text format 0.0.4, or OpenMetrics 1.0 (family names
//! of counters without `_total`, `# UNIT` where the name ends with the unit, `# EOF`).
//! Live scrapes carry no timestamps; `rsar export` gives each sample its time.

use super::{Family, Type};
use std::io::{self, Write};

/// Which exposition format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/plain; version=0.0.4`.
    Text,
    /// `application/openmetrics-text; version=1.0.0`.
    OpenMetrics,
}

impl Format {
    /// The format a scraper asks for in its Accept header: OpenMetrics when it lists it,
    /// text 0.0.4 otherwise (as Prometheus' own client libraries decide).
    pub fn from_accept(accept: &str) -> Format {
        if accept
            .split(',')
            .any(|a| a.trim().starts_with("application/openmetrics-text"))
        {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// A family's name in `# TYPE`: OpenMetrics names a counter family without `_total`.
pub fn family_name(f: &Family, format: Format) -> &str {
    match (format, f.kind) {
        (Format::OpenMetrics, Type::Counter) => f.name.trim_end_matches("_total"),
        _ => &f.name,
    }
}

/// The metadata lines of a family.
pub fn write_header(w: &mut impl Write, f: &Family, format: Format) -> io::Result<()> {
    let name = family_name(f, format);
    let kind = match (f.kind, format) {
        (Type::Counter, _) => "counter",
        (Type::Gauge, _) => "gauge",
        (Type::Untyped, Format::Text) => "untyped",
        (Type::Untyped, Format::OpenMetrics) => "unknown",
    };
    match format {
        Format::Text => {
            writeln!(w, "# HELP {name} {}", escape(&f.help, false))?;
            writeln!(w, "# TYPE {name} {kind}")
        }
        Format::OpenMetrics => {
            writeln!(w, "# TYPE {name} {kind}")?;
            if let Some(unit) = f.unit {
                writeln!(w, "# UNIT {name} {unit}")?;
            }
            writeln!(w, "# HELP {name} {}", escape(&f.help, true))
        }
    }
}

/// One sample line: `name{labels} value [timestamp]`, the timestamp in seconds.
pub fn write_sample(
    w: &mut impl Write,
    name: &str,
    labels: &[(&str, String)],
    value: f64,
    timestamp_ms: Option<i64>,
) -> io::Result<()> {
    w.write_all(name.as_bytes())?;
    if !labels.is_empty() {
        w.write_all(b"{")?;
        for (i, (k, v)) in labels.iter().enumerate() {
            if i > 0 {
                w.write_all(b",")?;
            }
            write!(w, "{k}=\"{}\"", escape(v, true))?;
        }
        w.write_all(b"}")?;
    }
    write!(w, " {value}")?;
    if let Some(ms) = timestamp_ms {
        let (s, frac) = (ms.div_euclid(1000), ms.rem_euclid(1000));
        if frac == 0 {
            write!(w, " {s}")?;
        } else {
            write!(w, " {s}.{frac:03}")?;
        }
    }
    w.write_all(b"\n")
}

/// Every family of one moment, without timestamps (a live scrape).
pub fn write(w: &mut impl Write, families: &[Family], format: Format) -> io::Result<()> {
    for f in families {
        write_header(w, f, format)?;
        for s in &f.series {
            write_sample(w, &f.name, &s.labels, s.value, None)?;
        }
    }
    if format == Format::OpenMetrics {
        w.write_all(b"# EOF\n")?;
    }
    Ok(())
}

/// Backslash, newline (and in label values and OpenMetrics, the double quote) escaped.
fn escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_family() -> Family {
        Family::new("node_cpu_seconds_total", "Seconds.", Type::Counter)
            .with(vec![("cpu", "0".into()), ("mode", "idle".into())], 12.5)
    }

    #[test]
    fn text_and_openmetrics_layouts() {
        let mut t = Vec::new();
        write(&mut t, &[sample_family()], Format::Text).unwrap();
        assert_eq!(
            String::from_utf8(t).unwrap(),
            "# HELP node_cpu_seconds_total Seconds.\n# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12.5\n"
        );
        let mut o = Vec::new();
        write(&mut o, &[sample_family()], Format::OpenMetrics).unwrap();
        assert_eq!(
            String::from_utf8(o).unwrap(),
            "# TYPE node_cpu_seconds counter\n# UNIT node_cpu_seconds seconds\n# HELP node_cpu_seconds Seconds.\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12.5\n# EOF\n"
        );
    }

    #[test]
    fn accept_header_negotiation() {
        assert_eq!(
            Format::from_accept(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            ),
            Format::OpenMetrics
        );
        assert_eq!(
            Format::from_accept("text/plain;version=0.0.4"),
            Format::Text
        );
        assert_eq!(Format::from_accept(""), Format::Text);
    }

    #[test]
    fn label_values_and_timestamps() {
        let mut t = Vec::new();
        write_sample(
            &mut t,
            "m",
            &[("a", "x\"y\\z\n".into())],
            1.0,
            Some(1_700_000_000_250),
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(t).unwrap(),
            "m{a=\"x\\\"y\\\\z\\n\"} 1 1700000000.250\n"
        );
    }
}
