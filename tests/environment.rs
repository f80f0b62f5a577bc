//! The experiment environment of `artiq_run` (our own equivalents of ARTIQ's example experiments):
//! arguments and scans, datasets with the HDF5 results file and the dataset database, the scheduler
//! and ccb virtual devices, discovery, and Ctrl-C as a termination request.

mod support;

use std::path::PathBuf;
use std::process::Command;
use support::*;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/environment").join(name)
}

/// A fresh folder to run in (the dataset database is read from and written to the working folder).
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("strobe-env-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn run_in(dir: &PathBuf, file: &str, args: &[&str]) -> std::process::Output {
    sim_build();
    let mut c = strobe();
    c.arg("run").arg(fixture(file)).args(args).current_dir(dir);
    run(c)
}

fn snapshot(file: &str, ext: &str) -> PathBuf {
    fixture(file).with_extension(ext)
}

#[test]
fn arguments_scans_and_children() {
    let dir = workdir("scans");
    let out = run_in(
        &dir,
        "arguments_and_scans.py",
        &[
            "-p",
            "gain=high",
            "-p",
            r#"detuning={"ty": "RangeScan", "start": 1e6, "stop": 2e6, "npoints": 2}"#,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    check_snapshot(
        &snapshot("arguments_and_scans.py", "stdout"),
        &text(&out.stdout),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn argument_errors_name_the_argument() {
    let dir = workdir("argerrors");
    let cases: [(&[&str], &str); 4] = [
        (&[], "error: argument `gain` has no default and was not given\n"),
        (
            &["-p", "gain=loud"],
            "error: argument `gain` expects one of ['low', 'high'], got 'loud'\n",
        ),
        (
            &["-p", "gain=low", "-p", "times=[1e-6, 20e-6]"],
            "error: argument `times` scan point 2e-05 is above the maximum 1e-05\n",
        ),
        (
            &["-p", "gain=low", "-p", r#"times={"ty": "RangeScan", "start": 0}"#],
            "error: argument `times` an incomplete RangeScan: RangeScan.__init__() missing 2 required positional arguments: 'stop' and 'npoints'\n",
        ),
    ];
    for (args, expected) in cases {
        let out = run_in(&dir, "arguments_and_scans.py", args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), expected, "{args:?}");
    }
}

#[test]
fn datasets_go_to_the_results_file_and_the_database() {
    let dir = workdir("datasets");
    let first = run_in(&dir, "datasets.py", &[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    check_snapshot(&snapshot("datasets.py", "stdout"), &text(&first.stdout))
        .unwrap_or_else(|e| panic!("{e}"));
    // The persistent dataset was saved; the next run reads it and writes its results to HDF5.
    assert_eq!(
        std::fs::read_to_string(dir.join("dataset_db.pyon")).expect("dataset db"),
        "{'runs': 1}\n"
    );
    let second = run_in(&dir, "datasets.py", &["-o", "results.h5"]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(text(&second.stdout).starts_with("runs before this one: 1\n"));
    assert!(
        !text(&second.stdout).contains("note: calibration"),
        "results go to the file"
    );
    let mut read = Command::new(venv_python());
    read.arg("-c")
        .arg(
            "import h5py\n\
             f = h5py.File('results.h5')\n\
             d = f['datasets']\n\
             print(sorted(d), d['counts'][()].tolist(), d['counts'].attrs['unit'], d['note'][()].decode())\n\
             print(sorted(f['archive']), sorted(f), eval(f['expid'][()])['class_name'])\n",
        )
        .current_dir(&dir);
    // `trace` is broadcast, not archived, but the run read it with get_dataset: the archive has it.
    let h5 = run(read);
    assert!(h5.status.success(), "{}", text(&h5.stderr));
    assert_eq!(
        text(&h5.stdout),
        "['counts', 'note'] [0.0, 0.5, 1.0, 1.5] Hz calibration\n\
         ['trace'] ['archive', 'datasets', 'expid', 'rid', 'run_time', 'start_time'] None\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("dataset_db.pyon")).expect("dataset db"),
        "{'runs': 2}\n"
    );
}

#[test]
fn scheduler_helpers_and_payloads() {
    let dir = workdir("scheduler");
    let local = run_in(&dir, "scheduler_and_helpers.py", &["-p", "mode=local"]);
    assert!(local.status.success(), "{}", text(&local.stderr));
    let submit = run_in(
        &dir,
        "scheduler_and_helpers.py",
        &["-p", "mode=submit", "-p", "nruns=3"],
    );
    assert!(submit.status.success(), "{}", text(&submit.stderr));
    check_snapshot(
        &snapshot("scheduler_and_helpers.py", "stdout"),
        &(text(&local.stdout) + &text(&submit.stdout)),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn discovery_counts_public_experiments_only() {
    let dir = workdir("discovery");
    let out = run_in(&dir, "two_experiments.py", &[]);
    assert_eq!(out.status.code(), Some(1));
    let file = fixture("two_experiments.py");
    assert_eq!(
        text(&out.stderr),
        format!(
            "error: {} has more than one experiment class (found: First (The first one), Second); choose one with --class\n",
            file.display()
        )
    );
    let chosen = run_in(&dir, "two_experiments.py", &["--class", "Second"]);
    assert_eq!(text(&chosen.stdout), "second\n");
    // A helper is not offered, but can still be named.
    let hidden = run_in(&dir, "two_experiments.py", &["--class", "_Hidden"]);
    assert_eq!(text(&hidden.stdout), "hidden\n");
    let unknown = run_in(&dir, "two_experiments.py", &["--class", "Third"]);
    assert_eq!(
        text(&unknown.stderr),
        format!(
            "error: no experiment class `Third` in {} (it has: First (The first one), Second)\n",
            file.display()
        )
    );
    // Options only experiments have are errors for a standalone program.
    let mut standalone = strobe();
    standalone
        .arg("run")
        .arg(repo_root().join("tests/device/pulse_train.py"))
        .args(["-p", "n=1"]);
    let out = run(standalone);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("-p applies to experiments;"),
        "{}",
        text(&out.stderr)
    );
}

/// Starts `strobe run FILE`, waits for `ready` on its output, sends SIGINT, and returns (exit code,
/// whole stdout, stderr).
fn interrupt_when(file: &str, ready: &str) -> (Option<i32>, String, String) {
    sim_build();
    let mut command = strobe();
    command
        .arg("run")
        .arg(fixture(file))
        .current_dir(workdir(file));
    let mut running = Running::start(command);
    running.wait_for(ready);
    running.signal("INT");
    running.finish()
}

#[test]
fn ctrl_c_ends_a_pausing_host_loop() {
    let (code, stdout, stderr) = interrupt_when("run_forever.py", "round 1");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("terminated after "),
        "{stdout}"
    );
    assert!(stderr.contains("termination requested"), "{stderr}");
}

#[test]
fn ctrl_c_stops_a_kernel_that_checks_for_pause() {
    let (code, stdout, stderr) = interrupt_when("kernel_pause.py", "kernel loop running");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.starts_with("kernel starting\nkernel loop running\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("kernel exiting\n"), "{stdout}");
    assert!(stderr.ends_with("run terminated on request\n"), "{stderr}");
}

/// A device of the database on an RTIO channel the core device lacks is refused before any kernel
/// runs (its events would go nowhere).
#[test]
fn a_device_on_a_channel_the_core_device_lacks_is_refused() {
    sim_build();
    let dir = workdir("channel99");
    std::fs::write(
        dir.join("device_db.py"),
        "from strobe.devices import SIM_DEVICE_DB\n\ndevice_db = dict(SIM_DEVICE_DB)\n\
         device_db[\"ttl99\"] = {\"type\": \"local\", \"module\": \"strobe.coredevice.ttl\",\n\
         \"class\": \"TTLOut\", \"arguments\": {\"channel\": 99}}\n",
    )
    .expect("device_db.py");
    std::fs::write(
        dir.join("pulse99.py"),
        "from strobe import *\n\n\nclass Pulse(EnvExperiment):\n    def build(self):\n        \
         self.setattr_device(\"core\")\n        self.setattr_device(\"ttl99\")\n\n    @kernel\n    \
         def run(self):\n        self.core.reset()\n        self.ttl99.pulse(1*us)\n",
    )
    .expect("experiment");
    let mut c = strobe();
    c.arg("run").arg(dir.join("pulse99.py")).current_dir(&dir);
    let out = run(c);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(
            "device `ttl99` is on RTIO channel 99, but the core device's output channels are 0-7"
        ),
        "{}",
        text(&out.stderr)
    );
}
