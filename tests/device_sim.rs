//! End-to-end on the simulated core device (Verilator running the real gateware and firmware):
//! exact edge timestamps, `with parallel`, loopback inputs, RTIOUnderflow, a faulting kernel reported
//! with file:line while the device goes on, and a link that survives corrupt frames and disconnects.

mod support;

use std::io::{Read, Write};
use strobe_device::{Device, Edge, FaultReport, KernelRun, Outcome, SimBuild, SimDevice};

use strobe_driver::{Compiler, Platform};
use strobe_protocol::{ErrorCode, Message};
use strobe_syntax::SourceFile;
use support::*;

/// Connects to a running simulator and makes a compiler for the device it reports.
fn connect(build: &SimBuild, sim: &SimDevice) -> (Device, Compiler) {
    let device = Device::connect(Box::new(sim.connect().expect("connect"))).expect("handshake");
    let info = device.info().expect("info");
    let platform = Platform::for_device(
        info.clock_hz as u64,
        info.kernel_base,
        &build.device.firmware.exports,
        build.device.rtio_fast_window,
    );
    (device, Compiler::for_platform(None, platform))
}

/// Puts a whole image (linked at the kernel base) into the store as one unit at the region's start.
fn put(device: &mut Device, image: &[u8], entry: u32) -> KernelRun {
    device.put_image(image, entry).expect("upload")
}

fn strobe_run(program: &str) -> SimRun {
    sim_build();
    strobe_run_file(&repo_root().join("tests/device").join(program), &[])
}

fn edge(timestamp: u64, channel: u32, value: u32) -> Edge {
    Edge {
        timestamp,
        channel,
        value,
    }
}

fn first_number(s: &str) -> u64 {
    s.lines()
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no timestamp printed: {s}"))
}

