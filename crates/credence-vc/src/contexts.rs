//! The W3C contexts a verifiable credential names, shipped in `schemas/` and pinned by SHA-256.
//!
//! A profile on top (Open Badges, say) adds its own to [`VC_CONTEXTS`] and builds one
//! `credence_ld::contexts::ContextStore` of them all; nothing is ever fetched.

use credence_ld::contexts::{ContextError, ContextStore, PinnedContext};

/// URL of the W3C Verifiable Credentials Data Model 2.0 context.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// URL of the W3C Verifiable Credentials Data Model 1.1 context.
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// URL of the Ed25519Signature2020 suite context.
pub const ED25519_2020_V1: &str = "https://w3id.org/security/suites/ed25519-2020/v1";

/// The W3C contexts shipped with this crate, with the SHA-256 each must have.
pub const VC_CONTEXTS: &[PinnedContext] = &[
    PinnedContext {
        url: CREDENTIALS_V2,
        text: include_str!("../../../schemas/credentials-v2.jsonld"),
        sha256: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    },
    PinnedContext {
        url: CREDENTIALS_V1,
        text: include_str!("../../../schemas/credentials-v1.jsonld"),
        sha256: "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc",
    },
    PinnedContext {
        url: ED25519_2020_V1,
        text: include_str!("../../../schemas/ed25519-2020-v1.jsonld"),
        sha256: "3db5c19efb0047a6edfd3b36e24346a8a3caad369d749e3c2d69e862696403e5",
    },
];

/// A store of [`VC_CONTEXTS`], each checked against its pinned SHA-256.
pub fn vc_contexts() -> Result<ContextStore, ContextError> {
    ContextStore::pinned(VC_CONTEXTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_contexts_match_their_digests() {
        let store = vc_contexts().unwrap();
        for p in VC_CONTEXTS {
            assert!(store.load(p.url).is_ok(), "{}", p.url);
        }
    }
}
