//! `Verifier::verify_bytes` on any bytes (JSON, JWT, PNG, SVG): never panics, and a `valid`
//! verdict always comes with a passing proof check.
#![no_main]

use credence_vc::verify::{CheckName, Outcome, Verdict};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = credence_fuzz::verifier().verify_bytes(data, &credence_fuzz::verify_options());
    if report.verdict == Verdict::Valid {
        assert_eq!(
            report.outcome(CheckName::Proof),
            Outcome::Pass,
            "{report:?}"
        );
    }
});
