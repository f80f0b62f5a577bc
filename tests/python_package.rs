//! The pure-Python part of the `strobe` package (arguments, experiment classes, units) has its own
//! unittest suite in `python/tests`; this runs it as part of `cargo test`.

mod support;

use std::process::Command;

#[test]
fn python_unit_tests_pass() {
    let package = support::repo_root().join("compiler/python/python");
    let out = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(&package)
        .env("PYTHONPATH", &package)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python unit tests failed:\n{report}");
    assert!(
        report.contains("\nOK"),
        "unexpected unittest report:\n{report}"
    );
}
