//! The gateware's own unit tests (`gateware-bindings/tests`, Migen simulations of parts of the SoC
//! such as the RTIO core's fast window on a LiteX bus), run with the development venv's Python
//! (LiteX and Migen, as the simulator's build uses).

mod support;

#[test]
fn gateware_unit_tests_pass() {
    support::assert_python_unit_tests_pass(&support::repo_root().join("gateware-bindings"));
}
