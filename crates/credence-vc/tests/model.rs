//! The VC data model's rules, each on both sides: a credential that breaks one is refused by the
//! signer with the rule's [`ModelError`], and the same credential, signed by a test key that
//! skips the check (so its proof is good), is reported `malformed` with the rule as the
//! `data_model` check's reason.

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use credence_ld::budget::Budget;
use credence_ld::contexts::ContextStore;
use credence_ld::jsonld::JsonLd;
use credence_vc::contexts::{vc_contexts, CREDENTIALS_V1, CREDENTIALS_V2};
use credence_vc::keys::{LocalSigner, SecretKey, Signer as _, VerificationMethodId};
use credence_vc::model::{self, CheckError, ModelError, RelatedResources, Version};
use credence_vc::proof::{self, DataIntegrity, ProofError, ProofOptions};
use credence_vc::verify::{
    CheckName, LocalKeys, Outcome, Plan, ResolvedKeys, ResolvedLists, TrustedIssuers, Verdict,
    Verifier,
};
use serde_json::{json, Value};
use sha2::{Digest as _, Sha384};

const ISSUER: &str = "did:example:issuer";
const EXAMPLES: &str = "https://www.w3.org/ns/credentials/examples/v2";
const ED25519_2020: &str = "https://w3id.org/security/suites/ed25519-2020/v1";
const RESOURCE: &str = "https://resource.example/logo.png";
const RESOURCE_BYTES: &[u8] = b"the logo's bytes";

fn contexts() -> ContextStore {
    let examples = include_str!("../../../tests/vectors/credentials-examples-v2.jsonld");
    vc_contexts()
        .unwrap()
        .with_extra(EXAMPLES, examples)
        .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(DataIntegrity::new(JsonLd::new(contexts())))
}

fn signer() -> LocalSigner {
    let vm = VerificationMethodId::new(format!("{ISSUER}#key-1")).unwrap();
    LocalSigner::new(SecretKey::from_seed(&[7; 32]), vm)
}

fn options() -> ProofOptions {
    ProofOptions {
        verification_method: signer().verification_method().clone(),
        created: "2024-07-12T09:00:00Z".to_owned(),
    }
}

fn sri() -> String {
    use base64::Engine as _;
    let digest = Sha384::digest(RESOURCE_BYTES);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// A VC 2.0 credential that keeps every rule, with one of each optional part.
fn v2() -> Value {
    json!({
        "@context": [CREDENTIALS_V2, EXAMPLES],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "ExampleCredential"],
        "name": "An example credential",
        "description": {"@value": "Described in English", "@language": "en"},
        "issuer": {"id": ISSUER, "name": "The issuer"},
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2034-01-01T00:00:00+01:00",
        "credentialSubject": {"id": "did:example:subject", "degree": "BSc"},
        "credentialStatus": {
            "id": "https://status.example/1#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": "https://status.example/1",
        },
        "credentialSchema": {"id": "https://schema.example/1.json", "type": "JsonSchema"},
        "evidence": [{"id": "https://evidence.example/1", "type": ["Evidence"]}],
        "refreshService": {"id": "https://refresh.example/", "type": "ExampleRefresh"},
        "termsOfUse": {"type": "ExamplePolicy"},
        "relatedResource": [{"id": RESOURCE, "digestSRI": sri()}],
    })
}

/// A VC 1.1 credential that keeps every rule.
fn v1() -> Value {
    json!({
        "@context": [CREDENTIALS_V1, EXAMPLES],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc34",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2034-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
        "credentialStatus": {"id": "https://status.example/1#7", "type": "ExampleStatus"},
    })
}

type Mutation = fn(&mut Value);

