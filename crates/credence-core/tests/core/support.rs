//! Shared fixtures: vector files, the standard badge signed by a did:web issuer, its DID document
//! and status lists.

use std::path::PathBuf;
use std::sync::OnceLock;

use credence_core::model::sample;
use credence_core::model::BaseUrl;
use credence_core::verify::{Report, Verifier, VerifyOptions};
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{DidDocument, LocalSigner, SecretKey, VerificationMethodId};
use credence_vc::proof::{DataIntegrity, ProofOptions};
use credence_vc::status::{self, StatusEntry, StatusList, StatusPurpose};
use credence_vc::verify::{LocalKeys, LocalStatusLists, TrustedIssuers};
use serde_json::Value;

/// The proof creation time used throughout.
pub const CREATED: &str = "2024-07-12T09:00:00Z";

/// Path of a file under `tests/vectors/`.
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../../tests/vectors")
        .join(rel)
}

/// Text of a vector file.
pub fn read_text(rel: &str) -> String {
    std::fs::read_to_string(vector_path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A vector file parsed as JSON.
pub fn read_json(rel: &str) -> Value {
    serde_json::from_str(&read_text(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A Data Integrity suite over the pinned contexts.
pub fn pinned_di() -> DataIntegrity {
    DataIntegrity::new(JsonLd::new(credence_core::contexts::pinned().unwrap()))
}

/// An issuer: its DID, keys and signers.
pub struct Issuer {
    /// The DID.
    pub did: String,
    /// Signer of the active key `#key-2`.
    pub active: LocalSigner,
    /// Signer of the retired key `#key-1`, still listed.
    pub retired: LocalSigner,
}

impl Issuer {
    /// Keys from fixed seeds.
    pub fn new(did: &str, seed: u8) -> Self {
        let signer = |n: u8| {
            let vm = VerificationMethodId::new(format!("{did}#key-{n}")).unwrap();
            LocalSigner::new(SecretKey::from_seed(&[seed.wrapping_add(n); 32]), vm)
        };
        Issuer {
            did: did.to_owned(),
            retired: signer(1),
            active: signer(2),
        }
    }

    /// The DID document listing both keys as assertion methods.
    pub fn document(&self) -> DidDocument {
        let (a, r) = (self.active.public_key(), self.retired.public_key());
        DidDocument::from_keys(
            self.did.clone(),
            [
                (self.active.verification_method(), &a),
                (self.retired.verification_method(), &r),
            ],
        )
        .unwrap()
    }

    /// Proof options for `signer`.
    pub fn options(signer: &LocalSigner) -> ProofOptions {
        ProofOptions {
            verification_method: signer.verification_method().clone(),
            created: CREATED.to_owned(),
        }
    }
}

/// Everything needed to sign and verify the standard badge.
pub struct Fixture {
    /// The base URL.
    pub base: BaseUrl,
    /// The unsigned standard badge.
    pub unsigned: Value,
    /// The issuer (the badge's `issuer.id`).
    pub issuer: Issuer,
    /// The standard badge signed with the active key.
    pub signed: Value,
    /// The verifier.
    pub verifier: Verifier,
    /// Keys: the issuer's document.
    pub keys: LocalKeys,
    /// Empty revocation and suspension lists for `{base}/status/1` and `{base}/status/2`,
    /// signed by the issuer.
    pub lists: LocalStatusLists,
    /// Trusts the issuer only.
    pub trusted: TrustedIssuers,
}

use credence_vc::keys::Signer as _;

impl Fixture {
    /// The shared fixture (built once: JSON-LD is slow in debug builds).
    pub fn get() -> &'static Fixture {
        static F: OnceLock<Fixture> = OnceLock::new();
        F.get_or_init(Fixture::build)
    }

    fn build() -> Fixture {
        let base = BaseUrl::try_from("https://badges.example.org").unwrap();
        let unsigned = sample::standard_badge(&base).unwrap().into_json();
        let did = unsigned.pointer("/issuer/id").unwrap().as_str().unwrap();
        let issuer = Issuer::new(did, 7);
        let trusted = TrustedIssuers::only([did]);
        let verifier = Verifier::new(pinned_di());
        let di = verifier.data_integrity();
        let mut keys = LocalKeys::new();
        keys.add(issuer.document());
        let mut lists = LocalStatusLists::new();
        for (url, purpose) in [
            (base.join("status/1"), StatusPurpose::Revocation),
            (base.join("status/2"), StatusPurpose::Suspension),
        ] {
            let list = StatusList::new(status::MIN_LIST_LEN).unwrap();
            lists.add(sign_list(di, &issuer, &url, purpose, &list));
        }
        let signed = di
            .sign_rdfc(&unsigned, &Issuer::options(&issuer.active), &issuer.active)
            .unwrap();
        Fixture {
            base,
            unsigned,
            issuer,
            signed,
            verifier,
            keys,
            lists,
            trusted,
        }
    }

    /// Options at the fixture time with the fixture's keys and lists.
    pub fn options(&self) -> VerifyOptions<'_> {
        VerifyOptions {
            at: sample::fixture_now(),
            keys: &self.keys,
            status: &self.lists,
            trusted: &self.trusted,
            known_identifier: None,
            budget: None,
        }
    }

    /// Signs `doc` with the active key.
    pub fn sign(&self, doc: &Value) -> Value {
        self.verifier
            .data_integrity()
            .sign_rdfc(
                doc,
                &Issuer::options(&self.issuer.active),
                &self.issuer.active,
            )
            .unwrap()
    }

    /// Verifies `doc` with the fixture's options.
    pub fn verify(&self, doc: &Value) -> Report {
        self.verifier.verify_json(doc, &self.options())
    }

    /// The status entry of the standard badge.
    pub fn standard_entry(&self) -> StatusEntry {
        StatusEntry::all_in(&self.unsigned).unwrap().remove(0)
    }
}

/// A status list credential for `url` signed by `issuer`'s active key.
pub fn sign_list(
    di: &DataIntegrity,
    issuer: &Issuer,
    url: &str,
    purpose: StatusPurpose,
    list: &StatusList,
) -> Value {
    let vc = status::list_credential(
        url,
        &issuer.did,
        purpose,
        list,
        "2024-01-01T00:00:00Z",
        None,
    );
    di.sign_rdfc(&vc, &Issuer::options(&issuer.active), &issuer.active)
        .unwrap()
}

/// A short description of a report for assertion messages.
pub fn show(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap()
}
