//! A model's list of named items (its structured types, enum types or operations), sorted by
//! name, whose items a model loaded from the cache decodes only when first asked for.
//!
//! One page of Microsoft Graph's docs needs a few dozen of its 2,961 types; decoding them all
//! is a thousand fresh pages of memory, most of a warm one-page run. A loaded table keeps the
//! names and where each item's encoded bytes are ([`Bytes`]: the cache entry, read an item at a
//! time), so a lookup by name decodes nothing and an item is read, checked against its checksum
//! and the model's sizes, and decoded once, by the first reader that needs it.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// What a table holds.
pub trait Item: Sized {
    /// What an item is checked against when it is decoded (the model's sizes).
    type Context: std::fmt::Debug;

    fn name(&self) -> &str;

    /// Does the item, the one at `index`, fit the model (every index it holds in range)?
    fn fits(&self, index: usize, context: &Self::Context) -> bool;

    /// Stands for an item that cannot be read back (its bytes fail their checksum, do not
    /// decode, or do not fit): one that checks as little as it can, so that it raises no false
    /// finding.
    fn unreadable(name: &str) -> Self;
}

/// Where a loaded table's items are in its [`Bytes`], with their names and checksums.
#[derive(Debug, Clone, PartialEq, Eq, bitcode::Encode, bitcode::Decode)]
pub struct Index {
    /// Where the table's items start in the bytes.
    pub start: u64,
    /// Each item's end, from `start`.
    pub ends: Vec<u32>,
    /// Each item's checksum (the low half of its xxh3-64).
    pub sums: Vec<u32>,
    /// Every name, one after another, and each one's end.
    pub names: String,
    pub name_ends: Vec<u32>,
}

fn sum(bytes: &[u8]) -> u32 {
    xxhash_rust::xxh3::xxh3_64(bytes) as u32
}

/// After this many items read one at a time, the rest of the bytes are read whole: a run over
/// many pages decodes most of the model, and one read is then cheaper than thousands.
const SINGLE_READS: usize = 64;

/// The encoded items of a loaded model's tables: in memory, or a section of a cache entry,
/// read with one `pread` an item until [`SINGLE_READS`] have been, then whole. Reading by
/// position from an open file, not mapping it, so that a file changed under a run can only
/// give bytes that fail their checksum, never a fault.
#[derive(Debug)]
pub struct Bytes {
    len: u64,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Memory(Vec<u8>),
    File {
        file: std::fs::File,
        offset: u64,
        reads: AtomicUsize,
        whole: OnceLock<Option<Vec<u8>>>,
    },
}

impl Bytes {
    pub fn in_memory(bytes: Vec<u8>) -> Bytes {
        Bytes {
            len: bytes.len() as u64,
            source: Source::Memory(bytes),
        }
    }

    /// The `len` bytes of `file` from `offset`.
    pub fn in_file(file: std::fs::File, offset: u64, len: u64) -> Bytes {
        Bytes {
            len,
            source: Source::File {
                file,
                offset,
                reads: AtomicUsize::new(0),
                whole: OnceLock::new(),
            },
        }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes in `range`, if they can be read.
    fn read(&self, range: Range<u64>) -> Option<Cow<'_, [u8]>> {
        use std::os::unix::fs::FileExt;
        fn in_memory(b: &[u8], range: Range<u64>) -> Option<Cow<'_, [u8]>> {
            let r = usize::try_from(range.start).ok()?..usize::try_from(range.end).ok()?;
            b.get(r).map(Cow::Borrowed)
        }
        let (file, offset, reads, whole) = match &self.source {
            Source::Memory(b) => return in_memory(b, range),
            Source::File {
                file,
                offset,
                reads,
                whole,
            } => (file, *offset, reads, whole),
        };
        if range.end > self.len || range.start > range.end {
            return None;
        }
        if whole.get().is_some() || reads.fetch_add(1, Ordering::Relaxed) >= SINGLE_READS {
            let all = whole.get_or_init(|| {
                let mut b = vec![0; usize::try_from(self.len).ok()?];
                file.read_exact_at(&mut b, offset).ok().map(|()| b)
            });
            if let Some(b) = all {
                return in_memory(b, range);
            }
        }
        let mut b = vec![0; usize::try_from(range.end - range.start).ok()?];
        file.read_exact_at(&mut b, offset + range.start).ok()?;
        Some(Cow::Owned(b))
    }
}

