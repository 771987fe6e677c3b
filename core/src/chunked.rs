//! A growable sequence stored as shared fixed-size chunks, so that cloning it
//! copies pointers, not elements. Logs and client histories grow for the whole
//! run; time travel keeps sparse clones of the simulation as checkpoints, and
//! with this layout those clones share every full chunk with the live run.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Elements per chunk by default: large enough that a clone of a long log
/// copies few pointers, small enough that writing after a clone copies little.
/// Logs hold small elements; big elements call for smaller chunks.
pub(crate) const CHUNK: usize = 128;

/// Chunks per segment of a [`ChunkedVec`]'s spine: a clone copies one
/// pointer per segment, so checkpoints of a long run do not each copy a
/// pointer per chunk (which grows with the run, and over a run's many
/// checkpoints adds up to its square).
const SEGMENT: usize = 64;

/// One chunk of elements, shared between the vectors that hold it.
type Chunk<T> = Arc<Vec<T>>;

/// A vector whose clones share storage in chunks of `N` elements; only the
/// chunk being written is copied on the first write after a clone. The
/// chunks themselves are listed in shared segments of [`SEGMENT`], so a
/// clone costs a pointer per `SEGMENT × N` elements.
#[derive(Clone)]
pub(crate) struct ChunkedVec<T, const N: usize = CHUNK> {
    /// The chunks in order, [`SEGMENT`] to a segment (the last may hold
    /// fewer). Invariant: `len.div_ceil(N)` chunks in all, every one but
    /// the last holding `N` elements.
    segments: Vec<Arc<Vec<Chunk<T>>>>,
    len: usize,
}

impl<T, const N: usize> ChunkedVec<T, N> {
    /// An empty vector.
    pub(crate) const fn new() -> ChunkedVec<T, N> {
        ChunkedVec {
            segments: Vec::new(),
            len: 0,
        }
    }
}

impl<T, const N: usize> Default for ChunkedVec<T, N> {
    fn default() -> ChunkedVec<T, N> {
        ChunkedVec::new()
    }
}

impl<T: Clone, const N: usize> ChunkedVec<T, N> {
    /// How many elements.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// True when there are no elements.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many chunks hold the elements.
    fn chunk_count(&self) -> usize {
        self.len.div_ceil(N)
    }

    /// Chunk `chunk` (which must exist).
    fn chunk(&self, chunk: usize) -> &Chunk<T> {
        &self.segments[chunk / SEGMENT][chunk % SEGMENT]
    }

    /// Chunk `chunk` (which must exist), to replace or write through; its
    /// segment is copied first if a clone shares it.
    fn chunk_mut(&mut self, chunk: usize) -> &mut Chunk<T> {
        &mut Arc::make_mut(&mut self.segments[chunk / SEGMENT])[chunk % SEGMENT]
    }

