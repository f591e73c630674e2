//! What a run checks and how: the paths, the overrides of routing, the policy, the threads,
//! the share of the files and what to do with fixes.

use crate::config::Config;
use crate::direction::Direction;
use crate::fingerprint::{fnv1a, portable_path};
use std::path::{Path, PathBuf};

/// What to check and how.
#[derive(Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// Check every body as this resource (by name).
    pub resource: Option<String>,
    pub direction: Option<Direction>,
    /// Compute the conformant text of each file with findings (for diffs).
    pub conformant: bool,
    /// Files larger than this are reported, not read.
    pub max_file_size: u64,
    /// Rule severities, per-path overrides, include and exclude globs.
    pub config: Config,
    pub fix: FixMode,
    /// Worker threads for checking files.
    pub threads: usize,
    /// The share of the files this run takes.
    pub shard: Shard,
    /// What standard input is called in reports (`-` unless given).
    pub stdin_name: Option<PathBuf>,
    /// The line number of standard input's first line (1 unless given): a chunk of a larger
    /// stream reports the stream's line numbers.
    pub stdin_first_line: usize,
    /// The index of standard input's first payload (0 unless given): a chunk of a larger
    /// stream reports the stream's payload numbers.
    pub stdin_first_payload: usize,
    /// The OData service (`--metadata`) messages are resolved against, if any.
    pub service: Option<std::sync::Arc<crate::route_model::Service>>,
}

/// `--shard K/N`: the K-th of N stable, disjoint shares of the files, chosen by a hash of the
/// path (not the content), so N jobs split a tree with no overlap and no gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 1, count: 1 }
    }
}

/// A `--shard` that is not K/N with 1 <= K <= N.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardError {
    /// What was given.
    pub given: String,
}

impl std::fmt::Display for ShardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`--shard {}`: write K/N with 1 <= K <= N, e.g. 2/4",
            self.given
        )
    }
}

impl std::error::Error for ShardError {}

impl Shard {
    /// Reads `K/N`.
    pub fn parse(s: &str) -> Result<Shard, ShardError> {
        let bad = || ShardError {
            given: s.to_string(),
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Is `path` in this share?
    pub fn takes(&self, path: &Path) -> bool {
        if self.count == 1 {
            return true;
        }
        let key = portable_path(path);
        let h = fnv1a(&[&key]);
        h % self.count == self.index - 1
    }
}

/// What `--fix` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixMode {
    #[default]
    Off,
    /// Write the safe fixes into the files (atomically), then report what is left.
    Apply,
    /// Show the safe fixes as a diff; write nothing.
    Diff,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            resource: None,
            direction: None,
            conformant: true,
            max_file_size: 64 * 1024 * 1024,
            config: Config::default(),
            fix: FixMode::Off,
            threads: 1,
            shard: Shard::default(),
            stdin_name: None,
            stdin_first_line: 1,
            stdin_first_payload: 0,
            service: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_k_of_n_and_refuse_the_rest() {
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse(" 1 / 1 "), Ok(Shard::default()));
        for bad in ["0/4", "5/4", "1/0", "4", "a/b", ""] {
            let e = Shard::parse(bad).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("`--shard {bad}`: write K/N with 1 <= K <= N, e.g. 2/4")
            );
        }
    }

    #[test]
    fn the_shares_of_a_path_are_disjoint_and_cover_it() {
        for path in ["a.json", "x/y/b.http", "./c.md"] {
            let takers = (1..=3)
                .filter(|&k| Shard { index: k, count: 3 }.takes(Path::new(path)))
                .count();
            assert_eq!(takers, 1, "{path}");
            assert!(Shard::default().takes(Path::new(path)));
        }
        // `./x` and `x` are the same file to a shard.
        for k in 1..=5 {
            let shard = Shard { index: k, count: 5 };
            assert_eq!(shard.takes(Path::new("./x")), shard.takes(Path::new("x")));
        }
    }
}
