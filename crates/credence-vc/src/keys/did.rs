//! Verification method ids, `did:key` and `did:web` identifiers, DID documents and key lookup.

use serde::{Deserialize, Serialize};

use super::error::KeyError;
use super::jwk::Jwk;
use super::secret::PublicKey;

/// The DID v1 context URL.
pub const DID_V1_CONTEXT: &str = "https://www.w3.org/ns/did/v1";
/// The Multikey context URL.
pub const MULTIKEY_V1_CONTEXT: &str = "https://w3id.org/security/multikey/v1";

const MAX_ID_LEN: usize = 4096;

/// A verification method id: a URL or DID URL such as `did:web:badges.example#key-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerificationMethodId(String);

impl VerificationMethodId {
    /// Checks and wraps an id: non-empty, at most 4096 bytes, a `scheme:` prefix, no whitespace
    /// or control characters.
    pub fn new(id: impl Into<String>) -> Result<Self, KeyError> {
        let id = id.into();
        let scheme_ok = id.split_once(':').is_some_and(|(s, rest)| {
            !rest.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if !scheme_ok
            || id.len() > MAX_ID_LEN
            || id.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(KeyError::InvalidVerificationMethodId { id });
        }
        Ok(VerificationMethodId(id))
    }

    /// `controller#<publicKeyMultibase>`, the convention used by did:key and the OB vectors.
    pub fn for_key(controller: &str, key: &PublicKey) -> Result<Self, KeyError> {
        Self::new(format!("{controller}#{}", key.to_multibase()))
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before `#` (the DID or URL of the controlling document).
    pub fn controller(&self) -> &str {
        self.0.split_once('#').map_or(self.0.as_str(), |(c, _)| c)
    }

    /// The part after `#`, if any.
    pub fn fragment(&self) -> Option<&str> {
        self.0.split_once('#').map(|(_, f)| f)
    }
}

impl TryFrom<String> for VerificationMethodId {
    type Error = KeyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<VerificationMethodId> for String {
    fn from(value: VerificationMethodId) -> Self {
        value.0
    }
}

impl std::fmt::Display for VerificationMethodId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for VerificationMethodId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// ---------------------------------------------------------------------------------------------
// did:key

impl PublicKey {
    /// `did:key:z6Mk…`.
    pub fn did_key(&self) -> String {
        format!("did:key:{}", self.to_multibase())
    }

    /// `did:key:z6Mk…#z6Mk…`.
    pub fn did_key_vm(&self) -> VerificationMethodId {
        let mb = self.to_multibase();
        VerificationMethodId(format!("did:key:{mb}#{mb}"))
    }
}

/// The public key named by a `did:key` (with or without its `#fragment`, which must then repeat
/// the key).
pub fn public_key_from_did_key(did: &str) -> Result<PublicKey, KeyError> {
    let not = || KeyError::NotDidKey {
        did: did.to_owned(),
    };
    let rest = did.strip_prefix("did:key:").ok_or_else(not)?;
    let (mb, fragment) = match rest.split_once('#') {
        Some((mb, f)) => (mb, Some(f)),
        None => (rest, None),
    };
    if fragment.is_some_and(|f| f != mb) {
        return Err(not());
    }
    PublicKey::from_multibase(mb).map_err(|_| not())
}

/// Resolves a `did:key` to its DID document offline (one Multikey method, also the assertion
/// and the authentication method, as the `did:key` method specifies).
pub fn resolve_did_key(did: &str) -> Result<DidDocument, KeyError> {
    let key = public_key_from_did_key(did)?;
    if did.contains('#') {
        return Err(KeyError::NotDidKey {
            did: did.to_owned(),
        });
    }
    let vm = key.did_key_vm();
    let mut doc = DidDocument::from_keys(key.did_key(), [(&vm, &key)])?;
    doc.other
        .insert(AUTHENTICATION.to_owned(), serde_json::json!([vm.as_str()]));
    Ok(doc)
}

/// The DID document member listing the methods that may authenticate as its subject.
const AUTHENTICATION: &str = "authentication";

// ---------------------------------------------------------------------------------------------
// did:web

fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !host.starts_with('.')
        && !host.starts_with('-')
}

fn valid_port(port: &str) -> bool {
    !port.is_empty() && port.len() <= 5 && port.chars().all(|c| c.is_ascii_digit())
}

fn valid_segment(seg: &str) -> bool {
    !seg.is_empty()
        && seg != "."
        && seg != ".."
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~%".contains(c))
}

/// `https://host[:port][/a/b]` -> `did:web:host[%3Aport][:a:b]` (host lowercased, trailing `/`
/// ignored). Only `https` URLs without user info, query or fragment are accepted.
pub fn did_web_from_base_url(url: &str) -> Result<String, KeyError> {
    let bad = |reason: &'static str| KeyError::InvalidBaseUrl {
        url: url.to_owned(),
        reason,
    };
    let rest = match url.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("https://") => url.get(8..).unwrap_or(""),
        _ => return Err(bad("scheme must be https")),
    };
    if rest.contains(['?', '#']) {
        return Err(bad("query and fragment are not allowed"));
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.contains('@') {
        return Err(bad("user info is not allowed"));
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if !valid_host(host) {
        return Err(bad("invalid host"));
    }
    let mut did = format!("did:web:{}", host.to_ascii_lowercase());
    if let Some(port) = port {
        if !valid_port(port) {
            return Err(bad("invalid port"));
        }
        did.push_str("%3A");
        did.push_str(port);
    }
    let path = path.strip_suffix('/').unwrap_or(path);
    if !path.is_empty() {
        for seg in path.split('/') {
            if !valid_segment(seg) {
                return Err(bad("invalid path segment"));
            }
            did.push(':');
            did.push_str(seg);
        }
    }
    Ok(did)
}

/// `did:web:host[%3Aport][:a:b]` (any `#fragment` ignored) -> the URL of its DID document:
/// `https://host[:port]/.well-known/did.json` or `https://host[:port]/a/b/did.json`.
pub fn did_web_to_url(did: &str) -> Result<String, KeyError> {
    let not = || KeyError::NotDidWeb {
        did: did.to_owned(),
    };
    let bare = did.split(['#', '?']).next().unwrap_or(did);
    let rest = bare.strip_prefix("did:web:").ok_or_else(not)?;
    let mut parts = rest.split(':');
    let authority = parts.next().ok_or_else(not)?;
    let lower = authority.to_ascii_lowercase();
    let (host, port) = match lower.split_once("%3a") {
        Some((h, p)) => (h, Some(p)),
        None => (lower.as_str(), None),
    };
    if !valid_host(host) || port.is_some_and(|p| !valid_port(p)) {
        return Err(not());
    }
    let mut url = format!("https://{host}");
    if let Some(p) = port {
        url.push(':');
        url.push_str(p);
    }
    let mut any_path = false;
    for seg in parts {
        if !valid_segment(seg) {
            return Err(not());
        }
        url.push('/');
        url.push_str(seg);
        any_path = true;
    }
    url.push_str(if any_path {
        "/did.json"
    } else {
        "/.well-known/did.json"
    });
    Ok(url)
}

// ---------------------------------------------------------------------------------------------
// DID documents

/// A verification method entry of a DID document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerificationMethod {
    /// The method id (absolute, or `#fragment` relative to the document id).
    pub id: String,
    /// `Multikey`, `Ed25519VerificationKey2020`, `JsonWebKey2020`, `JsonWebKey` or
    /// `Ed25519VerificationKey2018`.
    #[serde(rename = "type")]
    pub method_type: String,
    /// The controller DID or URL.
    #[serde(default)]
    pub controller: String,
    /// Multibase public key (Multikey, Ed25519VerificationKey2020).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_multibase: Option<String>,
    /// JWK public key (JsonWebKey2020, JsonWebKey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_jwk: Option<Jwk>,
    /// Raw base58 public key (Ed25519VerificationKey2018).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key_base58: Option<String>,
}

impl VerificationMethod {
    /// A `Multikey` entry for `key`.
    pub fn multikey(id: &VerificationMethodId, controller: &str, key: &PublicKey) -> Self {
        VerificationMethod {
            id: id.as_str().to_owned(),
            method_type: "Multikey".to_owned(),
            controller: controller.to_owned(),
            public_key_multibase: Some(key.to_multibase()),
            public_key_jwk: None,
            public_key_base58: None,
        }
    }