/// One rule's case: its name, the base credential, how it is broken, the error naming the rule.
type Case = (&'static str, fn() -> Value, Mutation, ModelError);

fn remove(c: &mut Value, key: &str) {
    c.as_object_mut().unwrap().remove(key);
}

/// Every rule, broken once (twice where it can be broken two ways).
fn cases() -> Vec<Case> {
    use ModelError as E;
    let date = |term: &'static str, value: &str| E::Date {
        term,
        value: value.to_owned(),
    };
    vec![
        (
            "@context without the VC context",
            v2,
            |c| c["@context"] = json!([EXAMPLES]),
            E::Context,
        ),
        (
            "@context with the VC context second",
            v2,
            |c| c["@context"] = json!([ED25519_2020, CREDENTIALS_V2, EXAMPLES]),
            E::Context,
        ),
        (
            "id not a URL",
            v2,
            |c| c["id"] = json!("_:credential"),
            E::Id,
        ),
        ("type missing", v2, |c| remove(c, "type"), E::Type),
        (
            "type without VerifiableCredential",
            v2,
            |c| c["type"] = json!(["ExampleCredential"]),
            E::Type,
        ),
        (
            "name not a string",
            v2,
            |c| c["name"] = json!(5),
            E::NotText("name", "credential"),
        ),
        (
            "description an object",
            v2,
            |c| c["description"] = json!({"id": "https://example.org/d"}),
            E::NotText("description", "credential"),
        ),
        (
            "issuer's name not a string",
            v2,
            |c| c["issuer"]["name"] = json!(true),
            E::NotText("name", "issuer"),
        ),
        (
            "issuer missing",
            v2,
            |c| remove(c, "issuer"),
            E::IssuerMissing,
        ),
        (
            "issuer null",
            v2,
            |c| c["issuer"] = Value::Null,
            E::IssuerMissing,
        ),
        (
            "issuer an object without id",
            v2,
            |c| c["issuer"] = json!({"name": "Nobody"}),
            E::IssuerNotUrl,
        ),
        (
            "issuer a blank node id",
            v2,
            |c| c["issuer"] = json!("_:issuer"),
            E::IssuerNotUrl,
        ),
        (
            "credentialSubject missing",
            v2,
            |c| remove(c, "credentialSubject"),
            E::SubjectMissing,
        ),
        (
            "credentialSubject empty",
            v2,
            |c| c["credentialSubject"] = json!({}),
            E::SubjectEmpty,
        ),
        (
            "one credentialSubject of two empty",
            v2,
            |c| c["credentialSubject"] = json!([{"id": "did:example:subject"}, {}]),
            E::SubjectEmpty,
        ),
        (
            "validFrom not a date-time",
            v2,
            |c| c["validFrom"] = json!("Sat 25 Feb 2023 07:16:31 PM CST"),
            date("validFrom", "Sat 25 Feb 2023 07:16:31 PM CST"),
        ),
        (
            "validFrom without a time zone",
            v2,
            |c| c["validFrom"] = json!("2024-01-01T00:00:00"),
            date("validFrom", "2024-01-01T00:00:00"),
        ),
        (
            "validUntil a date only",
            v2,
            |c| c["validUntil"] = json!("2034-01-01"),
            date("validUntil", "2034-01-01"),
        ),
        (
            "credentialStatus without type",
            v2,
            |c| remove(&mut c["credentialStatus"], "type"),
            E::ItemType("credentialStatus"),
        ),
        (
            "credentialSchema without type",
            v2,
            |c| remove(&mut c["credentialSchema"], "type"),
            E::ItemType("credentialSchema"),
        ),
        (
            "credentialSchema without id",
            v2,
            |c| remove(&mut c["credentialSchema"], "id"),
            E::ItemId("credentialSchema"),
        ),
        (
            "evidence without type",
            v2,
            |c| remove(&mut c["evidence"][0], "type"),
            E::ItemType("evidence"),
        ),
        (
            "refreshService without type",
            v2,
            |c| remove(&mut c["refreshService"], "type"),
            E::ItemType("refreshService"),
        ),
        (
            "termsOfUse without type",
            v2,
            |c| c["termsOfUse"] = json!({"id": "https://terms.example/"}),
            E::ItemType("termsOfUse"),
        ),
        (
            "relatedResource without id",
            v2,
            |c| remove(&mut c["relatedResource"][0], "id"),
            E::ItemId("relatedResource"),
        ),
        (
            "relatedResource without a digest",
            v2,
            |c| remove(&mut c["relatedResource"][0], "digestSRI"),
            E::RelatedDigestMissing,
        ),
        (
            "relatedResource with an unreadable digest",
            v2,
            |c| c["relatedResource"][0]["digestMultibase"] = json!("not multibase"),
            E::RelatedDigestUnreadable {
                term: "digestMultibase",
                id: RESOURCE.to_owned(),
                value: "not multibase".to_owned(),
            },
        ),
        (
            "VC 1.1 without issuanceDate",
            v1,
            |c| remove(c, "issuanceDate"),
            E::IssuanceDateMissing,
        ),
        (
            "VC 1.1 issuanceDate not a date-time",
            v1,
            |c| c["issuanceDate"] = json!("01/01/2024"),
            date("issuanceDate", "01/01/2024"),
        ),
        (
            "VC 1.1 expirationDate without a time zone",
            v1,
            |c| c["expirationDate"] = json!("2034-01-01T00:00:00"),
            date("expirationDate", "2034-01-01T00:00:00"),
        ),
        (
            "VC 1.1 credentialStatus without id",
            v1,
            |c| remove(&mut c["credentialStatus"], "id"),
            E::ItemId("credentialStatus"),
        ),
    ]
}

