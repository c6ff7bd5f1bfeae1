//! What a test does when the reference it compares with is missing: shared by the root
//! package's tests and rsadc's (collector/tests includes this file by path).

/// A reference program a comparison needs (sysstat's sadc, Prometheus, a C compiler) is
/// not installed. Under CI (`RSAR_REQUIRE_ORACLES=1`, set by `.ci/run`, which installs
/// them) that fails the test; elsewhere the test says what it left out and passes.
pub fn oracle_missing(what: &str) {
    let required = std::env::var("RSAR_REQUIRE_ORACLES").is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "{what} is missing and RSAR_REQUIRE_ORACLES is set: install it (.ci/run shows how)"
    );
    eprintln!("skipped: {what} is missing (install it to run this comparison)");
}
