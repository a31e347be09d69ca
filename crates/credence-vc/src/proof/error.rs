//! Why a proof could not be made or did not verify.

/// A proof error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// The document to sign already carries a proof.
    #[error("the document already carries a proof")]
    AlreadySigned,
    /// The signer's verification method differs from the one in the proof options.
    #[error("the signer's verification method differs from the proof options")]
    SignerMismatch,
    /// The document has no `proof`.
    #[error("the document has no proof")]
    MissingProof,
    /// The document carries a proof set where one proof was expected
    /// ([`DataIntegrity::proofs_of`](super::DataIntegrity::proofs_of) reads a set).
    #[error("the document carries several proofs where one was expected")]
    ProofSetUnsupported,
    /// A proof's `previousProof` names a proof the set does not hold.
    #[error("the previous proof {0:?} is not in the document's proof set")]
    UnknownPreviousProof(String),
    /// A proof property is missing or has the wrong type.
    #[error("the proof's {0:?} is missing or malformed")]
    MalformedProof(&'static str),
    /// The proof's suite is not one Credence verifies.
    #[error("unsupported proof suite {proof_type:?} (cryptosuite {cryptosuite:?})")]
    UnsupportedSuite {
        /// The proof `type`.
        proof_type: String,
        /// The proof `cryptosuite`, if any.
        cryptosuite: Option<String>,
    },
    /// The proof's `@context` differs from the document's.
    #[error("the proof's @context differs from the document's")]
    ContextMismatch,
    /// The `proofValue` is not a multibase base58btc 64-byte signature.
    #[error("the proofValue is not a base58btc-encoded Ed25519 signature")]
    BadProofValue,
    /// The signature does not verify over the canonical document and proof configuration.
    #[error("the signature does not match the document")]
    SignatureInvalid,
    /// JSON-LD processing failed (unknown context, undefined term, ...).
    #[error("JSON-LD processing failed")]
    JsonLd(#[from] credence_ld::jsonld::JsonLdError),
    /// RDF canonicalization failed.
    #[error("RDF canonicalization failed")]
    Canon(#[from] credence_ld::rdf::canon::CanonError),
    /// JSON canonicalization failed.
    #[error("JSON canonicalization failed")]
    Jcs(#[from] credence_ld::jcs::JcsError),
    /// The document is not a conforming verifiable credential, so it is not signed.
    #[error("not a conforming verifiable credential: {0}")]
    Model(#[from] crate::model::ModelError),
    /// The signer failed.
    #[error("signing failed")]
    Sign(#[from] crate::keys::SignError),
}
