//! Numbers as text, straight into a byte buffer, with exactly the bytes `format!` gives —
//! `{:.2}` (round half to even on the double's exact value), `{}` of an integer, and their
//! right-aligned forms — without going through `core::fmt`. A day of 1-s samples prints
//! tens of millions of numbers; `{:.2}` falls back to big-number arithmetic for many of
//! them, and that was most of a report's time.
//!
//! Nothing here decides how a value should print (two decimals or whole, truncated or
//! rounded): that is the renderers'. Values `format!` would print in exponent-free but
//! very long form (|v| ≥ 1e15), NaN and infinities go through `format!` itself.

use std::io::Write;

/// Largest magnitude printed by the fast path: v·100 stays below 2^57, exact in a u64.
const FAST_LIMIT: f64 = 1e15;

/// `format!("{v:>width$.2}")` (`format!("{v:.2}")` with a width of 0), appended to `out`.
pub(crate) fn push_fixed2_right(out: &mut Vec<u8>, v: f64, width: usize) {
    if width == SAR_WIDTH {
        if let Some(cell) = quick_sar_fixed2(v) {
            out.extend_from_slice(&cell[1..]);
            return;
        }
    }
    let Some(hundredths) = hundredths(v) else {
        // Not reached by ordinary values: the formatter itself.
        let _ = write!(out, "{v:>width$.2}");
        return;
    };
    let mut text = Digits::new();
    text.push_front_2(hundredths % 100);
    text.push_front(b'.');
    text.push_front_u64(hundredths / 100);
    if v.is_sign_negative() {
        text.push_front(b'-');
    }
    text.append_right(out, width);
}

/// `format!("{v:>width$}")` of an integer (`format!("{v}")` with a width of 0), appended
/// to `out`.
pub(crate) fn push_i64_right(out: &mut Vec<u8>, v: i64, width: usize) {
    if width == SAR_WIDTH && (0..1_000_000_000).contains(&v) {
        push_cell9(out, v as u64, 0, false);
        return;
    }
    let mut text = Digits::new();
    text.push_front_u64(v.unsigned_abs());
    if v < 0 {
        text.push_front(b'-');
    }
    text.append_right(out, width);
}

/// `format!("{s:>width$}")`, appended to `out` (width counted in chars, as `format!` does).
pub(crate) fn push_str_right(out: &mut Vec<u8>, s: &str, width: usize) {
    let chars = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    out.extend(std::iter::repeat_n(b' ', width.saturating_sub(chars)));
    out.extend_from_slice(s.as_bytes());
}

/// `format!("{s:<width$}")`, appended to `out`.
pub(crate) fn push_str_left(out: &mut Vec<u8>, s: &str, width: usize) {
    let chars = if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    };
    out.extend_from_slice(s.as_bytes());
    out.extend(std::iter::repeat_n(b' ', width.saturating_sub(chars)));
}

/// |v|·100 rounded to the nearest whole number, from the double product, when |v| < 1e6
/// and the product is not within 1e-6 of a tie: the product is then within 2^-26 of
/// |v|·100's exact value, on the same side of every half, so it rounds the same as
/// `hundredths`. `None` otherwise (NaN too): `hundredths` decides.
fn quick_hundredths(v: f64) -> Option<u64> {
    let a = v.abs();
    // NaN too.
    if a.is_nan() || a >= 1e6 {
        return None;
    }
    let x = a * 100.0;
    // The floor (x is below 2^27: the cast truncates, exactly, without a call to floor).
    let whole = x as u64;
    // Exact: x and its floor are doubles below 2^27 with the same exponent or x < 1.
    let frac = x - whole as f64;
    if (frac - 0.5).abs() <= 1e-6 {
        return None;
    }
    Some(whole + u64::from(frac > 0.5))
}

/// `v.round_ties_even()` for 0 <= v < 1e15 (`None` otherwise), without a call to `rint`
/// (x86-64's baseline has no rounding instruction): the whole part, its fraction exact.
pub(crate) fn round_ties_even_small(v: f64) -> Option<i64> {
    if !(0.0..1e15).contains(&v) {
        return None;
    }
    let whole = v as i64;
    let frac = v - whole as f64;
    Some(if frac > 0.5 || (frac == 0.5 && whole & 1 == 1) {
        whole + 1
    } else {
        whole
    })
}

/// `n` right-aligned in sar's 9 characters, with a point before its last `decimals`
/// digits (0 or 2) and a minus sign when `neg`; the text must fit.
fn push_cell9(out: &mut Vec<u8>, n: u64, decimals: usize, neg: bool) {
    out.extend_from_slice(&cell10(n, decimals, neg)[1..]);
}

/// `" {v:>9.2}"`, the quick way, for the values nearly every sar cell holds.
fn quick_sar_fixed2(v: f64) -> Option<[u8; SAR_WIDTH + 1]> {
    // +0.0 (not -0.0, which prints `-0.00`): nearly half the cells of a day's report.
    if v.to_bits() == 0 {
        return Some(*b"      0.00");
    }
    let q = quick_hundredths(v)?;
    let neg = v.is_sign_negative();
    // Text that fits sar's 9 characters: `999999.99`, `-99999.99`.
    (q < if neg { 10_000_000 } else { 100_000_000 }).then(|| cell10(q, 2, neg))
}

