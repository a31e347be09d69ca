//! What the fuzz targets share: the pinned contexts, a verifier with local resolvers that know the
//! seed badges' issuer and status list (so mutated seeds reach the proof, status and recipient
//! checks), and the credentials the baking round trips use.
//!
//! Everything here is built once per process; each input gets a fresh [`Verifier`] so that no
//! cache carries state from one input to the next (libFuzzer wants a deterministic target).

use std::sync::OnceLock;

use credence_core::badge::KnownIdentifier;
use credence_core::model::sample::fixture_now;
use credence_core::verify::{Verifier, VerifyOptions};
use credence_ld::contexts::ContextStore;
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{DidDocument, PublicKey};
use credence_vc::proof::DataIntegrity;
use credence_vc::verify::{LocalKeys, LocalStatusLists, TrustedIssuers};

/// The controller document of the seed badges' issuer (`did:web:badges.example.org`).
const SEED_DID_DOCUMENT: &str = include_str!("../seeds/verify/did.json");
/// The signed revocation list the seed badges point at.
const SEED_STATUS_LIST: &str = include_str!("../seeds/verify/status-list.json");
/// The email the seed badges were issued to.
const SEED_EMAIL: &str = "emailAddress:amira.okafor@example.nhs.uk";

/// Credentials baked by the round-trip checks: a JSON text holding `]]>` (split across CDATA
/// sections in SVG) and a compact JWS (an SVG attribute).
pub const BAKED_CREDENTIALS: [&str; 2] = [
    r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"a ]]> b & <c> \"d\""}"#,
    "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6a2V5OnoifQ.c2lnbmF0dXJl",
];

struct Shared {
    contexts: ContextStore,
    keys: LocalKeys,
    status: LocalStatusLists,
    trusted: TrustedIssuers,
    known: KnownIdentifier,
    key: PublicKey,
}

// The seeds are committed with the crate; failing to read them is a broken checkout, not a
// finding, so these expects are the right answer (they fire before any input is run).
#[allow(clippy::expect_used)]
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let contexts = credence_core::contexts::pinned().expect("the pinned contexts load");
        let mut keys = LocalKeys::new();
        let doc: DidDocument =
            serde_json::from_str(SEED_DID_DOCUMENT).expect("seeds/verify/did.json parses");
        let key = doc
            .verification_method
            .first()
            .map(|m| m.public_key().expect("the seed key is an Ed25519 key"))
            .expect("did.json lists a key");
        keys.add(doc);
        let mut status = LocalStatusLists::new();
        let list = serde_json::from_str(SEED_STATUS_LIST).expect("status-list.json parses");
        assert!(status.add(list), "seeds/verify/status-list.json has an id");
        let known = SEED_EMAIL.parse().expect("the seed email parses");
        Shared {
            contexts,
            keys,
            status,
            trusted: TrustedIssuers::only(["did:web:badges.example.org"]),
            known,
            key,
        }
    })
}

/// The pinned context store (cheap to clone).
pub fn contexts() -> ContextStore {
    shared().contexts.clone()
}

/// A fresh JSON-LD processor over the pinned contexts, with an empty context cache.
pub fn jsonld() -> JsonLd {
    JsonLd::new(contexts())
}

/// A fresh verifier over the pinned contexts.
pub fn verifier() -> Verifier {
    Verifier::new(DataIntegrity::new(jsonld()))
}

/// Options that resolve the seeds' issuer and status list, judge at the seeds' issuance time and
/// check the recipient against the seeds' email.
pub fn verify_options() -> VerifyOptions<'static> {
    let shared = shared();
    VerifyOptions {
        at: fixture_now(),
        keys: &shared.keys,
        status: &shared.status,
        trusted: &shared.trusted,
        known_identifier: Some(&shared.known),
        budget: None,
    }
}

/// The seed badges' signing key (the signature check of mutated seed JWTs reaches the curve).
pub fn seed_key() -> &'static PublicKey {
    &shared().key
}
