//! Discovery: the files to check, from the paths on the command line. Folders are walked
//! recursively in a stable order, taking only files of a format paylint reads; symbolic links
//! inside folders are not followed and hidden entries (`.git`, `.venv`, ...) are skipped.

use crate::input::problem::{IoFailure, Unreadable};
use crate::input::Format;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// How discovery came to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// Named on the command line: read whatever its extension (sniffed by content), and made
    /// sure to be a regular file before it is opened.
    Named,
    /// Found by walking a folder: of a known extension, regular by its directory entry.
    Walked,
}

/// One thing discovery found.
#[derive(Debug)]
pub enum Found {
    /// A file to read, and the format to read it as (`None`: named on the command line with an
    /// extension paylint does not know; sniffed by content).
    File {
        path: PathBuf,
        format: Option<Format>,
        reached: Reached,
    },
    /// `-`: an NDJSON stream on standard input.
    Stdin,
    /// Something under a folder that could not be walked (permission denied, a symlink loop).
    Unwalkable { path: PathBuf, why: Unreadable },
}

/// Paths that do not exist: the run cannot do its job.
pub fn missing(paths: &[PathBuf]) -> Vec<&Path> {
    paths
        .iter()
        .filter(|p| {
            // Only a path that is not there: one that cannot be looked at (permission denied)
            // is walked and reported as unreadable, and the rest is checked.
            p.as_os_str() != "-"
                && std::fs::metadata(p).is_err()
                && std::fs::symlink_metadata(p)
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        })
        .map(PathBuf::as_path)
        .collect()
}

/// Everything to check under `paths`, in order, as an iterator (memory does not grow with the
/// number of files).
pub fn walk(paths: &[PathBuf]) -> impl Iterator<Item = Found> + '_ {
    paths.iter().flat_map(|root| {
        if root.as_os_str() == "-" {
            return Box::new(std::iter::once(Found::Stdin)) as Box<dyn Iterator<Item = Found>>;
        }
        let is_dir = std::fs::metadata(root).map(|m| m.is_dir()).unwrap_or(false);
        let named: Option<Found> = (!is_dir).then(|| Found::File {
            path: root.clone(),
            format: Format::for_walked(root),
            reached: Reached::Named,
        });
        let walked = is_dir.then(|| {
            WalkDir::new(root)
                .follow_links(false)
                // Siblings share their parent's path, so comparing whole paths orders them by
                // name without parsing path components for every comparison.
                .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
                .into_iter()
                // The name from the path's bytes: `DirEntry::file_name` parses path components.
                .filter_entry(|e| {
                    e.depth() == 0 || crate::input::file_name(e.path()).first() != Some(&b'.')
                })
                .filter_map(|entry| match entry {
                    Ok(e) if e.file_type().is_file() => {
                        Format::for_walked(e.path()).map(|f| Found::File {
                            path: e.into_path(),
                            format: Some(f),
                            reached: Reached::Walked,
                        })
                    }
                    Ok(_) => None,
                    Err(e) => Some(Found::Unwalkable {
                        path: e
                            .path()
                            .map(Path::to_path_buf)
                            .unwrap_or_else(|| root.clone()),
                        why: match e.loop_ancestor() {
                            Some(a) => Unreadable::LinkLoop {
                                ancestor: a.to_path_buf(),
                            },
                            None => match e.io_error() {
                                Some(io) => Unreadable::Folder(IoFailure::from(io)),
                                None => Unreadable::Walk {
                                    message: e.to_string(),
                                },
                            },
                        },
                    }),
                })
        });
        Box::new(named.into_iter().chain(walked.into_iter().flatten()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let t = tempfile::TempDir::new().unwrap();
        for f in files {
            let path = t.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        t
    }

    /// What `walk` finds, relative to `root`: files with their format and how they were found.
    fn found(root: &Path, paths: &[PathBuf]) -> Vec<(String, Option<Format>, Reached)> {
        walk(paths)
            .map(|f| match f {
                Found::File {
                    path,
                    format,
                    reached,
                } => {
                    let shown = path.strip_prefix(root).unwrap_or(&path);
                    (shown.display().to_string(), format, reached)
                }
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn folders_are_walked_in_name_order_for_known_formats_and_skip_hidden_entries() {
        let t = tree(&[
            "b/z.http",
            "b/a.json",
            "a.md",
            "notes.txt",
            ".git/x.json",
            "b/.hidden.json",
        ]);
        let got = found(t.path(), &[t.path().to_path_buf()]);
        assert_eq!(
            got,
            [
                ("a.md".to_string(), Some(Format::Markdown), Reached::Walked),
                (
                    "b/a.json".to_string(),
                    Some(Format::JsonBody),
                    Reached::Walked
                ),
                ("b/z.http".to_string(), Some(Format::Http), Reached::Walked),
            ]
        );
    }

    #[test]
    fn a_named_file_is_taken_whatever_its_extension_and_named_paths_keep_their_order() {
        let t = tree(&["notes.txt", "b.json"]);
        let got = found(
            t.path(),
            &[t.path().join("notes.txt"), t.path().join("b.json")],
        );
        assert_eq!(
            got,
            [
                ("notes.txt".to_string(), None, Reached::Named),
                ("b.json".to_string(), Some(Format::JsonBody), Reached::Named),
            ]
        );
        assert!(matches!(
            walk(&[PathBuf::from("-")]).collect::<Vec<_>>()[..],
            [Found::Stdin]
        ));
    }

    #[test]
    #[cfg(unix)]
    fn links_inside_folders_are_not_followed() {
        let t = tree(&["real/a.json"]);
        std::os::unix::fs::symlink(t.path().join("real"), t.path().join("link")).unwrap();
        std::os::unix::fs::symlink(t.path().join("real/a.json"), t.path().join("b.json")).unwrap();
        let got = found(t.path(), &[t.path().to_path_buf()]);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "real/a.json");
    }

    #[test]
    fn only_paths_that_are_not_there_are_missing() {
        let t = tree(&["a.json"]);
        let paths = vec![
            t.path().join("a.json"),
            t.path().join("gone.json"),
            PathBuf::from("-"),
        ];
        assert_eq!(missing(&paths), [t.path().join("gone.json").as_path()]);
    }
}
