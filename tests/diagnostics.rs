//! Diagnostics: each program in `tests/diagnostics/` is rejected by `strobe exec` with exit code 1 and
//! `file:line:col: error: ...`, the source line and a caret on stderr, exactly as in its `.stderr`
//! snapshot (re-bless with `STROBE_BLESS=1`). Nothing may reach the device (no stdout).

mod support;

use support::*;

#[test]
fn invalid_programs_are_reported_with_locations() {
    let programs = fixtures("diagnostics");
    assert!(programs.len() >= 30);
    let failures = run_all(&programs, |program| {
        let name = program
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut c = strobe();
        c.current_dir(program.parent().expect("fixture dir"))
            .arg("exec")
            .arg(&name);
        let out = run(c);
        let stderr = text(&out.stderr);
        if out.status.code() != Some(1) {
            return Err(format!(
                "{name}: expected exit code 1, got {:?}\n{stderr}",
                out.status.code()
            ));
        }
        if !out.stdout.is_empty() {
            return Err(format!("{name}: a rejected program printed to stdout"));
        }
        let first = stderr.lines().next().unwrap_or("");
        let prefix = format!("{name}:");
        if !first.starts_with(&prefix) || !first.contains(": error: ") {
            return Err(format!(
                "{name}: first line is not `file:line:col: error: ...`: {first}"
            ));
        }
        if !stderr.contains('^') {
            return Err(format!("{name}: no caret under the source line\n{stderr}"));
        }
        check_snapshot(&program.with_extension("stderr"), &stderr)
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
