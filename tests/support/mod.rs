//! Helpers shared by the end-to-end tests: locating the `strobe` binary and fixtures, running
//! programs, and running many cases on a few threads.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The virtual environment `cargo xtask install` puts the wheel (and LiteX) into.
pub fn venv() -> PathBuf {
    repo_root().join("target/strobe-venv")
}

pub fn venv_python() -> PathBuf {
    venv().join("bin/python3")
}

/// Runs the Python unittest suite in `folder`'s `tests` (with `folder` on the path) in the venv's
/// Python, and asserts it passed.
pub fn assert_python_unit_tests_pass(folder: &Path) {
    let out = Command::new(venv_python())
        .args(["-m", "unittest", "discover", "-s", "tests"])
        .current_dir(folder)
        .env("PYTHONPATH", folder)
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

/// The `strobe` command under test: `$STROBE`, else the console script `cargo xtask install` made.
pub fn strobe_program() -> PathBuf {
    let program = std::env::var_os("STROBE")
        .map(PathBuf::from)
        .unwrap_or_else(|| venv().join("bin/strobe"));
    assert!(
        program.exists(),
        "{} does not exist: run `cargo xtask install` first (it builds the wheel and installs it)",
        program.display()
    );
    program
}

/// The simulator (built once into the user's cache, LiteX from the venv): for tests that start
/// simulators themselves, and so that parallel `strobe run`s never race to build it.
pub fn sim_build() -> strobe_device::SimBuild {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    strobe_device::SimBuild::ensure(
        &strobe_cli::sim_cache_root(),
        Some(&venv_python()),
        &mut |s| eprintln!("{s}"),
    )
    .expect("simulator build")
}

pub fn strobe() -> Command {
    let mut c = Command::new(strobe_program());
    // Tests compile from scratch into a private cache so they never depend on earlier runs.
    c.env(
        "STROBE_CACHE_DIR",
        std::env::temp_dir().join(format!("strobe-test-cache-{}", std::process::id())),
    );
    c
}

/// `*.py` files under `tests/<dir>`, sorted.
pub fn fixtures(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests").join(dir))
        .expect("fixture directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn run(mut command: Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"))
}

/// Runs `check` on every item using two worker threads; returns the failure messages.
pub fn run_all<T: Sync>(
    items: &[T],
    check: impl Fn(&T) -> Result<(), String> + Sync,
) -> Vec<String> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if let Err(message) = check(item) {
                    failures.lock().expect("lock").push(message);
                }
            });
        }
    });
    let mut f = failures.into_inner().expect("lock");
    f.sort();
    f
}

/// Compares `actual` to the snapshot at `path`; with `STROBE_BLESS=1` rewrites the snapshot.
pub fn check_snapshot(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var_os("STROBE_BLESS").is_some() {
        std::fs::write(path, actual).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).map_err(|_| {
        format!(
            "missing snapshot {} (run with STROBE_BLESS=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{}: snapshot differs\n--- expected\n{expected}--- actual\n{actual}",
            path.display()
        ))
    }
}

/// What `strobe run` did: exit code, output, and the simulator's pin-level trace.
pub struct SimRun {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub edges: Vec<strobe_device::Edge>,
}

/// Runs `strobe run FILE ARGS... --trace TMP` on the simulated device.
pub fn strobe_run_file(file: &Path, args: &[&str]) -> SimRun {
    let name = file
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let trace =
        std::env::temp_dir().join(format!("strobe-trace-{}-{name}.txt", std::process::id()));
    let mut c = strobe();
    c.arg("run").arg(file).args(args).arg("--trace").arg(&trace);
    let out = run(c);
    let edges = std::fs::read_to_string(&trace)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let v: Vec<u64> = l.split(' ').filter_map(|w| w.parse().ok()).collect();
            (v.len() == 3).then(|| strobe_device::Edge {
                timestamp: v[0],
                channel: v[1] as u32,
                value: v[2] as u32,
            })
        })
        .collect();
    let _ = std::fs::remove_file(&trace);
    SimRun {
        code: out.status.code(),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
        edges,
    }
}

/// A running process whose output lines are collected as they come.
pub struct Running {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// The output lines read so far.
    pub seen: Vec<String>,
    name: String,
}

/// How long a test waits for a process's output or end before it fails.
const PATIENCE: std::time::Duration = std::time::Duration::from_secs(120);

impl Running {
    /// Starts `command` with its stdout and stderr piped.
    pub fn start(mut command: Command) -> Running {
        use std::io::BufRead;
        let name = format!("{command:?}");
        let mut child = command
            .env("PYTHONUNBUFFERED", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
            name,
        }
    }

    /// Waits until a line containing `ready` was printed.
    pub fn wait_for(&mut self, ready: &str) {
        let deadline = std::time::Instant::now() + PATIENCE;
        while !self.seen.iter().any(|l| l.contains(ready)) {
            match self
                .lines
                .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            {
                Ok(line) => self.seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no `{ready}` from {}: {:?}", self.name, self.seen);
                }
            }
        }
    }

    /// Sends signal `name` (`INT`, `KILL`, ...) to the process, or with `group` to its process
    /// group (as a terminal's Ctrl-C does; the command must have been started as a group leader).
    pub fn signal_to(&self, name: &str, group: bool) {
        let pid = self.child.id();
        let target = if group {
            format!("-{pid}")
        } else {
            pid.to_string()
        };
        let sent = Command::new("kill")
            .args([&format!("-{name}"), "--", &target])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{name} {target}");
    }

    /// Sends signal `name` (`INT`, `KILL`, ...).
    pub fn signal(&self, name: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{name} {pid}");
    }

    /// Waits for the end: (exit code, the whole stdout, stderr).
    pub fn finish(mut self) -> (Option<i32>, String, String) {
        let deadline = std::time::Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("{} did not end: {:?}", self.name, self.seen);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        // The reader thread ends with the pipe; collect what it still had.
        while let Ok(line) = self.lines.recv_timeout(std::time::Duration::from_secs(5)) {
            self.seen.push(line);
        }
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut self.child.stderr.take().expect("piped"), &mut stderr)
            .expect("stderr");
        (status.code(), self.seen.join("\n") + "\n", stderr)
    }
}
