//! Each Data Integrity stage against the W3C vc-di-eddsa and Open Badges 3.0 vectors.

use credence_ld::jcs;
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{
    public_key_from_did_key, LocalSigner, PublicKey, SecretKey, VerificationMethodId,
};
use credence_vc::proof::{self, DataIntegrity, ProofOptions};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::support::{read_json, read_text};

const EXAMPLES_V2: &str = "https://www.w3.org/ns/credentials/examples/v2";
const W3C: &str = "w3c-vc-di-eddsa";

/// Data Integrity over the pinned contexts plus the W3C examples context.
fn w3c_di() -> DataIntegrity {
    let store = credence_core::contexts::pinned()
        .unwrap()
        .with_extra(EXAMPLES_V2, &read_text("credentials-examples-v2.jsonld"))
        .unwrap();
    DataIntegrity::new(JsonLd::new(store))
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn trimmed(rel: &str) -> String {
    read_text(rel).trim().to_owned()
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

/// The W3C vector key pair (multibase secret and its did:key method).
fn w3c_key() -> (SecretKey, VerificationMethodId, PublicKey) {
    let pair = read_json(&format!("{W3C}/keyPair.json"));
    let secret = SecretKey::from_any_text(pair["privateKeyMultibase"].as_str().unwrap()).unwrap();
    let public = pair["publicKeyMultibase"].as_str().unwrap();
    let vm = VerificationMethodId::new(format!("did:key:{public}#{public}")).unwrap();
    let did_public = public_key_from_did_key(&format!("did:key:{public}")).unwrap();
    assert_eq!(
        secret.public_key(),
        did_public,
        "keyPair.json is one key pair"
    );
    (secret, vm, did_public)
}

#[test]
fn w3c_eddsa_rdfc_2022_every_stage() {
    let dir = format!("{W3C}/eddsa-rdfc-2022");
    let di = w3c_di();
    let unsigned = read_json(&format!("{W3C}/unsigned.json"));
    let config = read_json(&format!("{dir}/proofConfigDataInt.json"));

    let doc_canon = di.transform_rdfc(&unsigned).unwrap();
    assert_eq!(doc_canon, read_text(&format!("{dir}/canonDocDataInt.txt")));
    let config_canon = di.transform_rdfc(&config).unwrap();
    assert_eq!(
        config_canon,
        read_text(&format!("{dir}/proofCanonDataInt.txt"))
    );
    assert_eq!(
        sha256_hex(&doc_canon),
        trimmed(&format!("{dir}/docHashDataInt.txt"))
    );
    assert_eq!(
        sha256_hex(&config_canon),
        trimmed(&format!("{dir}/proofHashDataInt.txt"))
    );
    let hash_data = proof::hash(&config_canon, &doc_canon);
    assert_eq!(
        hex::encode(hash_data),
        trimmed(&format!("{dir}/combinedHashDataInt.txt"))
    );

    let (secret, vm, public) = w3c_key();
    assert_eq!(
        hex::encode(secret.sign(&hash_data).to_bytes()),
        trimmed(&format!("{dir}/sigHexDataInt.txt"))
    );
    let signer = LocalSigner::new(secret, vm.clone());
    let proof_value = proof::sign(&hash_data, &signer).unwrap();
    assert_eq!(proof_value, trimmed(&format!("{dir}/sigBTC58DataInt.txt")));
    assert_eq!(
        hex::encode(proof::decode_proof_value(&proof_value).unwrap()),
        trimmed(&format!("{dir}/sigHexDataInt.txt"))
    );

    let expected = read_json(&format!("{dir}/signedDataInt.json"));
    let attached = proof::attach(&unsigned, object(config.clone()), &proof_value).unwrap();
    assert_eq!(attached, expected);

    // The library's own proof configuration is the vector's, and sign_rdfc ends where the
    // vector does.
    let options = ProofOptions {
        verification_method: vm,
        created: config["created"].as_str().unwrap().to_owned(),
    };
    assert_eq!(
        Value::Object(DataIntegrity::proof_config(&options, &unsigned)),
        config
    );
    assert_eq!(
        di.sign_rdfc(&unsigned, &options, &signer).unwrap(),
        expected
    );

    let (doc, parsed) = di.split(&expected).unwrap();
    assert_eq!(doc, unsigned);
    di.verify(&doc, &parsed, &public).unwrap();
    let other = SecretKey::from_seed(&[1; 32]).public_key();
    assert!(di.verify(&doc, &parsed, &other).is_err());
}

#[test]
fn obv3_vector_every_stage() {
    let dir = "obv3-eddsa-rdfc-2022";
    let v = read_json(&format!("{dir}/vector.json"));
    let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("{k}")).to_owned();
    let di = crate::support::pinned_di();
    let unsigned = v["unsigned"].clone();
    // The vector's proof configuration omits `@context`: it takes the document's.
    let mut config = v["proofConfig"].clone();
    config["@context"] = unsigned["@context"].clone();

    let doc_canon = di.transform_rdfc(&unsigned).unwrap();
    assert_eq!(
        doc_canon,
        read_text(&format!("{dir}/{}", s("documentCanonFile")))
    );
    let config_canon = di.transform_rdfc(&config).unwrap();
    assert_eq!(
        config_canon,
        read_text(&format!("{dir}/{}", s("proofCanonFile")))
    );
    assert_eq!(sha256_hex(&doc_canon), s("documentHashHex"));
    assert_eq!(sha256_hex(&config_canon), s("proofHashHex"));
    let hash_data = proof::hash(&config_canon, &doc_canon);
    assert_eq!(hex::encode(hash_data), s("dataToSignHex"));

    let secret = SecretKey::from_keypair_bytes(&hex::decode(s("secretKeyHex")).unwrap()).unwrap();
    assert_eq!(
        hex::encode(secret.public_key().to_bytes()),
        s("publicKeyHex")
    );
    assert_eq!(secret.public_key().to_multibase(), s("publicKeyMultibase"));
    assert_eq!(
        hex::encode(secret.sign(&hash_data).to_bytes()),
        s("signatureHex")
    );
    let vm = VerificationMethodId::new(s("verificationMethod")).unwrap();
    let public = secret.public_key();
    let signer = LocalSigner::new(secret, vm.clone());
    let proof_value = proof::sign(&hash_data, &signer).unwrap();
    assert_eq!(proof_value, s("proofValue"));

    let options = ProofOptions {
        verification_method: vm,
        created: config["created"].as_str().unwrap().to_owned(),
    };
    assert_eq!(
        Value::Object(DataIntegrity::proof_config(&options, &unsigned)),
        config
    );
    let signed = di.sign_rdfc(&unsigned, &options, &signer).unwrap();
    assert_eq!(
        signed,
        proof::attach(&unsigned, object(config), &proof_value).unwrap()
    );
    assert_eq!(signed["proof"]["proofValue"], s("proofValue"));
    let (doc, parsed) = di.split(&signed).unwrap();
    di.verify(&doc, &parsed, &public).unwrap();
}

/// Changes one character of the string at `pointer`.
fn tamper(doc: &Value, pointer: &str) -> Value {
    let mut doc = doc.clone();
    let slot = doc.pointer_mut(pointer).unwrap();
    let text = slot.as_str().unwrap();
    let mut chars: Vec<char> = text.chars().collect();
    let last = chars.len() - 1;
    chars[last] = if chars[last] == 'x' { 'y' } else { 'x' };
    *slot = Value::from(chars.into_iter().collect::<String>());
    doc
}

fn verify_signed(di: &DataIntegrity, signed: &Value) -> Result<(), proof::ProofError> {
    let (_, public) = {
        let (_, vm, public) = w3c_key();
        (vm, public)
    };
    let (doc, parsed) = di.split(signed)?;
    let did = parsed.verification_method().controller().to_owned();
    assert_eq!(public_key_from_did_key(&did).unwrap(), public);
    di.verify(&doc, &parsed, &public)
}

#[test]
fn w3c_eddsa_jcs_2022_stages_verify_and_tamper() {
    let dir = format!("{W3C}/eddsa-jcs-2022");
    let unsigned = read_json(&format!("{W3C}/unsigned.json"));
    let config = read_json(&format!("{dir}/proofConfigJCS.json"));
    let doc_canon = jcs::canonicalize(&unsigned).unwrap();
    assert_eq!(doc_canon, trimmed(&format!("{dir}/canonDocJCS.txt")));
    let config_canon = jcs::canonicalize(&config).unwrap();
    assert_eq!(config_canon, trimmed(&format!("{dir}/proofCanonJCS.txt")));
    assert_eq!(
        sha256_hex(&doc_canon),
        trimmed(&format!("{dir}/docHashJCS.txt"))
    );
    assert_eq!(
        hex::encode(proof::hash(&config_canon, &doc_canon)),
        trimmed(&format!("{dir}/combinedHashJCS.txt"))
    );

    let di = w3c_di();
    let signed = read_json(&format!("{dir}/signedJCS.json"));
    verify_signed(&di, &signed).unwrap();
    for pointer in ["/credentialSubject/alumniOf", "/issuer", "/proof/created"] {
        assert!(
            verify_signed(&di, &tamper(&signed, pointer)).is_err(),
            "{pointer} changed"
        );
    }
}

#[test]
fn w3c_ed25519_signature_2020_verifies_and_tamper_fails() {
    let di = w3c_di();
    let signed = read_json(&format!("{W3C}/Ed25519Signature2020/signedEdSig.json"));
    verify_signed(&di, &signed).unwrap();
    for pointer in [
        "/credentialSubject/alumniOf",
        "/validFrom",
        "/proof/created",
    ] {
        assert!(
            verify_signed(&di, &tamper(&signed, pointer)).is_err(),
            "{pointer} changed"
        );
    }
}

#[test]
fn w3c_rdfc_vector_fails_after_one_character_change() {
    let di = w3c_di();
    let signed = read_json(&format!("{W3C}/eddsa-rdfc-2022/signedDataInt.json"));
    for pointer in [
        "/credentialSubject/alumniOf",
        "/name",
        "/proof/created",
        "/proof/proofValue",
    ] {
        assert!(
            verify_signed(&di, &tamper(&signed, pointer)).is_err(),
            "{pointer} changed"
        );
    }
}