    /// Every chunk in order.
    fn chunks(&self) -> impl DoubleEndedIterator<Item = &Chunk<T>> + '_ {
        self.segments.iter().flat_map(|segment| segment.iter())
    }

    /// The element at `position`, from 0.
    pub(crate) fn get(&self, position: usize) -> Option<&T> {
        if position >= self.len {
            return None;
        }
        Some(&self.chunk(position / N)[position % N])
    }

    /// The last element.
    pub(crate) fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|p| self.get(p))
    }

    /// Adds `value` at the end.
    pub(crate) fn push(&mut self, value: T) {
        if self.len % N == 0 {
            if self.segments.last().is_none_or(|s| s.len() == SEGMENT) {
                self.segments.push(Arc::new(Vec::with_capacity(SEGMENT)));
            }
            let segment = self
                .segments
                .last_mut()
                .expect("a segment with room was just ensured");
            Arc::make_mut(segment).push(Arc::new(Vec::with_capacity(N)));
        }
        let last = self.chunk_mut(self.len / N);
        match Arc::get_mut(last) {
            Some(chunk) => chunk.push(value),
            None => {
                // Shared with a clone (a checkpoint): copy it with room for
                // the whole chunk, so it never grows past `N` by doubling.
                let mut copy = Vec::with_capacity(N);
                copy.extend(last.iter().cloned());
                copy.push(value);
                *last = Arc::new(copy);
            }
        }
        self.len += 1;
    }

    /// The element at `position`, from 0, to change (its chunk is copied
    /// first if a clone shares it).
    pub(crate) fn get_mut(&mut self, position: usize) -> Option<&mut T> {
        if position >= self.len {
            return None;
        }
        Some(&mut Arc::make_mut(self.chunk_mut(position / N))[position % N])
    }

    /// Drops the first `chunks` whole chunks (at most all but the last): the
    /// element at position `p` is then the one that was at
    /// `p + chunks * N`. Returns how many chunks were dropped.
    pub(crate) fn drop_front_chunks(&mut self, chunks: usize) -> usize {
        let chunks = chunks.min(self.chunk_count().saturating_sub(1));
        if chunks == 0 {
            return 0;
        }
        let rest: Vec<Chunk<T>> = self.chunks().skip(chunks).cloned().collect();
        self.segments = rest
            .chunks(SEGMENT)
            .map(|segment| Arc::new(segment.to_vec()))
            .collect();
        self.len -= chunks * N;
        chunks
    }

    /// Keeps the first `len` elements and drops the rest.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let chunks = len.div_ceil(N);
        self.segments.truncate(chunks.div_ceil(SEGMENT));
        let before_last = self.segments.len().saturating_sub(1) * SEGMENT;
        if let Some(last) = self.segments.last_mut() {
            if last.len() > chunks - before_last {
                Arc::make_mut(last).truncate(chunks - before_last);
            }
        }
        self.len = len;
        let in_last = len % N;
        if in_last != 0 {
            Arc::make_mut(self.chunk_mut(chunks - 1)).truncate(in_last);
        }
    }

    /// How many chunks hold all `N` of their elements (full chunks are
    /// never written again, except by a truncation or a `get_mut`, which
    /// copy them first if they are shared).
    pub(crate) fn full_chunks(&self) -> usize {
        self.len / N
    }

    /// The storage of full chunk `chunk`, to offer to an equal vector (see
    /// [`ChunkedVec::adopt_chunk`]).
    pub(crate) fn full_chunk(&self, chunk: usize) -> Option<&Arc<Vec<T>>> {
        (chunk < self.full_chunks()).then(|| self.chunk(chunk))
    }

    /// Makes full chunk `chunk` share `storage` when that holds exactly the
    /// elements already there, so equal vectors held apart (several
    /// servers' logs) are stored once. The vector's contents never change.
    /// Returns whether the chunk now shares `storage`.
    pub(crate) fn adopt_chunk(&mut self, chunk: usize, storage: &Arc<Vec<T>>) -> bool
    where
        T: PartialEq,
    {
        if chunk >= self.full_chunks() || storage.len() != N {
            return false;
        }
        let mine = self.chunk(chunk);
        if Arc::ptr_eq(mine, storage) {
            return true;
        }
        if **mine != **storage {
            return false;
        }
        *self.chunk_mut(chunk) = Arc::clone(storage);
        true
    }

    /// For a clone kept aside (a checkpoint): gives it its own exact-size
    /// copies of the chunk being written and of the last segment, so the
    /// vector it was cloned from writes on in its own, with room to spare,
    /// instead of copying both at its next write. The contents never change.
    pub(crate) fn release_open_chunk(&mut self) {
        if self.len % N != 0 {
            let open = self.len / N;
            let exact = self.chunk(open).to_vec();
            *self.chunk_mut(open) = Arc::new(exact);
        } else if let Some(last) = self.segments.last_mut() {
            if last.len() < SEGMENT {
                Arc::make_mut(last);
            }
        }
    }

    /// Every element in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks().flat_map(|chunk| chunk.iter())
    }

    /// The elements from `start` on, in order.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let first_chunk = start / N;
        let first_segment = first_chunk / SEGMENT;
        self.segments
            .get(first_segment..)
            .unwrap_or(&[])
            .iter()
            .enumerate()
            .flat_map(move |(i, segment)| {
                let skip = if i == 0 { first_chunk % SEGMENT } else { 0 };
                segment.iter().skip(skip)
            })
            .enumerate()
            .flat_map(move |(i, chunk)| {
                let skip = if i == 0 { start % N } else { 0 };
                chunk.iter().skip(skip)
            })
    }
}

