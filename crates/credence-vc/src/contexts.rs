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

/// URL of the status/v1 context (`StatusList2021` and the VC 1.1 status terms).
pub const CREDENTIALS_STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
/// URL of the Data Integrity v1 context.
pub const DATA_INTEGRITY_V1: &str = "https://w3id.org/security/data-integrity/v1";
/// URL of the Data Integrity v2 context (`DataIntegrityProof` in VC 1.1 credentials).
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// URL of the security vocabulary's v1 context.
pub const SECURITY_V1: &str = "https://w3id.org/security/v1";
/// URL of the security vocabulary's v2 context.
pub const SECURITY_V2: &str = "https://w3id.org/security/v2";
/// URL of the Multikey context.
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// URL of the DID v1 context.
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";

/// URL of the StatusList2021 context (the VC 1.1 status lists that came before Bitstring).
pub const STATUS_LIST_2021_V1: &str = "https://w3id.org/vc/status-list/2021/v1";
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
    PinnedContext {
        url: CREDENTIALS_STATUS_V1,
        text: include_str!("../../../schemas/credentials-status-v1.jsonld"),
        sha256: "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c",
    },
    PinnedContext {
        url: DATA_INTEGRITY_V1,
        text: include_str!("../../../schemas/data-integrity-v1.jsonld"),
        sha256: "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554",
    },
    PinnedContext {
        url: DATA_INTEGRITY_V2,
        text: include_str!("../../../schemas/data-integrity-v2.jsonld"),
        sha256: "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    },
    PinnedContext {
        url: SECURITY_V1,
        text: include_str!("../../../schemas/security-v1.jsonld"),
        sha256: "e2d146cd556f6fa5f14996c6f1749667d5a14073fa30f0643990068e2c0b1bac",
    },
    PinnedContext {
        url: SECURITY_V2,
        text: include_str!("../../../schemas/security-v2.jsonld"),
        sha256: "4cb186bc29c08af6e40c58178c22dd84d542f2871a063afed6e648b47abc3cf6",
    },
    PinnedContext {
        url: MULTIKEY_V1,
        text: include_str!("../../../schemas/multikey-v1.jsonld"),
        sha256: "8e6bad2e5b4f0721906a4dcc2f7a894b1215cf9a47014c71e286423860642ff0",
    },
    PinnedContext {
        url: DID_V1,
        text: include_str!("../../../schemas/did-v1.jsonld"),
        sha256: "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f",
    },
    PinnedContext {
        url: STATUS_LIST_2021_V1,
        text: include_str!("../../../schemas/status-list-2021-v1.jsonld"),
        sha256: "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
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
