//! The completion fixtures, written once: Amira Okafor's Leeds completion, the DOMAIN.md sample
//! cases, synthetic rows, and their JSON and CSV batch forms.

use credence_core::model::{sample, RawCompletion};
use serde_json::{json, Value};

/// University of Leeds: approved for CS-OPF 1.0 (AP-001) and CS-MHA 1.0 (AP-002).
pub const LEEDS: &str = "10007795";
/// University of Nottingham: approved for CS-PEOL 1.0 (AP-003).
pub const NOTTINGHAM: &str = "10007154";

/// Amira Okafor's completion of CS-OPF 1.0 at Leeds (AP-001), which the sample data badges, with
/// its own reference `LEEDS-OPF-2024-{i}` and email `practitioner{i}@example.nhs.uk`.
pub fn completion(i: usize) -> Value {
    json!({
        "provider_reference": format!("LEEDS-OPF-2024-{i:05}"),
        "provider": LEEDS,
        "specification": "CS-OPF",
        "specification_version": "1.0",
        "route": "within_msc",
        "completed_on": "2024-07-12",
        "practitioner": {
            "given_name": "Amira",
            "family_name": "Okafor",
            "email": format!("practitioner{i}@example.nhs.uk"),
            "registration": {"regulator": "NMC", "number": "99A9001E"}
        }
    })
}

/// The sample case of this practitioner.
pub fn sample_case(practitioner: &str) -> RawCompletion {
    sample::cases()
        .into_iter()
        .find(|c| c.practitioner == practitioner)
        .unwrap_or_else(|| panic!("no sample case for {practitioner}"))
        .raw
}

pub use sample::synthetic;

/// A JSON batch body.
pub fn json_batch(rows: &[RawCompletion]) -> Value {
    serde_json::json!({ "completions": rows })
}

/// The CSV header of a batch.
pub const CSV_HEADER: [&str; 14] = [
    "provider_reference",
    "provider",
    "specification",
    "specification_version",
    "route",
    "completed_on",
    "given_name",
    "family_name",
    "publish_name",
    "email",
    "regulator",
    "registration_number",
    "academic_assessor",
    "workplace_supervisor",
];

/// One completion as a CSV record in [`CSV_HEADER`] order.
pub fn csv_record(r: &RawCompletion) -> Vec<String> {
    let p = &r.practitioner;
    let a = r.assessment.as_ref();
    vec![
        r.provider_reference.clone(),
        r.provider.clone(),
        r.specification.clone(),
        r.specification_version.clone(),
        r.route.clone(),
        r.completed_on.clone(),
        p.given_name.clone().unwrap_or_default(),
        p.family_name.clone().unwrap_or_default(),
        p.publish_name.to_string(),
        p.email.clone(),
        p.registration.regulator.clone(),
        p.registration.number.clone(),
        a.map(|a| a.academic_assessor.clone()).unwrap_or_default(),
        a.map(|a| a.workplace_supervisor.clone())
            .unwrap_or_default(),
    ]
}

/// A CSV batch body: the header, then one record per row.
pub fn csv_batch(rows: &[RawCompletion]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CSV_HEADER).unwrap();
    for r in rows {
        w.write_record(csv_record(r)).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The `(status, badge_id)` of each row of a batch answer, checking rows are numbered in order.
#[track_caller]
pub fn batch_rows(answer: &Value) -> Vec<(u16, Option<String>)> {
    let results = answer["results"].as_array().expect("results");
    results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            assert_eq!(r["row"], i + 1, "rows are answered in order: {r}");
            (
                u16::try_from(r["status"].as_u64().unwrap()).unwrap(),
                r["badge_id"].as_str().map(str::to_owned),
            )
        })
        .collect()
}