#[derive(Debug, Clone)]
struct Encoded<C> {
    bytes: Arc<Bytes>,
    index: Index,
    context: Arc<C>,
}

impl<C> Encoded<C> {
    fn range(&self, ends: &[u32], i: usize) -> Range<usize> {
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        start..ends[i] as usize
    }

    fn name(&self, i: usize) -> &str {
        let r = self.range(&self.index.name_ends, i);
        self.index.names.get(r).unwrap_or_default()
    }
}

/// A list of items, each decoded on first use when the list comes from the cache.
#[derive(Debug, Clone)]
pub struct Table<T: Item> {
    cells: Box<[OnceLock<Box<T>>]>,
    encoded: Option<Encoded<T::Context>>,
}

impl<T: Item> Default for Table<T> {
    fn default() -> Self {
        Vec::new().into()
    }
}

impl<T: Item> From<Vec<T>> for Table<T> {
    fn from(items: Vec<T>) -> Self {
        Table {
            cells: items
                .into_iter()
                .map(|t| OnceLock::from(Box::new(t)))
                .collect(),
            encoded: None,
        }
    }
}

impl<T: Item> FromIterator<T> for Table<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        iter.into_iter().collect::<Vec<T>>().into()
    }
}

/// Why a table's index does not fit its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadIndex;

impl<T: Item + bitcode::DecodeOwned> Table<T> {
    /// A table over `bytes`, as [`Table::encode`] wrote it, whose items are checked against
    /// `context` when decoded. The index itself is checked here: its ends rise and stay in the
    /// bytes, and its names are on character boundaries.
    pub fn loaded(
        bytes: Arc<Bytes>,
        index: Index,
        context: Arc<T::Context>,
    ) -> Result<Table<T>, BadIndex> {
        let rising = |ends: &[u32], limit: usize| {
            ends.windows(2).all(|w| w[0] <= w[1])
                && ends.last().is_none_or(|&e| e as usize <= limit)
        };
        let room = bytes.len().checked_sub(index.start).ok_or(BadIndex)?;
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        let fits = index.ends.len() == index.name_ends.len()
            && index.ends.len() == index.sums.len()
            && rising(&index.ends, room)
            && rising(&index.name_ends, index.names.len())
            && index
                .name_ends
                .iter()
                .all(|&e| index.names.is_char_boundary(e as usize));
        if !fits {
            return Err(BadIndex);
        }
        Ok(Table {
            cells: (0..index.ends.len()).map(|_| OnceLock::new()).collect(),
            encoded: Some(Encoded {
                bytes,
                index,
                context,
            }),
        })
    }

    /// Item `i`, decoded now if this is its first use.
    pub fn get(&self, i: usize) -> Option<&T> {
        let cell = self.cells.get(i)?;
        Some(cell.get_or_init(|| Box::new(self.decode(i))))
    }

