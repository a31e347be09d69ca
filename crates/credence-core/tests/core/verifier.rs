//! The verifier's report for each kind of input and each way a badge can fail.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{Duration, TimeZone, Utc};
use credence_core::badge::{IdentityType, KnownIdentifier};
use credence_core::bake;
use credence_core::model::sample;
use credence_core::verify::{Report, Verifier, VerifyOptions};
use credence_ld::jsonld::{JsonLd, JsonLdError};
use credence_vc::jwt;
use credence_vc::keys::{
    LocalSigner, SecretKey, Signer as _, VerificationMethod, VerificationMethodId,
};
use credence_vc::proof::{DataIntegrity, ProofError};
use credence_vc::status::{StatusEntry, StatusList, StatusPurpose, MIN_LIST_LEN};
use credence_vc::verify::{
    CheckName, LocalKeys, LocalStatusLists, Outcome, TrustedIssuers, Verdict,
};
use serde_json::{json, Value};

use crate::support::{show, sign_list, Fixture, Issuer};

fn assert_verdict(report: &Report, verdict: Verdict) {
    assert_eq!(report.verdict, verdict, "{}", show(report));
    assert_eq!(report.verified, verdict == Verdict::Valid);
}

fn assert_outcomes(report: &Report, expected: &[(CheckName, Outcome)]) {
    for (check, outcome) in expected {
        assert_eq!(
            report.outcome(*check),
            *outcome,
            "{check:?} in {}",
            show(report)
        );
    }
}

#[test]
fn valid_standard_badge_passes_every_check() {
    let f = Fixture::get();
    let report = f.verify(&f.signed);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(report.format, "json");
    assert_eq!(report.proof_format, Some("eddsa-rdfc-2022"));
    assert_eq!(report.checks.len(), 8);
    assert!(report.errors.is_empty());
    use CheckName::*;
    use Outcome::*;
    assert_outcomes(
        &report,
        &[
            (Parsed, Pass),
            (DataModel, Pass),
            (Schema, Pass),
            (KeyResolution, Pass),
            (Proof, Pass),
            (ValidityWindow, Pass),
            (Status, Pass),
            (Recipient, NotChecked),
        ],
    );
    assert_eq!(
        report.credential.id.as_deref(),
        Some(sample::STANDARD_BADGE_ID)
    );
    assert_eq!(report.credential.human_code.as_deref(), Some("CS-OPF"));
    assert_eq!(
        report.credential.issuer.as_deref(),
        Some(f.issuer.did.as_str())
    );
    // The same badge as bytes.
    let bytes = serde_json::to_vec(&f.signed).unwrap();
    assert_eq!(
        f.verifier.verify_bytes(&bytes, &f.options()),
        report,
        "bytes and JSON agree"
    );
}

#[test]
fn unsigned_badge_is_an_invalid_signature() {
    let f = Fixture::get();
    let report = f.verify(&f.unsigned);
    assert_verdict(&report, Verdict::InvalidSignature);
    assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail);
}

fn verify_text(f: &Fixture, text: &str) -> Report {
    f.verifier.verify_bytes(text.as_bytes(), &f.options())
}

#[test]
fn jwt_forms_verify() {
    let f = Fixture::get();
    let ob3 = jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.active).unwrap();
    let report = verify_text(f, &ob3);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(report.format, "jwt");
    assert_eq!(report.proof_format, Some("vc-jwt"));
    assert_eq!(report.outcome(CheckName::Schema), Outcome::Pass);
    assert_eq!(report.outcome(CheckName::Status), Outcome::Pass);

    let jose = jwt::sign_vc_jose(&f.unsigned, &f.issuer.active).unwrap();
    let report = verify_text(f, &jose);
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(report.proof_format, Some("vc-jose"));

    // Signed by the retired key: still listed, still valid.
    let old = jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.retired).unwrap();
    assert_verdict(&verify_text(f, &old), Verdict::Valid);
}

