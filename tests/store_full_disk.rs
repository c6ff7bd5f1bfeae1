//! A write that fails part-way (disk full) is rolled back. In its own test binary: the file
//! size limit it sets applies to the whole process.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failure report

mod common;

use common::{samples_of, test_host};
use rsar::probe::Probe;
use rsar::sample::Sample;
use rsar::store::{self, DayWriter};
use std::path::{Path, PathBuf};

fn small_file(dir: &Path) -> (PathBuf, Vec<Sample>, Vec<u64>) {
    let path = dir.join("rsar20261121");
    let mut p = Probe::system().unwrap();
    let samples: Vec<Sample> = (0..6).map(|_| p.sample().unwrap()).collect();
    let h = test_host("b1", 2);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    let mut ends = vec![w.len()];
    for s in &samples[..4] {
        w.append_sample(&h, s).unwrap();
        ends.push(w.len());
    }
    (path, samples, ends)
}

#[test]
fn a_failed_write_is_rolled_back() {
    // /dev/full-like: a file whose size is capped makes the append fail part-way.
    let dir = tempfile::tempdir().unwrap();
    let (path, samples, _) = small_file(dir.path());
    let before = std::fs::read(&path).unwrap();
    let h = test_host("b1", 2);
    let (mut w, _) = DayWriter::open(&path, &h, 0, 0).unwrap();
    // Limit the file size for this process (RLIMIT_FSIZE) just above the current size.
    let limit = before.len() as u64 + 4;
    let old = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE).unwrap();
    // SIGXFSZ would kill the process: ignore it so the write returns EFBIG instead.
    unsafe {
        nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGXFSZ,
            nix::sys::signal::SigHandler::SigIgn,
        )
    }
    .unwrap();
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE, limit, old.1)
        .unwrap();
    let r = w.append_sample(&h, &samples[5]);
    nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_FSIZE, old.0, old.1)
        .unwrap();
    assert!(r.is_err());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "rolled back to the last good record"
    );
    // The next append works.
    w.append_sample(&h, &samples[4]).unwrap();
    drop(w);
    let got = samples_of(&store::read_log(&path).unwrap());
    assert_eq!(got.last(), Some(&samples[4]));
}
