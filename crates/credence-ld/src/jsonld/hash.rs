//! Hash maps for the processor: keyed hashing, because their keys (terms, blank node labels,
//! values, inline context text) come from documents.
//!
//! An unkeyed hash (FxHash, which this module used to provide) lets a document choose thousands
//! of keys with one hash value and turn each insertion or lookup into a scan: a 100,000-term
//! inline context would cost billions of comparisons. `ahash` is keyed per process from the
//! operating system's random source (once, by the library: core itself asks for no randomness;
//! nothing observable depends on the key) and about as fast as FxHash on short strings.

use std::collections::{HashMap, HashSet};

/// A `HashMap` with keyed hashing.
pub(crate) type KeyedMap<K, V> = HashMap<K, V, ahash::RandomState>;

/// A `HashSet` with keyed hashing.
pub(crate) type KeyedSet<T> = HashSet<T, ahash::RandomState>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_work_and_keys_differ_between_maps() {
        let mut m: KeyedMap<String, u32> = KeyedMap::default();
        for i in 0..1000 {
            m.insert(format!("term{i}"), i);
        }
        assert_eq!(m.get("term999"), Some(&999));
        let set: KeyedSet<&str> = ["a", "b", "a"].into_iter().collect();
        assert_eq!(set.len(), 2);
        // Two hashers are keyed differently: a document cannot precompute colliding keys.
        let (a, b) = (ahash::RandomState::new(), ahash::RandomState::new());
        let differ = (0..8).any(|i| a.hash_one(format!("k{i}")) != b.hash_one(format!("k{i}")));
        assert!(differ);
    }
}
