//! SQL text by query shape.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Rendered SQL text by shape hash. Bounded: when full, it starts over (shapes are few in
/// practice; a program that builds unbounded shapes still uses bounded memory).
#[derive(Debug, Default)]
pub struct StatementCache {
    map: RwLock<HashMap<u64, Arc<str>>>,
}

const CAPACITY: usize = 4096;

impl StatementCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn get(&self, key: u64) -> Option<Arc<str>> {
        self.map.read().ok()?.get(&key).cloned()
    }

    pub(crate) fn insert(&self, key: u64, sql: Arc<str>) {
        if let Ok(mut map) = self.map.write() {
            if map.len() >= CAPACITY {
                map.clear();
            }
            map.insert(key, sql);
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
