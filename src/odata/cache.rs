//! Loading a metadata document as a [`Model`], through a cache of compiled models keyed by a
//! hash of the document's content (and of paylint's version): the first run reads and compiles
//! the XML, later runs read the entry's head back and each type, enum or operation only when it
//! is first used ([`super::table`]).
//!
//! The cache is a folder of files named by that key: `$PAYLINT_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/paylint`, else `~/.cache/paylint`. An entry is written atomically (a
//! temporary file in the folder, then a rename); one that cannot be written, read or trusted
//! (truncated, from another version, failing its checksum or [`Model::validate`]) is ignored and
//! the document compiled again. A run never fails because of the cache.

use super::build::{self, Options, Problem, ProblemSeverity};
use super::model::{EntitySet, Import, Namespace, Singleton, Sizes, Table, Version};
use super::{csdl, table, Model, Position};

use std::path::{Path, PathBuf};

/// Bumped whenever the model's shape or its compilation changes.
const FORMAT: u32 = 4;
const MAGIC: &[u8; 8] = b"PLMODEL\0";

/// Documents larger than this are refused (Microsoft Graph's is 3.4 MB).
pub const MAX_DOCUMENT: u64 = 512 * 1024 * 1024;

/// A problem of the document, placed.
#[derive(Debug, Clone, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub struct Placed {
    pub error: bool,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl std::fmt::Display for Placed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line,
            self.column,
            if self.error { "error" } else { "warning" },
            self.message
        )?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// Why a document could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    Read(PathBuf, std::io::Error),
    TooLarge {
        path: PathBuf,
        size: u64,
    },
    Encoding {
        path: PathBuf,
        what: String,
    },
    Xml {
        path: PathBuf,
        at: Position,
        message: String,
    },
    Invalid {
        path: PathBuf,
        problems: Vec<Placed>,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Read(p, e) => write!(f, "cannot read the metadata {}: {e}", p.display()),
            LoadError::TooLarge { path, size } => write!(
                f,
                "the metadata {} is {size} bytes, over the {MAX_DOCUMENT}-byte limit",
                path.display()
            ),
            LoadError::Encoding { path, what } => {
                write!(f, "the metadata {} is {what}", path.display())
            }
            LoadError::Xml { path, at, message } => {
                write!(f, "bad metadata {}:{at}: {message}", path.display())
            }
            LoadError::Invalid { path, problems } => {
                let errors = problems.iter().filter(|p| p.error).count();
                write!(
                    f,
                    "bad metadata {}: {errors} error{}",
                    path.display(),
                    if errors == 1 { "" } else { "s" }
                )?;
                for p in problems {
                    write!(f, "\n  {}:{p}", path.display())?;
                }
                write!(
                    f,
                    "\n  (--allow-unresolved turns unresolved names into warnings)"
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// A loaded model and the warnings its document gives.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub warnings: Vec<Placed>,
}

/// Where compiled models are kept, if anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheDir {
    Off,
    At(PathBuf),
}

impl CacheDir {
    /// `$PAYLINT_CACHE_DIR`, `$XDG_CACHE_HOME/paylint`, `$HOME/.cache/paylint`, else none.
    pub fn from_env() -> CacheDir {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(d) = var("PAYLINT_CACHE_DIR") {
            return CacheDir::At(d);
        }
        if let Some(d) = var("XDG_CACHE_HOME") {
            return CacheDir::At(d.join("paylint"));
        }
        match var("HOME") {
            Some(h) => CacheDir::At(h.join(".cache").join("paylint")),
            None => CacheDir::Off,
        }
    }
}

/// Reads, decodes and compiles the document at `path`, or takes its compiled model from the
/// cache.
pub fn load(
    path: &Path,
    options: &Options,
    cache: &CacheDir,
    descriptions: Descriptions,
) -> Result<Loaded, LoadError> {
    let CacheDir::At(dir) = cache else {
        let bytes = read_capped(path)?;
        return compile(path, &decode(path, bytes)?, options);
    };
    // The file's identity and times, remembered with its content key: an unchanged file is not
    // read again to be hashed.
    let stamp = Stamp::of(path, options);
    if let Some(key) = stamp.as_ref().and_then(|s| s.known_key(dir)) {
        if let Some(loaded) = read_entry(&dir.join(entry_name(key)), descriptions) {
            return Ok(loaded);
        }
    }
    let bytes = read_capped(path)?;
    let key = key(&bytes, options);
    if let Some(loaded) = read_entry(&dir.join(entry_name(key)), descriptions) {
        if let Some(s) = &stamp {
            s.remember(dir, key);
        }
        return Ok(loaded);
    }
    let text = decode(path, bytes)?;
    let mut loaded = compile(path, &text, options)?;
    // Best effort: a cache that cannot be written costs the next run a compile, no more.
    if write_entry(dir, &entry_name(key), &mut loaded).is_ok() {
        if let Some(s) = &stamp {
            s.remember(dir, key);
        }
    }
    Ok(loaded)
}

/// What a metadata file was when its content key was computed: device, inode, size, times
/// (what git's index compares), and the options and version the key includes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    /// Names the stamp file: a hash of the canonical path.
    name: String,
    fields: [u64; 7],
}

