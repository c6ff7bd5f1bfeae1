//! Measures a compressed day: its size, and the records one damaged byte costs, with the
//! day compressed as one zstd frame (as rsar did before) and as rsar compresses it now
//! (`store::compress_frames`: a frame per ~64 kB of packed records), and with frames of
//! 32, 128 and 256 kB.
//!
//! Usage: cargo run --release --example pack_damage -- DAY_FILE [HITS]
//! (DAY_FILE: a plain day, e.g. from `synth_day OUT 1 2025-11-21 0 4`; HITS: damaged
//! bytes tried, one at a time, spread over the file; default 20)

use rsar::store::{LogReader, Record};
use std::path::Path;

/// Samples readable from `bytes` written to `path`.
fn samples(path: &Path, bytes: &[u8]) -> Result<u64, Box<dyn std::error::Error>> {
    std::fs::write(path, bytes)?;
    let mut r = LogReader::open(path)?;
    let mut n = 0;
    while let Ok(Some((_, rec))) = r.next_record() {
        n += u64::from(matches!(rec, Record::Sample(_)));
    }
    Ok(n)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let day = args.get(1).ok_or("usage: pack_damage DAY_FILE [HITS]")?;
    let hits: usize = args.get(2).map_or(Ok(20), |s| s.parse())?;
    let raw = std::fs::read(day)?;
    // One frame: packed with no frame cuts (no keys but the writer's), as before.
    let (packed, _) = rsar::store::pack_frames_of(&raw, usize::MAX).ok_or("not an rsar day")?;
    let one = zstd::bulk::compress(&packed, 19)?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("day.zst");
    let mut variants = vec![("one frame".to_string(), one)];
    for kb in [32, 64, 128, 256] {
        let z = rsar::store::compress_frames_of(&raw, kb << 10)?;
        variants.push((format!("{kb}-kB frames"), z));
    }
    let all = samples(&path, &variants[2].1)?;
    println!(
        "samples {all}, plain {} B, packed {} B",
        raw.len(),
        packed.len()
    );
    for (name, z) in &variants {
        let mut lost = Vec::new();
        for i in 0..hits {
            // Past the first frame's header; spread over the file.
            let at = 64 + (z.len() - 64) * (2 * i + 1) / (2 * hits);
            let mut hurt = z.clone();
            hurt[at] ^= 0x5a;
            lost.push(all.saturating_sub(samples(&path, &hurt)?));
        }
        lost.sort_unstable();
        println!(
            "{name}: {} B ({:.1}x); samples lost per damaged byte over {hits} hits: median {}, max {}, mean {:.0}",
            z.len(),
            raw.len() as f64 / z.len() as f64,
            lost[lost.len() / 2],
            lost[lost.len() - 1],
            lost.iter().sum::<u64>() as f64 / lost.len() as f64
        );
    }
    Ok(())
}
