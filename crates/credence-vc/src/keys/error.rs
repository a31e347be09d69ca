//! Error types for key handling, DID documents and signing.

use thiserror::Error;

/// Which textual key format `SecretKey::from_any_text` recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyTextFormat {
    /// A PKCS#8 PEM block (`-----BEGIN PRIVATE KEY-----`).
    Pkcs8Pem,
    /// A JSON Web Key (JSON object with `kty`).
    Jwk,
    /// A Multikey key-pair JSON object, or a bare `secretKeyMultibase` string.
    Multikey,
}

impl std::fmt::Display for KeyTextFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            KeyTextFormat::Pkcs8Pem => "PKCS#8 PEM",
            KeyTextFormat::Jwk => "JWK",
            KeyTextFormat::Multikey => "Multikey",
        })
    }
}

/// Errors from decoding, encoding or looking up keys.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A multibase string did not start with `z` (base58btc).
    #[error("multibase value must start with 'z' (base58btc)")]
    MultibasePrefix,
    /// The base58btc body of a multibase string was invalid.
    #[error("invalid base58btc")]
    Base58(#[source] bs58::decode::Error),
    /// The multicodec header of a decoded multibase value was not the expected one.
    #[error("unexpected multicodec header (expected {expected:02x?})")]
    Multicodec {
        /// The two header bytes that were expected.
        expected: [u8; 2],
    },
    /// Key material had the wrong number of bytes.
    #[error("key material has {found} bytes, expected {expected}")]
    Length {
        /// Expected byte count.
        expected: usize,
        /// Byte count found.
        found: usize,
    },
    /// A base64url value was invalid.
    #[error("invalid base64url in JWK member `{member}`")]
    Base64 {
        /// The JWK member (`x` or `d`).
        member: &'static str,
        /// Underlying decoder error.
        #[source]
        source: base64::DecodeError,
    },
    /// JSON text could not be parsed into the expected shape.
    #[error("invalid key JSON")]
    Json(#[source] serde_json::Error),
    /// A JWK had a `kty` other than `OKP`.
    #[error("unsupported JWK kty `{kty}` (only OKP is supported)")]
    JwkKeyType {
        /// The `kty` found.
        kty: String,
    },
    /// A JWK had a `crv` other than `Ed25519`.
    #[error("unsupported JWK crv `{crv}` (only Ed25519 is supported)")]
    JwkCurve {
        /// The `crv` found.
        crv: String,
    },
    /// A private key was expected but the JWK has no `d`.
    #[error("JWK has no private part `d`")]
    JwkMissingPrivate,
    /// A Multikey key-pair file had no secret key.
    #[error("Multikey key pair has no secretKeyMultibase")]
    MultikeyMissingSecret,
    /// The public half stored next to a secret key does not belong to it.
    #[error("public key does not match the secret key")]
    KeyMismatch,
    /// A PKCS#8 private key could not be read or written.
    #[error("PKCS#8 private key")]
    Pkcs8(#[source] ed25519_dalek::pkcs8::Error),
    /// An SPKI public key could not be read or written.
    #[error("SPKI public key")]
    Spki(#[source] ed25519_dalek::pkcs8::spki::Error),
    /// The bytes are not a valid (or are a weak, small-order) Ed25519 public key.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey(#[source] Option<ed25519_dalek::SignatureError>),
    /// Text given to `SecretKey::from_any_text` matched no known format.
    #[error("unrecognised key text: expected a PKCS#8 PEM, a JWK or a Multikey key pair")]
    UnrecognisedKeyText,
    /// Text given to `SecretKey::from_any_text` looked like `format` but failed to decode.
    #[error("key text looks like {format} but could not be read")]
    KeyText {
        /// The format that was detected.
        format: KeyTextFormat,
        /// Why decoding in that format failed.
        #[source]
        source: Box<KeyError>,
    },
    /// A verification method id was empty, had whitespace, or had no scheme.
    #[error("invalid verification method id `{id}`")]
    InvalidVerificationMethodId {
        /// The offending id.
        id: String,
    },
    /// A DID was not a well-formed `did:key` for an Ed25519 key.
    #[error("not an Ed25519 did:key: `{did}`")]
    NotDidKey {
        /// The offending DID.
        did: String,
    },
    /// A DID was not a well-formed `did:web`.
    #[error("not a valid did:web: `{did}`")]
    NotDidWeb {
        /// The offending DID.
        did: String,
    },
    /// A base URL cannot be turned into a did:web (must be `https://host[:port][/path]`).
    #[error("cannot derive did:web from `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The offending URL.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The verification method is not in the DID document.
    #[error("verification method `{vm}` not found in DID document")]
    MethodNotFound {
        /// The method looked up.
        vm: String,
    },
    /// The verification method exists but is not listed under `assertionMethod`.
    #[error("verification method `{vm}` is not an assertionMethod")]
    NotAssertionMethod {
        /// The method looked up.
        vm: String,
    },
    /// The verification method exists but is not listed under `authentication`.
    #[error("verification method `{vm}` is not an authentication method")]
    NotAuthenticationMethod {
        /// The method looked up.
        vm: String,
    },
    /// The verification method's controller is not the DID document's subject.
    #[error("verification method `{vm}` is controlled by `{controller}`, not `{document}`")]
    ControllerMismatch {
        /// The method looked up.
        vm: String,
        /// The controller the method names.
        controller: String,
        /// The DID document id.
        document: String,
    },
    /// The verification method has a type this crate cannot read.
    #[error("verification method `{vm}` has unsupported type `{method_type}`")]
    UnsupportedMethodType {
        /// The method looked up.
        vm: String,
        /// Its `type`.
        method_type: String,
    },
    /// The verification method has no key material in a field its type allows.
    #[error("verification method `{vm}` carries no usable public key")]
    MissingKeyMaterial {
        /// The method looked up.
        vm: String,
    },
    /// A signature had the wrong length.
    #[error("signature has {found} bytes, expected 64")]
    SignatureLength {
        /// Byte count found.
        found: usize,
    },
    /// Signature verification failed.
    #[error("signature verification failed")]
    BadSignature(#[source] ed25519_dalek::SignatureError),
}

/// Errors a [`crate::keys::Signer`] can report.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SignError {
    /// The signing backend (e.g. a remote KMS or HSM) failed.
    #[error("signing backend failed for `{vm}`")]
    Backend {
        /// Verification method the signature was requested for.
        vm: String,
        /// The backend's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}
