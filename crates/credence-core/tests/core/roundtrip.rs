//! Property tests: generated badges sign and verify; any change to what was signed, to the
//! context, to a proof option or to the key breaks verification; the verifier never panics.

use chrono::{Duration, NaiveDate};
use credence_core::model::sample::{self, Catalog};
use credence_core::model::Completion;
use credence_core::model::{BadgeId, Salt};
use credence_core::verify::{Report, VerifyOptions};
use credence_vc::keys::{DidDocument, SecretKey, Signer as _};
use credence_vc::verify::{CheckName, LocalKeys, Outcome, Verdict};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

use crate::support::{show, Fixture};

/// What varies in a generated completion.
#[derive(Debug, Clone)]
struct Variation {
    case: usize,
    name: String,
    publish_name: bool,
    email: String,
    days_after: i64,
    reference: String,
    salt: String,
    uuid: [u8; 16],
    badge_name: Option<String>,
    achievement_description: Option<String>,
}

fn variation() -> impl Strategy<Value = Variation> {
    (
        (
            // The sample completions that are issued.
            prop::sample::select(vec![0usize, 2, 3, 4]),
            "[A-Z][a-z]{1,10} [A-Z][a-z'-]{1,12}",
            any::<bool>(),
            "[a-z]{1,10}(\\.[a-z0-9]{1,8})?@(example\\.nhs\\.uk|example\\.org)",
            0i64..120,
        ),
        (
            "[A-Z]{2,6}-[A-Z0-9-]{1,20}",
            "[!-~]{1,40}",
            any::<[u8; 16]>(),
            prop::option::of("\\PC{1,40}"),
            prop::option::of("\\PC{1,80}"),
        ),
    )
        .prop_map(
            |(
                (case, name, publish_name, email, days_after),
                (reference, salt, uuid, badge_name, achievement_description),
            )| Variation {
                case,
                name,
                publish_name,
                email,
                days_after,
                reference,
                salt,
                uuid,
                badge_name,
                achievement_description,
            },
        )
}

