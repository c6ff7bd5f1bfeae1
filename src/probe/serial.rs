//! /proc/tty/driver/serial (readable by root only): the counters of each serial line that
//! has a UART, for `sar -y`. As sadc's `read_tty_driver_serial`: a line counts when it has
//! `tx:`; its number is the one before the colon, and `rx:`, `fe:`, `pe:`, `brk:`, `oe:`
//! are read where present (0 otherwise).

use super::{lines, parse_u64, ParseError};
use crate::sample::SerialLine;

/// The value after `key` (`tx:`) up to the next blank, if the line has it.
fn value(line: &[u8], key: &[u8]) -> Result<u64, ParseError> {
    let Some(at) = find(line, key) else {
        return Ok(0);
    };
    // `key` must start a field (`brk:` is not inside another word).
    if at > 0 && !line[at - 1].is_ascii_whitespace() {
        return Ok(0);
    }
    let rest = &line[at + key.len()..];
    let end = rest
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(rest.len());
    parse_u64(&rest[..end])
}

/// Where `key` first occurs in a (short) line: memchr's `memmem::find` builds a searcher at
/// every call, which costs more than the search on a line of 60 bytes.
fn find(line: &[u8], key: &[u8]) -> Option<usize> {
    line.windows(key.len()).position(|w| w == key)
}

/// Parse the file into `out` (reused).
pub fn parse_serial(text: &[u8], out: &mut Vec<SerialLine>) -> Result<(), ParseError> {
    out.clear();
    for line in lines(text) {
        if find(line, b" tx:").is_none() {
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line) else {
            continue;
        };
        let n = parse_u64(line[..colon].trim_ascii())?;
        out.push(SerialLine {
            line: u32::try_from(n).map_err(|_| ParseError::new("line number too large"))?,
            rx: value(line, b"rx:")?,
            tx: value(line, b"tx:")?,
            frame: value(line, b"fe:")?,
            parity: value(line, b"pe:")?,
            brk: value(line, b"brk:")?,
            overrun: value(line, b"oe:")?,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_a_uart() {
        let text = b"serinfo:1.0 driver revision:\n\
            0: uart:16550A port:000003F8 irq:26 tx:218 rx:0 RTS|CTS|DTR|DSR|CD\n\
            1: uart:unknown port:000002F8 irq:3\n\
            2: uart:16550A port:000003E8 irq:4 tx:5 rx:7 fe:1 pe:2 brk:3 oe:4 RTS\n";
        let mut v = Vec::new();
        parse_serial(text, &mut v).unwrap();
        assert_eq!(
            v,
            [
                SerialLine {
                    line: 0,
                    tx: 218,
                    ..SerialLine::default()
                },
                SerialLine {
                    line: 2,
                    rx: 7,
                    tx: 5,
                    frame: 1,
                    parity: 2,
                    brk: 3,
                    overrun: 4
                },
            ]
        );
        assert!(parse_serial(b"x: tx:1\n", &mut v).is_err());
        parse_serial(b"", &mut v).unwrap();
        assert!(v.is_empty());
    }
}