    /// The Ed25519 public key this entry carries.
    pub fn public_key(&self) -> Result<PublicKey, KeyError> {
        let missing = || KeyError::MissingKeyMaterial {
            vm: self.id.clone(),
        };
        match self.method_type.as_str() {
            "Multikey" | "Ed25519VerificationKey2020" => {
                let mb = self.public_key_multibase.as_deref().ok_or_else(missing)?;
                PublicKey::from_multibase(mb)
            }
            "JsonWebKey2020" | "JsonWebKey" => {
                PublicKey::from_jwk(self.public_key_jwk.as_ref().ok_or_else(missing)?)
            }
            "Ed25519VerificationKey2018" => {
                let b58 = self.public_key_base58.as_deref().ok_or_else(missing)?;
                if b58.len() > 64 {
                    return Err(missing());
                }
                let raw = bs58::decode(b58).into_vec().map_err(KeyError::Base58)?;
                PublicKey::from_bytes(&raw)
            }
            other => Err(KeyError::UnsupportedMethodType {
                vm: self.id.clone(),
                method_type: other.to_owned(),
            }),
        }
    }
}

/// An entry of a verification relationship such as `assertionMethod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum VerificationRelationship {
    /// A reference to a method listed in `verificationMethod`.
    Reference(String),
    /// A method embedded in the relationship.
    Embedded(Box<VerificationMethod>),
}

