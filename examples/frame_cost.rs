//! What a compressed frame's start costs in a log: the log compressed as rsar compresses
//! it (a day in frames of `store::FRAME_BYTES` of records, a roll-up tier in frames of
//! `rollup::TIER_FRAME_BYTES`), and in one frame; each frame starts with every group and
//! the process table keyed, and a cold compressor. A log shorter than four of its frames
//! is measured in frames of a quarter of it. `bench/rollup-budget.sh` adds this cost for
//! each frame a day will have that a short recording did not.
//!
//! Usage: cargo run --release --example frame_cost -- LOG
//! (LOG: plain, or compressed as rsadc leaves it); prints "COST_PER_FRAME_START_BYTES
//! FRAME_BYTES" (the second: the frame size rsar compresses such a log in).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: frame_cost LOG")?;
    let log = std::fs::read(&path)?;
    let raw = zstd::stream::decode_all(&log[..]).unwrap_or(log);
    let nominal = match rsar::store::rollup::tier_of(std::path::Path::new(&path)) {
        Some(_) => rsar::store::rollup::TIER_FRAME_BYTES,
        None => rsar::store::FRAME_BYTES,
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
