//! Robustness and correctness of the whole compiler on programs nobody wrote:
//! - mutated programs (the conformance, diagnostics and kernel-only suites, cut and spliced) go
//!   through the front end, the type checker and IR lowering, and those accepted through LLVM and
//!   the linker: each must come back compiled or as diagnostics, never as a panic or an internal error;
//! - generated programs (well-typed, inside the part of the language where Strobe and CPython agree)
//!   must compile and link, and a sample runs under qemu-riscv32 and under CPython: the same output
//!   and exit code, within a time limit.
//!
//! CI runs the defaults; `cargo xtask fuzz` the long run. Settings: `STROBE_FUZZ_CASES` (mutated
//! programs), `STROBE_FUZZ_GENERATED`, `STROBE_FUZZ_EXECUTE_EVERY` (every n-th generated program
//! runs both ways), `STROBE_FUZZ_SEED`, `STROBE_FUZZ_BACKEND_EVERY` (every n-th accepted mutated
//! program through the back end), `STROBE_FUZZ_CASE` (one generated case alone),
//! `STROBE_FUZZ_KEEP` (a folder to keep every generated program in).

#[path = "fuzz/differential.rs"]
mod differential;
#[path = "fuzz/expressions.rs"]
mod expressions;
#[path = "fuzz/generate.rs"]
mod generate;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/rng.rs"]
mod rng;
#[path = "fuzz/values.rs"]
mod values;

use rng::Rng;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use strobe_driver::Compiler;
use strobe_syntax::SourceFile;

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn mutated_programs_never_panic() {
    let cases = setting("STROBE_FUZZ_CASES", 2_000);
    let seed = setting("STROBE_FUZZ_SEED", 0x5eed);
    let seeds = mutate::seeds();
    let mut rng = Rng(seed);
    let (mut accepted, mut rejected, mut compiled) = (0, 0, 0);
    let back_end_every = setting("STROBE_FUZZ_BACKEND_EVERY", 4);
    // Panics are the failure we look for: keep their messages out of the test output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failure = None;
    for case in 0..cases {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate::mutate(&mut rng, &text, &seeds);
        }
        let file = SourceFile::new("fuzz.py", text.clone());
        match catch_unwind(AssertUnwindSafe(|| Compiler::check(&file))) {
            Ok(Ok(())) => {
                accepted += 1;
                // Programs the front end accepts must also get through code generation and linking.
                if accepted % back_end_every == 0 {
                    let mut compiler = Compiler::new(None);
                    match catch_unwind(AssertUnwindSafe(|| compiler.compile(&file))) {
                        Ok(Ok(_)) => compiled += 1,
                        Ok(Err(e)) => {
                            failure = Some(format!("case {case}: accepted by the front end but failed later: {e}\n--- program\n{text}"));
                            break;
                        }
                        Err(_) => {
                            failure = Some(format!(
                                "case {case}: back end panicked\n--- program\n{text}"
                            ));
                            break;
                        }
                    }
                }
            }
            Ok(Err(diagnostics)) => {
                assert!(
                    !diagnostics.is_empty(),
                    "case {case}: rejected without a diagnostic"
                );
                // The type checker owns the language's rules: IR lowering never finds a user error.
                if let Some(d) = diagnostics
                    .iter()
                    .find(|d| d.message.starts_with("internal compiler error"))
                {
                    failure = Some(format!("case {case}: {}\n--- program\n{text}", d.message));
                    break;
                }
                rejected += 1;
            }
            Err(panic) => {
                failure = Some(format!(
                    "case {case} (seed {seed}) panicked: {}\n--- program\n{text}",
                    panic_message(&panic)
                ));
                break;
            }
        }
    }
    std::panic::set_hook(hook);
    if let Some(f) = failure {
        panic!("{f}");
    }
    eprintln!("{cases} mutated programs: {accepted} accepted ({compiled} also compiled and linked), {rejected} rejected with diagnostics, 0 panics");
}

/// One generated program: compiled and linked, and when `execute`, run both ways. Err says what
/// went wrong.
fn generated_case(
    scratch: &differential::Scratch,
    text: &str,
    execute: bool,
) -> Result<(), String> {
    let file = SourceFile::new("program.py", text.to_string());
    let mut compiler = Compiler::new(None);
    match catch_unwind(AssertUnwindSafe(|| compiler.compile(&file))) {
        Err(panic) => Err(format!("the compiler panicked: {}", panic_message(&panic))),
        Ok(Err(e)) => Err(format!("refused: {}", e.render())),
        Ok(Ok(out)) if execute => differential::compare(scratch, text, &out),
        Ok(Ok(_)) => Ok(()),
    }
}

#[test]
fn generated_programs_match_cpython() {
    let cases = setting("STROBE_FUZZ_GENERATED", 200);
    let execute_every = setting("STROBE_FUZZ_EXECUTE_EVERY", 4).max(1);
    let seed = setting("STROBE_FUZZ_SEED", 0x5eed_u64);
    // `STROBE_FUZZ_CASE=n` repeats case n alone (each case's program follows from the seed and n).
    let only: Option<usize> = std::env::var("STROBE_FUZZ_CASE")
        .ok()
        .and_then(|v| v.parse().ok());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let (lines, executed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let failure: Mutex<Option<(usize, String)>> = Mutex::new(None);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    std::thread::scope(|threads| {
        for worker in 0..workers {
            let (next, lines, executed, failure) = (&next, &lines, &executed, &failure);
            threads.spawn(move || {
                let scratch = differential::Scratch::new(worker);
                loop {
                    let case = match only {
                        Some(n) if next.fetch_add(1, Ordering::Relaxed) == 0 => n,
                        Some(_) => break,
                        None => next.fetch_add(1, Ordering::Relaxed),
                    };
                    if case >= cases.max(only.map_or(0, |n| n + 1))
                        || failure.lock().unwrap().is_some()
                    {
                        break;
                    }
                    let mut rng = Rng(seed ^ (case as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let text = generate::program(&mut rng);
                    if let Ok(dir) = std::env::var("STROBE_FUZZ_KEEP") {
                        let _ = std::fs::write(Path::new(&dir).join(format!("case{case}.py")), &text);
                    }
                    lines.fetch_add(text.lines().count(), Ordering::Relaxed);
                    let execute = case % execute_every == 0 || only.is_some();
                    executed.fetch_add(execute as usize, Ordering::Relaxed);
                    if let Err(problem) = generated_case(&scratch, &text, execute) {
                        // Kept for a closer look (`strobe exec` it, or run it under python3).
                        let kept = std::env::temp_dir().join("strobe-fuzz-failure.py");
                        let _ = std::fs::write(&kept, &text);
                        let report = format!("generated case {case} (STROBE_FUZZ_SEED={seed} STROBE_FUZZ_CASE={case} repeats it): {problem}\n--- program (also in {})\n{text}", kept.display());
                        failure.lock().unwrap().get_or_insert((case, report));
                    }
                }
            });
        }
    });
    std::panic::set_hook(hook);
    if let Some((_, report)) = failure.into_inner().unwrap() {
        panic!("{report}");
    }
    eprintln!(
        "{} generated programs ({} lines) compiled and linked; {} run under qemu and CPython with the same output",
        only.map_or(cases, |_| 1),
        lines.into_inner(),
        executed.into_inner()
    );
}
