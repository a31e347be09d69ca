//! Data Integrity proofs, named by the stages of the W3C spec: transform, hash, sign, attach.
//!
//! [`DataIntegrity`] signs with `eddsa-rdfc-2022` and verifies `eddsa-rdfc-2022`, `eddsa-jcs-2022`
//! and (for badges from older issuers) `Ed25519Signature2020`. It holds the JSON-LD processor, whose
//! context cache makes the second and later documents cheap.

mod error;
mod suite;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::keys::{PublicKey, Signature, Signer, VerificationMethodId};
use credence_ld::budget::Budget;
use credence_ld::jsonld::JsonLd;
use credence_ld::rdf::{canon, Quad};

pub use error::ProofError;
pub use suite::Suite;

/// A proof taken off a secured document: its suite, its options and its value.
#[derive(Debug, Clone)]
pub struct Proof {
    suite: Suite,
    options: Map<String, Value>,
    verification_method: VerificationMethodId,
    proof_value: String,
}

impl Proof {
    /// The cryptographic suite the proof claims.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The verification method that made the proof.
    pub fn verification_method(&self) -> &VerificationMethodId {
        &self.verification_method
    }

    /// The proof purpose (`assertionMethod` for credentials).
    pub fn proof_purpose(&self) -> Option<&str> {
        self.options.get("proofPurpose").and_then(Value::as_str)
    }

    /// The `created` timestamp as written, if any.
    pub fn created(&self) -> Option<&str> {
        self.options.get("created").and_then(Value::as_str)
    }

    /// The proof's `id`, if it has one (proofs in a chain name each other by it).
    pub fn id(&self) -> Option<&str> {
        self.options.get("id").and_then(Value::as_str)
    }

    /// The `id`s of the proofs this one follows in a chain (`previousProof`, Data Integrity
    /// §2.1.2): the proof covers them too.
    pub fn previous_proofs(&self) -> Vec<&str> {
        strings(self.options.get("previousProof"))
    }

    /// The proof as a JSON object, as it was attached.
    fn object(&self) -> Map<String, Value> {
        let mut object = self.options.clone();
        object.insert("proofValue".into(), Value::from(self.proof_value.as_str()));
        object
    }

    /// The `challenge` the proof answers, if any (a presentation's, against replay).
    pub fn challenge(&self) -> Option<&str> {
        self.options.get("challenge").and_then(Value::as_str)
    }

    /// The `domain`s the proof is meant for: none, one, or a set (Data Integrity §2.1).
    pub fn domains(&self) -> Vec<&str> {
        strings(self.options.get("domain"))
    }
}

/// A proof option that is one string or a set of them.
fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Options of a new `eddsa-rdfc-2022` proof.
#[derive(Debug, Clone)]
pub struct ProofOptions {
    /// The verification method that will sign.
    pub verification_method: VerificationMethodId,
    /// The `created` timestamp, an XML Schema dateTime such as `2024-07-12T09:00:00Z`.
    pub created: String,
}

/// Signs and verifies Data Integrity proofs over JSON-LD documents.
#[derive(Debug)]
pub struct DataIntegrity {
    jsonld: JsonLd,
    /// Canonical N-Quads of recently seen proof configurations, by their JSON text.
    configs: Mutex<HashMap<String, String>>,
}

/// How many canonical proof configurations a [`DataIntegrity`] remembers.
pub const CONFIG_CACHE_ENTRIES: usize = 64;

impl DataIntegrity {
    /// A proof engine over the given JSON-LD processor.
    pub fn new(jsonld: JsonLd) -> Self {
        Self {
            jsonld,
            configs: Mutex::new(HashMap::new()),
        }
    }

