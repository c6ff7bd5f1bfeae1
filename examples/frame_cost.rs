//! What a compressed frame's start costs in a log: the log compressed as rsar compresses
//! it (a day in frames of `store::FRAME_BYTES` of records, a roll-up tier in frames of
//! `rollup::TIER_FRAME_BYTES`), and in one frame; each frame starts with every group and
//! the process table keyed, and a cold compressor. A log shorter than four of its frames
//! is measured in frames of a quarter of it. `bench/rollup-budget.sh` adds this cost for
//! each frame a day will have that a short recording did not.
//!
//! Usage: cargo run --release --example frame_cost -- LOG [day|tier]
//! (LOG: plain, or compressed as rsadc leaves it before format 7: a format-7 day packed in
//! columns is packed already, so give it plain, written again by examples/recode, and say
//! whether it is a day or a tier); prints "COST_PER_FRAME_START_BYTES FRAME_BYTES" (the
//! second: the frame size rsar compresses such a log in).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: frame_cost LOG [day|tier]")?;
    let log = std::fs::read(&path)?;
    let raw = zstd::stream::decode_all(&log[..]).unwrap_or(log);
    let tier = match args.next().as_deref() {
        Some("tier") => true,
        Some("day") => false,
        Some(other) => return Err(format!("{other}: day or tier").into()),
        None => rsar::store::rollup::tier_of(std::path::Path::new(&path)).is_some(),
    };
    let nominal = match tier {
        true => rsar::store::rollup::TIER_FRAME_BYTES,
        false => rsar::store::FRAME_BYTES,
    };
    let frame = nominal.min(raw.len() / 4).max(1);
    let one = rsar::store::compress_frames_of(&raw, usize::MAX)?;
    let (_, starts) = rsar::store::pack_frames_of(&raw, frame).ok_or("not an rsar log")?;
    let framed = rsar::store::compress_frames_of(&raw, frame)?;
    let cost = match starts.len() {
        0 | 1 => 0,
        n => framed.len().saturating_sub(one.len()) / (n - 1),
    };
    println!("{cost} {nominal}");
    Ok(())
}