fn uuid(bytes: &[u8; 16]) -> String {
    let h = hex::encode(bytes);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The unsigned badge for a variation, issued by the fixture's Centre.
fn badge(f: &Fixture, v: &Variation) -> Value {
    let case = sample::cases().swap_remove(v.case);
    let mut raw = case.raw;
    raw.practitioner.given_name = Some(v.name.clone());
    raw.practitioner.family_name = None;
    raw.practitioner.publish_name = v.publish_name;
    raw.practitioner.email = v.email.clone();
    raw.provider_reference = v.reference.clone();
    // Up to 120 days after the sample date, but never after the fixture's "now".
    let date = NaiveDate::parse_from_str(&raw.completed_on, "%Y-%m-%d").unwrap();
    let latest = sample::fixture_now().date_naive() - Duration::days(1);
    // Within each sample approval's window (AP-005 for case 3 ends on 2024-07-31).
    let max_days = if v.case == 3 { 60 } else { 120 };
    raw.completed_on = (date + Duration::days(v.days_after.min(max_days)))
        .min(latest)
        .max(date)
        .to_string();
    let completion = Completion::try_from(&raw).unwrap();
    let mut badge = Catalog::sample()
        .unwrap()
        .decide(
            &sample::centre_issuer(&f.base),
            &f.base,
            &completion,
            sample::fixture_now(),
            &Salt::try_from(v.salt.as_str()).unwrap(),
            &BadgeId::try_from(uuid(&v.uuid).as_str()).unwrap(),
            std::slice::from_ref(&sample::standard_status(&f.base)),
        )
        .unwrap_or_else(|e| panic!("{raw:?} refused: {e}"))
        .into_json();
    if let Some(name) = &v.badge_name {
        badge["name"] = json!(name);
    }
    if let Some(description) = &v.achievement_description {
        badge["credentialSubject"]["achievement"]["description"] = json!(description);
    }
    badge
}

/// JSON pointers of every string outside `proof`.
fn string_leaves(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                string_leaves(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                if at.is_empty() && k == "proof" {
                    continue;
                }
                let key = k.replace('~', "~0").replace('/', "~1");
                string_leaves(item, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// `text` with the character at `at` replaced by a different one.
fn change_one_char(text: &str, at: Index) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.is_empty() {
        return "x".to_owned();
    }
    let i = at.index(chars.len());
    chars[i] = if chars[i] == 'x' { 'y' } else { 'x' };
    chars.into_iter().collect()
}

fn assert_broken(report: &Report, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(!report.verified, "{what}: {}", show(report));
    prop_assert_ne!(report.verdict, Verdict::Valid, "{}", what);
    prop_assert_ne!(
        report.outcome(CheckName::Proof),
        Outcome::Pass,
        "{}: {}",
        what,
        show(report)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn generated_badges_round_trip_and_any_change_breaks_them(
        v in variation(),
        leaf in any::<Index>(),
        at in any::<Index>(),
        option in 0usize..5,
        context_change in 0usize..3,
    ) {
        let f = Fixture::get();
        let unsigned = badge(f, &v);
        let signed = f.sign(&unsigned);
        let report = f.verify(&signed);
        prop_assert!(report.verified, "{}", show(&report));
        prop_assert_eq!(report.verdict, Verdict::Valid);

        // One character of one signed string value.
        let mut leaves = Vec::new();
        string_leaves(&signed, String::new(), &mut leaves);
        let pointer = leaf.get(&leaves);
        let mut changed = signed.clone();
        let slot = changed.pointer_mut(pointer).unwrap();
        *slot = json!(change_one_char(slot.as_str().unwrap(), at));
        assert_broken(&f.verify(&changed), pointer)?;

        // The context.
        let mut changed = signed.clone();
        let ctx = changed["@context"].as_array_mut().unwrap();
        let what = match context_change {
            0 => { ctx.remove(2); "inline context dropped" }
            1 => { ctx.swap(0, 1); "first two contexts swapped" }
            _ => { ctx.swap(1, 2); "last two contexts swapped" }
        };
        // Reordering may leave the signed graph unchanged (the proof still verifies), but the
        // badge must not be accepted.
        let report = f.verify(&changed);
        prop_assert!(!report.verified, "{}: {}", what, show(&report));

        // One proof option.
        let mut changed = signed.clone();
        let (key, value) = match option {
            0 => ("created", json!("2024-07-12T09:00:01Z")),
            1 => ("verificationMethod", json!(f.issuer.retired.verification_method().as_str())),
            2 => ("proofPurpose", json!("authentication")),
            3 => ("cryptosuite", json!("eddsa-jcs-2022")),
            _ => ("cryptosuite", json!("eddsa-2022")),
        };
        changed["proof"][key] = value;
        assert_broken(&f.verify(&changed), key)?;

        // Another key published under the signing key's id.
        let other = SecretKey::from_seed(&v.uuid.repeat(2).try_into().unwrap()).public_key();
        let mut keys = LocalKeys::new();
        keys.add(DidDocument::from_keys(
            f.issuer.did.clone(),
            [(f.issuer.active.verification_method(), &other)],
        ).unwrap());
        let report = f.verifier.verify_json(&signed, &VerifyOptions { keys: &keys, ..f.options() });
        assert_broken(&report, "other key")?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn verify_bytes_never_panics_on_arbitrary_bytes(
        prefix in prop::sample::select(vec![
            &b""[..], b"\x89PNG\r\n\x1a\n", b"<svg ", b"{", b"eyJ", b"{\"@context\":",
        ]),
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let f = Fixture::get();
        let input = [prefix, &bytes[..]].concat();
        let report = f.verifier.verify_bytes(&input, &f.options());
        prop_assert!(!report.verified);
        prop_assert_eq!(report.checks.len(), 8);
    }
}

/// Byte-level edits of a text.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, u8),
    Insert(Index, u8),
    Delete(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]\":,0123456789 \\".to_vec()),
    ];
    prop_oneof![
        (any::<Index>(), byte.clone()).prop_map(|(i, b)| Edit::Replace(i, b)),
        (any::<Index>(), byte).prop_map(|(i, b)| Edit::Insert(i, b)),
        any::<Index>().prop_map(Edit::Delete),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        match *e {
            Edit::Replace(i, b) if !bytes.is_empty() => {
                let i = i.index(bytes.len());
                bytes[i] = b;
            }
            Edit::Insert(i, b) => {
                let i = i.index(bytes.len() + 1);
                bytes.insert(i, b);
            }
            Edit::Delete(i) if !bytes.is_empty() => {
                let i = i.index(bytes.len());
                bytes.remove(i);
            }
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn verify_bytes_never_panics_on_mutated_badges(
        edits in prop::collection::vec(edit(), 1..6),
        form in 0usize..3,
    ) {
        let f = Fixture::get();
        let text = match form {
            0 => serde_json::to_vec(&f.signed).unwrap(),
            1 => serde_json::to_vec_pretty(&f.signed).unwrap(),
            _ => credence_vc::jwt::sign_ob3_jwt(&f.unsigned, &f.issuer.active)
                .unwrap()
                .into_bytes(),
        };
        let input = apply(text.clone(), &edits);
        let report = f.verifier.verify_bytes(&input, &f.options());
        prop_assert_eq!(report.checks.len(), 8);
        if report.verified {
            // Only edits that leave the same JSON value (e.g. whitespace) or the same JWT
            // may still verify.
            let same = match form {
                2 => input == text,
                _ => serde_json::from_slice::<Value>(&input).ok().as_ref() == Some(&f.signed),
            };
            prop_assert!(same, "an edited badge verified: {}", String::from_utf8_lossy(&input));
        }
    }
}