    /// Transform of a proof configuration, answered from a small cache keyed by its exact JSON
    /// text (a batch signed with one `created` time, or badges sharing a proof configuration,
    /// expand and canonicalize it once). The result is the same as [`Self::transform_rdfc`].
    fn transform_config(&self, config: &Map<String, Value>) -> Result<String, ProofError> {
        let key = serde_json::to_string(config).ok();
        if let Some(key) = &key {
            let cache = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(canon) = cache.get(key) {
                return Ok(canon.clone());
            }
        }
        let canon = self.transform_rdfc(&Value::Object(config.clone()))?;
        if let Some(key) = key {
            let mut cache = self.configs.lock().unwrap_or_else(PoisonError::into_inner);
            if cache.len() >= CONFIG_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, canon.clone());
        }
        Ok(canon)
    }

    /// The JSON-LD processor in use.
    pub fn jsonld(&self) -> &JsonLd {
        &self.jsonld
    }

    /// Transform: the canonical N-Quads (RDFC-1.0) of a JSON-LD document. The document's keys
    /// must be the pinned contexts' terms ([`JsonLd::credential_rdf`]): what is signed is what a
    /// JSON reader sees.
    pub fn transform_rdfc(&self, document: &Value) -> Result<String, ProofError> {
        let quads = self.jsonld.credential_rdf(document, None)?;
        Ok(canon::canonicalize(&quads)?)
    }

    /// The RDF a proof on `secured` covers: the document without its top-level `proof`, read
    /// with the pinned terms only ([`JsonLd::credential_rdf`]). The verifier reads every fact it
    /// reports from these quads and hands them to [`Self::verify_rdf`].
    /// The work is bounded by `budget` (a verifier's input is anyone's).
    pub fn document_rdf(&self, secured: &Value, budget: &Budget) -> Result<Vec<Quad>, ProofError> {
        Ok(self
            .jsonld
            .credential_rdf_with(secured, Some("proof"), budget)?)
    }

    /// The proof configuration of a new `eddsa-rdfc-2022` proof: the options plus the document's `@context`.
    pub fn proof_config(options: &ProofOptions, document: &Value) -> Map<String, Value> {
        let mut config = Map::new();
        config.insert(
            "type".into(),
            Value::from(Suite::EddsaRdfc2022.proof_type()),
        );
        config.insert("cryptosuite".into(), Value::from("eddsa-rdfc-2022"));
        config.insert("created".into(), Value::from(options.created.as_str()));
        config.insert(
            "verificationMethod".into(),
            Value::from(options.verification_method.as_str()),
        );
        config.insert("proofPurpose".into(), Value::from("assertionMethod"));
        if let Some(ctx) = document.get("@context") {
            config.insert("@context".into(), ctx.clone());
        }
        config
    }

    /// Sign: `eddsa-rdfc-2022` over a credential (which must not already carry a proof, and must
    /// keep the VC data model's rules: [`crate::model`]; else [`ProofError::Model`]). A VC 1.1
    /// credential, whose context does not define `DataIntegrityProof`, first gets the Data
    /// Integrity context appended (as the reference issuers do; see [`with_suite_context`]).
    ///
    /// Returns the secured document: the input with `proof` attached.
    pub fn sign_rdfc(
        &self,
        document: &Value,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Value, ProofError> {
        let document = with_suite_context(document);
        with_proof(&document, self.prove_rdfc(&document, options, signer)?)
    }

    /// The `eddsa-rdfc-2022` proof [`Self::sign_rdfc`] attaches to `document`, on its own (the
    /// configuration without `@context`, plus `proofValue`); [`secured_json`] writes the
    /// secured document's JSON from the two without copying the document.
    pub fn prove_rdfc(
        &self,
        document: &Value,
        options: &ProofOptions,
        signer: &dyn Signer,
    ) -> Result<Map<String, Value>, ProofError> {
        if !document.is_object() {
            return Err(ProofError::NotAnObject);
        }
        if document.get("proof").is_some() {
            return Err(ProofError::AlreadySigned);
        }
        if options.verification_method != *signer.verification_method() {
            return Err(ProofError::SignerMismatch);
        }
        let config = Self::proof_config(options, document);
        let quads = self.jsonld.credential_rdf(document, None)?;
        crate::model::check_rdf(document, &quads, &crate::model::RelatedResources::new())?;
        self.prove_config(&quads, config, signer)
    }

    /// The `eddsa-rdfc-2022` proof of the document whose RDF is `quads`, with `config` as its
    /// proof configuration (which holds the document's `@context`).
    pub(crate) fn prove_config(
        &self,
        quads: &[Quad],
        config: Map<String, Value>,
        signer: &dyn Signer,
    ) -> Result<Map<String, Value>, ProofError> {
        let doc_canon = canon::canonicalize(quads)?;
        let config_canon = self.transform_config(&config)?;
        let hash_data = hash(&config_canon, &doc_canon);
        Ok(proof_object(config, &sign(&hash_data, signer)?))
    }

    /// Takes the proof off a secured document: the unsecured document and the parsed proof.
    pub fn split(&self, secured: &Value) -> Result<(Value, Proof), ProofError> {
        let Value::Object(map) = secured else {
            return Err(ProofError::NotAnObject);
        };
        let mut unsecured = map.clone();
        let proof = match unsecured.remove("proof") {
            None => return Err(ProofError::MissingProof),
            Some(Value::Object(p)) => p,
            Some(Value::Array(_)) => return Err(ProofError::ProofSetUnsupported),
            Some(_) => return Err(ProofError::MalformedProof("proof")),
        };
        Ok((Value::Object(unsecured), parse_proof(proof)?))
    }

    /// The proof of a secured document, parsed, without copying the document (see [`Self::split`]).
    pub fn proof_of(&self, secured: &Value) -> Result<Proof, ProofError> {
        let Value::Object(map) = secured else {
            return Err(ProofError::NotAnObject);
        };
        match map.get("proof") {
            None => Err(ProofError::MissingProof),
            Some(Value::Object(p)) => parse_proof(p.clone()),
            Some(Value::Array(_)) => Err(ProofError::ProofSetUnsupported),
            Some(_) => Err(ProofError::MalformedProof("proof")),
        }
    }

    /// The proofs of a secured document: its `proof`, one object or a set (an array; Data
    /// Integrity §2.1.1). Each entry is parsed on its own, so a proof in a suite this crate does
    /// not implement is an `Err` ([`ProofError::UnsupportedSuite`]) beside the others.
    pub fn proofs_of(&self, secured: &Value) -> Result<Vec<Result<Proof, ProofError>>, ProofError> {
        let Value::Object(map) = secured else {
            return Err(ProofError::NotAnObject);
        };
        match map.get("proof") {
            None => Err(ProofError::MissingProof),
            Some(Value::Object(p)) => Ok(vec![parse_proof(p.clone())]),
            Some(Value::Array(items)) if !items.is_empty() => Ok(items
                .iter()
                .map(|item| match item {
                    Value::Object(p) => parse_proof(p.clone()),
                    _ => Err(ProofError::MalformedProof("proof")),
                })
                .collect()),
            Some(_) => Err(ProofError::MalformedProof("proof")),
        }
    }

    /// Adds an `eddsa-rdfc-2022` proof to a document, making (or extending) a proof set (the
    /// first proof of an unsigned document is attached on its own). `id` names the new proof;
    /// `previous`, the `id` of a proof already there, makes it the next link of a chain
    /// (`previousProof`): it then covers that proof as well as the document. A VC 1.1 document
    /// gets the Data Integrity context as [`Self::sign_rdfc`] gives it.
    pub fn add_proof_rdfc(
        &self,
        secured: &Value,
        options: &ProofOptions,
        id: Option<&str>,
        previous: Option<&str>,
        signer: &dyn Signer,
    ) -> Result<Value, ProofError> {
        if options.verification_method != *signer.verification_method() {
            return Err(ProofError::SignerMismatch);
        }
        let secured = &*with_suite_context(secured);
        let existing: Vec<Proof> = match self.proofs_of(secured) {
            Err(ProofError::MissingProof) => Vec::new(),
            entries => entries?.into_iter().collect::<Result<_, _>>()?,
        };
        let Value::Object(map) = secured else {
            return Err(ProofError::NotAnObject);
        };
        let mut secured_map = map.clone();
        secured_map.remove("proof");
        let unsecured = Value::Object(secured_map.clone());
        let document = self.jsonld.credential_rdf(&unsecured, None)?;
        crate::model::check_rdf(
            &unsecured,
            &document,
            &crate::model::RelatedResources::new(),
        )?;
        let mut config = Self::proof_config(options, &unsecured);
        if let Some(id) = id {
            config.insert("id".into(), Value::from(id));
        }
        let quads = match previous {
            None => document,
            Some(previous) => {
                let chained = self.chained(&unsecured, &existing, &[previous])?;
                config.insert("previousProof".into(), Value::from(previous));
                self.jsonld.credential_rdf(&chained, None)?
            }
        };
        let proof = self.prove_config(&quads, config, signer)?;
        let mut proofs: Vec<Value> = existing.iter().map(|p| Value::Object(p.object())).collect();
        proofs.push(Value::Object(proof));
        let proof = match <[Value; 1]>::try_from(proofs) {
            Ok([one]) => one,
            Err(several) => Value::Array(several),
        };
        secured_map.insert("proof".into(), proof);
        Ok(Value::Object(secured_map))
    }

    /// The document a chained proof covers: `unsecured` with the proofs it follows as `proof`.
    fn chained(
        &self,
        unsecured: &Value,
        set: &[Proof],
        previous: &[&str],
    ) -> Result<Value, ProofError> {
        let mut followed = Vec::with_capacity(previous.len());
        for id in previous {
            let proof = set
                .iter()
                .find(|p| p.id() == Some(id))
                .ok_or_else(|| ProofError::UnknownPreviousProof((*id).to_owned()))?;
            followed.push(Value::Object(proof.object()));
        }
        let mut doc = unsecured.clone();
        if let Value::Object(map) = &mut doc {
            map.remove("proof");
            map.insert("proof".into(), Value::Array(followed));
        }
        Ok(doc)
    }

    /// Verifies `proof`, one of the set `set` on `secured`, that follows the proofs its
    /// `previousProof` names: over the document with those proofs attached (Data Integrity
    /// §4.5). A proof it names that is not in the set is [`ProofError::UnknownPreviousProof`].
    pub fn verify_chained(
        &self,
        secured: &Value,
        set: &[Proof],
        proof: &Proof,
        key: &PublicKey,
        budget: &Budget,
    ) -> Result<(), ProofError> {
        let chained = self.chained(secured, set, &proof.previous_proofs())?;
        let quads = match proof.suite {
            Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => {
                Some(self.jsonld.credential_rdf_with(&chained, None, budget)?)
            }
            Suite::EddsaJcs2022 => None,
        };
        self.check(&chained, false, quads.as_deref(), proof, key, budget)
    }

    /// Verifies `proof` over `unsecured` with `key`, for the proof's suite.
    pub fn verify(
        &self,
        unsecured: &Value,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), ProofError> {
        self.verify_doc(unsecured, false, proof, key)
    }

    /// Verifies `proof` (from [`Self::proof_of`]) over `secured` with its `proof` entry left out:
    /// the same as [`Self::split`] then [`Self::verify`], without copying the document.
    pub fn verify_embedded(
        &self,
        secured: &Value,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), ProofError> {
        self.verify_doc(secured, true, proof, key)
    }

    /// Verifies `proof` over `secured`, whose RDF without the proof ([`Self::document_rdf`]) is
    /// `document`: the quads are canonicalized (under `budget`) for the RDFC suites, not made
    /// again.
    pub fn verify_rdf(
        &self,
        secured: &Value,
        document: &[Quad],
        proof: &Proof,
        key: &PublicKey,
        budget: &Budget,
    ) -> Result<(), ProofError> {
        self.check(secured, true, Some(document), proof, key, budget)
    }

    /// Verifies over `doc`, leaving its top-level `proof` out if `embedded`.
    fn verify_doc(
        &self,
        doc: &Value,
        embedded: bool,
        proof: &Proof,
        key: &PublicKey,
    ) -> Result<(), ProofError> {
        let quads = match proof.suite {
            Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => Some(
                self.jsonld
                    .credential_rdf(doc, embedded.then_some("proof"))?,
            ),
            Suite::EddsaJcs2022 => None,
        };
        self.check(
            doc,
            embedded,
            quads.as_deref(),
            proof,
            key,
            &Budget::default(),
        )
    }

    /// The proof check proper; `quads` is the document's RDF, needed by the RDFC suites.
    fn check(
        &self,
        doc: &Value,
        embedded: bool,
        quads: Option<&[Quad]>,
        proof: &Proof,
        key: &PublicKey,
        budget: &Budget,
    ) -> Result<(), ProofError> {
        let unsecured = doc;
        let mut config = proof.options.clone();
        if let Some(proof_ctx) = config.get("@context") {
            // A proof that carries its own context must agree with the document's.
            if unsecured.get("@context") != Some(proof_ctx) {
                return Err(ProofError::ContextMismatch);
            }
        }
        let (config_canon, doc_canon) = match proof.suite {
            Suite::EddsaRdfc2022 | Suite::Ed25519Signature2020 => {
                if let Some(ctx) = unsecured.get("@context") {
                    config.insert("@context".into(), ctx.clone());
                }
                let doc_canon = match quads {
                    Some(quads) => canon::canonicalize_with(quads, budget)?,
                    None => self.transform_rdfc(unsecured)?,
                };
                (self.transform_config(&config)?, doc_canon)
            }
            Suite::EddsaJcs2022 => {
                if let Some(ctx) = unsecured.get("@context") {
                    config.insert("@context".into(), ctx.clone());
                }
                let doc_canon = match unsecured {
                    Value::Object(map) if embedded => {
                        let mut map = map.clone();
                        map.remove("proof");
                        credence_ld::jcs::canonicalize(&Value::Object(map))?
                    }
                    other => credence_ld::jcs::canonicalize(other)?,
                };
                (
                    credence_ld::jcs::canonicalize(&Value::Object(config))?,
                    doc_canon,
                )
            }
        };
        let hash_data = hash(&config_canon, &doc_canon);
        let signature = Signature::from_bytes(&decode_proof_value(&proof.proof_value)?);
        crate::keys::verify_signature(key, &hash_data, &signature)
            .map_err(|_| ProofError::SignatureInvalid)
    }
}

