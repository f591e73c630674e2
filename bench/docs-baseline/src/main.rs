//! docs-baseline: the cost floor under linting a folder of Markdown API docs.
//!
//!   docs-baseline [--threads N] [--read-only] DIR
//!
//! Walks DIR (walkdir), reads every `*.md` file and parses it with pulldown-cmark (the parser
//! paylint uses), iterating `Parser::new(text).into_offset_iter()` to the end and counting the
//! fenced code blocks. --threads 1 (default) walks and parses interleaved on one thread;
//! --threads N>1 walks first, then parses on a rayon pool of N threads. --read-only reads every
//! file but does not parse it. Prints one JSON line: files, bytes, fences, secs, files_per_s,
//! mb_per_s (plus errors: files that could not be read or are not UTF-8).
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

#[derive(Default, Clone, Copy)]
struct Stats {
    files: u64,
    bytes: u64,
    fences: u64,
    errors: u64,
}

impl Stats {
    fn add(self, o: Stats) -> Stats {
        Stats {
            files: self.files + o.files,
            bytes: self.bytes + o.bytes,
            fences: self.fences + o.fences,
            errors: self.errors + o.errors,
        }
    }
}

fn one(path: &Path, read_only: bool) -> Stats {
    let mut s = Stats {
        files: 1,
        ..Stats::default()
    };
    let Ok(buf) = std::fs::read(path) else {
        s.errors = 1;
        return s;
    };
    s.bytes = buf.len() as u64;
    if read_only {
        std::hint::black_box(&buf);
        return s;
    }
    let Ok(text) = String::from_utf8(buf) else {
        s.errors = 1;
        return s;
    };
    for (event, range) in Parser::new(&text).into_offset_iter() {
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) = event {
            s.fences += 1;
        }
        std::hint::black_box(range);
    }
    s
}

fn md_files(dir: &str) -> impl Iterator<Item = walkdir::DirEntry> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
}

fn die(msg: &str) -> ! {
    eprintln!("docs-baseline: {msg}\nusage: docs-baseline [--threads N] [--read-only] DIR");
    std::process::exit(2)
}

fn main() {
    let (mut threads, mut read_only, mut dir) = (1usize, false, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => {
                threads = args
                    .next()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or_else(|| die("--threads N"))
            }
            "--read-only" => read_only = true,
            _ if dir.is_none() && !a.starts_with('-') => dir = Some(a),
            _ => die(&format!("unexpected argument {a}")),
        }
    }
    let dir = dir.unwrap_or_else(|| die("no DIR"));
    let t0 = Instant::now();
    let s = if threads <= 1 {
        md_files(&dir).fold(Stats::default(), |acc, e| acc.add(one(e.path(), read_only)))
    } else {
        let paths: Vec<_> = md_files(&dir).map(walkdir::DirEntry::into_path).collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            paths
                .par_iter()
                .map(|p| one(p, read_only))
                .reduce(Stats::default, Stats::add)
        })
    };
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "{{\"files\":{},\"bytes\":{},\"fences\":{},\"errors\":{},\"threads\":{},\"read_only\":{},\"secs\":{:.6},\"files_per_s\":{:.1},\"mb_per_s\":{:.2}}}",
        s.files, s.bytes, s.fences, s.errors, threads, read_only, secs,
        s.files as f64 / secs, s.bytes as f64 / 1e6 / secs
    );
}
