//! VC-JWT: compact JWS (EdDSA only) in the Open Badges 3.0 form and the W3C VC-JOSE-COSE form.
//!
//! Open Badges 3.0 §8.2 ("JSON Web Token Proof Format", VCDM 2.0 revision) makes the JWT payload
//! the credential itself with the registered claims `iss` (issuer id), `jti` (credential id),
//! `sub` (credentialSubject id), `nbf` (validFrom) and `exp` (validUntil) added beside its
//! members; it defines no `iat`. Tokens made after VCDM 1.1 put the credential in a `vc` claim
//! instead; [`decode`] accepts those too ([`JwtForm::Ob3VcClaim`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Serialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::keys::{
    signature_from_slice, verify_signature, KeyError, PublicKey, SignError, Signature, Signer,
    VerificationMethodId,
};

/// Longest compact JWS [`decode`] accepts, in bytes (1 MiB).
pub const MAX_JWT_LEN: usize = 1 << 20;

/// Registered claim names that may not also appear as credential members in the OB form.
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "jti", "nbf", "exp", "iat", "aud"];

/// The three parts of a compact JWS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtPart {
    /// The JOSE header.
    Header,
    /// The payload (claims).
    Payload,
    /// The signature.
    Signature,
}

/// Which VC-JWT shape a token has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtForm {
    /// OB 3.0: credential members and `iss`/`jti`/`sub`/`nbf`/`exp` claims side by side.
    Ob3,
    /// VCDM 1.1 style: the credential in a `vc` claim next to the registered claims.
    Ob3VcClaim,
    /// W3C VC-JOSE-COSE (`typ: vc+jwt`): the payload is the credential.
    VcJose,
}