impl Stamp {
    fn of(path: &Path, options: &Options) -> Option<Stamp> {
        use std::os::unix::fs::MetadataExt;
        let canonical = std::fs::canonicalize(path).ok()?;
        let m = std::fs::metadata(&canonical).ok()?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(canonical.as_os_str().as_encoded_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&FORMAT.to_le_bytes());
        h.update(&[u8::from(options.allow_unresolved)]);
        Some(Stamp {
            name: format!("stamp-{:016x}", h.digest()),
            fields: [
                m.dev(),
                m.ino(),
                m.size(),
                m.mtime() as u64,
                m.mtime_nsec() as u64,
                m.ctime() as u64,
                m.ctime_nsec() as u64,
            ],
        })
    }

    /// The content key remembered for this file, if the file is as it was then. A file
    /// modified in the two seconds before its stamp was written may have changed again within
    /// the same timestamp ("racy" in git's words): its stamp is not trusted.
    fn known_key(&self, dir: &Path) -> Option<u128> {
        let bytes = std::fs::read(dir.join(&self.name)).ok()?;
        if bytes.len() != 8 * 8 + 16 {
            return None;
        }
        let word =
            |i: usize| u64::from_le_bytes(bytes[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
        let fields: Vec<u64> = (0..7).map(word).collect();
        let written = word(7);
        let changed_secs = self.fields[3].max(self.fields[5]);
        if fields != self.fields || changed_secs + 2 > written {
            return None;
        }
        Some(u128::from_le_bytes(bytes[64..80].try_into().ok()?))
    }

    fn remember(&self, dir: &Path, key: u128) {
        use std::io::Write;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut bytes = Vec::with_capacity(80);
        for f in self.fields {
            bytes.extend_from_slice(&f.to_le_bytes());
        }
        bytes.extend_from_slice(&now.to_le_bytes());
        bytes.extend_from_slice(&key.to_le_bytes());
        let write = || -> std::io::Result<()> {
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(&bytes)?;
            tmp.persist(dir.join(&self.name)).map_err(|e| e.error)?;
            Ok(())
        };
        let _ = write();
    }
}

/// Compiles a document's text (no cache).
pub fn compile(path: &Path, text: &str, options: &Options) -> Result<Loaded, LoadError> {
    let doc = csdl::read(text).map_err(|e| LoadError::Xml {
        path: path.to_path_buf(),
        at: Position::of(text, e.at),
        message: e.message,
    })?;
    let place = |p: &Problem| Placed {
        error: p.severity == ProblemSeverity::Error,
        line: Position::of(text, p.at).line,
        column: Position::of(text, p.at).column,
        message: p.message.clone(),
        hint: p.hint.clone(),
    };
    match build::compile(&doc, text, options) {
        Ok((model, warnings)) => Ok(Loaded {
            model,
            warnings: warnings.iter().map(place).collect(),
        }),
        Err(problems) => Err(LoadError::Invalid {
            path: path.to_path_buf(),
            problems: problems.iter().map(place).collect(),
        }),
    }
}

fn read_capped(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| LoadError::Read(path.to_path_buf(), e))?;
    let mut bytes = Vec::new();
    file.take(MAX_DOCUMENT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Read(path.to_path_buf(), e))?;
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size: std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len()),
        });
    }
    Ok(bytes)
}

/// UTF-8 (a byte order mark dropped) or UTF-16 with a byte order mark (what Windows PowerShell
/// 5 writes); anything else is refused with what it looks like.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, LoadError> {
    let bad = |what: String| LoadError::Encoding {
        path: path.to_path_buf(),
        what,
    };
    let utf16 = |bytes: &[u8], little: bool| {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if little {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units)
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, true).map_err(|_| bad("UTF-16 with invalid characters".into()));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, false).map_err(|_| bad("UTF-16 with invalid characters".into()));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if body.len() >= 2 && (body[0] == 0 || body[1] == 0) {
        return Err(bad(
            "UTF-16 without a byte order mark: save it as UTF-8 (or UTF-16 with a BOM)".into(),
        ));
    }
    match std::str::from_utf8(body) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let text = String::from_utf8_lossy(&body[..e.valid_up_to()]);
            let at = Position::of(&text, text.len());
            let declared = declared_encoding(&text);
            Err(bad(format!(
                "not UTF-8 (invalid byte at {at}{}): convert it to UTF-8, e.g. with `iconv -t UTF-8`",
                declared
                    .map(|d| format!("; it declares `encoding=\"{d}\"`"))
                    .unwrap_or_default()
            )))
        }
    }
}

