//! The JSON-LD contexts an Open Badges 3.0 badge names: the W3C ones of `credence_vc::contexts`
//! and the Open Badges context, shipped in `schemas/` and pinned by SHA-256.
//!
//! Nothing is ever fetched: a document naming a context URL that is not here (or added by the
//! caller for one run with `ContextStore::with_extra`) is refused.

use credence_ld::contexts::{ContextError, ContextStore, PinnedContext};
use credence_vc::contexts::VC_CONTEXTS;

/// URL of the Open Badges 3.0 context, version 3.0.3.
pub const OB_V3P0_3_0_3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// URL of the Open Badges 3.0 context, version 3.0.0 (published as `context.json`).
pub const OB_V3P0_3_0_0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
/// URL of the Open Badges 3.0 context, version 3.0.0, by its versioned name.
pub const OB_V3P0_3_0_0_VERSIONED: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json";
/// URL of the Open Badges 3.0 context, version 3.0.1.
pub const OB_V3P0_3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
/// URL of the Open Badges 3.0 context, version 3.0.2.
pub const OB_V3P0_3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
/// URL of the Open Badges 3.0 extensions context.
pub const OB_V3P0_EXTENSIONS: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// The Open Badges contexts Credence ships, with the SHA-256 each must have.
pub const OB_CONTEXTS: &[PinnedContext] = &[
    PinnedContext {
        url: OB_V3P0_3_0_3,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.3.json"),
        sha256: "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    },
    PinnedContext {
        url: OB_V3P0_3_0_0,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.0.json"),
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
    },
    PinnedContext {
        url: OB_V3P0_3_0_0_VERSIONED,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.0.json"),
        sha256: "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10",
    },
    PinnedContext {
        url: OB_V3P0_3_0_1,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.1.json"),
        sha256: "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355",
    },
    PinnedContext {
        url: OB_V3P0_3_0_2,
        text: include_str!("../../../schemas/ob-v3p0-context-3.0.2.json"),
        sha256: "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53",
    },
    PinnedContext {
        url: OB_V3P0_EXTENSIONS,
        text: include_str!("../../../schemas/ob-v3p0-extensions.json"),
        sha256: "2d013f981d1f4516081a6a04e55468ba2b071d4153b794f19a79715c45a89a5e",
    },
];

/// A store of every context Credence ships (W3C and Open Badges), each checked against its
/// pinned SHA-256.
pub fn pinned() -> Result<ContextStore, ContextError> {
    ContextStore::pinned(VC_CONTEXTS.iter().chain(OB_CONTEXTS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_context_is_processed_in_safe_mode() {
        let jsonld = credence_ld::jsonld::JsonLd::new(pinned().unwrap());
        for p in VC_CONTEXTS.iter().chain(OB_CONTEXTS) {
            let doc = serde_json::json!({"@context": p.url, "@id": "urn:example:node", "urn:example:p": "v"});
            assert!(
                jsonld.expand(&doc).is_ok(),
                "{}: {:?}",
                p.url,
                jsonld.expand(&doc)
            );
        }
    }

    #[test]
    fn shipped_contexts_match_their_digests() {
        let store = pinned().unwrap();
        for p in VC_CONTEXTS.iter().chain(OB_CONTEXTS) {
            assert!(store.load(p.url).is_ok(), "{}", p.url);
        }
    }
}
