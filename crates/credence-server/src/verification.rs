//! Verifying badges in the service: the core [`Verifier`] with resolvers backed by the store, so
//! the Centre's own did:web keys (and status lists) are read locally, never over the network.

use std::sync::Arc;

use credence_core::badge::identity::KnownIdentifier;
use credence_core::keys::DidDocument;
use credence_core::verify::{
    KeyResolver, Report, ResolveError, StatusResolver, Verifier, VerifyOptions,
};
use credence_store::Store;
use serde_json::Value;
use tokio::runtime::Handle;

use crate::error::ApiError;
use crate::state::AppState;

/// Resolves the Centre's own DID and status lists from the store. Called by the core verifier on
/// a blocking thread, so it may wait on the async store.
struct StoreResolver {
    store: Arc<dyn Store>,
    handle: Handle,
    did: String,
}

impl KeyResolver for StoreResolver {
    fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError> {
        if controller != self.did {
            // Only badges of this Centre are verified here; did:key resolves offline in core.
            return credence_core::keys::resolve_did_key(controller)
                .map_err(|_| ResolveError::NotFound(controller.to_owned()));
        }
        let keys = self
            .handle
            .block_on(self.store.signing_keys())
            .map_err(|e| invalid(controller, e))?;
        DidDocument::from_keys(
            self.did.clone(),
            keys.iter().map(|k| (&k.verification_method, &k.public_key)),
        )
        .map_err(|e| invalid(controller, e))
    }
}

impl StatusResolver for StoreResolver {
    fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
        Err(ResolveError::NotFound(url.to_owned()))
    }
}

fn invalid(id: &str, e: impl std::error::Error + Send + Sync + 'static) -> ResolveError {
    ResolveError::Invalid {
        id: id.to_owned(),
        source: Box::new(e),
    }
}

/// Verifies `input` (JSON, JWT, PNG or SVG bytes) now, on the blocking pool.
pub async fn verify(
    state: &AppState,
    input: Vec<u8>,
    known: Option<KnownIdentifier>,
) -> Result<Report, ApiError> {
    let verifier: Arc<Verifier> = state.verifier.clone();
    let resolver = StoreResolver {
        store: state.store.clone(),
        handle: Handle::current(),
        did: state.issuer.did().to_owned(),
    };
    let at = state.clock.now();
    tokio::task::spawn_blocking(move || {
        let options = VerifyOptions {
            at,
            keys: &resolver,
            status: &resolver,
            known_identifier: known.as_ref(),
        };
        verifier.verify_bytes(&input, &options)
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))
}