#[test]
fn pulse_train_edges_are_exact() {
    let r = strobe_run("pulse_train.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let t0 = first_number(&r.stdout);
    let expected: Vec<Edge> = (0..10)
        .flat_map(|i| [edge(t0 + 200 * i, 3, 1), edge(t0 + 200 * i + 100, 3, 0)])
        .collect();
    assert_eq!(r.edges, expected);
}

#[test]
fn parallel_branches_start_together() {
    let r = strobe_run("parallel.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let t0 = first_number(&r.stdout);
    assert_eq!(
        r.stdout.lines().nth(1),
        Some("550"),
        "the block ends at its longest branch"
    );
    let mut expected = vec![
        edge(t0, 0, 1),
        edge(t0, 1, 1),
        edge(t0 + 100, 1, 0),
        edge(t0 + 200, 1, 1),
        edge(t0 + 300, 1, 0),
        edge(t0 + 500, 0, 0),
        edge(t0 + 500, 2, 1),
        edge(t0 + 550, 2, 0),
    ];
    expected.sort();
    assert_eq!(r.edges, expected);
}

/// How much later the simulated loopback inputs see their outputs' edges.
fn loopback_delay() -> u64 {
    sim_build().device.loopback_delay_mu
}

/// Each input timestamp is its output edge's time, plus the loopback's delay, plus the input
/// pipeline's latency the stamps carry (as ARTIQ's).
fn after_loopback(times: &[u64]) -> Vec<String> {
    let offset = strobe_abi::rtio::INPUT_TIMESTAMP_OFFSET_MU as u64;
    times
        .iter()
        .map(|t| (t + loopback_delay() + offset).to_string())
        .collect()
}

#[test]
fn loopback_input_timestamps_are_output_edges_plus_the_loopback_delay() {
    let r = strobe_run("loopback.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let t0 = first_number(&r.stdout);
    let lines: Vec<&str> = r.stdout.lines().skip(1).collect();
    let mut expected = after_loopback(&[100, 400, 700]);
    expected.push("-1".into());
    assert_eq!(lines, expected);
    let rising: Vec<u64> = r
        .edges
        .iter()
        .filter(|e| e.channel == 1 && e.value == 1)
        .map(|e| e.timestamp - t0)
        .collect();
    assert_eq!(rising, [100, 400, 700]);
}

/// Gate windows are on the timeline (as ARTIQ's): rising, falling and both edges, each recorded only
/// inside its window.
#[test]
fn gate_windows_record_the_edges_they_are_sensitive_to() {
    let r = strobe_run("gate_windows.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let recorded: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        recorded,
        after_loopback(&[3000, 4000, 5100, 6100, 7000, 7100])
    );
}

/// More edges than an input FIFO holds: the next read raises `RTIOOverflow` (catchable); the
/// edges it kept are read after that.
#[test]
fn input_overflow_raises_rtio_overflow() {
    let r = strobe_run("input_overflow.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "caught: RTIO input overflow on channel 9\nthen read 64\n"
    );
}

#[test]
fn underflow_is_catchable_in_the_kernel() {
    let r = strobe_run("underflow_caught.py");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stdout.starts_with("caught: RTIO underflow at "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("mu, channel 0, slack -"), "{}", r.stdout);
    assert!(r.stdout.ends_with("still running\n"));
    assert_eq!(
        r.edges.len(),
        2,
        "the late event is dropped, the later pulse plays"
    );
}

#[test]
fn uncaught_underflow_reaches_the_host_with_a_traceback() {
    let r = strobe_run("underflow_uncaught.py");
    assert_eq!(r.code, Some(1));
    assert!(
        r.stderr.contains("Traceback (most recent call last):"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("underflow_uncaught.py\", line 12, in main\n    pulse(5, int64(100))"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("underflow_uncaught.py\", line 5, in pulse\n    rtio_output(channel, 1)"),
        "{}",
        r.stderr
    );
    let last = r.stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("RTIOUnderflow: RTIO underflow at ")
            && last.contains(", channel 5, slack -"),
        "{last}"
    );
    assert!(r.edges.is_empty());
}

const FAULTING: &str = "def main():
    rtio_output(2, 1)
    delay_mu(100)
    rtio_output(2, 0)
    delay_mu(100)
    at_mu(now_mu())
    print(\"after the pulse\")
";

#[test]
fn program_errors_are_reported_before_any_device_work() {
    let r = strobe_run("type_error.py");
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("type_error.py:6:14: error: type mismatch in the argument of `delay_mu()`: expected int64, found float"), "{}", r.stderr);
    assert!(r.stdout.is_empty() && r.edges.is_empty());
}

#[test]
fn vcd_trace() {
    sim_build();
    let vcd = std::env::temp_dir().join(format!("strobe-{}.vcd", std::process::id()));
    let mut c = strobe();
    c.arg("run")
        .arg(repo_root().join("tests/device/pulse_train.py"))
        .arg("--vcd")
        .arg(&vcd);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let text = std::fs::read_to_string(&vcd).expect("vcd written");
    let _ = std::fs::remove_file(&vcd);
    assert!(
        text.contains("$timescale 1ns $end") && text.contains("$var wire 1 $ ttl3 $end"),
        "{text}"
    );
    // 10 pulses: 20 value changes after the initial dump, at 1 ns per machine unit.
    assert_eq!(
        text.lines().filter(|l| *l == "1$" || *l == "0$").count(),
        21
    );
}

/// `strobe run --device tcp:...` talks to an already running device.
#[test]
fn run_on_an_already_running_device() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let mut c = strobe();
    c.arg("run")
        .arg(repo_root().join("tests/device/pulse_train.py"))
        .arg("--device")
        .arg(format!("tcp:127.0.0.1:{}", sim.port));
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        1,
        "the kernel prints its start time"
    );
    assert_eq!(sim.take_trace().edges.len(), 20);
}

/// The function store outlives host processes: a new `strobe run` of an unchanged experiment sends
/// nothing, and two experiments alternating on one device each keep their units.
#[test]
fn a_new_host_process_finds_the_kernel_resident() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let load_report = |example: &str| {
        let mut c = strobe();
        c.env("STROBE_LOG_LOADS", "1")
            .arg("run")
            .arg(repo_root().join("examples").join(example))
            .arg("--device")
            .arg(format!("tcp:127.0.0.1:{}", sim.port));
        let out = run(c);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stderr = text(&out.stderr);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("strobe: kernel loaded:"))
            .unwrap_or_else(|| panic!("no load report in {stderr}"))
            .to_string();
        line
    };
    let first = load_report("blink.py");
    assert!(!first.contains(" 0 units sent"), "{first}");
    assert!(first.contains(", 0 resident"), "{first}");
    let again = load_report("blink.py");
    assert!(again.contains(" 0 units sent (0 bytes)"), "{again}");
    let other = load_report("writeback_list.py");
    assert!(!other.contains(" 0 units sent"), "{other}");
    assert_eq!(
        load_report("blink.py"),
        again,
        "blink's units stayed while the other experiment ran"
    );
}

