//! Conformance: every program in `tests/conformance/` runs through `strobe exec` (compiled to rv32im,
//! run under qemu-riscv32) and must print exactly what CPython prints (the venv's `python3`, which has
//! numpy): the same stdout bytes, the same
//! exit code, and for uncaught exceptions the same traceback frames and final line on stderr.

mod support;

use std::path::Path;
use std::process::Command;
use support::*;

/// CPython's traceback with paths reduced to file names and 3.11's caret lines dropped.
fn normalized_traceback(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().chars().all(|c| c == '^' || c == '~'))
        .map(|l| match (l.find("File \""), l.find("\", line")) {
            (Some(a), Some(b)) => {
                let path = &l[a + 6..b];
                let name = Path::new(path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{}File \"{}{}", &l[..a], name, &l[b..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(program: &Path) -> Result<(), String> {
    let name = program
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut python = Command::new(venv_python());
    python
        .arg(program)
        .env("PYTHONPATH", repo_root().join("compiler/python/python"));
    let expected = run(python);
    let mut ours = strobe();
    ours.arg("exec").arg(program);
    let actual = run(ours);
    let mut problems = Vec::new();
    if expected.stdout != actual.stdout {
        problems.push(format!(
            "stdout differs\n--- python3\n{}--- strobe\n{}",
            text(&expected.stdout),
            text(&actual.stdout)
        ));
    }
    if expected.status.code() != actual.status.code() {
        problems.push(format!(
            "exit code: python3 {:?}, strobe {:?}",
            expected.status.code(),
            actual.status.code()
        ));
    }
    let (want, got) = (
        normalized_traceback(&text(&expected.stderr)),
        normalized_traceback(&text(&actual.stderr)),
    );
    if want != got {
        problems.push(format!(
            "stderr differs\n--- python3\n{want}\n--- strobe\n{got}"
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}: {}", problems.join("\n")))
    }
}

#[test]
fn conformance_programs_match_cpython() {
    let programs = fixtures("conformance");
    assert!(
        programs.len() >= 60,
        "the conformance suite has {} programs, expected at least 60",
        programs.len()
    );
    let failures = run_all(&programs, |p| check(p));
    assert!(
        failures.is_empty(),
        "{} of {} programs differ from CPython:\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn traceback_normalization_keeps_frames() {
    let cpython = "Traceback (most recent call last):\n  File \"/a/b/x.py\", line 3, in <module>\n    main()\n    ^^^^^^\nValueError: v\n";
    assert_eq!(
        normalized_traceback(cpython),
        "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n    main()\nValueError: v"
    );
}
