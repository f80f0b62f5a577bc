//! Experiments end to end on the simulated core device (`strobe run experiment.py`): every example
//! with its pin-level trace checked, and `tests/experiments/*.py` (embedding of every host type, RPC
//! of every type both ways, async order, writeback, exceptions both ways, clear errors) with their
//! output compared to their `.stdout`/`.stderr` snapshots (re-bless with `STROBE_BLESS=1`).

mod support;

use std::path::Path;
use strobe_device::Edge;
use support::*;

/// Builds the simulator once before any `strobe run` of this binary (they would race to build it).
fn ensure_sim() {
    sim_build();
}

fn example(name: &str, args: &[&str]) -> SimRun {
    ensure_sim();
    let r = strobe_run_file(&repo_root().join("examples").join(name), args);
    assert_eq!(r.code, Some(0), "{name} failed:\n{}{}", r.stdout, r.stderr);
    r
}

/// The pulses on `channel`: (rise time, width) in machine units.
fn pulses(edges: &[Edge], channel: u32) -> Vec<(u64, u64)> {
    let mine: Vec<&Edge> = edges.iter().filter(|e| e.channel == channel).collect();
    mine.chunks(2)
        .map(|p| {
            assert_eq!(
                (p[0].value, p.get(1).map(|e| e.value)),
                (1, Some(0)),
                "{p:?}"
            );
            (p[0].timestamp, p[1].timestamp - p[0].timestamp)
        })
        .collect()
}

/// Time from each pulse's rise to the next one's.
fn periods(p: &[(u64, u64)]) -> Vec<u64> {
    p.windows(2).map(|w| w[1].0 - w[0].0).collect()
}

#[test]
fn blink_pulses_the_led() {
    let r = example("blink.py", &["-p", "count=3"]);
    assert_eq!(r.stdout, "blinked 3 times\n");
    let p = pulses(&r.edges, 0);
    assert_eq!(
        p.iter().map(|p| p.1).collect::<Vec<_>>(),
        [1000; 3],
        "1 us pulses"
    );
    assert_eq!(periods(&p), [2000, 2000], "2 us apart");
}

/// A lab's own driver (examples/lab_driver/shutter.py, from the device_db.py beside the experiment):
/// its kernel methods run like the built-in drivers'.
#[test]
fn a_lab_driver_is_an_ordinary_class() {
    let r = example("lab_driver/expose.py", &["-p", "exposure=4e-6"]);
    // `core.seconds_to_mu` floors, as ARTIQ's: 4 us // 1 ns is 3999 in floating point.
    assert_eq!(r.stdout, "exposed for 3999 mu\n");
    let shutter = pulses(&r.edges, 2);
    let camera = pulses(&r.edges, 0);
    assert_eq!((shutter.len(), camera.len()), (1, 1), "{:?}", r.edges);
    assert_eq!(
        camera[0].0 - shutter[0].0,
        1999,
        "the drive edge leads by the 2 us latency"
    );
    assert_eq!(shutter[0].1, 3999, "open for the 4 us exposure");
}

#[test]
fn pulse_scan_runs_one_kernel_per_width() {
    let r = example(
        "pulse_scan.py",
        &["-p", "widths=[1e-6, 2e-6]", "-p", "pulses=3"],
    );
    assert_eq!(
        r.stdout,
        // The pulses use `delay()` (rounded: 1000 mu); the printed conversion floors as ARTIQ's.
        "width 1.0 us: 3 pulses of 999 mu\nwidth 2.0 us: 3 pulses of 1999 mu\n"
    );
    let p = pulses(&r.edges, 1);
    let widths: Vec<u64> = p.iter().map(|p| p.1).collect();
    assert_eq!(widths, [1000, 1000, 1000, 2000, 2000, 2000]);
    let gaps = periods(&p);
    assert_eq!(gaps[..2], [2000, 2000]);
    assert_eq!(gaps[3..], [4000, 4000]);
    assert!(gaps[2] > 4000, "the second kernel starts after the first");
}

#[test]
fn loopback_count_counts_every_pulse() {
    let r = example("loopback_count.py", &["-p", "n=7"]);
    assert_eq!(r.stdout, "sent 7 pulses, counted 7 rising edges\n");
    let p = pulses(&r.edges, 0);
    assert_eq!(p.len(), 7);
    assert!(p.iter().all(|p| p.1 == 500), "500 ns pulses: {p:?}");
}