/// Hash: SHA-256 of the canonical proof configuration, then of the canonical document (64 bytes).
pub fn hash(proof_config_canon: &str, document_canon: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(proof_config_canon.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(document_canon.as_bytes()));
    out
}

/// Sign: Ed25519 over the hash data, encoded as a multibase base58btc `proofValue`.
pub fn sign(hash_data: &[u8], signer: &dyn Signer) -> Result<String, ProofError> {
    let signature = signer.sign(hash_data)?;
    Ok(format!(
        "z{}",
        bs58::encode(signature.to_bytes()).into_string()
    ))
}

/// Attach: the document with the proof (configuration without `@context`, plus `proofValue`).
pub fn attach(
    document: &Value,
    config: Map<String, Value>,
    proof_value: &str,
) -> Result<Value, ProofError> {
    with_proof(document, proof_object(config, proof_value))
}

/// The proof a configuration and its `proofValue` make: the configuration without `@context`.
/// `document` with the Data Integrity context (`https://w3id.org/security/data-integrity/v2`)
/// appended to its `@context` when it is a VC 1.1 document that names neither it nor v1: the VC
/// 1.1 context does not define `DataIntegrityProof`, and jsonld-signatures adds it the same way.
/// Any other document is returned as it is.
pub fn with_suite_context(document: &Value) -> std::borrow::Cow<'_, Value> {
    use crate::contexts::{DATA_INTEGRITY_V1, DATA_INTEGRITY_V2};
    use std::borrow::Cow;
    if crate::model::Version::of(document) != Ok(crate::model::Version::V1_1) {
        return Cow::Borrowed(document);
    }
    let mut contexts = match document.get("@context") {
        Some(Value::Array(items)) => items.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    if contexts
        .iter()
        .any(|c| matches!(c.as_str(), Some(DATA_INTEGRITY_V1 | DATA_INTEGRITY_V2)))
    {
        return Cow::Borrowed(document);
    }
    contexts.push(Value::from(DATA_INTEGRITY_V2));
    let mut doc = document.clone();
    doc["@context"] = Value::Array(contexts);
    Cow::Owned(doc)
}

