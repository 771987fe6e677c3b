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

/// A vector whose clones share storage in chunks of `N` elements; only the
/// chunk being written is copied on the first write after a clone.
#[derive(Clone)]
pub(crate) struct ChunkedVec<T, const N: usize = CHUNK> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T, const N: usize> ChunkedVec<T, N> {
    /// An empty vector.
    pub(crate) const fn new() -> ChunkedVec<T, N> {
        ChunkedVec {
            chunks: Vec::new(),
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

    /// The element at `position`, from 0.
    pub(crate) fn get(&self, position: usize) -> Option<&T> {
        if position >= self.len {
            return None;
        }
        Some(&self.chunks[position / N][position % N])
    }

    /// The last element.
    pub(crate) fn last(&self) -> Option<&T> {
        self.len.checked_sub(1).and_then(|p| self.get(p))
    }

    /// Adds `value` at the end.
    pub(crate) fn push(&mut self, value: T) {
        if self.len % N == 0 {
            self.chunks.push(Arc::new(Vec::with_capacity(N)));
        }
        let last = self
            .chunks
            .last_mut()
            .expect("a chunk with room was just ensured");
        if Arc::get_mut(last).is_none() {
            // Shared with a clone (a checkpoint): copy it with room for the
            // whole chunk, so it never grows past `N` by doubling.
            let mut copy = Vec::with_capacity(N);
            copy.extend(last.iter().cloned());
            *last = Arc::new(copy);
        }
        Arc::make_mut(last).push(value);
        self.len += 1;
    }

    /// The element at `position`, from 0, to change (its chunk is copied
    /// first if a clone shares it).
    pub(crate) fn get_mut(&mut self, position: usize) -> Option<&mut T> {
        if position >= self.len {
            return None;
        }
        Some(&mut Arc::make_mut(&mut self.chunks[position / N])[position % N])
    }

    /// Keeps the first `len` elements and drops the rest.
    pub(crate) fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        self.chunks.truncate(len.div_ceil(N));
        let in_last = len % N;
        if in_last != 0 {
            if let Some(last) = self.chunks.last_mut() {
                Arc::make_mut(last).truncate(in_last);
            }
        }
        self.len = len;
    }

    /// Every element in order.
    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|chunk| chunk.iter())
    }

    /// The elements from `start` on, in order.
    pub(crate) fn iter_from(&self, start: usize) -> impl Iterator<Item = &T> + '_ {
        let first_chunk = start / N;
        self.chunks
            .iter()
            .skip(first_chunk)
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
    slots: ChunkedVec<Option<T>, N>,
}

impl<T: Clone + fmt::Debug, const N: usize> fmt::Debug for DenseMap<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.slots
                    .iter()
                    .enumerate()
                    .filter_map(|(k, v)| v.as_ref().map(|v| (k, v))),
            )
            .finish()
    }
}

impl<T, const N: usize> Default for DenseMap<T, N> {
    fn default() -> DenseMap<T, N> {
        DenseMap {
            slots: ChunkedVec::new(),
        }
    }
}

impl<T: Clone, const N: usize> DenseMap<T, N> {
    /// The value at `key`.
    pub(crate) fn get(&self, key: u64) -> Option<&T> {
        let slot = usize::try_from(key).ok()?;
        self.slots.get(slot).and_then(Option::as_ref)
    }

    /// Sets the value at `key`, returning the one it replaces.
    pub(crate) fn insert(&mut self, key: u64, value: T) -> Option<T> {
        let slot = usize::try_from(key).expect("dense keys fit in memory");
        while self.slots.len() <= slot {
            self.slots.push(None);
        }
        self.slots.get_mut(slot).and_then(|old| old.replace(value))
    }

    /// The highest key with a value, with it.
    pub(crate) fn last(&self) -> Option<(u64, &T)> {
        let len = self.slots.len();
        (0..len)
            .rev()
            .find_map(|slot| self.slots.get(slot)?.as_ref().map(|v| (slot as u64, v)))
    }

    /// Every key at or above `from` with its value, in increasing order.
    pub(crate) fn range_from(&self, from: u64) -> impl Iterator<Item = (u64, &T)> + '_ {
        let start = usize::try_from(from)
            .unwrap_or(usize::MAX)
            .min(self.slots.len());
        self.slots
            .iter_from(start)
            .enumerate()
            .filter_map(move |(i, v)| v.as_ref().map(|v| ((start + i) as u64, v)))
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
        for (a, b) in original.chunks.iter().zip(&copy.chunks) {
            assert!(Arc::ptr_eq(a, b));
        }
    }
}