/// Signs `credential` with the test key through the public stages (transform, hash, sign,
/// attach), skipping the data model check: the proof is good whatever the credential says.
fn sign_unchecked(di: &DataIntegrity, credential: &Value) -> Value {
    let config = DataIntegrity::proof_config(&options(), credential);
    let doc = di.transform_rdfc(credential).unwrap();
    let conf = di.transform_rdfc(&Value::Object(config.clone())).unwrap();
    let value = proof::sign(&proof::hash(&conf, &doc), &signer()).unwrap();
    let signed = proof::attach(credential, config, &value).unwrap();
    let proof = di.proof_of(&signed).unwrap();
    let public = SecretKey::from_seed(&[7; 32]).public_key();
    di.verify_embedded(&signed, &proof, &public).unwrap();
    signed
}

/// Plans and runs the whole verification of `signed`, with the issuer's key at hand.
fn plan(v: &Verifier, signed: &Value) -> Plan {
    v.plan_json(signed, &TrustedIssuers::any(), &Budget::default())
}

fn finish(v: &Verifier, plan: Plan) -> credence_vc::verify::Report {
    let mut local = LocalKeys::new();
    let vm = signer().verification_method().clone();
    let public = SecretKey::from_seed(&[7; 32]).public_key();
    local.add(
        credence_vc::keys::DidDocument::from_keys(ISSUER.to_owned(), [(&vm, &public)]).unwrap(),
    );
    let budget = Budget::default();
    let keys = ResolvedKeys::from_local(plan.needs(), &local);
    let checked = v.check_proof(plan, &keys, &budget);
    let at = "2025-01-01T00:00:00Z".parse().unwrap();
    v.verify(checked, &ResolvedLists::new(), at, &budget)
        .into_report()
}

fn data_model_reason(report: &credence_vc::verify::Report) -> &str {
    let check = report
        .checks
        .iter()
        .find(|c| c.check == CheckName::DataModel)
        .unwrap();
    assert_eq!(check.outcome, Outcome::Fail, "{report:?}");
    &check.reason
}

#[test]
fn the_conforming_bases_are_signed_and_read() {
    let v = verifier();
    let di = v.data_integrity();
    for (base, version) in [(v2(), Version::V2), (v1(), Version::V1_1)] {
        assert_eq!(
            model::check(di.jsonld(), &base, &RelatedResources::new()).unwrap(),
            version
        );
        let signed = di.sign_rdfc(&base, &options(), &signer()).unwrap();
        let plan = plan(&v, &signed);
        assert!(plan.claims().is_some(), "{base}");
        let report = finish(&v, plan);
        assert_eq!(report.outcome(CheckName::DataModel), Outcome::Pass);
        assert_eq!(
            report.outcome(CheckName::Proof),
            Outcome::Pass,
            "{report:?}"
        );
    }
}