/// Errors from signing, decoding or checking a VC-JWT.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JwtError {
    /// The token is longer than [`MAX_JWT_LEN`].
    #[error("JWT is {len} bytes, more than the {max} allowed")]
    TooLong {
        /// Length of the input.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The token does not have exactly three `.`-separated parts.
    #[error("compact JWS must have 3 parts, found {found}")]
    PartCount {
        /// Parts found.
        found: usize,
    },
    /// A part is not base64url without padding.
    #[error("invalid base64url in JWT {part:?}")]
    Base64 {
        /// Which part.
        part: JwtPart,
        /// Decoder error.
        #[source]
        source: base64::DecodeError,
    },
    /// A part is not JSON.
    #[error("invalid JSON in JWT {part:?}")]
    Json {
        /// Which part.
        part: JwtPart,
        /// Parser error.
        #[source]
        source: serde_json::Error,
    },
    /// A part is JSON but not an object.
    #[error("JWT {part:?} is not a JSON object")]
    NotAnObject {
        /// Which part.
        part: JwtPart,
    },
    /// The header has no `alg`.
    #[error("JWT header has no alg")]
    MissingAlg,
    /// The header's `alg` is not `EdDSA` (this includes `none`).
    #[error("JWT alg `{alg}` is not accepted (only EdDSA)")]
    UnsupportedAlg {
        /// The `alg` found (rendered as JSON if not a string).
        alg: String,
    },
    /// The header has a `crit` member; no JWS extensions are understood.
    #[error("JWT header has a crit member; no extensions are supported")]
    CriticalHeader,
    /// The header `kid` is not a usable verification method id.
    #[error("JWT kid is not a verification method id")]
    InvalidKid(#[source] KeyError),
    /// The signature part has the wrong length.
    #[error("JWT signature is malformed")]
    MalformedSignature(#[source] KeyError),
    /// Signature verification failed.
    #[error("JWT signature does not verify")]
    BadSignature(#[source] KeyError),
    /// The signer failed.
    #[error("signing failed")]
    Sign(#[from] SignError),
    /// JSON serialisation failed.
    #[error("could not serialise JWT part")]
    Serialize(#[source] serde_json::Error),
    /// The credential (or `vc` claim) is not a JSON object.
    #[error("credential is not a JSON object")]
    CredentialNotObject,
    /// The credential lacks a member the JWT claims are derived from.
    #[error("credential has no `{field}`")]
    MissingCredentialField {
        /// Member path, e.g. `issuer.id`.
        field: &'static str,
    },
    /// A credential date is not an RFC 3339 date-time with offset.
    #[error("credential `{field}` is not an RFC 3339 date-time: `{value}`")]
    InvalidDate {
        /// Member name.
        field: &'static str,
        /// Value found.
        value: String,
        /// Parser error.
        #[source]
        source: chrono::ParseError,
    },
    /// The credential has a top-level member named like a registered JWT claim.
    #[error("credential has a top-level `{claim}` member, which clashes with the JWT claim")]
    ReservedClaim {
        /// The clashing name.
        claim: &'static str,
    },
    /// A claim the OB form requires is absent.
    #[error("JWT has no `{claim}` claim")]
    MissingClaim {
        /// Claim name.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type.
    #[error("JWT claim `{claim}` has the wrong type")]
    InvalidClaim {
        /// Claim name.
        claim: &'static str,
    },
    /// A claim disagrees with the credential.
    #[error("JWT claim `{claim}` is {in_token} but the credential says {in_credential}")]
    ClaimMismatch {
        /// Claim name.
        claim: &'static str,
        /// The claim value, as JSON.
        in_token: String,
        /// The credential's value (JSON, or `absent`).
        in_credential: String,
    },
}

/// A decoded (not yet verified) compact JWS.
#[derive(Debug, Clone)]
pub struct DecodedJwt {
    header: Map<String, Value>,
    kid: Option<VerificationMethodId>,
    form: JwtForm,
    claims: Map<String, Value>,
    credential: Value,
    signing_input: String,
    signature: Signature,
}

impl DecodedJwt {
    /// The JOSE header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }
    /// The header `kid`, if any.
    pub fn kid(&self) -> Option<&VerificationMethodId> {
        self.kid.as_ref()
    }
    /// Which VC-JWT shape the token has.
    pub fn form(&self) -> JwtForm {
        self.form
    }
    /// The whole payload object.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }
    /// The credential: the `vc` claim, the payload (VC-JOSE), or the payload without the
    /// registered claims (OB form).
    pub fn credential(&self) -> &Value {
        &self.credential
    }
    /// Takes the credential out.
    pub fn into_credential(self) -> Value {
        self.credential
    }
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes that were signed.
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }
    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

fn b64_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JwtError> {
    serde_json::to_vec(value)
        .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
        .map_err(JwtError::Serialize)
}

fn sign_compact<P: Serialize + ?Sized>(
    header: &Value,
    payload: &P,
    signer: &dyn Signer,
) -> Result<String, JwtError> {
    let mut out = b64_json(header)?;
    out.push('.');
    out.push_str(&b64_json(payload)?);
    let sig = signer.sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&URL_SAFE_NO_PAD.encode(sig.to_bytes()));
    Ok(out)
}

fn issuer_id(cred: &Map<String, Value>) -> Option<&str> {
    match cred.get("issuer")? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id")?.as_str(),
        _ => None,
    }
}

fn subject_id(cred: &Map<String, Value>) -> Option<&str> {
    cred.get("credentialSubject")?.get("id")?.as_str()
}

fn numeric_date(field: &'static str, value: &str) -> Result<i64, JwtError> {
    chrono::DateTime::parse_from_rfc3339(value)
        .map(|d| d.timestamp())
        .map_err(|source| JwtError::InvalidDate {
            field,
            value: value.to_owned(),
            source,
        })
}

/// The first present date member among `names` (VCDM 2.0 name first, then the 1.1 name).
fn credential_date(
    cred: &Map<String, Value>,
    names: [&'static str; 2],
) -> Result<Option<i64>, JwtError> {
    for name in names {
        if let Some(v) = cred.get(name) {
            let s = v.as_str().ok_or(JwtError::InvalidClaim { claim: name })?;
            return numeric_date(name, s).map(Some);
        }
    }
    Ok(None)
}

fn header_for(typ: &str, signer: &dyn Signer) -> Value {
    serde_json::json!({
        "alg": "EdDSA",
        "typ": typ,
        "kid": signer.verification_method().as_str(),
    })
}

/// Signs `credential` as an Open Badges 3.0 VC-JWT.
///
/// Header `{"alg":"EdDSA","typ":"JWT","kid":<verification method>}`; payload: the credential's
/// members plus `iss` = issuer id, `jti` = id, `sub` = credentialSubject.id (if any),
/// `nbf` = validFrom and `exp` = validUntil (if any), as NumericDate seconds.
pub fn sign_ob3_jwt(credential: &Value, signer: &dyn Signer) -> Result<String, JwtError> {
    sign_compact(
        &header_for("JWT", signer),
        &ob3_payload(credential)?,
        signer,
    )
}

/// The payload of an Open Badges 3.0 VC-JWT of `credential` (see [`sign_ob3_jwt`]): the
/// credential's members, then the registered claims. It borrows the credential and serializes as
/// the one JSON object, so signing copies no document.
struct Ob3Payload<'a> {
    credential: &'a Map<String, Value>,
    claims: Vec<(&'static str, Value)>,
}

impl Serialize for Ob3Payload<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.credential.len() + self.claims.len()))?;
        for (key, value) in self.credential {
            map.serialize_entry(key, value)?;
        }
        for (key, value) in &self.claims {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

fn ob3_payload(credential: &Value) -> Result<Ob3Payload<'_>, JwtError> {
    let cred = credential
        .as_object()
        .ok_or(JwtError::CredentialNotObject)?;
    if let Some(claim) = REGISTERED_CLAIMS.iter().find(|c| cred.contains_key(**c)) {
        return Err(JwtError::ReservedClaim { claim });
    }
    let iss = issuer_id(cred).ok_or(JwtError::MissingCredentialField { field: "issuer.id" })?;
    let jti = cred
        .get("id")
        .and_then(Value::as_str)
        .ok_or(JwtError::MissingCredentialField { field: "id" })?;
    let nbf = credential_date(cred, ["validFrom", "issuanceDate"])?
        .ok_or(JwtError::MissingCredentialField { field: "validFrom" })?;
    let exp = credential_date(cred, ["validUntil", "expirationDate"])?;
    let mut claims = vec![("iss", Value::from(iss)), ("jti", Value::from(jti))];
    if let Some(sub) = subject_id(cred) {
        claims.push(("sub", Value::from(sub)));
    }
    claims.push(("nbf", Value::from(nbf)));
    if let Some(exp) = exp {
        claims.push(("exp", Value::from(exp)));
    }
    Ok(Ob3Payload {
        credential: cred,
        claims,
    })
}

/// The `data:` URL media types an `EnvelopedVerifiableCredential`'s `id` may carry a VC-JWT in.
const ENVELOPED_JWT: [&str; 2] = ["data:application/vc+jwt,", "data:application/jwt,"];

/// The compact JWT a VC 2.0 `EnvelopedVerifiableCredential` carries in its `id` (a
/// `data:application/vc+jwt,` URL): `None` when `credential` is not an enveloped credential,
/// `Some(None)` when it is one but its `id` holds no compact JWT.
pub fn enveloped(credential: &serde_json::Value) -> Option<Option<&str>> {
    use serde_json::Value;
    let enveloped = match credential.get("type") {
        Some(Value::String(t)) => t == "EnvelopedVerifiableCredential",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "EnvelopedVerifiableCredential"),
        _ => false,
    };
    if !enveloped {
        return None;
    }
    let id = credential.get("id").and_then(Value::as_str).unwrap_or("");
    Some(
        ENVELOPED_JWT
            .iter()
            .find_map(|prefix| id.strip_prefix(prefix))
            .filter(|token| is_compact(token)),
    )
}

/// Whether `text` has the shape of a compact JWS: three non-empty parts of base64url characters
/// separated by dots (what a VC-JWT is; whether it decodes and verifies is [`decode`]'s and
/// [`verify_jwt`]'s to say). A VC-API body whose `verifiableCredential` is a string must be one.
pub fn is_compact(text: &str) -> bool {
    let mut parts = 0;
    for part in text.split('.') {
        parts += 1;
        if part.is_empty()
            || !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return false;
        }
    }
    parts == 3
}

/// The token with its payload left out, `header..signature` (a JWS with detached content, RFC
/// 7515 Appendix F): what to store beside the credential an Open Badges VC-JWT secures, since
/// the payload is that credential again. `None` if `token` is not three parts.
pub fn detach(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, _payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    Some(format!("{header}..{signature}"))
}

/// Puts back the payload of a [`detach`]ed Open Badges VC-JWT from the credential it was made
/// of (the credential as [`sign_ob3_jwt`] signed it: without its Data Integrity proof), so that
/// `attach_ob3(&detach(&t)?, c) == t` for `t = sign_ob3_jwt(c, ..)`. A token that still has its
/// payload is returned as it is. The signature is not checked here.
pub fn attach_ob3(stored: &str, credential: &Value) -> Result<String, JwtError> {
    let mut parts = stored.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::PartCount {
            found: stored.split('.').count(),
        });
    };
    if !payload.is_empty() {
        return Ok(stored.to_owned());
    }
    let payload = b64_json(&ob3_payload(credential)?)?;
    Ok(format!("{header}.{payload}.{signature}"))
}

