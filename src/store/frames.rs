//! A compressed closed day: independent zstd frames one after another, each holding whole
//! records (`reader::pack_frames` cuts them by bytes of input and starts each with every
//! group keyed, so that no record reaches back into the frame before). Read as one
//! stream; a frame that fails to decode is skipped: decoding starts again at the next
//! frame's magic number, so one damaged byte costs the records of one frame. A day
//! compressed as a single frame (older rsar) reads as before: up to the damage.
//!
//! Each frame starts with a frame mark (kind 8, `format::FrameMark`): `FrameTally` follows
//! the marks and the samples between them, and tells which frames did not arrive whole and
//! how many samples they held. Days compressed before marks existed have none: their
//! damage is said by the frame it was met in.

use super::format::{FileHeader, FrameMark};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use zstd::stream::raw::{Decoder, InBuffer, Operation, OutBuffer};

/// zstd's magic number, at the start of every frame.
pub const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// Compressed bytes read from the file at a time.
const READ: usize = 128 << 10;

/// Decompresses a file of zstd frames, skipping damaged ones.
pub struct FrameReader {
    file: File,
    /// File offset of the byte after those in `inbuf`.
    next: u64,
    inbuf: Vec<u8>,
    in_pos: usize,
    /// File offset where the frame being decoded starts.
    frame_start: u64,
    decoder: Decoder<'static>,
    /// Inside a frame (its end not yet decoded).
    in_frame: bool,
    done: bool,
    /// What was skipped, one line each.
    skipped: Vec<String>,
}

impl FrameReader {
    pub fn new(file: File) -> io::Result<FrameReader> {
        Ok(FrameReader {
            file,
            next: 0,
            inbuf: Vec::new(),
            in_pos: 0,
            frame_start: 0,
            decoder: Decoder::new()?,
            in_frame: false,
            done: false,
            skipped: Vec::new(),
        })
    }

    /// What was skipped since the last call, one line each.
    pub fn take_skipped(&mut self) -> Vec<String> {
        std::mem::take(&mut self.skipped)
    }

    /// File offset of the next compressed byte to decode.
    fn offset(&self) -> u64 {
        self.next - (self.inbuf.len() - self.in_pos) as u64
    }

    fn refill(&mut self) -> io::Result<usize> {
        self.inbuf.resize(READ, 0);
        let n = loop {
            match self.file.read_at(&mut self.inbuf, self.next) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        self.inbuf.truncate(n);
        self.in_pos = 0;
        self.next += n as u64;
        Ok(n)
    }

    /// Go on at the first frame magic at or after `from` (the end when there is none).
    fn resync(&mut self, from: u64) -> io::Result<()> {
        let mut at = from;
        let mut buf = vec![0u8; READ + MAGIC.len() - 1];
        self.decoder.reinit()?;
        self.in_frame = false;
        loop {
            let n = self.file.read_at(&mut buf, at)?;
            if n < MAGIC.len() {
                self.done = true;
                return Ok(());
            }
            if let Some(i) = buf[..n].windows(MAGIC.len()).position(|w| w == MAGIC) {
                self.next = at + i as u64;
                self.frame_start = self.next;
                self.inbuf.clear();
                self.in_pos = 0;
                return Ok(());
            }
            at += (n - (MAGIC.len() - 1)) as u64;
        }
    }

    /// A frame failed at `why`: note it and go on after its start.
    fn skip_frame(&mut self, why: &str) -> io::Result<()> {
        self.skipped.push(format!(
            "the compressed frame at byte {} does not decode ({why})",
            self.frame_start
        ));
        self.resync(self.frame_start + 1)
    }

    /// Decompressed bytes into `buf`; 0 at the end.
    pub fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while !self.done {
            if self.in_pos == self.inbuf.len() && self.refill()? == 0 {
                if self.in_frame {
                    // The file ends inside a frame: what it held is cut short.
                    self.skipped.push(format!(
                        "the compressed frame at byte {} is cut short",
                        self.frame_start
                    ));
                }
                self.done = true;
                break;
            }
            if !self.in_frame {
                self.frame_start = self.offset();
            }
            let mut input = InBuffer::around(&self.inbuf[self.in_pos..]);
            let mut output = OutBuffer::around(&mut *buf);
            let run = self.decoder.run(&mut input, &mut output);
            let (used, made) = (input.pos(), output.pos());
            match run {
                Ok(hint) => {
                    self.in_pos += used;
                    if hint == 0 {
                        // A frame ended; the next one starts after it.
                        self.decoder.reinit()?;
                        self.in_frame = false;
                    } else {
                        self.in_frame = true;
                    }
                    if made > 0 {
                        return Ok(made);
                    }
                }
                Err(e) => {
                    self.skip_frame(&e.to_string())?;
                    if made > 0 {
                        return Ok(made);
                    }
                }
            }
        }
        Ok(0)
    }
}

/// Frames of a compressed day that did not arrive whole, and the samples they cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameLoss {
    /// The damaged frames, 0-based, inclusive.
    pub first: u32,
    pub last: u32,
    /// Frames in the day.
    pub of: u32,
    /// Samples the day holds in those frames that were not read.
    pub samples: u64,
}