fn jwt_parts(jwt: &str) -> (Value, Value, String) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let decode = |p: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (decode(parts[0]), decode(parts[1]), parts[2].to_owned())
}

fn encode(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
}

#[test]
fn tampered_jwt_payload_is_an_invalid_signature() {
    let f = Fixture::get();
    for token in [
        jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.active).unwrap(),
        jwt::sign_vc_jose(&f.unsigned, &f.issuer.active).unwrap(),
    ] {
        let (header, mut payload, sig) = jwt_parts(&token);
        payload["name"] = json!("A badge someone else made up");
        let forged = format!("{}.{}.{sig}", encode(&header), encode(&payload));
        let report = verify_text(f, &forged);
        assert_verdict(&report, Verdict::InvalidSignature);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail);
    }
}

#[test]
fn alg_none_jwt_is_malformed() {
    let f = Fixture::get();
    let token = jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.active).unwrap();
    let (mut header, payload, _) = jwt_parts(&token);
    header["alg"] = json!("none");
    for unsigned in [
        format!("{}.{}.", encode(&header), encode(&payload)),
        format!("{}.{}", encode(&header), encode(&payload)),
    ] {
        let report = verify_text(f, &unsigned);
        assert_verdict(&report, Verdict::Malformed);
        assert_eq!(report.outcome(CheckName::Parsed), Outcome::Fail);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::NotChecked);
    }
}

/// A 2×2 RGBA PNG.
fn tiny_png() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[0x5a; 16]).unwrap();
    }
    out
}

const TINY_SVG: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4" fill="#0a6"/></svg>
"##;

#[test]
fn baked_png_and_svg_verify() {
    let f = Fixture::get();
    let text = serde_json::to_string(&f.signed).unwrap();
    for (image, format) in [(tiny_png(), "png"), (TINY_SVG.as_bytes().to_vec(), "svg")] {
        let baked = bake::bake(&image, &text).unwrap();
        let report = f.verifier.verify_bytes(&baked, &f.options());
        assert_verdict(&report, Verdict::Valid);
        assert_eq!(report.format, format);
        assert_eq!(report.proof_format, Some("eddsa-rdfc-2022"));

        // A baked JWT reads too.
        let token = jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.active).unwrap();
        let report = f
            .verifier
            .verify_bytes(&bake::bake(&image, &token).unwrap(), &f.options());
        assert_verdict(&report, Verdict::Valid);
        assert_eq!(
            (report.format, report.proof_format),
            (format, Some("vc-jwt"))
        );

        let report = f.verifier.verify_bytes(&image, &f.options());
        assert_verdict(&report, Verdict::Malformed);
        assert_eq!(report.format, format);
    }
}

#[test]
fn tampered_baked_badge_is_an_invalid_signature() {
    let f = Fixture::get();
    let mut doc = f.signed.clone();
    doc["name"] = json!("Something else");
    let baked = bake::bake(&tiny_png(), &serde_json::to_string(&doc).unwrap()).unwrap();
    let report = f.verifier.verify_bytes(&baked, &f.options());
    assert_verdict(&report, Verdict::InvalidSignature);
}

// ---------------------------------------------------------------------------------------------
// Status

fn options_with<'a>(f: &'a Fixture, status: &'a LocalStatusLists) -> VerifyOptions<'a> {
    VerifyOptions {
        status,
        ..f.options()
    }
}

fn list_with_bit(f: &Fixture, url: &str, purpose: StatusPurpose, index: u64) -> Value {
    let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
    list.set(index, true).unwrap();
    sign_list(f.verifier.data_integrity(), &f.issuer, url, purpose, &list)
}