fn proof_object(mut config: Map<String, Value>, proof_value: &str) -> Map<String, Value> {
    config.remove("@context");
    config.insert("proofValue".into(), Value::from(proof_value));
    config
}

pub(crate) fn with_proof(document: &Value, proof: Map<String, Value>) -> Result<Value, ProofError> {
    let Value::Object(doc) = document else {
        return Err(ProofError::NotAnObject);
    };
    let mut secured = doc.clone();
    secured.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// The JSON text of `document` with `proof` as its last member, as `serde_json::to_string`
/// writes [`DataIntegrity::sign_rdfc`]'s result, without copying the document (`document` has
/// no `proof` of its own, which [`DataIntegrity::prove_rdfc`] made sure of).
pub fn secured_json(
    document: &Map<String, Value>,
    proof: &Map<String, Value>,
) -> serde_json::Result<String> {
    struct Secured<'a>(&'a Map<String, Value>, &'a Map<String, Value>);
    impl serde::Serialize for Secured<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(self.0.len() + 1))?;
            for (key, value) in self.0 {
                map.serialize_entry(key, value)?;
            }
            map.serialize_entry("proof", self.1)?;
            map.end()
        }
    }
    serde_json::to_string(&Secured(document, proof))
}

/// Decodes a multibase base58btc `proofValue` into a 64-byte Ed25519 signature.
pub fn decode_proof_value(proof_value: &str) -> Result<[u8; 64], ProofError> {
    let encoded = proof_value
        .strip_prefix('z')
        .ok_or(ProofError::BadProofValue)?;
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| ProofError::BadProofValue)?;
    bytes.try_into().map_err(|_| ProofError::BadProofValue)
}