impl<T: Clone, const N: usize> FromIterator<T> for ChunkedVec<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> ChunkedVec<T, N> {
        let mut vec = ChunkedVec::default();
        for item in items {
            vec.push(item);
        }
        vec
    }
}

impl<T: Clone + PartialEq, const N: usize> PartialEq for ChunkedVec<T, N> {
    fn eq(&self, other: &ChunkedVec<T, N>) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<T: Clone + Eq, const N: usize> Eq for ChunkedVec<T, N> {}

impl<T: Clone + Hash, const N: usize> Hash for ChunkedVec<T, N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.len.hash(state);
        for item in self.iter() {
            item.hash(state);
        }
    }
}

impl<T: Clone + fmt::Debug, const N: usize> fmt::Debug for ChunkedVec<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A map from small dense integer keys (log indexes) to values, stored as a
/// [`ChunkedVec`] of slots: a clone shares every full chunk, so checkers
/// that remember one value per log index can be checkpointed for the cost
/// of a few pointers per chunk rather than a copy of everything seen.
#[derive(Clone)]
pub(crate) struct DenseMap<T, const N: usize = 32> {
    /// The slot of key `k` is at position `k - forgotten`.
    slots: ChunkedVec<Option<T>, N>,
    /// How many of the lowest keys were forgotten (a multiple of `N`).
    forgotten: u64,
}

impl<T: Clone + fmt::Debug, const N: usize> fmt::Debug for DenseMap<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.slots
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| v.as_ref().map(|v| (k as u64 + self.forgotten, v))),
            )
            .finish()
    }
}

impl<T, const N: usize> Default for DenseMap<T, N> {
    fn default() -> DenseMap<T, N> {
        DenseMap {
            slots: ChunkedVec::new(),
            forgotten: 0,
        }
    }
}