#[test]
fn revoked_when_the_bit_is_set() {
    let f = Fixture::get();
    let entry = f.standard_entry();
    assert_eq!(entry.purpose, StatusPurpose::Revocation);
    let mut lists = f.lists.clone();
    lists.add(list_with_bit(
        f,
        &entry.list_url,
        entry.purpose,
        entry.index,
    ));
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::Revoked);
    assert_eq!(report.outcome(CheckName::Status), Outcome::Fail);
    assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);

    // Another bit set leaves this badge alone.
    let mut lists = f.lists.clone();
    lists.add(list_with_bit(
        f,
        &entry.list_url,
        entry.purpose,
        entry.index + 1,
    ));
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::Valid);
}

#[test]
fn suspended_when_the_suspension_bit_is_set() {
    let f = Fixture::get();
    let url = f.base.join("status/2");
    let entry = StatusEntry::new(&url, StatusPurpose::Suspension, 42);
    let mut unsigned = f.unsigned.clone();
    unsigned["credentialStatus"] = entry.to_json();
    let signed = f.sign(&unsigned);
    assert_verdict(&f.verify(&signed), Verdict::Valid);

    let mut lists = f.lists.clone();
    lists.add(list_with_bit(f, &url, StatusPurpose::Suspension, 42));
    let report = f.verifier.verify_json(&signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::Suspended);
    assert_eq!(report.outcome(CheckName::Status), Outcome::Fail);
}

#[test]
fn missing_status_list_is_status_unknown() {
    let f = Fixture::get();
    let empty = LocalStatusLists::new();
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &empty));
    assert_verdict(&report, Verdict::StatusUnknown);
    assert_eq!(report.outcome(CheckName::Status), Outcome::Fail);
}

#[test]
fn status_list_of_another_issuer_is_status_unknown() {
    let f = Fixture::get();
    let entry = f.standard_entry();
    let other = Issuer::new("did:web:other.example", 99);
    let mut keys = f.keys.clone();
    keys.add(other.document());
    let di = f.verifier.data_integrity();
    let clear = StatusList::new(MIN_LIST_LEN).unwrap();

    // A list issued and signed by someone else, at the badge's list URL.
    let mut lists = LocalStatusLists::new();
    lists.add(sign_list(
        di,
        &other,
        &entry.list_url,
        entry.purpose,
        &clear,
    ));
    let options = VerifyOptions {
        keys: &keys,
        status: &lists,
        ..f.options()
    };
    let report = f.verifier.verify_json(&f.signed, &options);
    assert_verdict(&report, Verdict::StatusUnknown);

    // A list naming the badge's issuer but signed with another issuer's key.
    let vc = credence_vc::status::list_credential(
        &entry.list_url,
        &f.issuer.did,
        entry.purpose,
        &clear,
        "2024-01-01T00:00:00Z",
        None,
    );
    let forged = di
        .sign_rdfc(&vc, &Issuer::options(&other.active), &other.active)
        .unwrap();
    let mut lists = LocalStatusLists::new();
    lists.add(forged);
    let options = VerifyOptions {
        keys: &keys,
        status: &lists,
        ..f.options()
    };
    let report = f.verifier.verify_json(&f.signed, &options);
    assert_verdict(&report, Verdict::StatusUnknown);

    // A list whose signed content was changed after signing.
    let mut tampered = sign_list(di, &f.issuer, &entry.list_url, entry.purpose, &clear);
    tampered["validFrom"] = json!("2024-01-02T00:00:00Z");
    let mut lists = LocalStatusLists::new();
    lists.add(tampered);
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::StatusUnknown);
}

