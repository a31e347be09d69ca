//! `parse_nquads` on any text never panics, and what it parses survives a write and parse
//! unchanged.
#![no_main]

use credence_ld::rdf::nquads::{parse_nquads, to_nquads};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(quads) = parse_nquads(text) {
        let written = to_nquads(&quads);
        match parse_nquads(&written) {
            Ok(again) => assert_eq!(again, quads, "{written}"),
            Err(e) => panic!("written N-Quads do not parse: {e}\n{written}"),
        }
    }
});
