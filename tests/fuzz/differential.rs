//! A program run both ways: Strobe's image under qemu-riscv32 and the source under CPython, each
//! with a time limit (a program that outlives it is a hang); stdout and the exit code must agree.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use strobe_driver::CompileOutput;

/// Far above what any generated program needs (they do at most a few thousand loop iterations).
const TIME_LIMIT: Duration = Duration::from_secs(30);

pub struct Outcome {
    pub stdout: String,
    pub code: Option<i32>,
}

/// A scratch folder for one fuzz run, removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(worker: usize) -> Scratch {
        let dir = std::env::temp_dir().join(format!("strobe-fuzz-{}-{worker}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        // What `from strobe import int32, int64` gives CPython (plain ints, as the package's
        // own), without the package's import of numpy: a tenth of the start-up time.
        std::fs::write(
            dir.join("strobe.py"),
            "def int32(value=0):\n    return int(value)\n\n\ndef int64(value=0):\n    return int(value)\n",
        )
        .expect("scratch strobe module");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// CPython: the venv's when it is installed, else Debian's.
fn python() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/strobe-venv/bin/python");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

/// Runs `command`, killing it at the time limit; Err names the hang.
fn run(mut command: Command, what: &str) -> Result<Outcome, String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    let mut pipe = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what} did not finish in {TIME_LIMIT:?} (a hang)"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = reader.join().unwrap_or_default();
    Ok(Outcome {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        code: status.code(),
    })
}

/// Runs the compiled program and CPython on its source; Err describes how they differ.
pub fn compare(scratch: &Scratch, source: &str, compiled: &CompileOutput) -> Result<(), String> {
    let program = scratch.0.join("program.py");
    std::fs::write(&program, source).map_err(|e| e.to_string())?;
    let elf = scratch.0.join("program.elf");
    std::fs::write(&elf, compiled.image.to_elf()).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&elf, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| e.to_string())?;
    }
    let mut qemu = Command::new("qemu-riscv32");
    qemu.arg(&elf);
    let ours = run(qemu, "qemu-riscv32")?;
    let mut cpython = Command::new(python());
    cpython.arg(&program).env("PYTHONPATH", &scratch.0);
    let theirs = run(cpython, "python3")?;
    if ours.stdout == theirs.stdout && ours.code == theirs.code {
        return Ok(());
    }
    let first = ours
        .stdout
        .lines()
        .zip(theirs.stdout.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(
            ours.stdout
                .lines()
                .count()
                .min(theirs.stdout.lines().count()),
        );
    Err(format!(
        "strobe and CPython differ (first at output line {}; exit codes {:?} and {:?})\n--- strobe\n{}--- CPython\n{}",
        first + 1,
        ours.code,
        theirs.code,
        ours.stdout,
        theirs.stdout
    ))
}
