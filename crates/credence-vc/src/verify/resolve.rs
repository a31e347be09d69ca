//! Where a verifier gets controller documents and status lists: small traits the caller implements.

use std::collections::HashMap;

use serde_json::Value;

use crate::keys::DidDocument;

/// Why a document could not be resolved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// No document is known for this id or URL.
    #[error("no document known for {0}")]
    NotFound(String),
    /// The document was found but is not usable.
    #[error("the document for {id} is not usable")]
    Invalid {
        /// The id or URL resolved.
        id: String,
        /// What was wrong.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Resolves an issuer's controller document (a DID document) by its id.
pub trait KeyResolver: Send + Sync {
    /// The controller document whose `id` is `controller`.
    fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError>;
}

/// Resolves a `BitstringStatusListCredential` by its URL.
pub trait StatusResolver: Send + Sync {
    /// The status list credential published at `url`.
    fn status_list(&self, url: &str) -> Result<Value, ResolveError>;
}

/// Controller documents held in memory, plus `did:key`, which resolves offline.
#[derive(Debug, Default, Clone)]
pub struct LocalKeys {
    docs: HashMap<String, DidDocument>,
}

impl LocalKeys {
    /// A resolver that knows only `did:key`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a controller document, found by its `id`.
    pub fn add(&mut self, doc: DidDocument) {
        self.docs.insert(doc.id.clone(), doc);
    }
}

impl KeyResolver for LocalKeys {
    fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError> {
        if let Some(doc) = self.docs.get(controller) {
            return Ok(doc.clone());
        }
        if controller.starts_with("did:key:") {
            return crate::keys::resolve_did_key(controller).map_err(|e| ResolveError::Invalid {
                id: controller.to_owned(),
                source: Box::new(e),
            });
        }
        Err(ResolveError::NotFound(controller.to_owned()))
    }
}

/// Status list credentials held in memory, by URL.
#[derive(Debug, Default, Clone)]
pub struct LocalStatusLists {
    lists: HashMap<String, Value>,
}

impl LocalStatusLists {
    /// An empty set: every status is unknown.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a status list credential, found by its `id`; returns false if it has none.
    pub fn add(&mut self, list: Value) -> bool {
        match list.get("id").and_then(Value::as_str) {
            Some(id) => {
                self.lists.insert(id.to_owned(), list);
                true
            }
            None => false,
        }
    }
}

impl StatusResolver for LocalStatusLists {
    fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
        self.lists
            .get(url)
            .cloned()
            .ok_or_else(|| ResolveError::NotFound(url.to_owned()))
    }
}
