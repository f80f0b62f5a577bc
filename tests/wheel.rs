//! The wheel as a user gets it: `cargo xtask install` built it (`target/wheels/`); here it goes into a
//! fresh venv made by whatever `python3` is on PATH, and from there `strobe run` runs an experiment on
//! the simulator, `python -m strobe` does too, pytest runs a kernel in-process, and a PATH whose first
//! `python3` is a broken pyenv-style shim changes nothing.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use support::*;

fn wheel() -> PathBuf {
    let dir = repo_root().join("target/wheels");
    let mut wheels: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("no {}: run `cargo xtask install`", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "whl"))
        .collect();
    wheels.sort();
    wheels.pop().expect("a wheel in target/wheels")
}

fn check(mut command: Command) -> String {
    command.env_remove("STROBE").env_remove("PYTHONPATH");
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A fresh venv with the wheel (no `sim` extra: the simulator is already in the user's cache) and
/// pytest and numpy.
fn fresh_venv(dir: &Path) -> PathBuf {
    let venv = dir.join("venv");
    let mut make = Command::new("python3");
    make.args(["-m", "venv"]).arg(&venv);
    check(make);
    let mut install = Command::new(venv.join("bin/python"));
    install
        .args(["-m", "pip", "install", "-q", "--disable-pip-version-check"])
        .arg(wheel())
        .args(["pytest==8.3.5", "numpy==2.2.6"]);
    check(install);
    venv
}

/// A folder whose `python3` and `python` are pyenv shims pointing nowhere.
fn broken_shims(dir: &Path) -> PathBuf {
    let shims = dir.join("shims");
    std::fs::create_dir_all(&shims).expect("shims");
    for name in ["python3", "python"] {
        let path = shims.join(name);
        std::fs::write(
            &path,
            "#!/bin/sh\necho \"pyenv: $0: command not found\" >&2\nexit 127\n",
        )
        .expect("shim");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    shims
}

#[test]
fn the_wheel_runs_experiments_from_a_fresh_venv() {
    sim_build();
    let dir = std::env::temp_dir().join(format!("strobe-wheel-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let venv = fresh_venv(&dir);
    let cache = dir.join("units");

    // The console script, from an unrelated folder: nothing refers back to the checkout.
    let mut run = Command::new(venv.join("bin/strobe"));
    run.args(["run"])
        .arg(repo_root().join("examples/blink.py"))
        .args(["-p", "count=3"])
        .env("STROBE_CACHE_DIR", &cache)
        .current_dir(&dir);
    assert_eq!(check(run), "blinked 3 times\n");

    // python -m strobe, standalone programs too: the kernel prints what the venv's CPython prints.
    let program = repo_root().join("tests/conformance/arith_int.py");
    let mut module = Command::new(venv.join("bin/python"));
    module
        .args(["-m", "strobe", "exec"])
        .arg(&program)
        .env("STROBE_CACHE_DIR", &cache)
        .current_dir(&dir);
    let mut cpython = Command::new(venv.join("bin/python"));
    cpython.arg(&program).current_dir(&dir);
    assert_eq!(check(module), check(cpython));

    // pytest, kernels in-process.
    let mut pytest = Command::new(venv.join("bin/python"));
    pytest
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(repo_root().join("tests/wheel/test_in_process.py"))
        .env("STROBE_CACHE_DIR", &cache)
        .current_dir(&dir);
    let report = check(pytest);
    assert!(report.contains("4 passed"), "{report}");

    // A pyenv-style PATH whose python3 is broken: numpy still comes from the venv.
    let path = format!(
        "{}:{}",
        broken_shims(&dir).display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut shimmed = Command::new(venv.join("bin/strobe"));
    shimmed
        .args(["run"])
        .arg(repo_root().join("tests/wheel/uses_numpy.py"))
        .env("PATH", path)
        .env("STROBE_CACHE_DIR", &cache)
        .current_dir(&dir);
    assert_eq!(check(shimmed), "sum 10\n");
    let _ = std::fs::remove_dir_all(&dir);
}