    /// Every item (decoding those not yet decoded).
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            table: self,
            next: 0,
        }
    }

    fn decode(&self, i: usize) -> T {
        // Only a loaded table has cells left empty.
        let Some(e) = &self.encoded else {
            return T::unreadable("");
        };
        let r = e.range(&e.index.ends, i);
        let start = e.index.start;
        let decoded = e
            .bytes
            .read(start + r.start as u64..start + r.end as u64)
            .filter(|b| sum(b) == e.index.sums[i])
            .and_then(|b| bitcode::decode::<T>(&b).ok());
        match decoded {
            Some(t) if t.fits(i, &e.context) && t.name() == e.name(i) => t,
            _ => T::unreadable(e.name(i)),
        }
    }

    /// How many items are decoded.
    #[cfg(test)]
    pub(crate) fn decoded(&self) -> usize {
        self.cells.iter().filter(|c| c.get().is_some()).count()
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Item `i`'s name, without decoding it.
    pub fn name(&self, i: usize) -> &str {
        match (self.cells.get(i).and_then(|c| c.get()), &self.encoded) {
            (Some(t), _) => t.name(),
            (None, Some(e)) => e.name(i),
            (None, None) => "",
        }
    }

    /// Every name, in order, without decoding any item.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.name(i))
    }

    pub fn last(&self) -> Option<&T> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    fn force(&mut self) {
        for i in 0..self.len() {
            self.get(i);
        }
    }

    /// Every item, to change (decoding them all first).
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> + '_ {
        self.force();
        self.cells
            .iter_mut()
            .filter_map(|c| c.get_mut().map(|b| &mut **b))
    }

    pub fn last_mut(&mut self) -> Option<&mut T> {
        self.iter_mut().last()
    }

    /// The bytes [`Table::loaded`] reads back: each item encoded on its own, one after another,
    /// appended to `out`, and the index of them.
    pub fn encode(&self, out: &mut Vec<u8>) -> Index
    where
        T: bitcode::Encode,
    {
        let start = out.len() as u64;
        let (mut ends, mut sums) = (Vec::new(), Vec::new());
        let (mut names, mut name_ends) = (String::new(), Vec::new());
        for t in self.iter() {
            let bytes = bitcode::encode(t);
            sums.push(sum(&bytes));
            out.extend_from_slice(&bytes);
            ends.push((out.len() as u64 - start) as u32);
            names.push_str(t.name());
            name_ends.push(names.len() as u32);
        }
        Index {
            start,
            ends,
            sums,
            names,
            name_ends,
        }
    }
}

impl<T: Item + bitcode::DecodeOwned> std::ops::Index<usize> for Table<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(t) => t,
            None => panic!("index {i} out of range for a table of {}", self.len()),
        }
    }
}

impl<T: Item + bitcode::DecodeOwned> std::ops::IndexMut<usize> for Table<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        self.get(i);
        let len = self.len();
        match self.cells.get_mut(i).and_then(|c| c.get_mut()) {
            Some(t) => t,
            None => panic!("index {i} out of range for a table of {len}"),
        }
    }
}

impl<'a, T: Item + bitcode::DecodeOwned> IntoIterator for &'a Table<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// A table's items in order, see [`Table::iter`].
pub struct Iter<'a, T: Item> {
    table: &'a Table<T>,
    next: usize,
}

