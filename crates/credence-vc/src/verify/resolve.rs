//! What a verification was handed in each round (controller documents, then status lists), and
//! in-memory sources to answer them.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use super::checked::StatusNeeds;
use super::plan::KeyNeeds;
use crate::keys::DidDocument;

/// Why a document could not be resolved.
#[derive(Debug, Clone, thiserror::Error)]
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
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
}

impl ResolveError {
    /// A document found for `id` that is not usable, because of `source`.
    pub fn invalid(id: &str, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Invalid {
            id: id.to_owned(),
            source: Arc::new(source),
        }
    }
}

/// The controller documents the caller resolved for a [`Plan`](super::Plan)'s
/// [`KeyNeeds`] (round one), or why each could not be had. A need left unanswered counts as
/// [`ResolveError::NotFound`].
#[derive(Debug, Clone, Default)]
pub struct ResolvedKeys {
    controllers: HashMap<String, Result<DidDocument, ResolveError>>,
}

impl ResolvedKeys {
    /// Nothing resolved yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the controller document resolved for `id`, or why it could not be.
    pub fn add_controller(
        &mut self,
        id: impl Into<String>,
        document: Result<DidDocument, ResolveError>,
    ) {
        self.controllers.insert(id.into(), document);
    }

    /// Answers `needs` from documents held in memory.
    pub fn from_local(needs: &KeyNeeds, keys: &LocalKeys) -> Self {
        let mut resolved = Self::new();
        for id in &needs.controllers {
            resolved.add_controller(id.clone(), keys.controller_document(id));
        }
        resolved
    }

    /// The controller document of `id`.
    pub(crate) fn controller(&self, id: &str) -> Result<&DidDocument, ResolveError> {
        match self.controllers.get(id) {
            Some(Ok(doc)) => Ok(doc),
            Some(Err(e)) => Err(e.clone()),
            None => Err(ResolveError::NotFound(id.to_owned())),
        }
    }
}

/// The status list credentials the caller resolved for a [`Checked`](super::Checked)
/// credential's [`StatusNeeds`] (round two), or why each could not be had. A need left
/// unanswered counts as [`ResolveError::NotFound`].
#[derive(Debug, Clone, Default)]
pub struct ResolvedLists {
    status_lists: HashMap<String, Result<Value, ResolveError>>,
}

impl ResolvedLists {
    /// Nothing resolved yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the status list credential resolved at `url`, or why it could not be.
    pub fn add_status_list(&mut self, url: impl Into<String>, list: Result<Value, ResolveError>) {
        self.status_lists.insert(url.into(), list);
    }

    /// Answers `needs` from documents held in memory.
    pub fn from_local(needs: &StatusNeeds, lists: &LocalStatusLists) -> Self {
        let mut resolved = Self::new();
        for url in &needs.status_lists {
            resolved.add_status_list(url.clone(), lists.status_list(url));
        }
        resolved
    }

    /// The status list credential at `url`.
    pub(crate) fn status_list(&self, url: &str) -> Result<&Value, ResolveError> {
        match self.status_lists.get(url) {
            Some(Ok(list)) => Ok(list),
            Some(Err(e)) => Err(e.clone()),
            None => Err(ResolveError::NotFound(url.to_owned())),
        }
    }
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

    /// The controller document whose `id` is `controller`.
    pub fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError> {
        if let Some(doc) = self.docs.get(controller) {
            return Ok(doc.clone());
        }
        if controller.starts_with("did:key:") {
            return crate::keys::resolve_did_key(controller)
                .map_err(|e| ResolveError::invalid(controller, e));
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

    /// The status list credential published at `url`.
    pub fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
        self.lists
            .get(url)
            .cloned()
            .ok_or_else(|| ResolveError::NotFound(url.to_owned()))
    }
}
