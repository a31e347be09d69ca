//! `Issuer`: the Centre's signing identity in the service: its key, its did:web, its OB profile,
//! and the Data Integrity engine that signs badges.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use credence_core::badge::UnsignedBadge;
use credence_core::badge::{utc_seconds, Profile};
use credence_core::model::{BaseUrl, IssuerProfile};
use credence_ld::jsonld::JsonLd;
use credence_vc::jwt;
use credence_vc::keys::{PublicKey, Signer, VerificationMethodId};
use credence_vc::proof::{self, DataIntegrity, ProofOptions};

/// A badge signed both ways: Data Integrity JSON (the credential) and VC-JWT.
#[derive(Debug, Clone)]
pub struct SignedBadge {
    /// The secured credential JSON, exactly as it will be stored and served.
    pub credential: String,
    /// The same credential as an OB 3.0 VC-JWT.
    pub jwt: String,
}

impl SignedBadge {
    /// The VC-JWT as stored: without its payload, which is the credential again
    /// ([`jwt::detach`]); [`badge_jwt`] puts it back.
    pub fn stored_jwt(&self) -> String {
        jwt::detach(&self.jwt).unwrap_or_else(|| self.jwt.clone())
    }
}

/// A stored badge's VC-JWT, whole: `stored` as [`SignedBadge::stored_jwt`] left it (or a whole
/// token, as older databases hold), its payload rebuilt from the stored `credential` without its
/// Data Integrity proof, which is what the token was signed over.
pub fn badge_jwt(credential: &str, stored: &str) -> Result<String, SignError> {
    let mut unsigned: serde_json::Value = serde_json::from_str(credential)?;
    if let Some(doc) = unsigned.as_object_mut() {
        doc.shift_remove("proof");
    }
    Ok(jwt::attach_ob3(stored, &unsigned)?)
}

/// Why a badge could not be signed (a defect or a key failure, never the caller's input).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The Data Integrity proof failed.
    #[error("Data Integrity signing failed")]
    Proof(#[from] credence_vc::proof::ProofError),
    /// The JWT failed.
    #[error("VC-JWT signing failed")]
    Jwt(#[from] credence_vc::jwt::JwtError),
    /// The signed document did not serialize.
    #[error("serializing the signed credential")]
    Json(#[from] serde_json::Error),
}

/// The Centre as issuer.
pub struct Issuer {
    signer: Arc<dyn Signer>,
    public_key: PublicKey,
    base_url: BaseUrl,
    profile: Profile,
    di: DataIntegrity,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("verification_method", self.signer.verification_method())
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Issuer {
    /// The issuer `profile` at `base_url` signing with `signer`, whose public key is
    /// `public_key`.
    pub fn new(
        signer: Arc<dyn Signer>,
        public_key: PublicKey,
        base_url: BaseUrl,
        profile: &IssuerProfile,
    ) -> Result<Self, credence_ld::contexts::ContextError> {
        Ok(Issuer {
            profile: profile.profile(&base_url),
            di: DataIntegrity::new(JsonLd::new(credence_core::contexts::pinned()?)),
            signer,
            public_key,
            base_url,
        })
    }

    /// The public base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// The Centre's OB profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The issuer's DID (`did:web:...`).
    pub fn did(&self) -> &str {
        &self.profile.id
    }

    /// The verification method that signs new badges.
    pub fn verification_method(&self) -> &VerificationMethodId {
        self.signer.verification_method()
    }

    /// The active public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    /// The Data Integrity engine (shared with verification).
    pub fn data_integrity(&self) -> &DataIntegrity {
        &self.di
    }

    /// Signs any credential (a status list, say) with an eddsa-rdfc-2022 proof created at
    /// `created`, by the active key.
    pub fn sign_credential(
        &self,
        credential: &serde_json::Value,
        created: DateTime<Utc>,
    ) -> Result<serde_json::Value, SignError> {
        Ok(self
            .di
            .sign_rdfc(credential, &self.options(created), self.signer.as_ref())?)
    }

    /// The options of a proof by the active key created at `created`.
    fn options(&self, created: DateTime<Utc>) -> ProofOptions {
        ProofOptions {
            verification_method: self.signer.verification_method().clone(),
            created: utc_seconds::format(&created),
        }
    }

    /// Signs a badge: eddsa-rdfc-2022 proof created at `created`, and the VC-JWT form.
    pub fn sign(
        &self,
        badge: &UnsignedBadge,
        created: DateTime<Utc>,
    ) -> Result<SignedBadge, SignError> {
        let unsigned = badge.as_json();
        let proof = self
            .di
            .prove_rdfc(unsigned, &self.options(created), self.signer.as_ref())?;
        let document = unsigned
            .as_object()
            .ok_or(credence_vc::proof::ProofError::NotAnObject)?;
        Ok(SignedBadge {
            credential: proof::secured_json(document, &proof)?,
            jwt: jwt::sign_ob3_jwt(unsigned, self.signer.as_ref())?,
        })
    }
}