impl<'a, T: Item + bitcode::DecodeOwned> Iterator for Iter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let t = self.table.get(self.next)?;
        self.next += 1;
        Some(t)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.table.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl<T: Item + bitcode::DecodeOwned> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, bitcode::Encode, bitcode::Decode)]
    struct Named {
        name: String,
        points_at: u32,
    }

    impl Item for Named {
        /// How many items there are.
        type Context = u32;
        fn name(&self) -> &str {
            &self.name
        }
        fn fits(&self, _: usize, len: &u32) -> bool {
            self.points_at < *len
        }
        fn unreadable(name: &str) -> Self {
            Named {
                name: name.to_string(),
                points_at: 0,
            }
        }
    }

    fn items() -> Vec<Named> {
        ["a", "b", "c"]
            .iter()
            .enumerate()
            .map(|(i, n)| Named {
                name: n.to_string(),
                points_at: (2 - i) as u32,
            })
            .collect()
    }

    fn reloaded(table: &Table<Named>, tamper: impl Fn(&mut Vec<u8>)) -> Table<Named> {
        let mut bytes = b"ahead".to_vec();
        let index = table.encode(&mut bytes);
        tamper(&mut bytes);
        let bytes = Arc::new(Bytes::in_memory(bytes));
        Table::loaded(bytes, index, Arc::new(table.len() as u32)).unwrap()
    }

    #[test]
    fn a_loaded_table_decodes_an_item_on_first_use_only() {
        let built: Table<Named> = items().into();
        assert_eq!(built.decoded(), 3);
        let loaded = reloaded(&built, |_| {});
        assert_eq!(loaded.len(), 3);
        assert_eq!(loaded.names().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(loaded.decoded(), 0, "names come from the index");
        assert_eq!(loaded[1], items()[1]);
        assert_eq!(loaded.decoded(), 1);
        assert_eq!(loaded.iter().cloned().collect::<Vec<_>>(), items());
        assert_eq!(loaded.decoded(), 3);
        assert!(loaded.get(3).is_none());
    }

    #[test]
    fn a_changed_item_is_kept_and_encoded_again() {
        let mut loaded = reloaded(&items().into(), |_| {});
        loaded.last_mut().unwrap().points_at = 1;
        assert_eq!(loaded[2].points_at, 1);
        assert_eq!(reloaded(&loaded, |_| {})[2].points_at, 1);
    }

    #[test]
    fn an_item_that_does_not_decode_or_fit_is_unreadable_not_a_crash() {
        let built: Table<Named> = items().into();
        // Every byte of the items turned to 0xff: no item decodes.
        let garbled = reloaded(&built, |b| b[5..].iter_mut().for_each(|x| *x = 0xff));
        assert_eq!(garbled[0], Named::unreadable("a"));
        // An item that points outside the table.
        let outside = Table::from(vec![Named {
            name: "x".into(),
            points_at: 7,
        }]);
        assert_eq!(reloaded(&outside, |_| {})[0], Named::unreadable("x"));
    }

    #[test]
    fn an_index_that_does_not_fit_its_bytes_is_refused() {
        let built: Table<Named> = items().into();
        let mut bytes = Vec::new();
        let index = built.encode(&mut bytes);
        let bytes = Arc::new(Bytes::in_memory(bytes));
        let load = |index: Index| Table::<Named>::loaded(bytes.clone(), index, Arc::new(3)).err();
        assert_eq!(load(index.clone()), None);
        let mut past = index.clone();
        *past.ends.last_mut().unwrap() += 1;
        assert_eq!(load(past), Some(BadIndex));
        let mut falling = index.clone();
        falling.ends.swap(0, 1);
        assert_eq!(load(falling), Some(BadIndex));
        let mut short = index.clone();
        short.name_ends.pop();
        assert_eq!(load(short), Some(BadIndex));
        let mut unsummed = index.clone();
        unsummed.sums.pop();
        assert_eq!(load(unsummed), Some(BadIndex));
        let mut far = index;
        far.start = u64::MAX;
        assert_eq!(load(far), Some(BadIndex));
    }

    #[test]
    fn items_are_read_from_the_file_one_at_a_time_then_whole() {
        use std::io::Write;
        use std::os::unix::fs::FileExt;
        let many: Vec<Named> = (0..200)
            .map(|i| Named {
                name: format!("n{i:03}"),
                points_at: i,
            })
            .collect();
        let built: Table<Named> = many.clone().into();
        let mut bytes = b"header".to_vec();
        let index = built.encode(&mut bytes);
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let len = bytes.len() as u64 - 6;
        let in_file = Bytes::in_file(file.try_clone().unwrap(), 6, len);
        let index = Index {
            start: index.start - 6,
            ..index
        };
        let loaded = Table::<Named>::loaded(Arc::new(in_file), index, Arc::new(200)).unwrap();
        let whole = |t: &Table<Named>| match &t.encoded.as_ref().unwrap().bytes.source {
            Source::File { whole, .. } => whole.get().is_some(),
            Source::Memory(_) => unreachable!(),
        };
        assert_eq!(loaded[150], many[150]);
        assert!(!whole(&loaded));
        // The file changes under the run: what is read from it now fails its checksum.
        file.write_all_at(&vec![0; len as usize], 6).unwrap();
        assert_eq!(loaded[3], Named::unreadable("n003"));
        file.write_all_at(&bytes[6..], 6).unwrap();
        assert_eq!(loaded.iter().cloned().collect::<Vec<_>>()[4..], many[4..]);
        assert!(
            whole(&loaded),
            "read whole after {SINGLE_READS} single reads"
        );
    }
}
