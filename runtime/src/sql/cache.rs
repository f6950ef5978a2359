//! SQL text by query shape.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, RwLock};

/// Rendered SQL text by shape (the words of a `ShapeSink`, compared exactly).
/// Bounded: when full, it starts over (shapes are few in practice; a program that builds
/// unbounded shapes still uses bounded memory).
#[derive(Debug, Default)]
pub struct StatementCache {
    map: RwLock<ShapeMap>,
}

type ShapeMap = HashMap<Box<[u64]>, Arc<str>, BuildHasherDefault<WordHasher>>;

const CAPACITY: usize = 4096;

impl StatementCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn get(&self, shape: &[u64]) -> Option<Arc<str>> {
        self.map.read().ok()?.get(shape).cloned()
    }

    pub(crate) fn insert(&self, shape: Vec<u64>, sql: Arc<str>) {
        if let Ok(mut map) = self.map.write() {
            if map.len() >= CAPACITY {
                map.clear();
            }
            map.insert(shape.into_boxed_slice(), sql);
        }
    }

    /// Number of cached shapes.
    pub fn len(&self) -> usize {
        self.map.read().map(|m| m.len()).unwrap_or(0)
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A fast hash of word lists. Keys come from the program's own query shapes, not from data,
/// and are compared exactly, so a weak hash costs at most a slower lookup, never a wrong one.
#[derive(Default)]
struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.add(word);
    }

    fn write_usize(&mut self, word: usize) {
        self.add(word as u64);
    }

    fn finish(&self) -> u64 {
        // Spread the high bits into the low ones, which pick the bucket.
        self.0 ^ (self.0 >> 29)
    }
}