impl<T: Clone, const N: usize> DenseMap<T, N> {
    /// The value at `key`.
    pub(crate) fn get(&self, key: u64) -> Option<&T> {
        let slot = usize::try_from(key.checked_sub(self.forgotten)?).ok()?;
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// Sets the value at `key`, returning the one it replaces. A key below
    /// those forgotten is not stored.
    pub(crate) fn insert(&mut self, key: u64, value: T) -> Option<T> {
        let slot = key.checked_sub(self.forgotten)?;
        let slot = usize::try_from(slot).expect("dense keys fit in memory");
        while self.slots.len() <= slot {
            self.slots.push(None);
        }
        self.slots.get_mut(slot).and_then(|old| old.replace(value))
    }

    /// The highest key with a value, with it.
    pub(crate) fn last(&self) -> Option<(u64, &T)> {
        let len = self.slots.len();
        (0..len).rev().find_map(|slot| {
            let value = self.slots.get(slot)?.as_ref()?;
            Some((slot as u64 + self.forgotten, value))
        })
    }

    /// Forgets the values of keys below `key`, whole chunks at a time (the
    /// chunk holding the highest key stays): for what no check asks about
    /// again.
    pub(crate) fn forget_below(&mut self, key: u64) {
        self.forget_below_with(key, |_, _| {});
    }

    /// Like [`DenseMap::forget_below`], showing each value forgotten (key
    /// and value, in increasing key order) to `seen` first.
    pub(crate) fn forget_below_with(&mut self, key: u64, mut seen: impl FnMut(u64, &T)) {
        let below = usize::try_from(key.saturating_sub(self.forgotten)).unwrap_or(usize::MAX);
        let chunks = (below / N).min(self.slots.len().div_ceil(N).saturating_sub(1));
        if chunks == 0 {
            return;
        }
        for (slot, value) in self.slots.iter().take(chunks * N).enumerate() {
            if let Some(value) = value {
                seen(slot as u64 + self.forgotten, value);
            }
        }
        let dropped = self.slots.drop_front_chunks(chunks);
        self.forgotten += (dropped * N) as u64;
    }

    /// The lowest key not forgotten.
    pub(crate) fn first_kept(&self) -> u64 {
        self.forgotten
    }

    /// Every key at or above `from` with its value, in increasing order.
    pub(crate) fn range_from(&self, from: u64) -> impl Iterator<Item = (u64, &T)> + '_ {
        let start = usize::try_from(from.saturating_sub(self.forgotten))
            .unwrap_or(usize::MAX)
            .min(self.slots.len());
        let forgotten = self.forgotten;
        self.slots
            .iter_from(start)
            .enumerate()
            .filter_map(move |(i, v)| v.as_ref().map(|v| ((start + i) as u64 + forgotten, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_get_truncate_across_chunks() {
        let mut v: ChunkedVec<usize> = (0..300).collect();
        assert_eq!(v.len(), 300);
        assert_eq!(v.get(0), Some(&0));
        assert_eq!(v.get(CHUNK), Some(&CHUNK));
        assert_eq!(v.get(299), Some(&299));
        assert_eq!(v.get(300), None);
        v.truncate(CHUNK);
        assert_eq!(v.len(), CHUNK);
        assert_eq!(v.last(), Some(&(CHUNK - 1)));
        v.truncate(5);
        assert_eq!(v.iter().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        v.push(7);
        assert_eq!(v.last(), Some(&7));
        v.truncate(0);
        assert!(v.is_empty());
        v.push(1);
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn equal_full_chunks_are_stored_once_and_stay_independent() {
        let mut a: ChunkedVec<usize> = (0..2 * CHUNK + 5).collect();
        let b: ChunkedVec<usize> = (0..2 * CHUNK).collect();
        let mut other: ChunkedVec<usize> = (1..2 * CHUNK + 1).collect();
        assert_eq!(a.full_chunks(), 2);
        assert!(
            a.full_chunk(2).is_none(),
            "the partly filled chunk is not offered"
        );
        let offered = b.full_chunk(1).expect("b's second chunk is full").clone();
        assert!(a.adopt_chunk(1, &offered));
        assert!(Arc::ptr_eq(a.chunk(1), &offered));
        assert!(
            !other.adopt_chunk(1, &offered),
            "different elements are not shared"
        );
        assert!(
            !a.adopt_chunk(2, &offered),
            "nor is a chunk that is not full"
        );
        // Writing through one copy leaves the other as it was.
        *a.get_mut(CHUNK).expect("in range") = 999;
        assert_eq!(b.get(CHUNK), Some(&CHUNK));
        a.truncate(CHUNK + 1);
        assert_eq!(b.len(), 2 * CHUNK);
        assert_eq!(
            b.iter().copied().collect::<Vec<_>>(),
            (0..2 * CHUNK).collect::<Vec<_>>()
        );
        other.push(0);
        assert_eq!(other.len(), 2 * CHUNK + 1);
    }

    #[test]
    fn a_dense_map_fills_holes_and_clones_share() {
        let mut map: DenseMap<u64> = DenseMap::default();
        assert_eq!(map.last(), None);
        map.insert(3, 30);
        map.insert(1, 10);
        let copy = map.clone();
        assert_eq!(map.insert(3, 31), Some(30));
        assert_eq!(map.get(2), None);
        assert_eq!(map.last(), Some((3, &31)));
        assert_eq!(copy.get(3), Some(&30));
        let from_two: Vec<(u64, u64)> = map.range_from(2).map(|(k, v)| (k, *v)).collect();
        assert_eq!(from_two, vec![(3, 31)]);
        assert_eq!(map.range_from(99).count(), 0);
        let mut long: DenseMap<u64, 4> = DenseMap::default();
        for key in 1..20 {
            long.insert(key, key * 10);
        }
        long.forget_below(9);
        assert_eq!(long.get(7), None, "a whole chunk below 9 is forgotten");
        assert_eq!(long.get(8), Some(&80), "the chunk holding 9 stays");
        assert_eq!(long.last(), Some((19, &190)));
        assert_eq!(long.range_from(0).next(), Some((8, &80)));
        assert_eq!(long.insert(3, 0), None);
        assert_eq!(long.get(3), None);
        long.forget_below(100);
        assert_eq!(long.last(), Some((19, &190)), "the last chunk stays");
    }

    #[test]
    fn iter_from_starts_mid_chunk() {
        let v: ChunkedVec<usize> = (0..300).collect();
        let tail: Vec<usize> = v.iter_from(CHUNK + 3).copied().collect();
        assert_eq!(tail.first(), Some(&(CHUNK + 3)));
        assert_eq!(tail.len(), 300 - CHUNK - 3);
        assert_eq!(v.iter_from(300).count(), 0);
        assert_eq!(v.iter_from(0).count(), 300);
    }

    #[test]
    fn a_clone_is_unchanged_by_writes_to_the_original() {
        let mut original: ChunkedVec<usize> = (0..200).collect();
        let snapshot = original.clone();
        original.truncate(150);
        original.push(999);
        for i in 0..10 {
            original.push(i);
        }
        assert_eq!(snapshot.len(), 200);
        assert_eq!(snapshot.get(150), Some(&150));
        assert_eq!(
            snapshot.iter().copied().collect::<Vec<_>>(),
            (0..200).collect::<Vec<_>>()
        );
        assert_eq!(original.get(150), Some(&999));
        assert_ne!(original, snapshot);
    }

    #[test]
    fn clones_share_full_chunks() {
        let original: ChunkedVec<usize> = (0..(3 * CHUNK)).collect();
        let copy = original.clone();
        for (a, b) in original.chunks().zip(copy.chunks()) {
            assert!(Arc::ptr_eq(a, b));
        }
        for (a, b) in original.segments.iter().zip(&copy.segments) {
            assert!(Arc::ptr_eq(a, b), "a clone copies one pointer per segment");
        }
    }

    /// Every way of reading `chunked` gives `plain`.
    fn assert_reads_as<const N: usize>(chunked: &ChunkedVec<usize, N>, plain: &[usize]) {
        assert_eq!(chunked.iter().copied().collect::<Vec<_>>(), plain);
        assert_eq!(
            chunked.iter().rev().copied().collect::<Vec<_>>(),
            plain.iter().rev().copied().collect::<Vec<_>>()
        );
        for start in [
            0,
            1,
            N,
            SEGMENT * N - 1,
            SEGMENT * N,
            plain.len() - 1,
            plain.len(),
            plain.len() + 9,
        ] {
            let expected: Vec<usize> = plain.iter().skip(start).copied().collect();
            assert_eq!(
                chunked.iter_from(start).copied().collect::<Vec<_>>(),
                expected,
                "from {start}"
            );
        }
        for (position, value) in plain.iter().enumerate() {
            assert_eq!(chunked.get(position), Some(value));
        }
    }

    /// Pushes, truncations, writes and front drops across segment
    /// boundaries, against a plain `Vec` doing the same, with clones taken
    /// along the way that must not change.
    #[test]
    fn a_long_vector_behaves_like_a_vec_across_segments() {
        const SMALL: usize = 4;
        let mut chunked: ChunkedVec<usize, SMALL> = ChunkedVec::new();
        let mut plain: Vec<usize> = Vec::new();
        let mut dropped = 0;
        let mut clones: Vec<(ChunkedVec<usize, SMALL>, Vec<usize>)> = Vec::new();
        let mut state = 7_u64;
        for round in 0..4000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let pick = (state >> 33) as usize;
            match pick % 10 {
                0 => {
                    let keep = plain.len().saturating_sub(pick % (3 * SMALL));
                    chunked.truncate(keep);
                    plain.truncate(keep);
                }
                1 if !plain.is_empty() => {
                    let at = pick % plain.len();
                    *chunked.get_mut(at).expect("in range") = round;
                    plain[at] = round;
                }
                2 if round % 50 == 0 => {
                    let gone = chunked.drop_front_chunks(pick % 5);
                    plain.drain(..gone * SMALL);
                    dropped += gone;
                }
                3 if round % 25 == 0 => clones.push((chunked.clone(), plain.clone())),
                _ => {
                    chunked.push(round);
                    plain.push(round);
                }
            }
            assert_eq!(chunked.len(), plain.len());
            assert_eq!(chunked.last(), plain.last());
        }
        assert!(
            plain.len() > SEGMENT * SMALL * 2,
            "the run spans several segments"
        );
        assert!(dropped > 0);
        assert_reads_as(&chunked, &plain);
        for (clone, was) in &clones {
            assert_eq!(
                clone.iter().copied().collect::<Vec<_>>(),
                *was,
                "a clone never changes"
            );
        }
    }
}