/// Signs `credential` in the W3C VC-JOSE-COSE form: header
/// `{"alg":"EdDSA","typ":"vc+jwt","kid":…}`, payload = the credential unchanged.
pub fn sign_vc_jose(credential: &Value, signer: &dyn Signer) -> Result<String, JwtError> {
    if !credential.is_object() {
        return Err(JwtError::CredentialNotObject);
    }
    sign_compact(&header_for("vc+jwt", signer), credential, signer)
}

fn decode_part(part: JwtPart, text: &str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|source| JwtError::Base64 { part, source })
}

fn decode_object(part: JwtPart, text: &str) -> Result<Map<String, Value>, JwtError> {
    let bytes = decode_part(part, text)?;
    match serde_json::from_slice(&bytes).map_err(|source| JwtError::Json { part, source })? {
        Value::Object(o) => Ok(o),
        _ => Err(JwtError::NotAnObject { part }),
    }
}

/// Splits and parses a compact JWS, checks the header (EdDSA only, no `crit`), and works out
/// which VC-JWT form it is. Does not verify the signature: see [`verify_jwt`].
pub fn decode(jwt: &str) -> Result<DecodedJwt, JwtError> {
    if jwt.len() > MAX_JWT_LEN {
        return Err(JwtError::TooLong {
            len: jwt.len(),
            max: MAX_JWT_LEN,
        });
    }
    let parts: Vec<&str> = jwt.trim().split('.').collect();
    let [h, p, s] = parts.as_slice() else {
        return Err(JwtError::PartCount { found: parts.len() });
    };
    let header = decode_object(JwtPart::Header, h)?;
    match header.get("alg") {
        None => return Err(JwtError::MissingAlg),
        Some(Value::String(a)) if a == "EdDSA" => {}
        Some(Value::String(a)) => return Err(JwtError::UnsupportedAlg { alg: a.clone() }),
        Some(other) => {
            return Err(JwtError::UnsupportedAlg {
                alg: other.to_string(),
            })
        }
    }
    if header.contains_key("crit") {
        return Err(JwtError::CriticalHeader);
    }
    let kid = match header.get("kid") {
        None => None,
        Some(Value::String(k)) => {
            Some(VerificationMethodId::new(k.as_str()).map_err(JwtError::InvalidKid)?)
        }
        Some(other) => {
            return Err(JwtError::InvalidKid(
                KeyError::InvalidVerificationMethodId {
                    id: other.to_string(),
                },
            ))
        }
    };
    let claims = decode_object(JwtPart::Payload, p)?;
    let signature = signature_from_slice(&decode_part(JwtPart::Signature, s)?)
        .map_err(JwtError::MalformedSignature)?;
    let typ = header.get("typ").and_then(Value::as_str).unwrap_or("");
    let (form, credential) = if let Some(vc) = claims.get("vc") {
        if !vc.is_object() {
            return Err(JwtError::CredentialNotObject);
        }
        (JwtForm::Ob3VcClaim, vc.clone())
    } else if typ.eq_ignore_ascii_case("vc+jwt") || typ.eq_ignore_ascii_case("vc+ld+jwt") {
        (JwtForm::VcJose, Value::Object(claims.clone()))
    } else if ["iss", "jti", "nbf"]
        .iter()
        .any(|c| claims.contains_key(*c))
    {
        let mut cred = claims.clone();
        for c in REGISTERED_CLAIMS {
            cred.shift_remove(c);
        }
        (JwtForm::Ob3, Value::Object(cred))
    } else {
        (JwtForm::VcJose, Value::Object(claims.clone()))
    };
    Ok(DecodedJwt {
        header,
        kid,
        form,
        claims,
        credential,
        signing_input: format!("{h}.{p}"),
        signature,
    })
}

