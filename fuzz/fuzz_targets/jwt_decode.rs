//! `jwt::decode` on any text never panics, nor do the claim and signature checks of what it
//! decodes.
#![no_main]

use credence_vc::jwt;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(decoded) = jwt::decode(text) {
        let _ = jwt::check_ob3_claims(&decoded);
        let _ = jwt::verify_jwt(&decoded, credence_fuzz::seed_key());
    }
});