/// When the store is full, loading a kernel evicts the least recently used units, and every kernel
/// still runs its own code (re-sent when it was evicted). The store is made small for the test by
/// telling the host's mirror so.
#[test]
fn a_full_store_evicts_least_recently_used_units() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let (mut device, mut compiler) = connect(&build, &sim);
    let info = device.info().expect("info");
    // Three kernels sharing an annotated function (its own unit) and the support unit.
    let mut program = |word: &str| {
        let source = format!(
            "def half(v: float) -> float:\n    return v / 2.0\n\n\
             def main():\n    print(\"{word}\", half(6.0), now_mu() > int64(0))\n"
        );
        compiler
            .compile(&SourceFile::new("k.py", source))
            .expect("compiles")
    };
    let kernels: Vec<_> = ["alpha", "beta", "gamma"]
        .iter()
        .map(|w| program(w))
        .collect();
    // Measure one kernel's units on a roomy mirror: its own (main's) and the shared ones.
    let mut roomy =
        strobe_cli::resident::StoreMirror::read(&mut device, info.kernel_base, info.kernel_size)
            .expect("listing");
    let first = roomy.load(&mut device, &kernels[0]).expect("load");
    let room = |n: &usize| n.next_multiple_of(16);
    let sizes = first.unit_sizes();
    let shared: usize = sizes
        .iter()
        .filter(|(name, _, _)| name == "support functions" || name.starts_with("_strobe_sig"))
        .map(|(_, n, _)| room(n))
        .sum();
    let own: usize = sizes.iter().map(|(_, n, _)| room(n)).sum::<usize>() - shared;
    // Room for the shared units and two kernels' own.
    let size = (shared + 2 * own) as u32;
    let mut store = strobe_cli::resident::StoreMirror::read(&mut device, info.kernel_base, size)
        .expect("listing");
    let mut runs = Vec::new();
    for (k, word) in [(0, "alpha"), (1, "beta"), (2, "gamma"), (0, "alpha")] {
        let loaded = store.load(&mut device, &kernels[k]).expect("load");
        let r = device.run(&loaded.run, |_| {}).expect("run");
        assert_eq!(r.output, format!("{word} 3.0 True\n"));
        runs.push(loaded.delivery);
    }
    assert_eq!(runs[0].evicted, 0);
    assert!(runs[2].evicted > 0, "gamma evicts: {:?}", runs[2]);
    assert!(
        runs[3].units_sent > 0,
        "alpha was evicted and is sent again"
    );
    assert!(
        runs[3].units_resident >= 2,
        "the shared units stayed: {:?}",
        runs[3]
    );
    assert!(store.resident().iter().all(|r| r.offset + r.len <= size));
}

/// `strobe log` prints the device's core log (a collision: four events in one 8 ns cycle) and
/// `--clear` empties it; the kernel itself went on.
#[test]
fn strobe_log_reads_and_clears_the_core_log() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let device = format!("tcp:127.0.0.1:{}", sim.port);
    let mut c = strobe();
    c.arg("run")
        .arg(repo_root().join("tests/device/collision.py"))
        .arg("--device")
        .arg(&device);
    let out = run(c);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "done\n");
    let log = |clear: bool| {
        let mut c = strobe();
        c.arg("log").arg("--device").arg(&device);
        if clear {
            c.arg("--clear");
        }
        let out = run(c);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    // Three collisions; the events went through the fast window (written without waiting for the
    // RTIO core's verdict), so their refusals are read after, together, as one line (as ARTIQ's
    // asynchronous errors between two reads of its error register).
    assert_eq!(log(true), "RTIO collision involving channel 4\n");
    assert_eq!(log(false), "");
}

/// Two different kernels in a row on one device each run their own code (the firmware makes the
/// instruction cache see a newly loaded image).
#[test]
fn consecutive_kernels_run_their_own_code() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let (mut device, mut compiler) = connect(&build, &sim);
    for word in ["first", "second", "third"] {
        let source = format!("def main():\n    print(\"{word}\", now_mu() > int64(0))\n");
        let out = compiler
            .compile(&SourceFile::new("k.py", source))
            .expect("compiles");
        let run = put(
            &mut device,
            &out.image.flat().1,
            out.image.symbols[strobe_abi::KERNEL_ENTRY],
        );
        let r = device.run(&run, |_| {}).expect("run");
        assert_eq!(r.output, format!("{word} True\n"));
    }
}