/// `" {v:>9.2}"`: a two-decimal cell of a sar row with the space before it.
#[inline]
pub(crate) fn push_sar_fixed2(out: &mut Vec<u8>, v: f64) {
    if let Some(cell) = quick_sar_fixed2(v) {
        out.extend_from_slice(&cell);
        return;
    }
    out.push(b' ');
    push_fixed2_right(out, v, SAR_WIDTH);
}

/// `" {v:>9}"`: a whole-number cell of a sar row with the space before it.
#[inline]
pub(crate) fn push_sar_i64(out: &mut Vec<u8>, v: i64) {
    if (0..1_000_000_000).contains(&v) {
        out.extend_from_slice(&cell10(v as u64, 0, false));
        return;
    }
    out.push(b' ');
    push_i64_right(out, v, SAR_WIDTH);
}

/// A space, then `n` as `push_cell9` lays it out.
fn cell10(mut n: u64, decimals: usize, neg: bool) -> [u8; SAR_WIDTH + 1] {
    const FIRST: usize = 1;
    let mut cell = [b' '; SAR_WIDTH + 1];
    let mut i = SAR_WIDTH + 1;
    for _ in 0..decimals {
        i -= 1;
        cell[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    if decimals > 0 {
        i -= 1;
        cell[i] = b'.';
    }
    loop {
        i -= 1;
        cell[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || i == FIRST {
            break;
        }
    }
    if neg && i > FIRST {
        cell[i - 1] = b'-';
    }
    cell
}

/// |v|·100 rounded half to even, computed on the exact binary value of `v`; `None` when
/// `v` is not finite or too large for the fast path.
fn hundredths(v: f64) -> Option<u64> {
    let a = v.abs();
    if !a.is_finite() || a >= FAST_LIMIT {
        return None;
    }
    let bits = a.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // a = m · 2^e exactly.
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    if e >= 0 {
        // A whole number below 1e15: m · 2^e · 100 < 2^57.
        return Some((m << e) * 100);
    }
    let k = e.unsigned_abs();
    if k >= 120 {
        // Below 2^-67: rounds to zero.
        return Some(0);
    }
    // m·100 < 2^60; the quotient and remainder of m·100 / 2^k, in 128 bits.
    let p = u128::from(m) * 100;
    let q = p >> k;
    let r = p & ((1u128 << k) - 1);
    let half = 1u128 << (k - 1);
    let up = r > half || (r == half && q & 1 == 1);
    Some(q as u64 + u64::from(up))
}

/// sar's column width.
const SAR_WIDTH: usize = 9;

/// Bytes of a number's text at most (u64::MAX's 20 digits, a sign, `.` and 2 decimals).
const DIGITS: usize = 24;

/// A number's text, built from its last character to its first, in a buffer of spaces
/// (its padding, for widths up to `DIGITS`).
struct Digits {
    buf: [u8; DIGITS],
    start: usize,
}

impl Digits {
    fn new() -> Digits {
        Digits {
            buf: [b' '; DIGITS],
            start: DIGITS,
        }
    }

    fn push_front(&mut self, b: u8) {
        self.start -= 1;
        self.buf[self.start] = b;
    }

    /// Two digits of `n` (below 100).
    fn push_front_2(&mut self, n: u64) {
        self.push_front(b'0' + (n % 10) as u8);
        self.push_front(b'0' + (n / 10 % 10) as u8);
    }

    fn push_front_u64(&mut self, mut n: u64) {
        while n >= 100 {
            self.push_front_2(n % 100);
            n /= 100;
        }
        if n >= 10 {
            self.push_front_2(n);
        } else {
            self.push_front(b'0' + n as u8);
        }
    }

    /// Append to `out`, right-aligned in `width` bytes.
    fn append_right(&self, out: &mut Vec<u8>, width: usize) {
        // sar's width, and text that fits it: one copy of a fixed size, which compiles
        // to a few moves (a call to memcpy and memset per number cost more than the
        // number).
        const SAR: usize = SAR_WIDTH;
        if width == SAR && self.start >= DIGITS - SAR {
            let cell: &[u8; SAR] = self.buf.last_chunk().unwrap_or(&[b' '; SAR]);
            out.extend_from_slice(cell);
        } else if width <= DIGITS {
            out.extend_from_slice(&self.buf[self.start.min(DIGITS - width)..]);
        } else {
            let text = &self.buf[self.start..];
            out.extend(std::iter::repeat_n(b' ', width.saturating_sub(text.len())));
            out.extend_from_slice(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fixed2(v: f64) -> String {
        let mut b = Vec::new();
        push_fixed2_right(&mut b, v, 9);
        String::from_utf8(b).unwrap()
    }

    fn same_as_format(v: f64) {
        assert_eq!(fixed2(v), format!("{v:>9.2}"), "{v:e}");
        let mut b = Vec::new();
        push_fixed2_right(&mut b, v, 0);
        assert_eq!(String::from_utf8(b).unwrap(), format!("{v:.2}"), "{v:e}");
    }

    #[test]
    fn ties_edges_and_oddities_print_as_format_does() {
        for v in [
            0.0,
            -0.0,
            0.125,
            0.375,
            0.625,
            2.5,
            0.005,
            0.015,
            1.005,
            -0.001,
            -0.005,
            1e-300,
            -1e-300,
            5e-324,
            0.5,
            99.995,
            99.99499999999999,
            123_456_789.125,
            999_999_999_999_999.9,
            1e15,
            -1e15,
            1e20,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            same_as_format(v);
        }
        // Every tie a few binary digits deep.
        for i in 0..100_000 {
            same_as_format(f64::from(i) / 8.0 / 100.0);
            same_as_format(f64::from(i) / 64.0);
            same_as_format(-f64::from(i) / 1024.0);
        }
    }

    /// The cells of a sar row: a space, then the 9-character forms.
    fn same_as_sar_cells(v: f64) {
        let mut b = Vec::new();
        push_sar_fixed2(&mut b, v);
        assert_eq!(String::from_utf8(b).unwrap(), format!(" {v:>9.2}"), "{v:e}");
        let n = v as i64;
        let mut b = Vec::new();
        push_sar_i64(&mut b, n);
        assert_eq!(String::from_utf8(b).unwrap(), format!(" {n:>9}"), "{n}");
    }

    #[test]
    fn small_rounding_is_round_ties_even() {
        for i in 0..200_000 {
            let v = f64::from(i) / 16.0;
            for v in [v, v + 1e-9, v - 1e-9, v * 1.000_000_1] {
                if let Some(r) = round_ties_even_small(v) {
                    assert_eq!(r, v.round_ties_even() as i64, "{v}");
                }
            }
        }
        for v in [
            0.0,
            0.5,
            1.5,
            2.5,
            562_949_953_421_312.5,
            562_949_953_421_313.5,
            999_999_999_999_999.0,
        ] {
            assert_eq!(
                round_ties_even_small(v),
                Some(v.round_ties_even() as i64),
                "{v}"
            );
        }
        for v in [-0.5, -1.0, 1e15, f64::NAN, f64::INFINITY] {
            assert_eq!(round_ties_even_small(v), None, "{v}");
        }
    }

    #[test]
    fn sar_width_edges_print_as_format_does() {
        // Where the 9-character shortcut's text stops fitting, and near its ties.
        for v in [
            999_999.99_f64,
            999_999.994_999,
            999_999.995,
            999_999.996,
            1e6 - 1e-9,
            1e6,
            -99_999.99,
            -99_999.995,
            -99_999.994,
            -100_000.0,
            12_345.675,
            0.994_999_999_999,
            0.995,
            1.125,
            -1.125,
            -0.004,
        ] {
            for v in [v, v + f64::EPSILON * v.abs(), v - f64::EPSILON * v.abs()] {
                same_as_format(v);
                same_as_sar_cells(v);
            }
        }
        for v in [0, 999_999_999, 1_000_000_000, -1, 123_456_789] {
            let mut b = Vec::new();
            push_i64_right(&mut b, v, 9);
            assert_eq!(String::from_utf8(b).unwrap(), format!("{v:>9}"));
        }
    }

    #[test]
    fn integers_and_padding_print_as_format_does() {
        for v in [
            0,
            1,
            -1,
            9,
            10,
            99_999_999,
            123_456_789_012,
            i64::MAX,
            i64::MIN,
        ] {
            let mut b = Vec::new();
            push_i64_right(&mut b, v, 9);
            assert_eq!(String::from_utf8(b).unwrap(), format!("{v:>9}"));
            let mut b = Vec::new();
            push_i64_right(&mut b, v, 0);
            assert_eq!(String::from_utf8(b).unwrap(), format!("{v}"));
        }
        for s in [
            "",
            "all",
            "eth0",
            "a-very-long-device-name",
            "wlp0s20f3",
            "ñandú",
        ] {
            let mut b = Vec::new();
            push_str_right(&mut b, s, 9);
            assert_eq!(String::from_utf8(b).unwrap(), format!("{s:>9}"));
            let mut b = Vec::new();
            push_str_left(&mut b, s, 11);
            assert_eq!(String::from_utf8(b).unwrap(), format!("{s:<11}"));
        }
    }

    proptest! {
        #[test]
        fn any_double_prints_as_format_does(bits in any::<u64>()) {
            same_as_format(f64::from_bits(bits));
        }

        #[test]
        fn report_sized_values_print_as_format_does(v in -1e7f64..1e9) {
            same_as_format(v);
            same_as_sar_cells(v);
        }

        #[test]
        fn any_double_prints_as_a_sar_cell(bits in any::<u64>()) {
            same_as_sar_cells(f64::from_bits(bits));
        }

        #[test]
        fn hundredths_print_as_format_does(n in 0u64..10_000_000_000, neg in any::<bool>()) {
            let v = n as f64 / 100.0;
            same_as_format(if neg { -v } else { v });
        }
    }
}
