//! The JSON-LD contexts an Open Badges 3.0 badge names: the W3C ones of `credence_vc::contexts`
//! and the Open Badges context, shipped in `schemas/` and pinned by SHA-256.
//!
//! Nothing is ever fetched: a document naming a context URL that is not here (or added by the
//! caller for one run with `ContextStore::with_extra`) is refused.

use credence_ld::contexts::{ContextError, ContextStore, PinnedContext};
use credence_vc::contexts::VC_CONTEXTS;

/// URL of the Open Badges 3.0 context, version 3.0.3.
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// The Open Badges contexts Credence ships, with the SHA-256 each must have.
pub const OB_CONTEXTS: &[PinnedContext] = &[PinnedContext {
    url: OB_V3P0_3_0_3,
    text: include_str!("../../../schemas/ob-v3p0-context-3.0.3.json"),
    sha256: "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
}];

/// A store of every context Credence ships (W3C and Open Badges), each checked against its
/// pinned SHA-256.
pub fn pinned() -> Result<ContextStore, ContextError> {
    ContextStore::pinned(VC_CONTEXTS.iter().chain(OB_CONTEXTS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_contexts_match_their_digests() {
        let store = pinned().unwrap();
        for p in VC_CONTEXTS.iter().chain(OB_CONTEXTS) {
            assert!(store.load(p.url).is_ok(), "{}", p.url);
        }
    }
}
