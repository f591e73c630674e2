//! Reading a file's bytes: a named path must be a regular file (a FIFO would block), a file
//! over the size limit is not read, and a small file costs one `read`. What goes wrong is an
//! [`Unreadable`] for the `unreadable-file` rule. Also the body files a transcript names
//! (`< ./body.json`), and only those.

use crate::diagnostic::Finding;
use crate::discover::Reached;
use crate::input::problem::{IoFailure, Unreadable};
use crate::rules;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Reads the body files a transcript names (`< ./body.json`, relative to the transcript's
/// folder): only those, each at most `limit` bytes. One that cannot be read is an
/// `unreadable-file` finding at its name, and its message has no body.
pub fn body_files(
    parsed: &mut crate::input::Parsed,
    transcript: &Path,
    limit: u64,
) -> Vec<Finding> {
    let mut found = Vec::new();
    for p in &mut parsed.payloads {
        let Some(crate::input::Body::File { path, at }) = &p.body else {
            continue;
        };
        let (path, at) = (path.clone(), *at);
        let file = transcript.parent().unwrap_or(Path::new("")).join(&path);
        let read = open(&file, Reached::Named)
            .and_then(|(f, size)| read_bytes(f, size, limit))
            .map_err(|e| Some(Box::new(e)))
            .and_then(|bytes| String::from_utf8(bytes).map_err(|_| None));
        match read {
            Ok(text) => {
                let text = text
                    .strip_prefix('\u{feff}')
                    .map(str::to_string)
                    .unwrap_or(text);
                p.body = Some(crate::input::Body::Read { path, at, text });
            }
            Err(cause) => {
                p.body = None;
                let mut d = rules::unreadable_file::diagnose(&Unreadable::BodyFile { path, cause });
                d.span = at;
                d.payload = Some(p.index);
                found.push(d);
            }
        }
    }
    found
}

/// Bytes of the first read of a file (most payload files are smaller).
const FIRST_READ: usize = 16 * 1024;

/// Opens a file for reading. A named file is first checked to be a regular file (opening a
/// FIFO would block until something writes to it) and its size is known; a walked one is regular
/// by its directory entry, and is not stat'ed (one syscall less per file).
pub fn open(path: &Path, reached: Reached) -> Result<(File, Option<u64>), Unreadable> {
    let mut size = None;
    if reached == Reached::Named {
        if let Ok(meta) = std::fs::metadata(path) {
            if !meta.is_file() {
                return Err(Unreadable::NotARegularFile);
            }
            size = Some(meta.len());
        }
    }
    let file = File::open(path).map_err(|e| Unreadable::Open(IoFailure::from(&e)))?;
    Ok((file, size))
}

/// Reads a file whole, refusing one larger than `limit` without reading it. A small file is
/// read with one `read`: a short read of a regular file is its end.
pub fn read_bytes(mut file: File, size: Option<u64>, limit: u64) -> Result<Vec<u8>, Unreadable> {
    let failed = |e: std::io::Error| Unreadable::Read(IoFailure::from(&e));
    if let Some(len) = size.filter(|&len| len > limit) {
        return Err(Unreadable::TooLarge { len, limit });
    }
    // One read into this thread's buffer; a short read of a regular file is its end.
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; FIRST_READ]);
    }
    let first = size.map_or(FIRST_READ as u64, |len| len + 1).min(limit + 1) as usize;
    let (mut bytes, n) = if first <= FIRST_READ {
        BUFFER.with_borrow_mut(|buf| {
            let n = read_retrying(&mut file, &mut buf[..first]).map_err(failed)?;
            Ok((buf[..n].to_vec(), n))
        })?
    } else {
        let mut bytes = vec![0u8; first];
        let n = read_retrying(&mut file, &mut bytes).map_err(failed)?;
        bytes.truncate(n);
        (bytes, n)
    };
    if n < first {
        return Ok(bytes);
    }
    if size.is_none() {
        let len = file.metadata().map_err(failed)?.len();
        if len > limit {
            return Err(Unreadable::TooLarge { len, limit });
        }
    }
    (&mut file)
        .take(limit + 1 - n as u64)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > limit {
        return Err(Unreadable::Grew { limit });
    }
    Ok(bytes)
}

fn read_retrying(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Faults a test can inject into a debug build, to prove that the run survives them. Release
/// builds compile this to nothing.
pub mod test_hooks {
    /// Runs before a file is opened:
    /// - `PAYLINT_TEST_PANIC_ON=NAME`: checking a file named NAME panics;
    /// - `PAYLINT_TEST_VANISH=NAME`: a file named NAME is deleted after the walk found it and
    ///   before it is read.
    #[cfg(debug_assertions)]
    pub fn before_read(path: &std::path::Path) {
        use std::ffi::OsString;
        use std::sync::OnceLock;
        static HOOKS: OnceLock<[Option<OsString>; 2]> = OnceLock::new();
        let [panic_on, vanish] = HOOKS.get_or_init(|| {
            [
                std::env::var_os("PAYLINT_TEST_PANIC_ON"),
                std::env::var_os("PAYLINT_TEST_VANISH"),
            ]
        });
        let name = path.file_name();
        if name.is_some() && name == panic_on.as_deref() {
            panic!("test hook: PAYLINT_TEST_PANIC_ON={}", path.display());
        }
        if name.is_some() && name == vanish.as_deref() {
            let _ = std::fs::remove_file(path);
        }
    }

    #[cfg(not(debug_assertions))]
    #[inline(always)]
    pub fn before_read(_: &std::path::Path) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn read(path: &Path, reached: Reached, limit: u64) -> Result<Vec<u8>, Unreadable> {
        let (file, size) = open(path, reached)?;
        read_bytes(file, size, limit)
    }

    #[test]
    fn small_and_large_files_are_read_whole_up_to_the_limit() {
        let t = tempfile::TempDir::new().unwrap();
        let small = write(t.path(), "s.json", b"{}");
        let large = write(t.path(), "l.json", &vec![b' '; FIRST_READ * 3]);
        for reached in [Reached::Named, Reached::Walked] {
            assert_eq!(read(&small, reached, 100).unwrap(), b"{}");
            assert_eq!(
                read(&large, reached, u64::MAX / 2).unwrap().len(),
                FIRST_READ * 3
            );
            assert_eq!(
                read(&large, reached, 10),
                Err(Unreadable::TooLarge {
                    len: FIRST_READ as u64 * 3,
                    limit: 10
                })
            );
        }
        // Exactly at the limit is read.
        assert_eq!(read(&small, Reached::Walked, 2).unwrap(), b"{}");
    }

    #[test]
    fn a_folder_named_is_not_a_regular_file_and_a_missing_one_cannot_be_opened() {
        let t = tempfile::TempDir::new().unwrap();
        assert_eq!(
            open(t.path(), Reached::Named).unwrap_err(),
            Unreadable::NotARegularFile
        );
        match open(&t.path().join("gone.json"), Reached::Walked) {
            Err(Unreadable::Open(e)) => assert_eq!(e.kind, std::io::ErrorKind::NotFound),
            other => panic!("{other:?}"),
        }
    }
}