/// The standard badge issued with both entries: revocation bit 7 of `status/1` and suspension
/// bit 42 of `status/2`, built and schema-checked by the core's issuance path, then signed.
fn badge_with_both_entries(f: &Fixture) -> Value {
    use credence_core::model::{sample::Catalog, BadgeId, Completion, Salt};
    use credence_core::status::{BadgeStatusSlots, StatusListId, StatusSlot};
    let slots = BadgeStatusSlots {
        revocation: StatusSlot {
            list: StatusListId(1),
            index: 7,
        },
        suspension: StatusSlot {
            list: StatusListId(2),
            index: 42,
        },
    };
    let raw = sample::cases().into_iter().next().unwrap().raw;
    let unsigned = Catalog::sample()
        .unwrap()
        .decide(
            &sample::centre_issuer(&f.base),
            &f.base,
            &Completion::try_from(&raw).unwrap(),
            sample::fixture_now(),
            &Salt::try_from(sample::FIXTURE_SALT).unwrap(),
            &BadgeId::try_from(sample::STANDARD_BADGE_ID).unwrap(),
            &slots.entries(&f.base),
        )
        .unwrap()
        .into_json();
    assert_eq!(unsigned["credentialStatus"].as_array().unwrap().len(), 2);
    f.sign(&unsigned)
}

#[test]
fn both_entries_are_checked() {
    let f = Fixture::get();
    let signed = badge_with_both_entries(f);
    let revocation = f.base.join("status/1");
    let suspension = f.base.join("status/2");
    let revoked = list_with_bit(f, &revocation, StatusPurpose::Revocation, 7);
    let suspended = list_with_bit(f, &suspension, StatusPurpose::Suspension, 42);
    // A bit set for another badge in each list.
    let clear_revocation = list_with_bit(f, &revocation, StatusPurpose::Revocation, 8);
    let clear_suspension = list_with_bit(f, &suspension, StatusPurpose::Suspension, 41);
    let run = |lists: &[&Value]| {
        let mut status = LocalStatusLists::new();
        for list in lists {
            assert!(status.add((*list).clone()));
        }
        f.verifier.verify_json(&signed, &options_with(f, &status))
    };

    let neither = run(&[&clear_revocation, &clear_suspension]);
    assert_verdict(&neither, Verdict::Valid);
    assert_eq!(neither.outcome(CheckName::Status), Outcome::Pass);
    assert_eq!(neither.outcome(CheckName::Schema), Outcome::Pass);
    assert_verdict(&run(&[&revoked, &clear_suspension]), Verdict::Revoked);
    assert_verdict(&run(&[&clear_revocation, &suspended]), Verdict::Suspended);
    assert_verdict(&run(&[&revoked, &suspended]), Verdict::Revoked);

    // A list that cannot be had: unknown, unless the other list already decides.
    let missing = run(&[&clear_revocation]);
    assert_verdict(&missing, Verdict::StatusUnknown);
    assert_eq!(missing.outcome(CheckName::Status), Outcome::Fail);
    assert_verdict(&run(&[&clear_suspension]), Verdict::StatusUnknown);
    assert_verdict(&run(&[]), Verdict::StatusUnknown);
    let revoked_anyway = run(&[&revoked]);
    assert_verdict(&revoked_anyway, Verdict::Revoked);
    let reason = &revoked_anyway
        .checks
        .iter()
        .find(|c| c.check == CheckName::Status)
        .unwrap()
        .reason;
    assert!(reason.contains("suspension status is unknown"), "{reason}");
    assert_verdict(&run(&[&suspended]), Verdict::Suspended);

    // The lists are swapped: each entry's purpose must match its list's.
    let swapped_revocation = list_with_bit(f, &revocation, StatusPurpose::Suspension, 7);
    assert_verdict(
        &run(&[&swapped_revocation, &clear_suspension]),
        Verdict::StatusUnknown,
    );
}

// ---------------------------------------------------------------------------------------------
// Validity window

#[test]
fn before_valid_from_is_not_yet_valid() {
    let f = Fixture::get();
    let at = sample::fixture_now() - Duration::seconds(1);
    let report = f
        .verifier
        .verify_json(&f.signed, &VerifyOptions { at, ..f.options() });
    assert_verdict(&report, Verdict::NotYetValid);
    assert_eq!(report.outcome(CheckName::ValidityWindow), Outcome::Fail);
    // Exactly at validFrom it is valid.
    assert_verdict(&f.verify(&f.signed), Verdict::Valid);
}