/// Verifies the signature of a decoded JWT with `key` (strict Ed25519).
pub fn verify_jwt(decoded: &DecodedJwt, key: &PublicKey) -> Result<(), JwtError> {
    verify_signature(key, decoded.signing_input.as_bytes(), &decoded.signature)
        .map_err(JwtError::BadSignature)
}

fn mismatch(claim: &'static str, token: &Value, cred: Option<String>) -> JwtError {
    JwtError::ClaimMismatch {
        claim,
        in_token: token.to_string(),
        in_credential: cred.unwrap_or_else(|| "absent".to_owned()),
    }
}

fn check_string_claim(
    claims: &Map<String, Value>,
    claim: &'static str,
    expected: Option<&str>,
    required: bool,
) -> Result<(), JwtError> {
    match (claims.get(claim), expected) {
        (None, Some(_)) if required => Err(JwtError::MissingClaim { claim }),
        (None, _) => Ok(()),
        (Some(Value::String(t)), Some(e)) if t == e => Ok(()),
        (Some(Value::String(_)), e) => Err(mismatch(
            claim,
            claims.get(claim).unwrap_or(&Value::Null),
            e.map(|e| Value::from(e).to_string()),
        )),
        (Some(_), _) => Err(JwtError::InvalidClaim { claim }),
    }
}

