//! The CSV batch parser of `POST /api/v1/completions/batch` on any bytes never panics, and each
//! row's error renders as a problem body.
#![no_main]

use credence_server::wire::parse_csv_batch;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_csv_batch(data) {
        Ok(rows) => {
            for row in rows {
                if let Err(e) = row {
                    let _ = e.problem();
                }
            }
        }
        Err(e) => {
            let _ = e.problem();
        }
    }
});
