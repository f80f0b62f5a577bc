//! Record and replay end to end: `strobe run --record` of an experiment on the simulated core
//! device that consumes every kind of outside value (tests/recording/record_replay.py), its
//! `strobe replay` on a fresh simulated device and under qemu (same kernel output, outcome,
//! writeback and pins, no host function run), a tampered recording diverging at the right line on
//! both, `--diff`, and damaged or unreplayable files.

mod support;

use std::path::{Path, PathBuf};
use strobe_device::journal::RecordKind;
use strobe_recording::{Event, Recording};
use support::*;

fn experiment() -> PathBuf {
    repo_root().join("tests/recording/record_replay.py")
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("strobe-rr-{}-{name}", std::process::id()))
}

/// `strobe replay ARGS...` with the tests' unit cache: (exit code, stdout, stderr).
fn replay(args: &[&Path]) -> (Option<i32>, String, String) {
    let mut c = strobe();
    c.arg("replay").args(args);
    let out = run(c);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// Records the experiment once for every test of this binary: the file and the run's output.
fn recorded() -> &'static (PathBuf, SimRun) {
    static ONCE: std::sync::OnceLock<(PathBuf, SimRun)> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        sim_build();
        let file = scratch("recorded.strobe");
        let file_arg = file.display().to_string();
        let r = strobe_run_file(&experiment(), &["--record", &file_arg]);
        assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
        (file, r)
    })
}

fn read(path: &Path) -> Recording {
    Recording::from_bytes(&std::fs::read(path).unwrap()).expect("a recording")
}

fn write(path: &Path, r: &Recording) {
    std::fs::write(path, r.to_bytes()).unwrap();
}

#[test]
fn the_recording_holds_every_kind_of_consumed_value() {
    let (file, _) = recorded();
    let r = read(file);
    assert_eq!(r.runs.len(), 1);
    let events = &r.runs[0].events;
    let has = |kind| {
        events
            .iter()
            .any(|e| matches!(e, Event::Device(d) if d.kind == kind))
    };
    for kind in [
        RecordKind::TimelineStart,
        RecordKind::Counter,
        RecordKind::InputTimestamp,
        RecordKind::Underflow,
    ] {
        assert!(has(kind), "no {kind:?} in {events:?}");
    }
    let rpcs: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::Rpc(r) => Some(r),
            _ => None,
        })
        .collect();
    assert!(rpcs.iter().any(|r| r.call.is_async && r.answer.is_none()));
    assert!(rpcs.iter().any(|r| matches!(
        &r.answer,
        Some(strobe_device::RpcAnswer::Exception { name, .. }) if name == "ValueError"
    )));
    assert!(
        rpcs.iter().any(|r| r.call.service == 0),
        "the writeback is an RPC"
    );
    assert!(r.trace.as_ref().is_some_and(|t| !t.is_empty()));
    assert_eq!(r.header.experiment, experiment().display().to_string());
}

/// Where a replay runs: a fresh simulated core device, or qemu.
const DEVICES: [&str; 2] = ["sim", "qemu"];

#[test]
fn a_replay_has_the_recorded_output_and_pins() {
    for device in DEVICES {
        replays_as_recorded(device);
    }
}

