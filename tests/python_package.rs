//! The pure-Python part of the `strobe` package (arguments, scans, datasets, the scheduler, discovery,
//! experiment classes, units) has its own unittest suite in `compiler/python/python/tests`; this runs
//! it from the source tree as part of `cargo test`, with the development venv's Python (numpy, h5py).

mod support;

use std::process::Command;

#[test]
fn python_unit_tests_pass() {
    let package = support::repo_root().join("compiler/python/python");
    let out = Command::new(support::venv_python())
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(&package)
        .env("PYTHONPATH", &package)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the venv's python runs");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "python unit tests failed:\n{report}");
    assert!(
        report.contains("\nOK"),
        "unexpected unittest report:\n{report}"
    );
}