fn check_date_claim(
    claims: &Map<String, Value>,
    claim: &'static str,
    expected: Option<i64>,
    required: bool,
) -> Result<(), JwtError> {
    let Some(token) = claims.get(claim) else {
        return match expected {
            Some(_) if required => Err(JwtError::MissingClaim { claim }),
            _ => Ok(()),
        };
    };
    let secs = match (token.as_i64(), token.as_f64()) {
        (Some(i), _) => i,
        // NumericDate may be fractional; `as` saturates, so this cannot panic.
        (None, Some(f)) if f.is_finite() => f.floor() as i64,
        _ => return Err(JwtError::InvalidClaim { claim }),
    };
    match expected {
        Some(e) if e == secs => Ok(()),
        // `exp` without validUntil sets the expiry (OB 3.0 §8.2.4); the caller reads it from claims.
        None if claim == "exp" => Ok(()),
        e => Err(mismatch(claim, token, e.map(|e| e.to_string()))),
    }
}

/// Checks that the registered claims agree with the credential: `iss` = issuer id, `jti` = id,
/// `sub` = credentialSubject.id, `nbf` = validFrom, `exp` = validUntil (VCDM 1.1 names are
/// accepted for `vc`-claim tokens).
///
/// For the OB forms `iss` and `nbf` are required, and `jti`/`sub` whenever the credential has an
/// id/subject id. For the VC-JOSE form only claims that are present are compared. The dates are
/// not compared with any clock here.
pub fn check_ob3_claims(decoded: &DecodedJwt) -> Result<(), JwtError> {
    let cred = decoded
        .credential
        .as_object()
        .ok_or(JwtError::CredentialNotObject)?;
    let claims = &decoded.claims;
    let required = decoded.form != JwtForm::VcJose;
    if required {
        for claim in ["iss", "nbf"] {
            if !claims.contains_key(claim) {
                return Err(JwtError::MissingClaim { claim });
            }
        }
    }
    check_string_claim(claims, "iss", issuer_id(cred), required)?;
    check_string_claim(
        claims,
        "jti",
        cred.get("id").and_then(Value::as_str),
        required,
    )?;
    check_string_claim(claims, "sub", subject_id(cred), required)?;
    let valid_from = credential_date(cred, ["validFrom", "issuanceDate"])?;
    check_date_claim(claims, "nbf", valid_from, required)?;
    let valid_until = credential_date(cred, ["validUntil", "expirationDate"])?;
    check_date_claim(claims, "exp", valid_until, required)?;
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_enveloped_credential_gives_its_compact_jwt() {
        let token = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2ln";
        let envelope = |id: String| {
            serde_json::json!({
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "EnvelopedVerifiableCredential",
                "id": id,
            })
        };
        for prefix in ["data:application/vc+jwt,", "data:application/jwt,"] {
            let c = envelope(format!("{prefix}{token}"));
            assert_eq!(enveloped(&c), Some(Some(token)));
        }
        let not_a_jwt = envelope("data:application/vc+jwt,not-a-jwt".to_owned());
        assert_eq!(enveloped(&not_a_jwt), Some(None));
        let plain = serde_json::json!({"type": ["VerifiableCredential"], "id": "urn:x"});
        assert_eq!(enveloped(&plain), None);
    }

    use super::*;
    use crate::keys::{LocalSigner, SecretKey};
    use proptest::prelude::*;
    use rand::{rngs::StdRng, SeedableRng};
    use serde_json::json;

    #[test]
    fn a_compact_jws_is_three_base64url_parts() {
        let key = SecretKey::from_seed(&[5; 32]);
        let signer = LocalSigner::new(
            key,
            VerificationMethodId::new("did:example:issuer#key-1".to_owned()).unwrap(),
        );
        let token = sign_vc_jose(&serde_json::json!({"id": "urn:ex:1"}), &signer).unwrap();
        assert!(is_compact(&token));
        for not in [
            "",
            "a.b",
            "a.b.c.d",
            "a..c",
            "a.b.",
            r#"{"@context":["https://www.w3.org/ns/credentials/v2"]}"#,
            "a.b c.d",
            "a.b+/.c",
        ] {
            assert!(!is_compact(not), "{not:?}");
        }
    }

    const OB_VECTOR: &str = include_str!("../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json");

    fn vector() -> Value {
        serde_json::from_str(OB_VECTOR).unwrap()
    }

    fn credential() -> Value {
        vector()["unsigned"].clone()
    }

    fn signer() -> LocalSigner {
        let v = vector();
        let sk = SecretKey::from_keypair_bytes(
            &hex::decode(v["secretKeyHex"].as_str().unwrap()).unwrap(),
        )
        .unwrap();
        let vm = VerificationMethodId::new(v["verificationMethod"].as_str().unwrap()).unwrap();
        LocalSigner::new(sk, vm)
    }

    fn raw_parts(jwt: &str) -> (Value, Value) {
        let p: Vec<&str> = jwt.split('.').collect();
        let h = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p[0]).unwrap()).unwrap();
        let b = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p[1]).unwrap()).unwrap();
        (h, b)
    }

    #[test]
    fn a_detached_token_is_put_back_whole_from_the_credential_as_stored() {
        let s = signer();
        let cred = credential();
        let jwt = sign_ob3_jwt(&cred, &s).unwrap();
        let stored = detach(&jwt).unwrap();
        assert!(stored.contains(".."), "{stored}");
        assert!(stored.len() < 250, "{} bytes", stored.len());
        // The credential as stored: with a proof appended, as text, read back.
        let mut secured = cred.clone();
        secured["proof"] = json!({"type": "DataIntegrityProof", "proofValue": "z1"});
        let mut read: Value =
            serde_json::from_str(&serde_json::to_string(&secured).unwrap()).unwrap();
        read.as_object_mut().unwrap().shift_remove("proof");
        assert_eq!(attach_ob3(&stored, &read).unwrap(), jwt);
        // A whole token is kept as it is; anything else is refused.
        assert_eq!(attach_ob3(&jwt, &read).unwrap(), jwt);
        assert!(attach_ob3("a.b", &read).is_err());
        assert_eq!(detach("a.b"), None);
        // Another credential does not give the token back: the signature would not verify.
        let mut other = read.clone();
        other["name"] = json!("Another badge");
        let forged = attach_ob3(&stored, &other).unwrap();
        assert_ne!(forged, jwt);
        assert!(verify_jwt(&decode(&forged).unwrap(), &s.public_key()).is_err());
    }

    #[test]
    fn ob3_round_trip() {
        let s = signer();
        let cred = credential();
        let jwt = sign_ob3_jwt(&cred, &s).unwrap();
        let (header, payload) = raw_parts(&jwt);
        assert_eq!(
            serde_json::to_string(&header).unwrap(),
            format!(
                r#"{{"alg":"EdDSA","typ":"JWT","kid":"{}"}}"#,
                s.verification_method()
            )
        );
        assert_eq!(payload["iss"], "https://example.edu/issuers/565049");
        assert_eq!(payload["jti"], "http://example.com/credentials/3527");
        assert_eq!(payload["sub"], "did:example:ebfeb1f712ebc6f1c276e12ec21");
        assert_eq!(payload["nbf"], 1_262_304_000); // 2010-01-01T00:00:00Z
        assert!(payload.get("exp").is_none());
        assert!(payload.get("iat").is_none());
        assert!(payload.get("vc").is_none());
        assert_eq!(payload["name"], "Teamwork Badge");

        let decoded = decode(&jwt).unwrap();
        assert_eq!(decoded.form(), JwtForm::Ob3);
        assert_eq!(decoded.kid(), Some(s.verification_method()));
        assert_eq!(decoded.credential(), &cred);
        verify_jwt(&decoded, &s.public_key()).unwrap();
        check_ob3_claims(&decoded).unwrap();
        let other = SecretKey::generate(&mut StdRng::seed_from_u64(60)).public_key();
        assert!(matches!(
            verify_jwt(&decoded, &other),
            Err(JwtError::BadSignature(_))
        ));
    }

    #[test]
    fn vc_jose_round_trip() {
        let s = LocalSigner::did_key(SecretKey::generate(&mut StdRng::seed_from_u64(61)));
        let mut cred = credential();
        cred["validUntil"] = json!("2030-01-01T00:00:00Z");
        let jwt = sign_vc_jose(&cred, &s).unwrap();
        let (header, payload) = raw_parts(&jwt);
        assert_eq!(header["typ"], "vc+jwt");
        assert_eq!(header["alg"], "EdDSA");
        assert_eq!(payload, cred);
        let decoded = decode(&jwt).unwrap();
        assert_eq!(decoded.form(), JwtForm::VcJose);
        assert_eq!(decoded.credential(), &cred);
        assert_eq!(decoded.kid().unwrap(), &s.public_key().did_key_vm());
        verify_jwt(&decoded, &s.public_key()).unwrap();
        check_ob3_claims(&decoded).unwrap();
    }

    #[test]
    fn validity_window_claims() {
        let s = signer();
        let mut cred = credential();
        cred["validUntil"] = json!("2030-01-01T00:00:00.5+01:00");
        let jwt = sign_ob3_jwt(&cred, &s).unwrap();
        let (_, payload) = raw_parts(&jwt);
        assert_eq!(payload["exp"], 1_893_452_400); // 2029-12-31T23:00:00Z
        let d = decode(&jwt).unwrap();
        assert_eq!(d.credential(), &cred);
        check_ob3_claims(&d).unwrap();
    }

    #[test]
    fn tampering_is_detected() {
        let s = signer();
        let jwt = sign_ob3_jwt(&credential(), &s).unwrap();
        let (header, mut payload) = raw_parts(&jwt);
        payload["name"] = json!("Forged Badge");
        let parts: Vec<&str> = jwt.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], b64_json(&payload).unwrap(), parts[2]);
        let d = decode(&forged).unwrap();
        assert_eq!(d.credential()["name"], "Forged Badge");
        assert!(matches!(
            verify_jwt(&d, &s.public_key()),
            Err(JwtError::BadSignature(_))
        ));
        // Swapping the kid invalidates the signature too.
        let mut h2 = header.clone();
        h2["kid"] = json!("did:web:evil.example#k");
        let swapped = format!("{}.{}.{}", b64_json(&h2).unwrap(), parts[1], parts[2]);
        assert!(verify_jwt(&decode(&swapped).unwrap(), &s.public_key()).is_err());
    }

    #[test]
    fn header_and_shape_refusals() {
        let s = signer();
        let jwt = sign_ob3_jwt(&credential(), &s).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        let with_header = |h: Value| format!("{}.{}.{}", b64_json(&h).unwrap(), parts[1], parts[2]);
        assert!(matches!(
            decode(&with_header(json!({"alg":"none","typ":"JWT"}))),
            Err(JwtError::UnsupportedAlg { alg }) if alg == "none"
        ));
        assert!(matches!(
            decode(&with_header(json!({"alg":"HS256"}))),
            Err(JwtError::UnsupportedAlg { .. })
        ));
        assert!(matches!(
            decode(&with_header(json!({"typ":"JWT"}))),
            Err(JwtError::MissingAlg)
        ));
        assert!(matches!(
            decode(&with_header(
                json!({"alg":"EdDSA","crit":["b64"],"b64":false})
            )),
            Err(JwtError::CriticalHeader)
        ));
        assert!(matches!(
            decode(&with_header(json!({"alg":"EdDSA","kid":"not a url"}))),
            Err(JwtError::InvalidKid(_))
        ));
        // Unsigned `alg: none` token with an empty signature.
        let none = format!(
            "{}.{}.",
            b64_json(&json!({"alg":"none"})).unwrap(),
            parts[1]
        );
        assert!(matches!(
            decode(&none),
            Err(JwtError::UnsupportedAlg { .. })
        ));
        assert!(matches!(
            decode(&format!("{}.{}", parts[0], parts[1])),
            Err(JwtError::PartCount { found: 2 })
        ));
        assert!(matches!(
            decode(&format!("{jwt}.x")),
            Err(JwtError::PartCount { found: 4 })
        ));
        assert!(matches!(
            decode(&format!("{}.{}=.{}", parts[0], parts[1], parts[2])),
            Err(JwtError::Base64 {
                part: JwtPart::Payload,
                ..
            })
        ));
        assert!(matches!(
            decode(&format!("{}.{}.{}", parts[0], parts[1], &parts[2][..20])),
            Err(JwtError::MalformedSignature(_))
        ));
        let arr = URL_SAFE_NO_PAD.encode(b"[1]");
        assert!(matches!(
            decode(&format!("{}.{arr}.{}", parts[0], parts[2])),
            Err(JwtError::NotAnObject {
                part: JwtPart::Payload
            })
        ));
        let huge = "a".repeat(MAX_JWT_LEN + 1);
        assert!(matches!(decode(&huge), Err(JwtError::TooLong { .. })));
    }

    #[test]
    fn legacy_vc_claim_form() {
        let s = signer();
        let cred = credential();
        let payload = json!({
            "vc": cred,
            "iss": "https://example.edu/issuers/565049",
            "jti": "http://example.com/credentials/3527",
            "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "nbf": 1_262_304_000,
        });
        let jwt = sign_compact(&header_for("JWT", &s), &payload, &s).unwrap();
        let d = decode(&jwt).unwrap();
        assert_eq!(d.form(), JwtForm::Ob3VcClaim);
        assert_eq!(d.credential(), &cred);
        verify_jwt(&d, &s.public_key()).unwrap();
        check_ob3_claims(&d).unwrap();
    }

    fn check_with(edit: impl FnOnce(&mut Map<String, Value>)) -> Result<(), JwtError> {
        let s = signer();
        let jwt = sign_ob3_jwt(&credential(), &s).unwrap();
        let (header, payload) = raw_parts(&jwt);
        let mut payload = payload.as_object().unwrap().clone();
        edit(&mut payload);
        let jwt = sign_compact(&header, &Value::Object(payload), &s).unwrap();
        let d = decode(&jwt).unwrap();
        verify_jwt(&d, &s.public_key()).unwrap();
        check_ob3_claims(&d)
    }

    #[test]
    fn claim_mismatches_are_typed() {
        assert!(matches!(
            check_with(|p| {
                p.insert("iss".into(), json!("https://evil.example"));
            }),
            Err(JwtError::ClaimMismatch { claim: "iss", .. })
        ));
        assert!(matches!(
            check_with(|p| {
                p.insert("jti".into(), json!("urn:uuid:other"));
            }),
            Err(JwtError::ClaimMismatch { claim: "jti", .. })
        ));
        assert!(matches!(
            check_with(|p| {
                p.insert("nbf".into(), json!(1_262_304_001));
            }),
            Err(JwtError::ClaimMismatch { claim: "nbf", .. })
        ));
        assert!(matches!(
            check_with(|p| {
                p.insert("nbf".into(), json!("2010-01-01"));
            }),
            Err(JwtError::InvalidClaim { claim: "nbf" })
        ));
        assert!(matches!(
            check_with(|p| {
                p.shift_remove("sub");
            }),
            Err(JwtError::MissingClaim { claim: "sub" })
        ));
        assert!(matches!(
            check_with(|p| {
                p.shift_remove("nbf");
            }),
            Err(JwtError::MissingClaim { claim: "nbf" })
        ));
        assert!(matches!(
            check_with(|p| {
                p.insert("validUntil".into(), json!("2030-01-01T00:00:00Z"));
            }),
            Err(JwtError::MissingClaim { claim: "exp" })
        ));
        assert!(matches!(
            check_with(|p| {
                p.insert("validUntil".into(), json!("2030-01-01T00:00:00Z"));
                p.insert("exp".into(), json!(1));
            }),
            Err(JwtError::ClaimMismatch { claim: "exp", .. })
        ));
        // A fractional nbf for the same second is accepted.
        check_with(|p| {
            p.insert("nbf".into(), json!(1_262_304_000.25));
        })
        .unwrap();
    }

    #[test]
    fn sign_refuses_unusable_credentials() {
        let s = signer();
        let mut no_id = credential();
        no_id.as_object_mut().unwrap().shift_remove("id");
        assert!(matches!(
            sign_ob3_jwt(&no_id, &s),
            Err(JwtError::MissingCredentialField { field: "id" })
        ));
        let mut no_from = credential();
        no_from.as_object_mut().unwrap().shift_remove("validFrom");
        assert!(matches!(
            sign_ob3_jwt(&no_from, &s),
            Err(JwtError::MissingCredentialField { field: "validFrom" })
        ));
        let mut bad_date = credential();
        bad_date["validFrom"] = json!("yesterday");
        assert!(matches!(
            sign_ob3_jwt(&bad_date, &s),
            Err(JwtError::InvalidDate {
                field: "validFrom",
                ..
            })
        ));
        let mut clash = credential();
        clash["iss"] = json!("x");
        assert!(matches!(
            sign_ob3_jwt(&clash, &s),
            Err(JwtError::ReservedClaim { claim: "iss" })
        ));
        assert!(matches!(
            sign_vc_jose(&json!([1]), &s),
            Err(JwtError::CredentialNotObject)
        ));
        // Issuer given as a bare IRI string.
        let mut iri = credential();
        iri["issuer"] = json!("did:web:badges.example");
        let d = decode(&sign_ob3_jwt(&iri, &s).unwrap()).unwrap();
        assert_eq!(d.claims()["iss"], "did:web:badges.example");
        check_ob3_claims(&d).unwrap();
    }

    proptest! {
        #[test]
        fn decode_never_panics(s in ".{0,300}") {
            let _ = decode(&s);
        }

        #[test]
        fn decode_never_panics_on_structured(
            h in prop::collection::vec(any::<u8>(), 0..80),
            p in prop::collection::vec(any::<u8>(), 0..120),
            sig in prop::collection::vec(any::<u8>(), 0..70),
            alg in prop::sample::select(vec!["EdDSA", "none", ""]),
            body in "[ -~]{0,80}",
        ) {
            let e = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
            let _ = decode(&format!("{}.{}.{}", e(&h), e(&p), e(&sig)));
            let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
            let payload = format!(r#"{{"vc":{body}}}"#);
            if let Ok(d) = decode(&format!("{}.{}.{}", e(header.as_bytes()), e(payload.as_bytes()), e(&sig))) {
                let _ = check_ob3_claims(&d);
            }
            let payload = format!(r#"{{"iss":{body},"nbf":{body}}}"#);
            if let Ok(d) = decode(&format!("{}.{}.{}", e(header.as_bytes()), e(payload.as_bytes()), e(&sig))) {
                let _ = check_ob3_claims(&d);
            }
        }
    }
}
