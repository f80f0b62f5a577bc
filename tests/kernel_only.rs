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