fn replays_as_recorded(device: &str) {
    let (file, recording) = recorded();
    let trace = scratch(&format!("replayed-{device}.txt"));
    let (code, stdout, stderr) = replay(&[
        file,
        Path::new("--device"),
        Path::new(device),
        Path::new("--trace"),
        &trace,
    ]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // The kernel's prints again; the host's analyze() is not a kernel's and does not run.
    let kernel_lines: String = recording
        .stdout
        .lines()
        .filter(|l| !l.starts_with("host:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(stdout, kernel_lines);
    assert!(
        kernel_lines.contains("counted 6") && kernel_lines.contains("underflow caught"),
        "{kernel_lines}"
    );
    assert!(
        stderr.contains("the same output, outcomes and pins"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&trace).unwrap(),
        trace_text(&recording.edges)
    );
}

/// A trace as `--trace` writes it.
fn trace_text(edges: &[strobe_device::Edge]) -> String {
    strobe_device::Trace {
        edges: edges.to_vec(),
    }
    .text()
}

/// The first input timestamp of the count comes back as "none": the kernel counts fewer edges and
/// calls its host function while the recording still has timestamps to read.
#[test]
fn a_tampered_value_diverges_at_the_line_it_changes() {
    let (file, _) = recorded();
    let mut r = read(file);
    let first = r.runs[0]
        .events
        .iter_mut()
        .find_map(|e| match e {
            Event::Device(d) if d.kind == RecordKind::InputTimestamp => Some(d),
            _ => None,
        })
        .unwrap();
    first.value = -1;
    let tampered = scratch("tampered.strobe");
    write(&tampered, &r);
    for device in DEVICES {
        let (code, _, stderr) = replay(&[&tampered, Path::new("--device"), Path::new(device)]);
        assert_eq!(code, Some(1), "{device}: {stderr}");
        assert!(
            stderr.contains("diverged in kernel run 1"),
            "{device}: {stderr}"
        );
        assert!(
            stderr.contains("replayed: the kernel calls a host function at record_replay.py:40"),
            "{device}: {stderr}"
        );
        assert!(
            stderr.contains("recorded: the kernel reads an input timestamp"),
            "{device}: {stderr}"
        );
    }
    // --diff finds the changed value.
    let (code, stdout, _) = replay(&[Path::new("--diff"), file, &tampered]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("a: the kernel reads an input timestamp (")
            && stdout.contains("b: the kernel reads an input timestamp (-1)"),
        "{stdout}"
    );
    let (code, stdout, _) = replay(&[Path::new("--diff"), file, file]);
    assert_eq!(
        (code, stdout.as_str()),
        (Some(0), "the recordings are the same\n")
    );
}

/// A changed RPC answer that changes only what the kernel outputs (one pulse more, its edge not in
/// the recorded inputs): the pins show it.
#[test]
fn a_tampered_rpc_answer_shows_in_the_pins() {
    let (file, _) = recorded();
    let mut r = read(file);
    for e in &mut r.runs[0].events {
        if let Event::Rpc(rpc) = e {
            if let Some(strobe_device::RpcAnswer::Return { value, .. }) = &mut rpc.answer {
                // scale(3) answered 7 instead of 6: one more pulse, one more edge counted.
                value[0] += 1;
                break;
            }
        }
    }
    let tampered = scratch("tampered-rpc.strobe");
    write(&tampered, &r);
    let (code, _, stderr) = replay(&[&tampered]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("the replay diverged: the pins differ at edge 13"),
        "{stderr}"
    );
}

#[test]
fn damaged_recordings_are_clear_errors() {
    let (file, _) = recorded();
    let bytes = std::fs::read(file).unwrap();
    let damaged = scratch("damaged.strobe");
    let cases: [(&[u8], &str); 4] = [
        (&bytes[..bytes.len() / 2], "truncated"),
        (&bytes[..bytes.len() - 9], "has no end entry"),
        (b"hello", "not a Strobe recording"),
        (
            &[&bytes[..40], &[bytes[40] ^ 0x55], &bytes[41..]].concat(),
            "corrupt",
        ),
    ];
    for (content, expected) in cases {
        std::fs::write(&damaged, content).unwrap();
        let (code, _, stderr) = replay(&[&damaged]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
}

#[test]
fn code_that_is_nowhere_is_refused() {
    let (file, _) = recorded();
    for (device, expected) in [
        (
            "sim",
            "is neither on the device nor in this host's unit store",
        ),
        ("qemu", "has no object in this host's unit store"),
    ] {
        let mut c = strobe();
        c.env("STROBE_CACHE_DIR", scratch("empty-cache"))
            .args(["replay", "--device", device])
            .arg(file);
        let out = run(c);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{device}: {stderr}");
    }
}

#[test]
fn the_python_api_records_and_replays() {
    sim_build();
    let file = scratch("api.strobe");
    let mut c = std::process::Command::new(venv_python());
    c.arg(repo_root().join("tests/recording/python_api.py"))
        .arg(&file)
        .env(
            "STROBE_CACHE_DIR",
            std::env::temp_dir().join(format!("strobe-test-cache-{}", std::process::id())),
        );
    let out = run(c);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "kernel saw 42\nhost saw 42\nkernel saw 42\nreplay exit 0\nthe recordings are the same\ndiff exit 0\n"
    );
    let r = read(&file);
    assert_eq!(r.header.arguments, ["answer=41"]);
    assert_eq!(r.runs.len(), 1);
}

/// A scan: three kernel runs, each continuing the timeline the previous one left, with the host's
/// work between them.
#[test]
fn a_scan_of_kernel_runs_replays_run_by_run() {
    sim_build();
    let file = scratch("scan.strobe");
    let file_arg = file.display().to_string();
    let recorded = strobe_run_file(
        &repo_root().join("examples/pulse_scan.py"),
        &["--record", &file_arg],
    );
    assert_eq!(recorded.code, Some(0), "{}", recorded.stderr);
    assert_eq!(read(&file).runs.len(), 3);
    for device in DEVICES {
        let trace = scratch(&format!("scan-{device}.txt"));
        let (code, _, stderr) = replay(&[
            &file,
            Path::new("--device"),
            Path::new(device),
            Path::new("--trace"),
            &trace,
        ]);
        assert_eq!(code, Some(0), "{device}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(&trace).unwrap(),
            trace_text(&recorded.edges),
            "{device}"
        );
    }
}