/// A DID document (the subset needed to publish and look up assertion keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// `@context`; ours is `[DID v1, Multikey v1]`.
    #[serde(rename = "@context", default)]
    pub context: serde_json::Value,
    /// The DID (or URL) this document describes.
    pub id: String,
    /// The verification methods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verification_method: Vec<VerificationMethod>,
    /// Methods allowed to assert (sign) credentials.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertion_method: Vec<VerificationRelationship>,
    /// Any other members (authentication, service, …), kept as read.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl DidDocument {
    /// Builds a document for `id` listing every key (active and retired, so old credentials keep
    /// verifying) as a Multikey method and as an assertion method. Each method's controller
    /// (the part before `#`) must be `id`.
    pub fn from_keys<'a, I>(id: impl Into<String>, keys: I) -> Result<Self, KeyError>
    where
        I: IntoIterator<Item = (&'a VerificationMethodId, &'a PublicKey)>,
    {
        let id = id.into();
        let mut verification_method = Vec::new();
        let mut assertion_method = Vec::new();
        for (vm, key) in keys {
            if vm.controller() != id {
                return Err(KeyError::ControllerMismatch {
                    vm: vm.to_string(),
                    controller: vm.controller().to_owned(),
                    document: id,
                });
            }
            verification_method.push(VerificationMethod::multikey(vm, &id, key));
            assertion_method.push(VerificationRelationship::Reference(vm.to_string()));
        }
        Ok(DidDocument {
            context: serde_json::json!([DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT]),
            id,
            verification_method,
            assertion_method,
            other: serde_json::Map::new(),
        })
    }

    fn absolute(&self, id: &str) -> String {
        if id.starts_with('#') {
            format!("{}{id}", self.id)
        } else {
            id.to_owned()
        }
    }

    /// The public key of `vm`, provided the document describes `vm`, lists it under
    /// `assertionMethod` (by reference or embedded), and the method's controller is this document.
    pub fn assertion_key(&self, vm: &VerificationMethodId) -> Result<PublicKey, KeyError> {
        self.key_in(vm, &self.assertion_method, false)
    }

    /// The public key of `vm`, provided the document describes `vm`, lists it under
    /// `authentication` (by reference or embedded), and the method's controller is this
    /// document: a key its subject may prove control with (a presentation's proof, DID Auth).
    pub fn authentication_key(&self, vm: &VerificationMethodId) -> Result<PublicKey, KeyError> {
        let listed: Vec<VerificationRelationship> =
            match self.other.get(AUTHENTICATION) {
                Some(v @ serde_json::Value::Array(_)) => serde_json::from_value(v.clone())
                    .map_err(|_| KeyError::NotAuthenticationMethod {
                        vm: vm.as_str().to_owned(),
                    })?,
                _ => Vec::new(),
            };
        self.key_in(vm, &listed, true)
    }

    /// The public key of `vm` as a member of the relationship `listed`.
    fn key_in(
        &self,
        vm: &VerificationMethodId,
        listed: &[VerificationRelationship],
        authentication: bool,
    ) -> Result<PublicKey, KeyError> {
        let target = vm.as_str();
        if vm.controller() != self.id {
            return Err(KeyError::ControllerMismatch {
                vm: target.to_owned(),
                controller: vm.controller().to_owned(),
                document: self.id.clone(),
            });
        }
        let listed = listed.iter().find_map(|rel| match rel {
            VerificationRelationship::Reference(r) if self.absolute(r) == target => Some(None),
            VerificationRelationship::Embedded(m) if self.absolute(&m.id) == target => {
                Some(Some(m))
            }
            _ => None,
        });
        let declared = self
            .verification_method
            .iter()
            .find(|m| self.absolute(&m.id) == target);
        let method = match (listed, declared) {
            (Some(Some(embedded)), _) => embedded,
            (Some(None), Some(m)) => m,
            (Some(None), None) | (None, None) => {
                return Err(KeyError::MethodNotFound {
                    vm: target.to_owned(),
                })
            }
            (None, Some(_)) if authentication => {
                return Err(KeyError::NotAuthenticationMethod {
                    vm: target.to_owned(),
                })
            }
            (None, Some(_)) => {
                return Err(KeyError::NotAssertionMethod {
                    vm: target.to_owned(),
                })
            }
        };
        let controller = self.absolute(&method.controller);
        if controller != self.id {
            return Err(KeyError::ControllerMismatch {
                vm: target.to_owned(),
                controller,
                document: self.id.clone(),
            });
        }
        method.public_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{SecretKey, ED25519_PUB_HEADER};
    use rand::{rngs::StdRng, SeedableRng};

    fn key(seed: u64) -> PublicKey {
        SecretKey::generate(&mut StdRng::seed_from_u64(seed)).public_key()
    }

    #[test]
    fn did_key_of_w3c_key_matches_vector() {
        let pk =
            PublicKey::from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2").unwrap();
        let expected = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        assert_eq!(pk.did_key_vm().as_str(), expected);
        // The W3C eddsa-rdfc-2022 signed vector names this verification method.
        let signed = include_str!(
            "../../../../tests/vectors/w3c-vc-di-eddsa/eddsa-rdfc-2022/signedDataInt.json"
        );
        let v: serde_json::Value = serde_json::from_str(signed).unwrap();
        assert_eq!(v["proof"]["verificationMethod"], expected);
        assert_eq!(pk.did_key_vm().controller(), pk.did_key());
        assert_eq!(public_key_from_did_key(expected).unwrap(), pk);
        let doc = resolve_did_key(&pk.did_key()).unwrap();
        assert_eq!(doc.assertion_key(&pk.did_key_vm()).unwrap(), pk);
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["verificationMethod"][0]["type"], "Multikey");
        assert_eq!(json["assertionMethod"][0], expected);
    }

    #[test]
    fn did_key_rejects_bad_input() {
        let pk = key(1);
        let other = key(2);
        let bad_fragment = format!("{}#{}", pk.did_key(), other.to_multibase());
        assert!(matches!(
            public_key_from_did_key(&bad_fragment),
            Err(KeyError::NotDidKey { .. })
        ));
        assert!(public_key_from_did_key("did:web:x").is_err());
        assert!(public_key_from_did_key("did:key:zQ3s").is_err());
        assert!(resolve_did_key(pk.did_key_vm().as_str()).is_err());
    }

    #[test]
    fn did_web_conversions() {
        assert_eq!(
            did_web_from_base_url("https://badges.example.org").unwrap(),
            "did:web:badges.example.org"
        );
        assert_eq!(
            did_web_from_base_url("https://Badges.Example.org:8443/issuers/acme/").unwrap(),
            "did:web:badges.example.org%3A8443:issuers:acme"
        );
        assert!(did_web_from_base_url("http://badges.example.org").is_err());
        assert!(did_web_from_base_url("https://u@badges.example.org").is_err());
        assert!(did_web_from_base_url("https://badges.example.org/?q").is_err());
        assert!(did_web_from_base_url("https://badges.example.org:x").is_err());
        assert!(did_web_from_base_url("https://").is_err());
        assert!(did_web_from_base_url("https://a.org/a:b").is_err());

        assert_eq!(
            did_web_to_url("did:web:badges.example.org").unwrap(),
            "https://badges.example.org/.well-known/did.json"
        );
        assert_eq!(
            did_web_to_url("did:web:badges.example.org%3A8443:issuers:acme#key-1").unwrap(),
            "https://badges.example.org:8443/issuers/acme/did.json"
        );
        assert!(did_web_to_url("did:key:z6Mk").is_err());
        assert!(did_web_to_url("did:web:").is_err());
        assert!(did_web_to_url("did:web:a.org::x").is_err());
        assert!(did_web_to_url("did:web:a.org:..").is_err());
        assert!(did_web_to_url("did:web:a.org/evil").is_err());
        // Round trip.
        for url in ["https://a.example", "https://a.example:444/x/y"] {
            let did = did_web_from_base_url(url).unwrap();
            let doc_url = did_web_to_url(&did).unwrap();
            assert!(doc_url.starts_with(url), "{doc_url} vs {url}");
        }
    }

    #[test]
    fn document_with_active_and_retired_keys() {
        let did = "did:web:badges.example";
        let active = key(10);
        let retired = key(11);
        let vm_a = VerificationMethodId::new(format!("{did}#key-2")).unwrap();
        let vm_r = VerificationMethodId::new(format!("{did}#key-1")).unwrap();
        let doc = DidDocument::from_keys(did, [(&vm_a, &active), (&vm_r, &retired)]).unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            json["@context"],
            serde_json::json!([DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT])
        );
        assert_eq!(
            json["assertionMethod"],
            serde_json::json!([vm_a.as_str(), vm_r.as_str()])
        );
        assert_eq!(json["verificationMethod"][1]["controller"], did);
        // Survives a serde round trip and yields both keys.
        let back: DidDocument = serde_json::from_value(json).unwrap();
        assert_eq!(back.assertion_key(&vm_a).unwrap(), active);
        assert_eq!(back.assertion_key(&vm_r).unwrap(), retired);
        // A method of another controller cannot be put in.
        let foreign = VerificationMethodId::new("did:web:other.example#key-1").unwrap();
        assert!(matches!(
            DidDocument::from_keys(did, [(&foreign, &active)]),
            Err(KeyError::ControllerMismatch { .. })
        ));
    }

    #[test]
    fn lookup_refusals() {
        let did = "did:web:badges.example";
        let pk = key(20);
        let mb = pk.to_multibase();
        let doc: DidDocument = serde_json::from_value(serde_json::json!({
            "@context": [DID_V1_CONTEXT],
            "id": did,
            "verificationMethod": [
                {"id": "#auth", "type": "Multikey", "controller": did, "publicKeyMultibase": mb},
                {"id": "#stolen", "type": "Multikey", "controller": "did:web:evil.example",
                 "publicKeyMultibase": mb},
                {"id": "#rel", "type": "Multikey", "controller": did, "publicKeyMultibase": mb},
                {"id": "#odd", "type": "RsaVerificationKey2018", "controller": did}
            ],
            "authentication": ["#auth"],
            "assertionMethod": ["#stolen", "#rel", "#odd", "#ghost",
                {"id": "#emb", "type": "Multikey", "controller": did, "publicKeyMultibase": mb}]
        }))
        .unwrap();
        let vm = |f: &str| VerificationMethodId::new(format!("{did}#{f}")).unwrap();
        assert!(matches!(
            doc.assertion_key(&vm("auth")),
            Err(KeyError::NotAssertionMethod { .. })
        ));
        assert!(matches!(
            doc.assertion_key(&vm("stolen")),
            Err(KeyError::ControllerMismatch { .. })
        ));
        assert!(matches!(
            doc.assertion_key(&vm("ghost")),
            Err(KeyError::MethodNotFound { .. })
        ));
        assert!(matches!(
            doc.assertion_key(&vm("nothing")),
            Err(KeyError::MethodNotFound { .. })
        ));
        assert!(matches!(
            doc.assertion_key(&vm("odd")),
            Err(KeyError::UnsupportedMethodType { .. })
        ));
        assert_eq!(doc.assertion_key(&vm("rel")).unwrap(), pk);
        assert_eq!(doc.assertion_key(&vm("emb")).unwrap(), pk);
        // A method id of another DID is refused even if this document lists it.
        let other = VerificationMethodId::new("did:web:evil.example#rel").unwrap();
        assert!(matches!(
            doc.assertion_key(&other),
            Err(KeyError::ControllerMismatch { .. })
        ));
        assert!(doc.other.contains_key("authentication"));
    }

    #[test]
    fn other_issuers_method_types() {
        let did = "did:web:other.example";
        let pk = key(30);
        let jwk = serde_json::to_value(pk.to_jwk(None)).unwrap();
        let b58 = bs58::encode(pk.to_bytes()).into_string();
        let doc: DidDocument = serde_json::from_value(serde_json::json!({
            "@context": DID_V1_CONTEXT,
            "id": did,
            "verificationMethod": [
                {"id": format!("{did}#jwk"), "type": "JsonWebKey2020", "controller": did,
                 "publicKeyJwk": jwk},
                {"id": format!("{did}#ed2020"), "type": "Ed25519VerificationKey2020",
                 "controller": did, "publicKeyMultibase": pk.to_multibase()},
                {"id": format!("{did}#ed2018"), "type": "Ed25519VerificationKey2018",
                 "controller": did, "publicKeyBase58": b58},
                {"id": format!("{did}#empty"), "type": "JsonWebKey2020", "controller": did}
            ],
            "assertionMethod": [format!("{did}#jwk"), format!("{did}#ed2020"),
                                format!("{did}#ed2018"), format!("{did}#empty")]
        }))
        .unwrap();
        for f in ["jwk", "ed2020", "ed2018"] {
            let vm = VerificationMethodId::new(format!("{did}#{f}")).unwrap();
            assert_eq!(doc.assertion_key(&vm).unwrap(), pk, "{f}");
        }
        let vm = VerificationMethodId::new(format!("{did}#empty")).unwrap();
        assert!(matches!(
            doc.assertion_key(&vm),
            Err(KeyError::MissingKeyMaterial { .. })
        ));
    }

    #[test]
    fn vm_id_validation() {
        let vm = VerificationMethodId::new("did:web:badges.example#key-1").unwrap();
        assert_eq!(vm.controller(), "did:web:badges.example");
        assert_eq!(vm.fragment(), Some("key-1"));
        assert_eq!(
            VerificationMethodId::new("https://example.edu/issuers/565049")
                .unwrap()
                .controller(),
            "https://example.edu/issuers/565049"
        );
        for bad in ["", "key-1", "#key-1", "did:web:a b", "1a:b", "did:"] {
            assert!(VerificationMethodId::new(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<VerificationMethodId>("\"nope\"").is_err());
        // The OB vector's method id is key-derived.
        let pk =
            PublicKey::from_multibase("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi").unwrap();
        assert_eq!(
            VerificationMethodId::for_key("https://example.edu/issuers/565049", &pk)
                .unwrap()
                .as_str(),
            "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        );
    }

    #[test]
    fn multicodec_header_is_ed25519_pub() {
        let raw = bs58::decode(&key(40).to_multibase()[1..])
            .into_vec()
            .unwrap();
        assert_eq!(raw[..2], ED25519_PUB_HEADER);
    }
}
