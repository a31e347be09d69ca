//! `bake::inspect_png`/`unbake_png` on any bytes never panic; and whatever PNG `bake_png` accepts,
//! unbaking the result gives back exactly the credential baked.
#![no_main]

use credence_core::bake;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bake::inspect_png(data);
    let _ = bake::unbake(data);
    for credential in credence_fuzz::BAKED_CREDENTIALS {
        if let Ok(baked) = bake::bake_png(data, credential) {
            match bake::unbake_png(&baked) {
                Ok(found) => assert_eq!(found.as_str(), credential),
                Err(e) => panic!("a PNG bake_png wrote does not unbake: {e}"),
            }
        }
    }
});