fn parse_proof(options: Map<String, Value>) -> Result<Proof, ProofError> {
    let text = |key: &'static str| -> Result<String, ProofError> {
        options
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or(ProofError::MalformedProof(key))
    };
    let proof_type = text("type")?;
    let cryptosuite = options.get("cryptosuite").and_then(Value::as_str);
    let suite = Suite::from_names(&proof_type, cryptosuite).ok_or_else(|| {
        ProofError::UnsupportedSuite {
            proof_type: proof_type.clone(),
            cryptosuite: cryptosuite.map(str::to_owned),
        }
    })?;
    let verification_method = VerificationMethodId::new(text("verificationMethod")?)
        .map_err(|_| ProofError::MalformedProof("verificationMethod"))?;
    let proof_value = text("proofValue")?;
    text("proofPurpose")?;
    let mut options = options;
    options.remove("proofValue");
    Ok(Proof {
        suite,
        options,
        verification_method,
        proof_value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{LocalSigner, SecretKey};

    const OB_VECTOR: &str =
        include_str!("../../../../tests/vectors/obv3-eddsa-rdfc-2022/vector.json");

    /// The OB vector's document, and the signer and options its proof is made with.
    fn signing() -> (Value, LocalSigner, ProofOptions) {
        let vector: Value = serde_json::from_str(OB_VECTOR).unwrap();
        let vm = VerificationMethodId::new("did:example:issuer#key-1".to_owned()).unwrap();
        let signer = LocalSigner::new(SecretKey::from_seed(&[3; 32]), vm.clone());
        let options = ProofOptions {
            verification_method: vm,
            created: "2024-07-12T09:00:00Z".to_owned(),
        };
        (vector, signer, options)
    }

    fn signed() -> (DataIntegrity, Value, PublicKey) {
        let (vector, signer, options) = signing();
        let public = SecretKey::from_seed(&[3; 32]).public_key();
        // The vector is an Open Badge: the W3C contexts plus the Open Badges one, as test data.
        let contexts = crate::contexts::vc_contexts()
            .unwrap()
            .with_extra(
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
                include_str!("../../../../schemas/ob-v3p0-context-3.0.3.json"),
            )
            .unwrap();
        let di = DataIntegrity::new(JsonLd::new(contexts));
        let secured = di
            .sign_rdfc(&vector["unsigned"], &options, &signer)
            .unwrap();
        (di, secured, public)
    }

    #[test]
    fn verify_embedded_agrees_with_split_then_verify() {
        let (di, secured, key) = signed();
        let proof = di.proof_of(&secured).unwrap();
        assert!(di.verify_embedded(&secured, &proof, &key).is_ok());
        let (unsecured, split_proof) = di.split(&secured).unwrap();
        assert!(di.verify(&unsecured, &split_proof, &key).is_ok());
        // Verifying the secured document itself (proof included) with `verify` must fail:
        // only the embedded form leaves the proof out.
        assert!(di.verify(&secured, &proof, &key).is_err());

        let mut tampered = secured.clone();
        tampered["name"] = Value::from("Another badge");
        let proof = di.proof_of(&tampered).unwrap();
        assert!(matches!(
            di.verify_embedded(&tampered, &proof, &key),
            Err(ProofError::SignatureInvalid)
        ));
    }

    #[test]
    fn the_proof_and_secured_json_write_what_sign_rdfc_returns() {
        let (di, secured, _) = signed();
        let (vector, signer, options) = signing();
        let unsigned = &vector["unsigned"];
        let proof = di.prove_rdfc(unsigned, &options, &signer).unwrap();
        assert_eq!(Some(&Value::Object(proof.clone())), secured.get("proof"));
        let text = secured_json(unsigned.as_object().unwrap(), &proof).unwrap();
        assert_eq!(text, serde_json::to_string(&secured).unwrap());
        assert!(matches!(
            di.prove_rdfc(&secured, &options, &signer),
            Err(ProofError::AlreadySigned)
        ));
        assert!(matches!(
            di.prove_rdfc(&Value::from("text"), &options, &signer),
            Err(ProofError::NotAnObject)
        ));
    }

    #[test]
    fn proof_of_reports_the_same_errors_as_split() {
        let (di, secured, _) = signed();
        let mut no_proof = secured.clone();
        no_proof.as_object_mut().unwrap().remove("proof");
        assert!(matches!(
            di.proof_of(&no_proof),
            Err(ProofError::MissingProof)
        ));
        let mut set = secured.clone();
        set["proof"] = Value::Array(vec![secured["proof"].clone()]);
        assert!(matches!(
            di.proof_of(&set),
            Err(ProofError::ProofSetUnsupported)
        ));
        assert!(matches!(
            di.proof_of(&Value::Null),
            Err(ProofError::NotAnObject)
        ));
    }

    #[test]
    fn repeated_proof_configurations_give_the_same_canonical_form() {
        // The second signature's configuration comes from the cache: same proof value.
        let (di, secured, key) = signed();
        let (vector, signer, options) = signing();
        let again = di
            .sign_rdfc(&vector["unsigned"], &options, &signer)
            .unwrap();
        assert_eq!(again, secured);
        let proof = di.proof_of(&again).unwrap();
        assert!(di.verify_embedded(&again, &proof, &key).is_ok());
    }
}
