//! Writing an imported catalog's folder, atomically, and nowhere else.
//!
//! The catalog is built in a temporary folder beside `--out` (the same parent, so the final
//! `rename` stays on one file system), the files of an existing catalog that an earlier import
//! did not write (overlays, notes) are copied there, and the folder is swapped in: the old
//! folder is renamed aside, the new one renamed into place, the old one removed. A failure
//! before the swap (bad metadata, a name that cannot be a file, a full disk) removes the
//! temporary folder and leaves the old catalog as it was. Files are created only inside the
//! temporary folder, each under a plain file name, never over an existing file.
//!
//! Refused, before anything is written: a non-empty folder that is not a catalog (no
//! `paylint-catalog.json`), and a catalog holding a file of the name of a schema to write that
//! the earlier import did not write (it is the user's).

use super::index::{self, INDEX_FILE};
use std::collections::{BTreeSet, HashSet};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// A catalog being built beside its final place.
pub(crate) struct Staging {
    /// Where the catalog goes (the real path when `--out` is a symbolic link).
    out: PathBuf,
    /// The folder being built; removed when dropped before [`Staging::commit`].
    dir: tempfile::TempDir,
    /// `out` exists (and is a catalog folder).
    existing: bool,
    /// The entries of `out` the new catalog keeps: what an earlier import did not write.
    keep: Vec<OsString>,
    /// Files written so far.
    written: HashSet<String>,
}

/// Is `name` one plain file name (no folder, no `..`, not hidden)?
fn plain(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!((parts.next(), parts.next()), (Some(Component::Normal(n)), None) if n == name)
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
}

impl Staging {
    /// Checks `out` and makes the temporary folder beside it.
    pub(crate) fn new(out: &Path) -> Result<Staging, String> {
        let shown = out.display();
        let meta = std::fs::symlink_metadata(out).ok();
        let out = match &meta {
            Some(m) if m.file_type().is_symlink() => std::fs::canonicalize(out)
                .map_err(|e| format!("cannot follow the link {shown}: {e}"))?,
            _ => out.to_path_buf(),
        };
        let existing = out.exists();
        let mut keep = Vec::new();
        if existing {
            if !out.is_dir() {
                return Err(format!("{shown} exists and is not a folder"));
            }
            let mut entries = Vec::new();
            for entry in std::fs::read_dir(&out)
                .map_err(|e| format!("cannot read the folder {shown}: {e}"))?
            {
                let entry = entry.map_err(|e| format!("cannot read the folder {shown}: {e}"))?;
                entries.push(entry.file_name());
            }
            let earlier = earlier_files(&out, &entries)?;
            keep = entries
                .into_iter()
                .filter(|n| n != INDEX_FILE && !earlier.contains(n))
                // Temporary files of an import that was stopped (paylint 0.1 wrote them there).
                .filter(|n| !n.to_string_lossy().starts_with(".paylint-"))
                .collect();
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .map_err(|e| format!("cannot create the folder {}: {e}", parent.display()))?;
        let name = out
            .file_name()
            .map_or_else(|| "catalog".into(), |n| n.to_string_lossy().into_owned());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.paylint-import-"))
            .tempdir_in(&parent)
            .map_err(|e| {
                format!(
                    "cannot create a temporary folder in {}: {e}",
                    parent.display()
                )
            })?;
        Ok(Staging {
            out,
            dir,
            existing,
            keep,
            written: HashSet::new(),
        })
    }

    /// Writes `value` as JSON (pretty or compact) and a newline into the file `name` of the new
    /// catalog. Returns the bytes written.
    pub(crate) fn write(
        &mut self,
        name: &str,
        value: &impl serde::Serialize,
        pretty: bool,
    ) -> Result<u64, String> {
        if !plain(name) {
            return Err(format!("`{name}` is not a plain file name"));
        }
        if self.keep.iter().any(|k| k == name) {
            return Err(format!(
                "{} exists and was not written by an earlier import; move it away or import into \
                 another folder",
                self.out.join(name).display()
            ));
        }
        let path = self.dir.path().join(name);
        let fail =
            |e: std::io::Error| format!("cannot write {}: {e}", self.out.join(name).display());
        let mut text = if pretty {
            serde_json::to_vec_pretty(value)
        } else {
            serde_json::to_vec(value)
        }
        .map_err(|e| e.to_string())?;
        text.push(b'\n');
        // A new file, never an existing one (nor a link): two names that one file system takes
        // for the same (`ns.User`, `ns.user` where case does not count) are an error.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => format!(
                    "two files of the catalog would be {}: this file system does not tell their \
                     names apart",
                    self.out.join(name).display()
                ),
                _ => fail(e),
            })?;
        file.write_all(&text).map_err(fail)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))
                .map_err(fail)?;
        }
        self.written.insert(name.to_string());
        Ok(text.len() as u64)
    }

    /// Carries the kept files over, then swaps the new folder in.
    pub(crate) fn commit(self) -> Result<(), String> {
        for name in &self.keep {
            let from = self.out.join(name);
            let to = self.dir.path().join(name);
            carry(&from, &to).map_err(|e| format!("cannot carry over {}: {e}", from.display()))?;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&self.out).map_or(0o755, |m| m.permissions().mode());
            std::fs::set_permissions(self.dir.path(), std::fs::Permissions::from_mode(mode))
                .map_err(|e| e.to_string())?;
        }
        let out = &self.out;
        let shown = out.display();
        if !self.existing {
            let dir = self.dir.keep();
            return std::fs::rename(&dir, out).map_err(|e| {
                let _ = std::fs::remove_dir_all(&dir);
                format!("cannot move the new catalog to {shown}: {e}")
            });
        }
        // Aside: an empty folder of a fresh name, which `rename` replaces.
        let parent = self.dir.path().parent().unwrap_or(Path::new("."));
        let aside = tempfile::Builder::new()
            .prefix(".paylint-old-")
            .tempdir_in(parent)
            .map_err(|e| e.to_string())?
            .keep();
        if std::fs::rename(out, &aside).is_err() {
            // Where a rename does not replace an empty folder (Windows): free the name first.
            let _ = std::fs::remove_dir(&aside);
            std::fs::rename(out, &aside)
                .map_err(|e| format!("cannot move the old catalog {shown} aside: {e}"))?;
        }
        let dir = self.dir.keep();
        if let Err(e) = std::fs::rename(&dir, out) {
            let back = std::fs::rename(&aside, out);
            let _ = std::fs::remove_dir_all(&dir);
            return Err(match back {
                Ok(()) => format!("cannot move the new catalog to {shown}: {e}"),
                Err(b) => format!(
                    "cannot move the new catalog to {shown} ({e}), nor the old one back ({b}): \
                     it is in {}",
                    aside.display()
                ),
            });
        }
        std::fs::remove_dir_all(&aside)
            .map_err(|e| format!("cannot remove the old catalog {}: {e}", aside.display()))
    }
}