#[test]
fn after_valid_until_is_expired() {
    let f = Fixture::get();
    let mut unsigned = f.unsigned.clone();
    unsigned["validUntil"] = json!("2025-12-31T23:59:59Z");
    let signed = f.sign(&unsigned);
    assert_verdict(&f.verify(&signed), Verdict::Valid);
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let report = f
        .verifier
        .verify_json(&signed, &VerifyOptions { at, ..f.options() });
    assert_verdict(&report, Verdict::Expired);
    assert_eq!(
        report.credential.valid_until.as_deref(),
        Some("2025-12-31T23:59:59Z")
    );
}

// ---------------------------------------------------------------------------------------------
// Recipient

#[test]
fn recipient_matches_email_any_case_and_registrations_only_where_carried() {
    let f = Fixture::get();
    let check = |signed: &Value, kind, value: &str| {
        let known = KnownIdentifier::new(kind, value).unwrap();
        let report = f.verifier.verify_json(
            signed,
            &VerifyOptions {
                known_identifier: Some(&known),
                ..f.options()
            },
        );
        (report.verdict, report.outcome(CheckName::Recipient))
    };
    let pass = (Verdict::Valid, Outcome::Pass);
    let mismatch = (Verdict::RecipientMismatch, Outcome::Fail);
    let not_carried = (Verdict::Valid, Outcome::NotChecked);
    let email = IdentityType::EmailAddress;
    assert_eq!(check(&f.signed, email, "amira.okafor@example.nhs.uk"), pass);
    assert_eq!(check(&f.signed, email, "Amira.OKAFOR@Example.NHS.uk"), pass);
    assert_eq!(
        check(&f.signed, email, "amira.okafor@example.org"),
        mismatch
    );
    // The Centre's badges carry no registration: nothing to compare, no verdict either way.
    assert_eq!(
        check(&f.signed, IdentityType::NmcPin, "99A9001E"),
        not_carried
    );
    // A badge (another issuer's, or an older one) that carries a hashed NMC PIN is checked.
    let mut unsigned = f.unsigned.clone();
    unsigned["credentialSubject"]["identifier"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "type": "IdentityObject",
            "hashed": true,
            "identityHash": "sha256$fd295bc0af2106f57f767c63b77e7966e4ee87a82113ca4c373ff1a51fd37d22",
            "identityType": "ext:NMCPIN",
            "salt": "fixtureSalt-01"
        }));
    let older = f.sign(&unsigned);
    assert_eq!(check(&older, IdentityType::NmcPin, "99A9001E"), pass);
    assert_eq!(check(&older, IdentityType::NmcPin, "99A9002E"), mismatch);
    // Right value, wrong type.
    assert_eq!(
        check(&older, IdentityType::HcpcRegistrationNumber, "PA999003"),
        not_carried
    );
}

// ---------------------------------------------------------------------------------------------
// Key resolution

#[test]
fn active_and_retired_keys_both_verify() {
    let f = Fixture::get();
    let old = f
        .verifier
        .data_integrity()
        .sign_rdfc(
            &f.unsigned,
            &Issuer::options(&f.issuer.retired),
            &f.issuer.retired,
        )
        .unwrap();
    assert_ne!(old["proof"]["proofValue"], f.signed["proof"]["proofValue"]);
    assert_verdict(&f.verify(&old), Verdict::Valid);
    assert_verdict(&f.verify(&f.signed), Verdict::Valid);
}

