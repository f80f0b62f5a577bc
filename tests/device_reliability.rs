//! No kernel wedges the simulated core device. A running kernel can always be stopped: Ctrl-C
//! stops it where it is (the report names the line) and the device serves the next run; a host
//! killed mid-run leaves a kernel the next host's handshake stops; a kernel computing for long,
//! silent, sends heartbeats so its host waits for its result; a second client is refused while
//! the first holds the device, unless it takes it over. Kernel faults are exceptions: deep
//! recursion raises RecursionError, an allocation that cannot fit MemoryError.

mod support;

use strobe_device::SimDevice;
use support::*;

fn device_file(name: &str) -> std::path::PathBuf {
    repo_root().join("tests/device").join(name)
}

/// A simulated core device of its own for a test.
fn simulator() -> SimDevice {
    SimDevice::start(&sim_build()).expect("simulator")
}

/// `strobe run FILE --device tcp:... ARGS` on `sim`, started.
fn start_with(sim: &SimDevice, file: &str, args: &[&str]) -> Running {
    let mut c = strobe();
    c.arg("run")
        .arg(device_file(file))
        .arg("--device")
        .arg(format!("tcp:127.0.0.1:{}", sim.port))
        .args(args)
        .current_dir(std::env::temp_dir());
    Running::start(c)
}

fn start_on(sim: &SimDevice, file: &str) -> Running {
    start_with(sim, file, &[])
}

/// The device still serves: a pulse train runs on it.
fn device_serves(sim: &SimDevice) {
    let (code, stdout, stderr) = start_on(sim, "pulse_train.py").finish();
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}

/// Starts `file` on `sim`, sends Ctrl-C once it prints "spinning", and checks the report names
/// `location` (`file:line ` or just `file:`); the device then serves the next run.
fn ctrl_c_stops_at(sim: &SimDevice, file: &str, location: &str) {
    let mut spinning = start_on(sim, file);
    spinning.wait_for("spinning");
    spinning.signal("INT");
    let (code, _, stderr) = spinning.finish();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("kernel stopped at ") && stderr.contains(location),
        "{stderr}"
    );
    device_serves(sim);
}

#[test]
fn ctrl_c_stops_a_spinning_kernel_at_its_line_and_the_device_serves_on() {
    let sim = simulator();
    ctrl_c_stops_at(&sim, "spin_forever.py", "spin_forever.py:6 ");
    // Most of its time in a firmware call: stopped there, reported at the kernel's call.
    ctrl_c_stops_at(&sim, "spin_in_firmware.py", "spin_in_firmware.py:5 ");
}

/// A kernel that keeps the fast window's roomy flag set at nearly every tick is stopped too: the
/// tick defers its work with the host by one tick, never forever.
#[test]
fn ctrl_c_stops_a_kernel_writing_events_with_room() {
    let sim = simulator();
    // Stopped in either of its event writes.
    ctrl_c_stops_at(&sim, "pulse_forever.py", "pulse_forever.py:");
}

#[test]
fn an_experiments_kernel_is_stopped_by_a_second_ctrl_c() {
    let sim = simulator();
    let mut spinning = start_on(&sim, "spin_experiment.py");
    spinning.wait_for("spinning");
    // The first is the scheduler's termination request, which a kernel that never asks ignores.
    spinning.signal("INT");
    std::thread::sleep(std::time::Duration::from_secs(1));
    spinning.signal("INT");
    let (code, _, stderr) = spinning.finish();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("interrupted: kernel stopped at ")
            && stderr.contains("spin_experiment.py:15 "),
        "{stderr}"
    );
    device_serves(&sim);
}

#[test]
fn a_killed_hosts_kernel_is_stopped_by_the_next_handshake() {
    let sim = simulator();
    let mut spinning = start_on(&sim, "spin_forever.py");
    spinning.wait_for("spinning");
    spinning.signal("KILL");
    let _ = spinning.finish();
    // The orphaned kernel never ends on its own: the new host's `Hello` stops it.
    device_serves(&sim);
}

#[test]
fn a_long_silent_computation_finishes_with_its_output() {
    let sim = simulator();
    let (code, stdout, stderr) = start_on(&sim, "long_computation.py").finish();
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "computing\ntotal 500302\n");
}

#[test]
fn waiting_for_a_late_last_edge_after_the_kernel_sends_heartbeats() {
    let run = strobe_run_file(&device_file("late_last_edge.py"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "queued\n");
    let values: Vec<u32> = run.edges.iter().map(|e| e.value).collect();
    assert_eq!(values, [1, 0], "both edges played before the run ended");
    assert_eq!(run.edges[1].timestamp - run.edges[0].timestamp, 100_000_000);
}

#[test]
fn deep_recursion_and_a_huge_allocation_are_exceptions() {
    let sim = simulator();
    let (code, stdout, stderr) = start_on(&sim, "kernel_faults.py").finish();
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout, "2000\nRecursionError caught\nMemoryError caught\n",
        "{stderr}"
    );
    assert!(
        stderr.starts_with("Traceback (most recent call last):\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("kernel_faults.py\", line 4, in depth")
            && stderr.ends_with("RecursionError: maximum recursion depth exceeded\n"),
        "{stderr}"
    );
    device_serves(&sim);
}

#[test]
fn a_second_client_is_refused_unless_it_takes_over() {
    let sim = simulator();
    let mut first = start_on(&sim, "spin_forever.py");
    first.wait_for("spinning");
    let (code, _, stderr) = start_on(&sim, "pulse_train.py").finish();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is in use by another strobe process (pid ")
            && stderr.contains("--take-over"),
        "{stderr}"
    );
    let (code, _, stderr) = start_with(&sim, "pulse_train.py", &["--take-over"]).finish();
    assert_eq!(code, Some(0), "{stderr}");
    // The first client lost the device.
    let (code, _, stderr) = first.finish();
    assert_eq!(code, Some(2), "{stderr}");
}
