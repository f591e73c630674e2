//! Why a run could not do its job (exit status 2): a path that is not there, a `--resource`
//! the catalog does not have, a catalog that cannot be used, or a report that cannot be written.

use std::path::PathBuf;

/// Why a run could not do its job (exit status 2).
#[derive(Debug)]
pub enum RunError {
    NoSuchPath(Vec<PathBuf>),
    UnknownResource {
        name: String,
        known: Vec<String>,
        among: Among,
    },
    Catalog(crate::catalog::CatalogError),
    Output(std::io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NoSuchPath(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "no such file or folder: {} (check the path)",
                    shown.join(", ")
                )
            }
            RunError::UnknownResource { name, known, .. }
                if known.len() > 1
                    && known.iter().all(|k| {
                        k.rsplit('.')
                            .next()
                            .is_some_and(|s| s.eq_ignore_ascii_case(name))
                    }) =>
            {
                write!(
                    f,
                    "`--resource {name}` is ambiguous: {}; give the qualified name",
                    known.join(", ")
                )
            }
            RunError::UnknownResource { name, known, among } => write!(
                f,
                "unknown resource `{name}` for --resource; {}: {} (add one with --schemas DIR)",
                match among {
                    _ if known.len() >= 10 => "closest names",
                    Among::Catalog => "the catalog has",
                    Among::CatalogAndMetadata => "the catalog and the metadata have",
                },
                known.join(", ")
            ),
            RunError::Catalog(e) => write!(f, "{e}"),
            RunError::Output(e) => write!(f, "cannot write the report: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Where `--resource` was looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Among {
    Catalog,
    /// The catalog, and the types of the `--metadata` model.
    CatalogAndMetadata,
}