/// A kernel that hits an illegal instruction is reported with its file:line, and the device runs the
/// next kernel; corrupt frames and an upload cut off by a disconnect leave it working.
#[test]
fn faults_and_broken_links_leave_the_device_running() {
    let build = sim_build();
    let sim = SimDevice::start(&build).expect("simulator");
    let (mut device, mut compiler) = connect(&build, &sim);
    let out = compiler
        .compile(&SourceFile::new("faulting.py", FAULTING))
        .expect("compiles");
    let (base, good) = out.image.flat();
    let entry = out.image.symbols[strobe_abi::KERNEL_ENTRY];
    // Replace the code of line 7 (`print(...)`) with an illegal instruction.
    let row = out
        .image
        .lines
        .iter()
        .find(|r| r.line == 7 && !r.end)
        .expect("code for line 7");
    let mut bad = good.clone();
    let at = (row.address - base) as usize;
    bad[at..at + 4].copy_from_slice(&[0, 0, 0, 0]);
    let run = put(&mut device, &bad, entry);
    let r = device.run(&run, |_| {}).expect("run");
    let Outcome::Fault(FaultReport { cause, pc, .. }) = r.outcome else {
        panic!("expected a fault, got {:?}", r.outcome)
    };
    assert_eq!(cause, 2, "illegal instruction");
    let line = out.image.source_line(pc).expect("pc maps to a line");
    assert_eq!((line.file.as_str(), line.line), ("faulting.py", 7));
    // The device is still up and runs the next kernel.
    let run = put(&mut device, &good, entry);
    let r = device.run(&run, |_| {}).expect("run");
    assert!(
        matches!(r.outcome, Outcome::Finished { .. }),
        "{:?}",
        r.outcome
    );
    assert_eq!(r.output, "after the pulse\n");

    // A corrupt frame gets an error reply on a raw connection...
    drop(device);
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", sim.port)).expect("raw connect");
    raw.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut frame = vec![0u8; 64];
    let n = Message::Hello { host_version: 1 }
        .encode(9, &mut frame)
        .unwrap();
    frame[n - 2] ^= 0x55;
    raw.write_all(&frame[..n]).unwrap();
    let mut reply = vec![0u8; 18];
    raw.read_exact(&mut reply).expect("error reply");
    let (f, _) = strobe_protocol::frame::decode(&reply).expect("frame");
    assert_eq!(
        Message::decode(&f).unwrap(),
        Message::Error {
            code: ErrorCode::BadCrc,
            of_seq: 9
        }
    );
    // ...a unit whose bytes do not match its CRC is refused and never runs...
    let exchange = |raw: &mut std::net::TcpStream, m: Message<'_>, seq: u16| {
        let mut buf = vec![0u8; 20_000];
        let n = m.encode(seq, &mut buf).unwrap();
        raw.write_all(&buf[..n]).unwrap();
        let mut head = [0u8; 10];
        raw.read_exact(&mut head).expect("reply header");
        let len = u32::from_le_bytes(head[6..10].try_into().unwrap()) as usize;
        let mut rest = vec![0u8; len + 4];
        raw.read_exact(&mut rest).expect("reply");
        let whole = [&head[..], &rest[..]].concat();
        let (f, _) = strobe_protocol::frame::decode(&whole).expect("frame");
        format!("{:?}", Message::decode(&f).unwrap())
    };
    let begin = Message::UnitBegin {
        key: [0xcc; 16],
        offset: 0,
        len: 8,
        crc: 1234,
        base: None,
    };
    assert!(exchange(&mut raw, begin, 20).starts_with("Ack"));
    let chunk = Message::UnitChunk {
        at: 0,
        data: &[0x13; 8],
    };
    assert!(exchange(&mut raw, chunk, 21).starts_with("Ack"));
    assert!(exchange(&mut raw, Message::UnitEnd, 22).contains("IncompleteImage"));
    let run_it = Message::Run {
        entry: build.device.kernel_base,
        table: 0,
        units: &[0xcc; 16],
        fresh_timeline: false,
        journal: strobe_protocol::journal::JournalMode::Off,
    };
    assert!(exchange(&mut raw, run_it, 23).contains("NoKernel"));
    // ...and an upload cut off in the middle of a frame, then a dropped connection, is forgotten.
    let mut big = vec![0u8; 20_000];
    let n = Message::UnitBegin {
        key: [0xee; 16],
        offset: 0,
        len: 8192,
        crc: 0,
        base: None,
    }
    .encode(10, &mut big)
    .unwrap();
    raw.write_all(&big[..n]).unwrap();
    let n = Message::UnitChunk {
        at: 0,
        data: &[0x13; 4096],
    }
    .encode(11, &mut big)
    .unwrap();
    raw.write_all(&big[..n / 2]).unwrap();
    drop(raw);
    let mut device = Device::connect(Box::new(sim.connect().expect("reconnect")))
        .expect("handshake after the disconnect");
    let run = put(&mut device, &good, entry);
    let r = device.run(&run, |_| {}).expect("run");
    assert_eq!(r.output, "after the pulse\n");
    let edges: Vec<Edge> = sim
        .take_trace()
        .edges
        .into_iter()
        .filter(|e| e.channel == 2)
        .collect();
    assert_eq!(
        edges.len(),
        6,
        "three runs (the faulting one pulses before its fault), one pulse each: {edges:?}"
    );
}