#[test]
fn rpc_feedback_converges_through_the_host() {
    let r = example("rpc_feedback.py", &["-p", "target=6"]);
    assert_eq!(r.stdout, "counts per round: [1, 3, 5, 7]\n");
    // Bursts of 1, 3, 5 and 7 pulses of 1 us on ttl0.
    let p = pulses(&r.edges, 0);
    assert_eq!(p.len(), 16);
    assert!(p.iter().all(|p| p.1 == 1000));
}

#[test]
fn writeback_list_fills_the_host_list() {
    let r = example("writeback_list.py", &[]);
    // Output edges at 200, 400, 700, 1100 mu, seen through the loopback 40 ns later and stamped
    // 88 ns after that (the input pipeline's latency, as ARTIQ's).
    assert_eq!(
        r.stdout,
        "edges at [328, 528, 828, 1228] mu after the gate opened\nspacings [200, 300, 400]\n"
    );
    let p = pulses(&r.edges, 1);
    assert_eq!(
        periods(&p),
        [200, 300, 400],
        "the trace agrees with the list"
    );
    assert!(p.iter().all(|p| p.1 == 100));
}

#[test]
fn exception_handling_recovers_and_reports() {
    let r = example("exception_handling.py", &[]);
    assert_eq!(
        r.stdout,
        "underflow caught; recovering\n\
         kernel caught: attempt 0: laser unlocked\n\
         kernel caught: attempt 1: laser unlocked\n\
         laser locked at attempt 2\n\
         host caught: LaserUnlocked attempt 0: laser unlocked\n  \
         line 58 in run: self.measure()\n  \
         line 54 in measure: self.check_laser(0)  # not caught in the kernel\n  \
         line 26 in check_laser: raise LaserUnlocked(f\"attempt {attempt}: laser unlocked\")\n\
         attempts written back: 3\n"
    );
    // The late pulse never played; the recovery pulse (2 us) and the final one (3 us) did.
    let widths: Vec<u64> = pulses(&r.edges, 2).iter().map(|p| p.1).collect();
    assert_eq!(widths, [2000, 3000]);
}

/// Output with the repository's path written as `$REPO` (snapshots do not depend on the checkout).
fn portable(text: &str) -> String {
    text.replace(&repo_root().display().to_string(), "$REPO")
}

#[test]
fn experiments_match_their_snapshots() {
    ensure_sim();
    let files = fixtures("experiments");
    assert!(files.len() >= 8);
    let failures = run_all(&files, |file| {
        let r = strobe_run_file(file, &[]);
        let stem = file.with_extension("");
        let snapshot = |ext: &str| Path::new(&format!("{}.{ext}", stem.display())).to_path_buf();
        check_snapshot(&snapshot("stdout"), &portable(&r.stdout))
            .map_err(|e| format!("{e}\nits stderr:\n{}", r.stderr))?;
        let stderr = snapshot("stderr");
        if r.code != Some(0) || stderr.exists() {
            check_snapshot(&stderr, &portable(&r.stderr))?;
        }
        let expected_code = if stderr.exists() { 1 } else { 0 };
        if r.code != Some(expected_code) {
            return Err(format!(
                "{}: exit code {:?}, expected {expected_code}\n{}",
                file.display(),
                r.code,
                r.stderr
            ));
        }
        Ok(())
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn strobe_compile_writes_the_run_kernel_without_a_device() {
    ensure_sim();
    let out = std::env::temp_dir().join(format!("strobe-blink-{}.elf", std::process::id()));
    let mut c = strobe();
    c.args(["compile", "examples/blink.py", "-p", "count=3", "-o"])
        .arg(&out)
        .current_dir(repo_root());
    let r = run(c);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let elf = std::fs::read(&out).expect("the ELF file");
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[18], 243, "a RISC-V image");
    let _ = std::fs::remove_file(&out);
    // An experiment whose `run` is host code has no kernel to compile.
    let mut c = strobe();
    c.args(["compile", "examples/pulse_scan.py", "-o"])
        .arg(&out)
        .current_dir(repo_root());
    let r = run(c);
    assert_eq!(r.status.code(), Some(1));
    assert_eq!(
        text(&r.stderr),
        "error: PulseScan.run is not a @kernel: nothing to compile\n"
    );
    // The standalone-program outputs are refused for an experiment rather than left unwritten.
    let mut c = strobe();
    c.args(["compile", "examples/blink.py", "--map", "blink.map", "-o"])
        .arg(&out)
        .current_dir(repo_root());
    let r = run(c);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r.stderr).contains("--map and --emit-llvm apply to standalone kernel programs"),
        "{}",
        text(&r.stderr)
    );
    assert!(!repo_root().join("blink.map").exists());
}