impl std::fmt::Display for FrameLoss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = (self.first + 1, self.last + 1);
        let lost = match self.samples {
            1 => "1 sample lost".to_string(),
            n => format!("{n} samples lost"),
        };
        if a == b {
            write!(f, "frame {a} of {} is damaged: {lost}", self.of)
        } else {
            write!(f, "frames {a}–{b} of {} are damaged: {lost}", self.of)
        }
    }
}

/// Follows the frame marks of a compressed day as its records are read.
#[derive(Debug, Default)]
pub struct FrameTally {
    /// The file's header, as the first frame mark read copied it.
    pub header: Option<FileHeader>,
    /// The last mark read.
    last: Option<FrameMark>,
    /// Sample records read since the last mark (or the start).
    seen: u64,
    losses: Vec<FrameLoss>,
}

impl FrameTally {
    /// A sample record was read (decodable or not: it arrived).
    pub fn sample(&mut self) {
        self.seen += 1;
    }

    /// `n` samples were read in one column record.
    pub fn samples(&mut self, n: u64) {
        self.seen += n;
    }

    /// Whether any frame mark was read: the day says how its samples lie in its frames.
    pub fn marked(&self) -> bool {
        self.last.is_some()
    }

    /// A frame mark was read.
    pub fn mark(&mut self, mark: FrameMark) {
        if self.header.is_none() {
            self.header = FileHeader::decode(&mark.header).ok().map(|(h, _)| h);
        }
        match self.last.take() {
            Some(prev) if mark.index > prev.index && mark.frames == prev.frames => {
                self.close(&prev, mark.index, u64::from(mark.samples_before));
            }
            Some(_) => {}
            None => {
                // Frames before the first mark read did not arrive (their samples may
                // have, partly, with the mark lost).
                let lost = u64::from(mark.samples_before).saturating_sub(self.seen);
                if mark.index > 0 || lost > 0 {
                    self.losses.push(FrameLoss {
                        first: 0,
                        last: mark.index.saturating_sub(1),
                        of: mark.frames,
                        samples: lost,
                    });
                }
            }
        }
        self.seen = 0;
        self.last = Some(mark);
    }

    /// The frame of `prev` and those up to frame `next` (which holds `before` samples
    /// before it) were read: note what did not arrive. A frame whose mark was lost may
    /// still have given samples: they count as read.
    fn close(&mut self, prev: &FrameMark, next: u32, before: u64) {
        let expected = before.saturating_sub(u64::from(prev.samples_before));
        let lost = expected.saturating_sub(self.seen);
        let last = next - 1;
        let first = match self.seen < u64::from(prev.samples_in_frame) {
            true => prev.index,
            false => prev.index + 1,
        };
        if lost > 0 || next > prev.index + 1 {
            self.losses.push(FrameLoss {
                first: first.min(last),
                last,
                of: prev.frames,
                samples: lost,
            });
        }
    }

    /// What did not arrive, the day read to its end when `ended`.
    pub fn losses(&self, ended: bool) -> Vec<FrameLoss> {
        let mut out = self.losses.clone();
        if let (true, Some(prev)) = (ended, &self.last) {
            let mut tail = FrameTally {
                seen: self.seen,
                ..FrameTally::default()
            };
            tail.close(prev, prev.frames, u64::from(prev.samples));
            out.extend(tail.losses);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames of 10, 20, 30 and 40 samples.
    fn mark(index: u32) -> FrameMark {
        let sizes = [10u32, 20, 30, 40];
        FrameMark {
            index,
            frames: 4,
            samples_before: sizes[..index as usize].iter().sum(),
            samples_in_frame: sizes[index as usize],
            samples: 100,
            header: Vec::new(),
        }
    }

    fn read(tally: &mut FrameTally, index: u32, samples: u32) {
        tally.mark(mark(index));
        (0..samples).for_each(|_| tally.sample());
    }

    fn loss(first: u32, last: u32, samples: u64) -> FrameLoss {
        FrameLoss {
            first,
            last,
            of: 4,
            samples,
        }
    }

    #[test]
    fn whole_frames_lose_nothing() {
        let mut t = FrameTally::default();
        for (i, n) in [(0, 10), (1, 20), (2, 30), (3, 40)] {
            read(&mut t, i, n);
        }
        assert_eq!(t.losses(true), vec![]);
    }

    #[test]
    fn a_lost_frame_is_named_with_its_samples_wherever_it_is() {
        // The first.
        let mut t = FrameTally::default();
        read(&mut t, 1, 20);
        read(&mut t, 2, 30);
        read(&mut t, 3, 40);
        assert_eq!(t.losses(true), vec![loss(0, 0, 10)]);
        assert_eq!(
            t.losses(true)[0].to_string(),
            "frame 1 of 4 is damaged: 10 samples lost"
        );
        // Two in the middle.
        let mut t = FrameTally::default();
        read(&mut t, 0, 10);
        read(&mut t, 3, 40);
        assert_eq!(t.losses(true), vec![loss(1, 2, 50)]);
        assert_eq!(
            t.losses(true)[0].to_string(),
            "frames 2–3 of 4 are damaged: 50 samples lost"
        );
        // The last, known only at the end; and part of one.
        let mut t = FrameTally::default();
        read(&mut t, 0, 10);
        read(&mut t, 1, 15);
        read(&mut t, 2, 30);
        assert_eq!(t.losses(false), vec![loss(1, 1, 5)]);
        assert_eq!(t.losses(true), vec![loss(1, 1, 5), loss(3, 3, 40)]);
    }
}