#[test]
fn key_outside_assertion_method_is_an_unknown_issuer() {
    let f = Fixture::get();
    let vm = VerificationMethodId::new(format!("{}#key-3", f.issuer.did)).unwrap();
    let extra = LocalSigner::new(SecretKey::from_seed(&[33; 32]), vm.clone());
    let mut doc = f.issuer.document();
    doc.verification_method.push(VerificationMethod::multikey(
        &vm,
        &f.issuer.did,
        &extra.public_key(),
    ));
    let mut keys = LocalKeys::new();
    keys.add(doc);
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&f.unsigned, &Issuer::options(&extra), &extra)
        .unwrap();
    let options = VerifyOptions {
        keys: &keys,
        ..f.options()
    };
    let report = f.verifier.verify_json(&signed, &options);
    assert_verdict(&report, Verdict::UnknownIssuer);
    assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);
    // The same document verifies badges of its assertion keys.
    assert_verdict(&f.verifier.verify_json(&f.signed, &options), Verdict::Valid);
}

#[test]
fn key_of_another_controller_is_an_unknown_issuer() {
    let f = Fixture::get();
    let other = Issuer::new("did:web:other.example", 99);
    let mut keys = f.keys.clone();
    keys.add(other.document());
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&f.unsigned, &Issuer::options(&other.active), &other.active)
        .unwrap();
    let report = f.verifier.verify_json(
        &signed,
        &VerifyOptions {
            keys: &keys,
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::UnknownIssuer);
    assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);

    // A did:key signature is not the did:web issuer's either.
    let did_key = LocalSigner::did_key(SecretKey::from_seed(&[5; 32]));
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&f.unsigned, &Issuer::options(&did_key), &did_key)
        .unwrap();
    assert_verdict(&f.verify(&signed), Verdict::UnknownIssuer);

    // An issuer whose document is unknown.
    let report = f.verifier.verify_json(
        &f.signed,
        &VerifyOptions {
            keys: &LocalKeys::new(),
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::UnknownIssuer);
}

#[test]
fn other_key_under_the_issuers_method_id_is_an_invalid_signature() {
    let f = Fixture::get();
    let impostor = LocalSigner::new(
        SecretKey::from_seed(&[123; 32]),
        f.issuer.active.verification_method().clone(),
    );
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&f.unsigned, &Issuer::options(&impostor), &impostor)
        .unwrap();
    let report = f.verify(&signed);
    assert_verdict(&report, Verdict::InvalidSignature);
    assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Pass);
    assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail);
}

// ---------------------------------------------------------------------------------------------
// Schema

/// The standard badge without its achievement's name (which the OB schema requires), signed.
fn signed_without_achievement_name(f: &Fixture) -> Value {
    let mut unsigned = f.unsigned.clone();
    unsigned["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    f.sign(&unsigned)
}

#[test]
fn schema_violation_is_malformed_even_when_signed() {
    let f = Fixture::get();
    let report = f.verify(&signed_without_achievement_name(f));
    assert_verdict(&report, Verdict::Malformed);
    assert_eq!(report.outcome(CheckName::Schema), Outcome::Fail);
    assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);
}
#[test]
fn another_issuers_schema_deviation_is_a_warning_not_a_verdict() {
    let f = Fixture::get();
    let signed = signed_without_achievement_name(f);
    // Held to the schema: only some other issuer.
    let lenient = Verifier::new(DataIntegrity::new(JsonLd::new(
        credence_core::contexts::pinned().unwrap(),
    )))
    .with_strict_schema(TrustedIssuers::only(["did:web:another.example"]));
    let report = lenient.verify_json(&signed, &f.options());
    assert_verdict(&report, Verdict::Valid);
    assert_eq!(report.outcome(CheckName::Schema), Outcome::Warning);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report
        .checks
        .iter()
        .any(|c| c.check == CheckName::Schema && c.reason.contains("Open Badges 3.0 JSON Schema")));
    // A conforming badge has no warning.
    let report = lenient.verify_json(&f.signed, &f.options());
    assert_verdict(&report, Verdict::Valid);
    assert!(report.warnings.is_empty());
}

