//! A compressed closed day: independent zstd frames one after another, each holding whole
//! records (`reader::pack_frames` cuts them by bytes of input and starts each with every
//! group keyed, so that no record reaches back into the frame before). Read as one
//! stream; a frame that fails to decode is skipped: decoding starts again at the next
//! frame's magic number, so one damaged byte costs the records of one frame. A day
//! compressed as a single frame (older rsar) reads as before: up to the damage.

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
            "the compressed frame at byte {} is damaged ({why}): its records were skipped",
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
