//! What a compressed frame's start costs in a log: the log compressed as rsar compresses
//! a closed day, once in one frame and once in frames of about FRAME_BYTES of records
//! (each starting with every group and the process table keyed, and a cold compressor).
//! `bench/rollup-budget.sh` adds this cost for each frame a day will have that a short
//! recording did not.
//!
//! Usage: cargo run --release --example frame_cost -- LOG FRAME_BYTES
//! (LOG: plain, or compressed as rsadc leaves it); prints "ONE_FRAME_BYTES
//! FRAMED_BYTES FRAMES".

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: frame_cost LOG FRAME_BYTES";
    let log = std::fs::read(args.get(1).ok_or(usage)?)?;
    let frame: usize = args.get(2).ok_or(usage)?.parse()?;
    let raw = match zstd::stream::decode_all(&log[..]) {
        Ok(plain) => plain,
        Err(_) => log,
    };
    let one = rsar::store::compress_frames_of(&raw, usize::MAX)?;
    let (_, starts) = rsar::store::pack_frames_of(&raw, frame).ok_or("not an rsar log")?;
    let framed = rsar::store::compress_frames_of(&raw, frame)?;
    println!("{} {} {}", one.len(), framed.len(), starts.len());
    Ok(())
}