fn declared_encoding(text: &str) -> Option<String> {
    let decl = text.strip_prefix("<?xml")?;
    let end = decl.find("?>")?;
    let decl = &decl[..end];
    let i = decl.find("encoding")?;
    let rest = decl[i + 8..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next()?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_string())
}

/// The cache key: the document's bytes, paylint's version, the model format and the options
/// that change what is compiled.
fn key(bytes: &[u8], options: &Options) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(bytes);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(&FORMAT.to_le_bytes());
    h.update(&[u8::from(options.allow_unresolved)]);
    h.digest128()
}

fn entry_name(key: u128) -> String {
    format!("model-{key:032x}.bin")
}

/// Whether a load needs the model's descriptions (the editor's hovers and completions do; a lint
/// run does not, and skipping them spares a third of the entry's bytes and thousands of strings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Descriptions {
    Wanted,
    Skipped,
}

/// The bytes before an entry's sections: magic, format, then each section's length and checksum.
const HEADER: usize = 8 + 4 + 3 * (8 + 16);

/// An entry's first section: the model without its tables' items (which the second section
/// holds, each encoded on its own, for [`Table`] to decode when first asked for), with the
/// index of those items and the document's warnings.
#[derive(bitcode::Encode, bitcode::Decode)]
struct Head {
    warnings: Vec<Placed>,
    version: Version,
    namespaces: Vec<Namespace>,
    entity_sets: Vec<EntitySet>,
    singletons: Vec<Singleton>,
    imports: Vec<Import>,
    /// Each type's base, so that inheritance is checked acyclic before any type is decoded.
    bases: Vec<Option<u32>>,
    types: table::Index,
    enums: table::Index,
    operations: table::Index,
}

/// An entry: magic, format, and three sections, each with its length and checksum: the
/// [`Head`], the tables' items, and the descriptions ([`Model::take_descriptions`]), read only
/// when wanted. The items are read one at a time when first used, each checked against its own
/// checksum in the head, so the items section's is not read back.
fn read_entry(path: &Path, descriptions: Descriptions) -> Option<Loaded> {
    use std::os::unix::fs::FileExt;
    let file = std::fs::File::open(path).ok()?;
    let mut header = [0u8; HEADER];
    file.read_exact_at(&mut header, 0).ok()?;
    if &header[..8] != MAGIC || u32::from_le_bytes(header[8..12].try_into().ok()?) != FORMAT {
        return None;
    }
    let field = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or([0; 8]));
    let len = |n: usize| field(12 + n * 24);
    let sum = |n: usize| {
        u128::from_le_bytes(
            header[12 + n * 24 + 8..12 + n * 24 + 24]
                .try_into()
                .unwrap_or([0; 16]),
        )
    };
    let start = |n: usize| (0..n).try_fold(HEADER as u64, |at, i| at.checked_add(len(i)));
    // The file holds the three sections whole: what is allocated below is bounded by it.
    if start(3)? != file.metadata().ok()?.len() {
        return None;
    }
    let read = |n: usize| -> Option<Vec<u8>> {
        let mut bytes = vec![0; usize::try_from(len(n)).ok()?];
        file.read_exact_at(&mut bytes, start(n)?).ok()?;
        (xxhash_rust::xxh3::xxh3_128(&bytes) == sum(n)).then_some(bytes)
    };
    let head: Head = bitcode::decode(&read(0)?).ok()?;
    let wanted = match descriptions {
        Descriptions::Wanted => Some(read(2)?),
        Descriptions::Skipped => None,
    };
    let (at, items_len) = (start(1)?, len(1));
    let items = std::sync::Arc::new(table::Bytes::in_file(file, at, items_len));
    let sizes = std::sync::Arc::new(Sizes {
        types: head.types.ends.len() as u32,
        enums: head.enums.ends.len() as u32,
        operations: head.operations.ends.len() as u32,
        bases: head.bases,
    });
    let mut model = Model {
        version: head.version,
        namespaces: head.namespaces,
        types: Table::loaded(items.clone(), head.types, sizes.clone()).ok()?,
        enums: Table::loaded(items.clone(), head.enums, sizes.clone()).ok()?,
        operations: Table::loaded(items, head.operations, sizes.clone()).ok()?,
        entity_sets: head.entity_sets,
        singletons: head.singletons,
        imports: head.imports,
    };
    model.validate(&sizes.bases).ok()?;
    if let Some(bytes) = wanted {
        let all: Vec<Option<Box<str>>> = bitcode::decode(&bytes).ok()?;
        model.restore_descriptions(all).ok()?;
    }
    Some(Loaded {
        model,
        warnings: head.warnings,
    })
}

