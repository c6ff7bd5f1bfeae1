//! Safe file access in a log directory that rsadc (often root) writes: every open, create,
//! rename and delete goes through here, relative to the directory's own file descriptor.
//!
//! Owns the rules of DESIGN §4 "Safe to write as root": no symlink is ever followed
//! (`O_NOFOLLOW`, `AT_SYMLINK_NOFOLLOW`), new files are created with `O_EXCL` and mode
//! 0644, an existing file is opened with `O_NONBLOCK` (a FIFO cannot block us) and used
//! only if `fstat` says it is a regular file, and nothing is renamed over an existing
//! entry. It also owns the reader's side: `open_for_reading` refuses a FIFO, a device or a
//! directory instead of blocking on it or reading it.
//!
//! It must never follow a link planted in the directory, replace an entry it did not
//! create, or open anything but a regular file for data.

use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat, Mode, SFlag};
use nix::unistd::{linkat, unlinkat, UnlinkatFlags};
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

/// What a directory entry is, without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Regular,
    Symlink,
    Directory,
    /// A FIFO, socket or device.
    Other,
}

impl EntryKind {
    fn of(st: &FileStat) -> EntryKind {
        match SFlag::from_bits_truncate(st.st_mode & SFlag::S_IFMT.bits()) {
            SFlag::S_IFREG => EntryKind::Regular,
            SFlag::S_IFLNK => EntryKind::Symlink,
            SFlag::S_IFDIR => EntryKind::Directory,
            _ => EntryKind::Other,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::Regular => "a regular file",
            EntryKind::Symlink => "a symbolic link",
            EntryKind::Directory => "a directory",
            EntryKind::Other => "a FIFO, socket or device",
        }
    }
}

/// The error for an entry that exists but is not a regular file.
pub fn not_regular(kind: EntryKind) -> io::Error {
    io::Error::other(format!(
        "is {}, not a regular file: refusing to use it",
        kind.describe()
    ))
}

/// An open log directory. Names given to its methods are single path components.
#[derive(Debug)]
pub struct LogDir {
    fd: OwnedFd,
    path: PathBuf,
}

impl LogDir {
    /// Open `path` (the directory itself may be reached through a link its owner made).
    pub fn open(path: &Path) -> io::Result<LogDir> {
        let shown = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        let fd = openat(
            nix::fcntl::AT_FDCWD,
            shown,
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        )?;
        Ok(LogDir {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// The directory holding `file` and the file's name in it.
    pub fn of_file(file: &Path) -> io::Result<(LogDir, String)> {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| io::Error::other("not a file name rsar can use"))?;
        let dir = file.parent().unwrap_or(Path::new(""));
        Ok((LogDir::open(dir)?, name.to_string()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path of `name` in this directory, for messages.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The directory's owner uid and mode bits.
    pub fn owner_and_mode(&self) -> io::Result<(u32, u32)> {
        let st = fstat(&self.fd)?;
        Ok((st.st_uid, st.st_mode & 0o7777))
    }

    /// What `name` is, without following it; `None` if there is no such entry.
    pub fn entry(&self, name: &str) -> io::Result<Option<(EntryKind, FileStat)>> {
        match fstatat(&self.fd, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => Ok(Some((EntryKind::of(&st), st))),
            Err(Errno::ENOENT) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Open an existing regular file: never through a link, never blocking on a FIFO.
    pub fn open_regular(&self, name: &str, write: bool) -> io::Result<File> {
        let access = if write {
            OFlag::O_RDWR
        } else {
            OFlag::O_RDONLY
        };
        let fd = match openat(
            &self.fd,
            name,
            access | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) {
            Ok(fd) => fd,
            // O_NOFOLLOW on a link, or O_RDWR on a directory: say what it is.
            Err(e @ (Errno::ELOOP | Errno::EISDIR | Errno::ENXIO)) => {
                return Err(match self.entry(name) {
                    Ok(Some((kind, _))) if kind != EntryKind::Regular => not_regular(kind),
                    _ => e.into(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let kind = EntryKind::of(&fstat(&fd)?);
        if kind != EntryKind::Regular {
            return Err(not_regular(kind));
        }
        Ok(File::from(fd))
    }

    /// Create `name`, which must not exist (not even as a dangling link), mode 0644.
    pub fn create_new(&self, name: &str) -> io::Result<File> {
        let fd = openat(
            &self.fd,
            name,
            OFlag::O_RDWR
                | OFlag::O_CREAT
                | OFlag::O_EXCL
                | OFlag::O_NOFOLLOW
                | OFlag::O_NOCTTY
                | OFlag::O_CLOEXEC,
            Mode::from_bits_truncate(0o644),
        )?;
        let f = File::from(fd);
        // umask may have taken bits away; the mode is part of the format's promise.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        Ok(f)
    }

    /// Give the entry `from` (whatever it is; never followed) the name `to`, which must not
    /// exist. A regular file or link is hard-linked then unlinked, so an entry that
    /// appeared at `to` meanwhile is never replaced; a directory is renamed after checking.
    pub fn rename_noreplace(&self, from: &str, to: &str) -> io::Result<()> {
        match linkat(&self.fd, from, &self.fd, to, AtFlags::empty()) {
            Ok(()) => {
                unlinkat(&self.fd, from, UnlinkatFlags::NoRemoveDir)?;
                Ok(())
            }
            // A directory cannot be hard-linked; in a directory only root or we can write,
            // checking that `to` is free and then renaming is safe.
            Err(Errno::EPERM) if matches!(self.entry(from)?, Some((EntryKind::Directory, _))) => {
                if self.entry(to)?.is_some() {
                    return Err(Errno::EEXIST.into());
                }
                nix::fcntl::renameat(&self.fd, from, &self.fd, to)?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Give the entry `from` the name `to`, replacing whatever entry `to` is (a link is
    /// replaced, never followed; a directory is not replaced): for a small state file
    /// rewritten whole, as a temporary file renamed over the old one.
    pub fn rename_replacing(&self, from: &str, to: &str) -> io::Result<()> {
        nix::fcntl::renameat(&self.fd, from, &self.fd, to)?;
        Ok(())
    }

    /// Remove the entry `name` itself (a link is removed, never what it points to).
    /// A directory is not removed.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        unlinkat(&self.fd, name, UnlinkatFlags::NoRemoveDir)?;
        Ok(())
    }

    /// Make created and removed entries survive a crash.
    pub fn sync(&self) {
        let _ = nix::unistd::fsync(&self.fd);
    }

    /// The names in the directory (not `.` or `..`).
    pub fn names(&self) -> io::Result<Vec<String>> {
        Ok(std::fs::read_dir(&self.path)?
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect())
    }
}

/// The directory's descriptor, for what must name an entry by path (binding a socket
/// through `/proc/self/fd/N/NAME`).
impl AsFd for LogDir {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Open a log for reading: links are followed (the reader chose the path), but a FIFO, a
/// device or a directory is refused rather than read, and opening never blocks.
pub fn open_for_reading(path: &Path) -> io::Result<File> {
    let fd = openat(
        nix::fcntl::AT_FDCWD,
        path,
        OFlag::O_RDONLY | OFlag::O_NONBLOCK | OFlag::O_NOCTTY | OFlag::O_CLOEXEC,
        Mode::empty(),
    )?;
    let kind = EntryKind::of(&fstat(&fd)?);
    if kind != EntryKind::Regular {
        return Err(not_regular(kind));
    }
    Ok(File::from(fd))
}
