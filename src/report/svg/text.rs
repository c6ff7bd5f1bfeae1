//! How wide a line of chart text is, so that legends, labels and captions are laid out
//! before a browser draws them and never run off the canvas or into each other. The
//! advances are DejaVu Sans's (the chart's first font), measured in Chromium at 100 px;
//! the fallback fonts (Liberation Sans, Helvetica, Arial) are narrower, so a layout made
//! with these widths holds for them too. A character outside ASCII counts as an em.

/// Advances of ' '..='~' at 100 px, in tenths of a pixel: regular, then bold.
const REGULAR: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// The width in pixels of `s` drawn at `size` px, bold or not.
pub(super) fn width(s: &str, size: f64, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &REGULAR };
    let tenths: u32 = s
        .chars()
        .map(|c| {
            (c as usize)
                .checked_sub(32)
                .and_then(|i| table.get(i))
                .map_or(1000, |&w| u32::from(w))
        })
        .sum();
    f64::from(tenths) / 1000.0 * size
}

/// `s` cut (with an ellipsis) to at most `max` pixels at `size` px.
pub(super) fn fit(s: &str, size: f64, max: f64) -> String {
    if width(s, size, false) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if width(&out, size, false) + width("…", size, false) > max {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up_and_cuts_fit() {
        assert!((width("00", 12.0, false) - 2.0 * 7.632).abs() < 1e-9);
        assert!(width("%iowait", 12.0, true) > width("%iowait", 12.0, false));
        let cut = fit("veth0123456789abcdef-a-very-long-name", 12.0, 80.0);
        assert!(
            cut.ends_with('…') && width(&cut, 12.0, false) <= 80.0,
            "{cut}"
        );
        assert_eq!(fit("eth0", 12.0, 80.0), "eth0");
    }
}
