//! The signed standard fixture: the sample data's first badge, its issuer's key and DID document,
//! and its signed status lists, ready to verify. Used by `credence bench`, benchmarks and examples.

use serde_json::Value;

use crate::model::sample::{self, SampleError};
use crate::model::BaseUrl;
use crate::verify::{Verifier, VerifyOptions};
use credence_ld::contexts::ContextError;
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{DidDocument, KeyError, LocalSigner, SecretKey, VerificationMethodId};
use credence_vc::proof::{DataIntegrity, ProofError, ProofOptions};
use credence_vc::status::{self, StatusEntry, StatusError, StatusList};
use credence_vc::verify::{LocalKeys, LocalStatusLists, TrustedIssuers};

/// The public base URL of the fixture issuer; its `did:web` is the issuer id.
pub const BASE_URL: &str = "https://badges.example.org";

/// Why the fixture could not be built (a bug: every part of it is fixed data).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FixtureError {
    /// The sample data did not give a badge.
    #[error("sample data")]
    Sample(#[from] SampleError),
    /// A model value was refused.
    #[error("model")]
    Model(#[from] crate::model::ModelError),
    /// A key or DID document could not be made.
    #[error("keys")]
    Key(#[from] KeyError),
    /// The pinned contexts could not be loaded.
    #[error("contexts")]
    Context(#[from] ContextError),
    /// Signing failed.
    #[error("signing")]
    Proof(#[from] ProofError),
    /// A status list could not be made.
    #[error("status list")]
    Status(#[from] StatusError),
}

/// The standard fixture badge, signed, with everything needed to verify it offline.
#[derive(Debug)]
pub struct SignedFixture {
    /// The verifier (and, through it, the Data Integrity engine).
    pub verifier: Verifier,
    /// The issuer's signer (a fixed, well-known key: never trust what it signs).
    pub signer: LocalSigner,
    /// The proof options the fixture signs with.
    pub options: ProofOptions,
    /// The issuer's DID document.
    pub keys: LocalKeys,
    /// The badge's signed status lists, all bits clear.
    pub lists: LocalStatusLists,
    /// Trusts the fixture issuer only.
    pub trusted: TrustedIssuers,
    /// The unsigned badge.
    pub unsigned: Value,
    /// The signed badge.
    pub signed: Value,
}

impl SignedFixture {
    /// Builds and signs the fixture.
    pub fn new() -> Result<Self, FixtureError> {
        let base = BaseUrl::try_from(BASE_URL)?;
        let issuer = base.did_web();
        let unsigned = sample::standard_badge(&base)?.into_json();
        let key = SecretKey::from_seed(&[7; 32]);
        let public = key.public_key();
        let vm = VerificationMethodId::new(format!("{issuer}#key-1"))?;
        let signer = LocalSigner::new(key, vm.clone());
        let di = DataIntegrity::new(JsonLd::new(crate::contexts::pinned()?));
        let options = ProofOptions {
            verification_method: vm.clone(),
            created: "2024-07-12T09:00:00Z".to_owned(),
        };
        let mut lists = LocalStatusLists::new();
        for entry in StatusEntry::all_in(&unsigned)? {
            let list = status::list_credential(
                &entry.list_url,
                &issuer,
                entry.purpose,
                &StatusList::new(status::MIN_LIST_LEN)?,
                "2024-01-01T00:00:00Z",
                None,
            );
            lists.add(di.sign_rdfc(&list, &options, &signer)?);
        }
        let mut keys = LocalKeys::new();
        let trusted = TrustedIssuers::only([issuer.clone()]);
        keys.add(DidDocument::from_keys(issuer, [(&vm, &public)])?);
        let signed = di.sign_rdfc(&unsigned, &options, &signer)?;
        Ok(Self {
            verifier: Verifier::new(di),
            signer,
            options,
            keys,
            lists,
            trusted,
            unsigned,
            signed,
        })
    }

    /// Verification options at the sample data's "now", with the fixture's keys and lists.
    pub fn verify_options(&self) -> VerifyOptions<'_> {
        VerifyOptions {
            at: sample::fixture_now(),
            keys: &self.keys,
            status: &self.lists,
            trusted: &self.trusted,
            known_identifier: None,
            budget: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_verifies() {
        let f = SignedFixture::new().unwrap();
        let report = f.verifier.verify_json(&f.signed, &f.verify_options());
        assert!(report.verified, "{report:?}");
    }
}
