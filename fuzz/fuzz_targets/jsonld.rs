//! JSON-LD expansion and toRdf of any JSON never panic, and the quads toRdf produces survive an
//! N-Quads write and parse unchanged.
#![no_main]

use credence_ld::rdf::nquads::{parse_nquads, to_nquads};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let jsonld = credence_fuzz::jsonld();
    let _ = jsonld.expand(&doc);
    if let Ok(quads) = jsonld.to_rdf(&doc) {
        let text = to_nquads(&quads);
        match parse_nquads(&text) {
            Ok(again) => assert_eq!(again, quads, "{text}"),
            Err(e) => panic!("toRdf output does not parse as N-Quads: {e}\n{text}"),
        }
    }
});
