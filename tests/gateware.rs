//! The gateware's own unit tests (`gateware-bindings/tests`, Migen simulations of parts of the SoC
//! such as the RTIO core's fast window on a LiteX bus), run with the development venv's Python
//! (LiteX and Migen, as the simulator's build uses).

mod support;

use std::process::Command;

#[test]
fn gateware_unit_tests_pass() {
    let gateware = support::repo_root().join("gateware-bindings");
    let out = Command::new(support::venv_python())
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(&gateware)
        .env("PYTHONPATH", &gateware)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("the venv's python runs");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "gateware unit tests failed:\n{report}"
    );
    assert!(
        report.contains("\nOK"),
        "unexpected unittest report:\n{report}"
    );
}