/// A TTLInOut's output edges are at their exact ns (its own channel, 10); ttl1, wired to its pin,
/// has no edge where an event replaced another, and keeps the level a refused colliding event
/// would have changed. The rest (what its input sees, the core log) is in `ttl_inout.stdout`.
#[test]
fn ttl_inout_edges_are_exact() {
    ensure_sim();
    let r = strobe_run_file(&repo_root().join("tests/experiments/ttl_inout.py"), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let widths = |channel| {
        pulses(&r.edges, channel)
            .iter()
            .map(|p| p.1)
            .collect::<Vec<_>>()
    };
    assert_eq!(widths(10), [50, 10_000]);
    assert_eq!(widths(1), [50, 50, 1001]);
}

#[test]
fn python_dash_m_strobe_runs_an_experiment() {
    ensure_sim();
    let mut c = std::process::Command::new(venv_python());
    c.args(["-m", "strobe", "run", "examples/blink.py", "-p", "count=2"])
        .current_dir(repo_root());
    let r = run(c);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert_eq!(text(&r.stdout), "blinked 2 times\n");
}

/// ARTIQ's watch sequence (the `watch` kernel of `artiq_rtio_ttl.py`) keeps its 3 us between a
/// watch and the next output wherever its code lands: statements written before it shift the
/// kernel's calls through the CPU's 4 KiB direct-mapped instruction cache in steps of about 100
/// bytes. (Before the bus burst, the rare paths out of line and code placed clear of the
/// firmware's hot calls, CI's checkout path alone made this output 696 mu late.)
#[test]
fn artiq_watch_holds_its_3us_at_every_code_placement() {
    let late = failures_at_code_placements(
        "artiq_rtio_ttl.py",
        "watch",
        "        self.watch()\n        print(\"watched\")\n",
        "watched\n",
    );
    assert!(late.is_empty(), "{}", late.join("\n"));
}

/// Runs `experiment` (in tests/experiments) with `run_body` as its `run` and its `kernel` method
/// moved by statements written before its body: wherever its code lands, in steps of about 100
/// bytes through the CPU's 4 KiB direct-mapped instruction cache, the run must print `expected`.
/// The placements where it did not, with what it printed.
fn failures_at_code_placements(
    experiment: &str,
    kernel: &str,
    run_body: &str,
    expected: &str,
) -> Vec<String> {
    ensure_sim();
    let path = repo_root().join("tests/experiments").join(experiment);
    let source = std::fs::read_to_string(path).expect("the experiment");
    // The pad reads and writes an attribute, so LLVM cannot fold it away.
    let template = source
        .replace("    def run(self):\n", "    def run_all(self):\n")
        .replacen(
            "self.setattr_device(\"core\")\n",
            "self.setattr_device(\"core\")\n        self.pad = 1\n",
            1,
        )
        + "\n    def run(self):\n"
        + run_body;
    let dir =
        std::env::temp_dir().join(format!("strobe-placement-{}-{kernel}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let failures = (0..400)
        .step_by(9)
        .filter_map(|statements| {
            let pad: String = (0..statements)
                .map(|i| format!("        x = (x * {}) ^ (x >> {})\n", i + 3, i % 7 + 1))
                .collect();
            let placed = template.replace(
                &format!("    def {kernel}(self):\n"),
                &format!(
                    "    def {kernel}(self):\n        x = self.pad\n{pad}        self.pad = x\n"
                ),
            );
            let file = dir.join(format!("{kernel}_{statements}.py"));
            std::fs::write(&file, placed).expect("write the placed experiment");
            let r = strobe_run_file(&file, &[]);
            let passed = r.code == Some(0) && r.stdout == expected;
            (!passed).then(|| format!("pad of {statements} statements:\n{}{}", r.stdout, r.stderr))
        })
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    failures
}
