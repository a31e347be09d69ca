//! The JSON-LD contexts Credence knows, shipped in `schemas/` and pinned by SHA-256.
//!
//! Nothing is ever fetched: a document naming a context URL that is not here (or added by the
//! caller for one run with [`ContextStore::with_extra`]) is refused.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

/// URL of the W3C Verifiable Credentials Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// URL of the W3C Verifiable Credentials Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// URL of the Open Badges 3.0 context, version 3.0.3.
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// URL of the Ed25519Signature2020 suite context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// One pinned context: where it is published, its text, and the SHA-256 it must have.
struct Pinned {
    url: &'static str,
    text: &'static str,
    sha256: &'static str,
}

const PINNED: &[Pinned] = &[
    Pinned {
        url: CREDENTIALS_V2,
        text: include_str!("../../../schemas/credentials-v2.jsonld"),
        sha256: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    },
    Pinned {
        url: CREDENTIALS_V1,
        text: include_str!("../../../schemas/credentials-v1.jsonld"),
        sha256: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
    },
    Pinned {
        url: OB_V3P0_3_0_3,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.3.json"),
        sha256: "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    },
    Pinned {
        url: ED25519_2020_V1,
        text: include_str!("../../../schemas/ed25519-2020-v1.jsonld"),
        sha256: "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5",
    },
];

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
/// Cheap to clone. [`ContextStore::pinned`] holds the contexts shipped in `schemas/`;
/// [`ContextStore::with_extra`] allows one more for a caller (the CLI's `--context URL=FILE`).
#[derive(Clone, Debug)]
pub struct ContextStore {
    docs: Arc<HashMap<String, Arc<serde_json::Value>>>,
}

impl ContextStore {
    /// The contexts shipped with Credence, each checked against its pinned SHA-256.
    pub fn pinned() -> Result<Self, ContextError> {
        let mut docs = HashMap::new();
        for p in PINNED {
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

    #[test]
    fn pinned_contexts_match_their_digests() {
        let store = ContextStore::pinned().unwrap();
        assert!(store.load(CREDENTIALS_V2).is_ok());
        assert!(store.load(OB_V3P0_3_0_3).is_ok());
    }

    #[test]
    fn unknown_context_is_refused() {
        let store = ContextStore::pinned().unwrap();
        let err = store.load("https://example.com/evil").unwrap_err();
        assert!(matches!(err, ContextError::Unknown(_)));
    }

    #[test]
    fn extra_context_is_allowed_for_that_store_only() {
        let store = ContextStore::pinned().unwrap();
        let extra = store
            .with_extra("https://example.com/ctx", r#"{"@context": {}}"#)
            .unwrap();
        assert!(extra.load("https://example.com/ctx").is_ok());
        assert!(store.load("https://example.com/ctx").is_err());
    }
}