#[test]
fn each_rule_is_refused_at_signing() {
    let v = verifier();
    let di = v.data_integrity();
    for (rule, base, mutate, expected) in cases() {
        let mut credential = base();
        mutate(&mut credential);
        match di.sign_rdfc(&credential, &options(), &signer()) {
            Err(ProofError::Model(e)) => assert_eq!(e, expected, "{rule}"),
            other => panic!("{rule}: signed or refused otherwise: {other:?}"),
        }
        match model::check(di.jsonld(), &credential, &RelatedResources::new()) {
            Err(CheckError::Model(e)) => assert_eq!(e, expected, "{rule}"),
            other => panic!("{rule}: {other:?}"),
        }
    }
}

#[test]
fn each_rule_is_malformed_at_verification() {
    let v = verifier();
    for (rule, base, mutate, expected) in cases() {
        let mut credential = base();
        mutate(&mut credential);
        let signed = sign_unchecked(v.data_integrity(), &credential);
        let report = finish(&v, plan(&v, &signed));
        assert_eq!(report.verdict, Verdict::Malformed, "{rule}: {report:?}");
        assert_eq!(
            data_model_reason(&report),
            format!("not a conforming verifiable credential: {expected}"),
            "{rule}"
        );
    }
}

#[test]
fn a_related_resource_is_checked_against_its_bytes_when_given() {
    let v = verifier();
    let di = v.data_integrity();
    let credential = v2();
    let mut right = RelatedResources::new();
    right.add(RESOURCE, RESOURCE_BYTES);
    let mut wrong = RelatedResources::new();
    wrong.add(RESOURCE, b"other bytes".as_slice());
    let mismatch = ModelError::RelatedDigestMismatch {
        term: "digestSRI",
        id: RESOURCE.to_owned(),
    };
    // Signing: the library entry point takes the resources.
    assert!(model::check(di.jsonld(), &credential, &right).is_ok());
    match model::check(di.jsonld(), &credential, &wrong) {
        Err(CheckError::Model(e)) => assert_eq!(e, mismatch),
        other => panic!("{other:?}"),
    }
    // Verifying: the plan checks them when the caller has them.
    let signed = di.sign_rdfc(&credential, &options(), &signer()).unwrap();
    let mut ok = plan(&v, &signed);
    ok.check_related_resources(&right);
    assert!(ok.claims().is_some());
    let mut bad = plan(&v, &signed);
    bad.check_related_resources(&wrong);
    let report = finish(&v, bad);
    assert_eq!(report.verdict, Verdict::Malformed);
    assert_eq!(
        data_model_reason(&report),
        format!("not a conforming verifiable credential: {mismatch}")
    );
}

#[test]
fn a_jwt_credential_breaking_a_rule_is_malformed() {
    let v = verifier();
    let mut credential = v2();
    remove(&mut credential, "credentialSubject");
    let token = credence_vc::jwt::sign_vc_jose(&credential, &signer()).unwrap();
    let plan = v.plan_text(&token, None, &TrustedIssuers::any(), &Budget::default());
    let report = finish(&v, plan);
    assert_eq!(report.verdict, Verdict::Malformed);
    assert_eq!(
        data_model_reason(&report),
        format!(
            "not a conforming verifiable credential: {}",
            ModelError::SubjectMissing
        )
    );
}

#[test]
fn a_vc_1_1_credential_is_signed_with_the_data_integrity_context_added() {
    let v = verifier();
    let di = v.data_integrity();
    let mut plain = v1();
    plain["@context"] = json!([CREDENTIALS_V1]);
    plain.as_object_mut().unwrap().remove("credentialStatus");
    let signed = di.sign_rdfc(&plain, &options(), &signer()).unwrap();
    assert_eq!(
        signed["@context"],
        json!([CREDENTIALS_V1, credence_vc::contexts::DATA_INTEGRITY_V2])
    );
    let report = finish(&v, plan(&v, &signed));
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    // A VC 2.0 credential defines DataIntegrityProof itself and is signed as it is.
    let signed = di.sign_rdfc(&v2(), &options(), &signer()).unwrap();
    assert_eq!(signed["@context"], v2()["@context"]);
}
