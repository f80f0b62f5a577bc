//! Kernel-only programs: behaviour CPython cannot show (arena exhaustion, `with sequential` blocks),
//! checked against the expected output written next to each program (`NAME.stdout`).

mod support;

use support::*;

#[test]
fn kernel_only_programs() {
    let programs = fixtures("kernel-only");
    let failures = run_all(&programs, |program| {
        let mut c = strobe();
        c.arg("exec").arg(program);
        let out = run(c);
        if !out.status.success() {
            return Err(format!(
                "{}: exit {:?}\n{}",
                program.display(),
                out.status.code(),
                text(&out.stderr)
            ));
        }
        check_snapshot(&program.with_extension("stdout"), &text(&out.stdout))
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Ctrl-C on a program looping under qemu: what it printed, also what was still buffered, comes
/// out; it ends as interrupted (130), with `KeyboardInterrupt` as CPython says.
#[test]
fn ctrl_c_under_qemu_keeps_the_output() {
    use std::os::unix::process::CommandExt;
    let mut c = strobe();
    c.arg("exec")
        .arg(repo_root().join("tests/interrupted/print_then_spin.py"))
        .process_group(0);
    let mut running = Running::start(c);
    running.wait_for("line 10 of the output");
    // The rest of the printing takes qemu milliseconds: by then the program loops.
    std::thread::sleep(std::time::Duration::from_secs(2));
    running.signal_to("INT", true);
    let (code, stdout, stderr) = running.finish();
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stdout.ends_with("line 299 of the output before the loop\nthe last line before the loop\n"),
        "{stdout}"
    );
    assert!(stderr.contains("KeyboardInterrupt"), "{stderr}");
}
