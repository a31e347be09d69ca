//! The store of JSON-LD context documents a processor may load: nothing is ever fetched.
//!
//! A store is built from [`PinnedContext`]s, each checked against the SHA-256 it is pinned to;
//! a document naming a context URL that is not in the store (or added by the caller for one run
//! with [`ContextStore::with_extra`]) is refused.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// One pinned context: where it is published, its text, and the SHA-256 it must have.
#[derive(Clone, Copy, Debug)]
pub struct PinnedContext {
    /// The URL documents name it by.
    pub url: &'static str,
    /// Its text, as shipped.
    pub text: &'static str,
    /// The lowercase hexadecimal SHA-256 of `text`.
    pub sha256: &'static str,
}

/// Why a context could not be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContextError {
    /// The document names a context URL that is neither pinned nor allowed for this run.
    #[error("unknown JSON-LD context {0:?}: Credence loads contexts only from its pinned set")]
    Unknown(String),
    /// A pinned context's text does not have the SHA-256 it is pinned to.
    #[error("pinned context {url} has SHA-256 {actual}, expected {expected}")]
    HashMismatch {
        /// The context URL.
        url: String,
        /// The digest it is pinned to.
        expected: String,
        /// The digest of the shipped text.
        actual: String,
    },
    /// A context document is not JSON.
    #[error("context {url} is not valid JSON")]
    NotJson {
        /// The context URL.
        url: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
}

/// The set of context documents a JSON-LD processor may load, by URL, already parsed.
///
/// Cheap to clone. [`ContextStore::pinned`] holds contexts shipped with a program, each checked
/// against its digest; [`ContextStore::with_extra`] allows one more for a caller (the CLI's
/// `--context URL=FILE`).
/// The default store is empty: it loads nothing.
#[derive(Clone, Debug, Default)]
pub struct ContextStore {
    docs: Arc<HashMap<String, Arc<serde_json::Value>>>,
}

impl ContextStore {
    /// A store of these contexts, each checked against its pinned SHA-256.
    pub fn pinned<'a>(
        contexts: impl IntoIterator<Item = &'a PinnedContext>,
    ) -> Result<Self, ContextError> {
        let mut docs = HashMap::new();
        for p in contexts {
            let actual = hex::encode(Sha256::digest(p.text.as_bytes()));
            if actual != p.sha256 {
                return Err(ContextError::HashMismatch {
                    url: p.url.to_owned(),
                    expected: p.sha256.to_owned(),
                    actual,
                });
            }
            docs.insert(p.url.to_owned(), Arc::new(parse(p.url, p.text)?));
        }
        Ok(Self {
            docs: Arc::new(docs),
        })
    }

    /// This store plus one more context, for this caller only.
    pub fn with_extra(&self, url: &str, text: &str) -> Result<Self, ContextError> {
        let mut docs = (*self.docs).clone();
        docs.insert(url.to_owned(), Arc::new(parse(url, text)?));
        Ok(Self {
            docs: Arc::new(docs),
        })
    }

    /// The parsed context document published at `url`.
    pub fn load(&self, url: &str) -> Result<Arc<serde_json::Value>, ContextError> {
        self.docs
            .get(url)
            .cloned()
            .ok_or_else(|| ContextError::Unknown(url.to_owned()))
    }

    /// The URLs this store can load.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.docs.keys().map(String::as_str)
    }
}

fn parse(url: &str, text: &str) -> Result<serde_json::Value, ContextError> {
    serde_json::from_str(text).map_err(|source| ContextError::NotJson {
        url: url.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{store, CREDENTIALS_V2, OB_V3P0_3_0_3};

    #[test]
    fn pinned_contexts_match_their_digests() {
        let store = store();
        assert!(store.load(CREDENTIALS_V2).is_ok());
        assert!(store.load(OB_V3P0_3_0_3).is_ok());
    }

    #[test]
    fn a_context_with_another_digest_is_refused() {
        let bad = PinnedContext {
            url: "https://example.com/ctx",
            text: r#"{"@context": {}}"#,
            sha256: "00",
        };
        let err = ContextStore::pinned([&bad]).unwrap_err();
        assert!(matches!(err, ContextError::HashMismatch { .. }));
    }

    #[test]
    fn unknown_context_is_refused() {
        let err = store().load("https://example.com/evil").unwrap_err();
        assert!(matches!(err, ContextError::Unknown(_)));
    }

    #[test]
    fn extra_context_is_allowed_for_that_store_only() {
        let store = store();
        let extra = store
            .with_extra("https://example.com/ctx", r#"{"@context": {}}"#)
            .unwrap();
        assert!(extra.load("https://example.com/ctx").is_ok());
        assert!(store.load("https://example.com/ctx").is_err());
    }
}
