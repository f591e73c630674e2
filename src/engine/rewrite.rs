//! `--fix` on an NDJSON stream: while the stream is read a line at a time, a copy of it is
//! written to a temporary file beside it, every byte as read (blank lines, a byte order mark,
//! `\r\n` or `\n`, an overlong line) except the text of the lines whose safe fixes are written;
//! once the whole stream is read the copy takes the file's place atomically. Memory stays flat:
//! only the bytes since the last line that could still be fixed are held.

use crate::fix::AtomicFile;
use std::cell::RefCell;
use std::io::{BufRead, Read, Write};
use std::path::Path;

/// Bytes held before they are written on.
const CHUNK: usize = 64 * 1024;

/// The copy of a stream being written, and what was fixed in it.
pub struct Rewrite {
    out: Result<AtomicFile, std::io::Error>,
    /// Bytes read and not yet written: the last line read is at their end.
    pending: Vec<u8>,
    /// The longest line that can be fixed (longer ones are not checked): the bytes of the line
    /// being read that must stay held.
    keep: usize,
    /// Safe fixes written into the copy.
    fixes: usize,
    /// A line's fixes could not be written: the copy cannot be (or was not) written.
    refused: bool,
}

impl Rewrite {
    /// A copy of the stream of `path`, whose lines are at most `keep` bytes.
    pub fn beside(path: &Path, keep: usize) -> Rewrite {
        Rewrite {
            out: AtomicFile::beside(path),
            pending: Vec::new(),
            keep,
            fixes: 0,
            refused: false,
        }
    }

    fn record(&mut self, bytes: &[u8]) {
        if self.out.is_err() {
            return;
        }
        self.pending.extend_from_slice(bytes);
        // A line longer than `keep` is not fixed: only its last `keep` bytes may still be.
        if self.pending.len() > self.keep + CHUNK {
            self.write_front(self.pending.len() - self.keep);
        }
    }

    fn write_front(&mut self, n: usize) {
        if let Ok(out) = &mut self.out {
            if let Err(e) = out.write_all(&self.pending[..n]) {
                self.out = Err(e);
            }
        }
        self.pending.drain(..n);
    }

    /// Replaces the text of the line just read, `len` bytes before its line end, with `fixed`
    /// (`fixes` safe fixes). Not done (`false`) when the copy cannot be written ([`commit`]
    /// then says why) or `fixed` is not one line (the line stays as it is).
    ///
    /// [`commit`]: Rewrite::commit
    pub fn replace_last_line(&mut self, len: usize, fixed: &[u8], fixes: usize) -> bool {
        if self.out.is_err() {
            self.refused = true;
            return false;
        }
        if fixed.iter().any(|&b| b == b'\n' || b == b'\r') {
            return false;
        }
        let ending = self
            .pending
            .iter()
            .rev()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        let Some(start) = self.pending.len().checked_sub(ending + len) else {
            return false;
        };
        let end = self.pending.len() - ending;
        self.pending.splice(start..end, fixed.iter().copied());
        self.fixes += fixes;
        true
    }

    /// The line just read is done with: what is held can be written on.
    pub fn line_done(&mut self) {
        if self.pending.len() > CHUNK {
            self.write_front(self.pending.len());
        }
    }

    /// The stream could not be read to its end: nothing is written.
    pub fn abandon(&mut self, why: std::io::Error) {
        self.out = Err(why);
    }

    /// Puts the copy in the file's place when a fix was written into it: the number of fixes
    /// written, 0 when there were none (the file is left as it was). An error when fixes were
    /// to be written and could not be: none of them is.
    pub fn commit(mut self) -> Result<usize, std::io::Error> {
        if self.fixes == 0 && !self.refused {
            return Ok(0);
        }
        self.write_front(self.pending.len());
        let fixes = self.fixes;
        self.out?.commit()?;
        Ok(fixes)
    }
}

/// A reader that hands every byte consumed from `inner` to a [`Rewrite`] as well.
pub struct Recording<'a, R> {
    pub inner: R,
    pub rewrite: &'a RefCell<Rewrite>,
}

impl<R: BufRead> Read for Recording<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.rewrite.borrow_mut().record(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Recording<'_, R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        // The bytes just returned by `fill_buf`: a second call returns them without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            self.rewrite.borrow_mut().record(&buf[..n.min(buf.len())]);
        }
        self.inner.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ndjson::Lines;

    /// Reads `text` as a stream, upper-casing lines that start with `{"fix`, and returns the
    /// file written.
    fn rewrite(text: &[u8], keep: usize) -> Vec<u8> {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("s.ndjson");
        std::fs::write(&path, text).unwrap();
        let rw = RefCell::new(Rewrite::beside(&path, keep));
        let reader = Recording {
            inner: std::io::BufReader::with_capacity(7, std::fs::File::open(&path).unwrap()),
            rewrite: &rw,
        };
        for line in Lines::new(reader, keep, 1) {
            let line = line.unwrap();
            if line.bytes.starts_with(b"{\"fix") {
                let fixed = line.bytes.to_ascii_uppercase();
                assert!(rw
                    .borrow_mut()
                    .replace_last_line(line.bytes.len(), &fixed, 1));
            }
            rw.borrow_mut().line_done();
        }
        rw.into_inner().commit().unwrap();
        let out = std::fs::read(&path).unwrap();
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        out
    }

    #[test]
    fn only_the_fixed_lines_change_byte_for_byte() {
        let text = b"\xEF\xBB\xBF{\"fix\": 1}\r\n\r\n{\"keep\": 1}\r\n  \n{\"fix\":2}\r\r\n{\"x\": \"long line\"}\n{\"fix\": 3}";
        let want = b"\xEF\xBB\xBF{\"FIX\": 1}\r\n\r\n{\"keep\": 1}\r\n  \n{\"FIX\":2}\r\r\n{\"x\": \"long line\"}\n{\"FIX\": 3}";
        assert_eq!(rewrite(text, 64), want.to_vec());
        // Small chunks, lines over the limit held no longer than needed.
        let long: Vec<u8> = std::iter::repeat_n(b'x', 3 * CHUNK).collect();
        let mut text = b"{\"fix\": 1}\n".to_vec();
        text.extend_from_slice(&long);
        text.extend_from_slice(b"\n{\"fix\": 2}\n");
        let mut want = b"{\"FIX\": 1}\n".to_vec();
        want.extend_from_slice(&long);
        want.extend_from_slice(b"\n{\"FIX\": 2}\n");
        assert_eq!(rewrite(&text, 64), want);
    }

    #[test]
    fn a_stream_without_fixes_is_not_written() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("s.ndjson");
        std::fs::write(&path, b"{}\n").unwrap();
        let rw = Rewrite::beside(&path, 100);
        assert_eq!(rw.commit().unwrap(), 0);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
