//! The contexts this crate's own tests load: the shipped copies in `schemas/`, read as they are.

use crate::contexts::{ContextError, ContextStore};

/// URL of the W3C Verifiable Credentials Data Model 2.0 context.
pub(crate) const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// URL of the Open Badges 3.0 context, version 3.0.3.
pub(crate) const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

const CONTEXTS: &[(&str, &str)] = &[
    (
        CREDENTIALS_V2,
        include_str!("../../../schemas/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("../../../schemas/credentials-v1.jsonld"),
    ),
    (
        OB_V3P0_3_0_3,
        include_str!("../../../schemas/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("../../../schemas/ed25519-2020-v1.jsonld"),
    ),
];

/// A store of the test contexts.
pub(crate) fn try_store() -> Result<ContextStore, ContextError> {
    CONTEXTS
        .iter()
        .try_fold(ContextStore::default(), |store, (url, text)| {
            store.with_extra(url, text)
        })
}

/// A store of the test contexts; panics if one does not parse.
pub(crate) fn store() -> ContextStore {
    try_store().expect("the shipped contexts parse")
}