/// The files an earlier import wrote into `out`, from its index; refuses a non-empty folder
/// without one.
fn earlier_files(out: &Path, entries: &[OsString]) -> Result<BTreeSet<OsString>, String> {
    let shown = out.display();
    if !entries.iter().any(|n| n == INDEX_FILE) {
        if entries.is_empty() {
            return Ok(BTreeSet::new());
        }
        return Err(format!(
            "{shown} is not empty and holds no {INDEX_FILE}: it is not a catalog folder; import \
             into an empty or new folder"
        ));
    }
    let path = out.join(INDEX_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let listed = index::listed_files(&text).ok_or_else(|| {
        format!(
            "{} is not a catalog index; remove it or import into another folder",
            path.display()
        )
    })?;
    // Only plain schema file names: an index never makes import drop anything else.
    Ok(listed
        .into_iter()
        .filter(|f| plain(f) && f.ends_with(".schema.json"))
        .map(OsString::from)
        .collect())
}

/// Copies a file, a folder (recursively) or a symbolic link (as a link); anything else (a
/// socket, a device) is refused rather than opened.
fn carry(from: &Path, to: &Path) -> std::io::Result<()> {
    let kind = std::fs::symlink_metadata(from)?.file_type();
    if kind.is_file() {
        std::fs::copy(from, to).map(drop)
    } else if kind.is_dir() {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            carry(&entry.path(), &to.join(entry.file_name()))?;
        }
        let perms = std::fs::metadata(from)?.permissions();
        std::fs::set_permissions(to, perms)
    } else if kind.is_symlink() {
        let target = std::fs::read_link(from)?;
        #[cfg(unix)]
        return std::os::unix::fs::symlink(target, to);
        #[cfg(not(unix))]
        return Err(std::io::Error::other(format!(
            "a link (to {}) cannot be carried over here",
            target.display()
        )));
    } else {
        Err(std::io::Error::other("not a file, folder or link"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names() {
        for ok in ["a.b.schema.json", "ns.Straße.schema.json"] {
            assert!(plain(ok), "{ok}");
        }
        for bad in [
            "../x.schema.json",
            "/abs.schema.json",
            "a/b.schema.json",
            "a\\b.schema.json",
            ".hidden.schema.json",
            "..",
            ".",
            "",
            "a\0b",
        ] {
            assert!(!plain(bad), "{bad:?}");
        }
    }
}
