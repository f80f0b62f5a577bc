//! The pure-Python part of the `strobe` package (arguments, scans, datasets, the scheduler, discovery,
//! experiment classes, units) has its own unittest suite in `compiler/python/python/tests`; this runs
//! it from the source tree as part of `cargo test`, with the development venv's Python (numpy, h5py).

mod support;

#[test]
fn python_unit_tests_pass() {
    support::assert_python_unit_tests_pass(&support::repo_root().join("compiler/python/python"));
}
