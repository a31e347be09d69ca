//! How a test that cannot run says so.

use std::io::Write as _;

/// The environment variable naming the PostgreSQL server of the tests.
pub const PG_ENV: &str = "CREDENCE_TEST_DATABASE_URL";

/// Says, past libtest's output capture, that a test did not run.
pub fn skipped(test: &str, why: &str) {
    assert!(
        std::env::var_os("CREDENCE_REQUIRE_ALL").is_none(),
        "CREDENCE_REQUIRE_ALL is set but {test} cannot run: {why}"
    );
    let _ = writeln!(std::io::stderr(), "SKIPPED: {test}: {why}");
}

/// Says that a PostgreSQL test did not run.
pub fn skipped_pg(test: &str) {
    skipped(test, &format!("{PG_ENV} unset"));
}