#[test]
fn a_number_a_double_cannot_hold_is_refused_at_signing_and_malformed_at_verification() {
    // 2^53 + 1 reads as 2^53 through a double: signed as it stood, the badge would have the same
    // proof as one saying 2^53, so it is neither signed nor verified.
    let f = Fixture::get();
    let with = |doc: &Value, n: Value| {
        let mut doc = doc.clone();
        doc["credentialSubject"]["achievement"]["creditsAvailable"] = n;
        doc
    };
    let di = f.verifier.data_integrity();
    let options = Issuer::options(&f.issuer.active);
    let refused = di.sign_rdfc(
        &with(&f.unsigned, json!(9_007_199_254_740_993_u64)),
        &options,
        &f.issuer.active,
    );
    assert!(
        matches!(
            &refused,
            Err(ProofError::JsonLd(JsonLdError::InexactNumber { number }))
                if number == "9007199254740993"
        ),
        "{refused:?}"
    );
    assert!(di
        .sign_rdfc(
            &with(&f.unsigned, json!(9_007_199_254_740_992_u64)),
            &options,
            &f.issuer.active,
        )
        .is_ok());
    for n in [
        json!(9_007_199_254_740_993_u64),
        json!(-9_007_199_254_740_993_i64),
    ] {
        let report = f.verify(&with(&f.signed, n));
        assert_verdict(&report, Verdict::Malformed);
        assert_eq!(report.outcome(CheckName::DataModel), Outcome::Fail);
    }
}

#[test]
fn reordered_context_is_malformed_though_the_graph_is_unchanged() {
    // eddsa-rdfc-2022 signs the RDF graph: reordering contexts that define disjoint terms leaves
    // it unchanged, so the proof alone still verifies. The VC data model pins the first, the OB
    // 3.0 schema the order.
    let f = Fixture::get();
    for (a, b) in [(0, 1), (1, 2), (0, 2)] {
        let mut changed = f.signed.clone();
        changed["@context"].as_array_mut().unwrap().swap(a, b);
        let report = f.verify(&changed);
        assert_verdict(&report, Verdict::Malformed);
        // The VC context moved from first breaks the data model's rule before the schema runs.
        let failed = if a == 0 {
            CheckName::DataModel
        } else {
            CheckName::Schema
        };
        assert_eq!(report.outcome(failed), Outcome::Fail, "{a} {b}");
    }
    // Dropping the inline context leaves a term undefined: the proof cannot verify.
    let mut changed = f.signed.clone();
    changed["@context"].as_array_mut().unwrap().remove(2);
    let report = f.verify(&changed);
    assert!(!report.verified);
    assert_eq!(
        report.outcome(CheckName::Proof),
        Outcome::Fail,
        "{}",
        show(&report)
    );
}

#[test]
fn extra_or_repeated_proofs_do_not_verify() {
    let f = Fixture::get();
    // An option added after signing is part of the proof configuration.
    for (key, value) in [
        ("expires", json!("2030-01-01T00:00:00Z")),
        ("domain", json!("example.org")),
        ("@context", json!(["https://www.w3.org/ns/credentials/v2"])),
    ] {
        let mut changed = f.signed.clone();
        changed["proof"][key] = value;
        let report = f.verify(&changed);
        assert_verdict(&report, Verdict::InvalidSignature);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail, "{key}");
    }
    // A set of the one proof is that proof (proof sets: crates/credence-vc/tests/proof_sets.rs).
    let mut set = f.signed.clone();
    set["proof"] = json!([f.signed["proof"].clone()]);
    assert_verdict(&f.verify(&set), Verdict::Valid);
    // A proof that is not an object does not verify (and may also break the schema).
    for proof in [json!("z123"), json!(null), json!([]), json!(["z123"])] {
        let mut changed = f.signed.clone();
        changed["proof"] = proof.clone();
        let report = f.verify(&changed);
        assert!(!report.verified, "{proof}");
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail, "{proof}");
    }
    let mut changed = f.signed.clone();
    changed["proof"]
        .as_object_mut()
        .unwrap()
        .remove("proofValue");
    assert_verdict(&f.verify(&changed), Verdict::InvalidSignature);
}

