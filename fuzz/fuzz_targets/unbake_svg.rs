//! `bake::unbake_svg` on any text never panics; and whatever SVG `bake_svg` accepts, unbaking the
//! result gives back exactly the credential baked.
#![no_main]

use credence_core::bake;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bake::unbake(data);
    let Ok(svg) = std::str::from_utf8(data) else {
        return;
    };
    let _ = bake::unbake_svg(svg);
    for credential in credence_fuzz::BAKED_CREDENTIALS {
        if let Ok(baked) = bake::bake_svg(svg, credential) {
            match bake::unbake_svg(&baked) {
                Ok(found) => assert_eq!(found.as_str(), credential),
                Err(e) => panic!("an SVG bake_svg wrote does not unbake: {e}"),
            }
        }
    }
});