fn write_entry(dir: &Path, name: &str, loaded: &mut Loaded) -> std::io::Result<()> {
    use std::io::Write;
    let model = &mut loaded.model;
    let all = model.take_descriptions();
    let mut items = Vec::new();
    let head = Head {
        warnings: loaded.warnings.clone(),
        version: model.version,
        namespaces: model.namespaces.clone(),
        entity_sets: model.entity_sets.clone(),
        singletons: model.singletons.clone(),
        imports: model.imports.clone(),
        bases: model.types.iter().map(|t| t.base).collect(),
        types: model.types.encode(&mut items),
        enums: model.enums.encode(&mut items),
        operations: model.operations.encode(&mut items),
    };
    let head = bitcode::encode(&head);
    let descriptions = bitcode::encode(&all);
    model
        .restore_descriptions(all)
        .map_err(|e| std::io::Error::other(e.0))?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(MAGIC)?;
    tmp.write_all(&FORMAT.to_le_bytes())?;
    let sections = [&head, &items, &descriptions];
    for section in sections {
        tmp.write_all(&(section.len() as u64).to_le_bytes())?;
        tmp.write_all(&xxhash_rust::xxh3::xxh3_128(section).to_le_bytes())?;
    }
    for section in sections {
        tmp.write_all(section)?;
    }
    tmp.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="t"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
      <EntityContainer Name="c"><EntitySet Name="ts" EntityType="ns.t"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    #[test]
    fn a_second_load_comes_from_the_cache_and_a_corrupt_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("m.xml");
        std::fs::write(&doc, DOC).unwrap();
        let cache = CacheDir::At(dir.path().join("cache"));
        let first = load(&doc, &Options::default(), &cache, Descriptions::Wanted).unwrap();
        let entries: Vec<PathBuf> = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("model-")
            })
            .collect();
        assert_eq!(entries.len(), 1);
        let entry = entries[0].clone();
        let second = load(&doc, &Options::default(), &cache, Descriptions::Wanted).unwrap();
        assert_eq!(first.model.types.len(), second.model.types.len());
        // Corrupt the entry: it is ignored and rewritten.
        let mut bytes = std::fs::read(&entry).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xFF;
        std::fs::write(&entry, &bytes).unwrap();
        // The damage is in the descriptions: a lint run, which skips them, still reads it.
        assert!(read_entry(&entry, Descriptions::Skipped).is_some());
        assert!(read_entry(&entry, Descriptions::Wanted).is_none());
        let third = load(&doc, &Options::default(), &cache, Descriptions::Wanted).unwrap();
        assert_eq!(third.model.entity_sets[0].name, "ts");
        assert!(read_entry(&entry, Descriptions::Wanted).is_some());
        // A folder that cannot be written is no error.
        let blocked = dir.path().join("file");
        std::fs::write(&blocked, "x").unwrap();
        assert!(load(
            &doc,
            &Options::default(),
            &CacheDir::At(blocked.join("sub")),
            Descriptions::Wanted
        )
        .is_ok());
    }

    /// Rewrites section `n` of the entry at `path` with `change`, and its checksum to match: what
    /// a forged entry would be.
    fn forge(path: &Path, n: usize, change: impl Fn(Vec<u8>) -> Vec<u8>) {
        let bytes = std::fs::read(path).unwrap();
        let len = |i: usize| {
            let at = 12 + i * 24;
            u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
        };
        let mut sections: Vec<Vec<u8>> = Vec::new();
        let mut at = HEADER;
        for i in 0..3 {
            sections.push(bytes[at..at + len(i)].to_vec());
            at += len(i);
        }
        sections[n] = change(std::mem::take(&mut sections[n]));
        let mut out = bytes[..12].to_vec();
        for s in &sections {
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(&xxhash_rust::xxh3::xxh3_128(s).to_le_bytes());
        }
        sections.iter().for_each(|s| out.extend_from_slice(s));
        std::fs::write(path, out).unwrap();
    }

    #[test]
    fn a_type_is_decoded_when_first_read_and_a_forged_one_checks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("m.xml");
        std::fs::write(&doc, DOC).unwrap();
        let cache = CacheDir::At(dir.path().join("cache"));
        load(&doc, &Options::default(), &cache, Descriptions::Skipped).unwrap();
        let entry = std::fs::read_dir(dir.path().join("cache"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("model-"))
            .unwrap();
        let loaded = read_entry(&entry, Descriptions::Skipped).unwrap();
        assert_eq!(loaded.model.types.decoded(), 0);
        assert_eq!(loaded.model.structured("ns.t"), Some(0));
        assert_eq!(
            loaded.model.types.decoded(),
            0,
            "a lookup by name decodes nothing"
        );
        assert_eq!(loaded.model.ty(0).key, ["id"]);
        assert_eq!(loaded.model.types.decoded(), 1);
        // Items that are not what their checksums say: the type accepts any value.
        forge(&entry, 1, |items| vec![0xff; items.len()]);
        let forged = read_entry(&entry, Descriptions::Skipped).unwrap();
        let t = forged.model.ty(0);
        assert!(t.any_json && t.open && t.properties.is_empty(), "{t:?}");
        assert_eq!(t.name, "ns.t");
        // A head whose types derive from themselves is refused, and the document compiled again.
        forge(&entry, 0, |head| {
            let mut h: Head = bitcode::decode(&head).unwrap();
            h.bases = vec![Some(0)];
            bitcode::encode(&h)
        });
        assert!(read_entry(&entry, Descriptions::Skipped).is_none());
        let again = load(&doc, &Options::default(), &cache, Descriptions::Skipped).unwrap();
        assert_eq!(again.model.ty(0).key, ["id"]);
    }

    #[test]
    fn descriptions_come_from_the_cache_only_when_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("m.xml");
        let described = DOC.replace(
            r#"<Property Name="id" Type="Edm.String" Nullable="false"/>"#,
            r#"<Property Name="id" Type="Edm.String" Nullable="false"><Annotation Term="Org.OData.Core.V1.Description" String="The key."/></Property>"#,
        );
        std::fs::write(&doc, described).unwrap();
        let cache = CacheDir::At(dir.path().join("cache"));
        let described = |l: &Loaded| l.model.types[0].properties[0].description.clone();
        let compiled = load(&doc, &Options::default(), &cache, Descriptions::Skipped).unwrap();
        assert_eq!(described(&compiled).as_deref(), Some("The key."));
        let skipped = load(&doc, &Options::default(), &cache, Descriptions::Skipped).unwrap();
        assert_eq!(described(&skipped), None);
        assert_eq!(skipped.model.types[0].properties[0].name, "id");
        let wanted = load(&doc, &Options::default(), &cache, Descriptions::Wanted).unwrap();
        assert_eq!(described(&wanted).as_deref(), Some("The key."));
    }

    #[test]
    fn a_changed_document_is_compiled_again_even_with_its_old_size_and_mtime() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("m.xml");
        std::fs::write(&doc, DOC).unwrap();
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&doc)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let cache = CacheDir::At(dir.path().join("cache"));
        assert_eq!(
            load(&doc, &Options::default(), &cache, Descriptions::Wanted)
                .unwrap()
                .model
                .entity_sets[0]
                .name,
            "ts"
        );
        // The stamp is trusted now (the file is older than it): same answer without a read.
        assert_eq!(
            load(&doc, &Options::default(), &cache, Descriptions::Wanted)
                .unwrap()
                .model
                .entity_sets[0]
                .name,
            "ts"
        );
        // Same size, same mtime, other content: the change time differs, so it is read again.
        std::fs::write(&doc, DOC.replace("Name=\"ts\"", "Name=\"us\"")).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&doc)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert_eq!(
            load(&doc, &Options::default(), &cache, Descriptions::Wanted)
                .unwrap()
                .model
                .entity_sets[0]
                .name,
            "us"
        );
    }

    #[test]
    fn encodings() {
        let p = Path::new("m.xml");
        let mut le = vec![0xFF, 0xFE];
        for u in DOC.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(p, le).unwrap(), DOC);
        let mut be = vec![0xFE, 0xFF];
        for u in DOC.encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(p, be).unwrap(), DOC);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(DOC.as_bytes());
        assert_eq!(decode(p, bom).unwrap(), DOC);
        let no_bom: Vec<u8> = DOC.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(decode(p, no_bom)
            .unwrap_err()
            .to_string()
            .contains("without a byte order mark"));
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>\xE9</a>".to_vec();
        let e = decode(p, latin).unwrap_err().to_string();
        assert!(
            e.contains("not UTF-8") && e.contains("ISO-8859-1") && e.contains("2:4"),
            "{e}"
        );
    }
}