#[test]
fn unusable_status_entries_are_status_unknown() {
    let f = Fixture::get();
    let url = f.base.join("status/1");
    for entry in [
        // Past the end of the 131,072-entry list.
        StatusEntry::new(&url, StatusPurpose::Revocation, MIN_LIST_LEN as u64),
        // A suspension entry pointing at the revocation list.
        StatusEntry::new(&url, StatusPurpose::Suspension, 7),
    ] {
        let mut unsigned = f.unsigned.clone();
        unsigned["credentialStatus"] = entry.to_json();
        let report = f.verify(&f.sign(&unsigned));
        assert_verdict(&report, Verdict::StatusUnknown);
        assert_eq!(report.outcome(CheckName::Proof), Outcome::Pass);
    }
    let mut unsigned = f.unsigned.clone();
    unsigned["credentialStatus"]["statusListIndex"] = json!("seven");
    assert_ne!(f.verify(&f.sign(&unsigned)).verdict, Verdict::Valid);
}

#[test]
fn jwt_signed_by_another_controller_is_an_unknown_issuer() {
    let f = Fixture::get();
    let other = Issuer::new("did:web:other.example", 99);
    let mut keys = f.keys.clone();
    keys.add(other.document());
    let token = jwt::sign_ob3_jwt(&f.unsigned, &other.active).unwrap();
    let report = f.verifier.verify_bytes(
        token.as_bytes(),
        &VerifyOptions {
            keys: &keys,
            ..f.options()
        },
    );
    assert_verdict(&report, Verdict::UnknownIssuer);
    assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);
}

#[test]
fn status_list_with_a_non_assertion_proof_is_status_unknown() {
    use credence_vc::proof::{self, DataIntegrity};
    let f = Fixture::get();
    let entry = f.standard_entry();
    let di = f.verifier.data_integrity();
    let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
    list.set(entry.index, true).unwrap();
    let vc = credence_vc::status::list_credential(
        &entry.list_url,
        &f.issuer.did,
        entry.purpose,
        &list,
        "2024-01-01T00:00:00Z",
        None,
    );
    // A correct signature by the issuer's assertion key, but made for authentication.
    let mut config = DataIntegrity::proof_config(&Issuer::options(&f.issuer.active), &vc);
    config.insert("proofPurpose".into(), json!("authentication"));
    let hash = proof::hash(
        &di.transform_rdfc(&Value::Object(config.clone())).unwrap(),
        &di.transform_rdfc(&vc).unwrap(),
    );
    let value = proof::sign(&hash, &f.issuer.active).unwrap();
    let signed = proof::attach(&vc, config, &value).unwrap();
    let (doc, parsed) = di.split(&signed).unwrap();
    di.verify(&doc, &parsed, &f.issuer.active.public_key())
        .unwrap();

    let mut lists = LocalStatusLists::new();
    lists.add(signed);
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::StatusUnknown);
}

/// Regression: a status list past its own `validUntil` is no evidence of the badge's status.
#[test]
fn an_expired_status_list_is_status_unknown() {
    let f = Fixture::get();
    let entry = f.standard_entry();
    let list = StatusList::new(MIN_LIST_LEN).unwrap();
    let mut vc = credence_vc::status::list_credential(
        &entry.list_url,
        &f.issuer.did,
        entry.purpose,
        &list,
        "2024-01-01T00:00:00Z",
        None,
    );
    vc["validUntil"] = json!("2024-02-01T00:00:00Z");
    let signed = f
        .verifier
        .data_integrity()
        .sign_rdfc(&vc, &Issuer::options(&f.issuer.active), &f.issuer.active)
        .unwrap();
    let mut lists = LocalStatusLists::new();
    lists.add(signed);
    let report = f.verifier.verify_json(&f.signed, &options_with(f, &lists));
    assert_verdict(&report, Verdict::StatusUnknown);
    assert!(show(&report).contains("expired"), "{}", show(&report));
}
