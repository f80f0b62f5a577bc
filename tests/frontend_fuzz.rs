//! Robustness: mutated programs (seeded from the conformance and diagnostics suites) go through the
//! front end, type checker and IR lowering; every one must come back as Ok or as diagnostics, never as
//! a panic. `STROBE_FUZZ_CASES` sets the number of cases (CI runs the default; the full run used
//! 20,000), `STROBE_FUZZ_SEED` the seed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use strobe_driver::Compiler;
use strobe_syntax::SourceFile;

/// splitmix64: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const FRAGMENTS: &[&str] = &[
    "x",
    "main",
    "self",
    "0",
    "1",
    "-1",
    "2.5",
    "1e300",
    "int64(2)",
    "int32(7)",
    "[]",
    "[1, 2]",
    "()",
    "(1,)",
    "None",
    "True",
    "\"s\"",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "<<",
    "==",
    "<",
    "!=",
    " and ",
    " or ",
    "not ",
    "lambda: 0",
    "yield",
    "return",
    "raise",
    "raise ValueError(\"v\")",
    "try:",
    "except:",
    "finally:",
    ":",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "range(3)",
    "len(x)",
    "print(x)",
    "f\"{x}\"",
    "[i for i in range(2)]",
    "x.append(1)",
    "x.pop()",
    "x[0]",
    "x[-1]",
    "x.y",
    "global x",
    "def f(a, b=1):",
    "class C:",
    "class E(Exception):",
    "    pass",
    "for i in x:",
    "while x:",
    "if x:",
    "else:",
    "elif x:",
    "break",
    "continue",
    "with x:",
    "import strobe",
    "from strobe import int64",
    "str(x)",
    "float(x)",
    "int(x)",
    "abs(x)",
    "min(x, 1)",
    "max(x)",
    "{}",
    "x: int64 = 0",
    "x += 1",
    "a, b = b, a",
    "\n",
    "\n    ",
    "#",
    "\\",
    "'",
    "\"\"\"",
    "@kernel",
    "assert x, \"m\"",
    "C()",
    "E()",
    "x is None",
];

fn mutate(rng: &mut Rng, text: &str, seeds: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match rng.below(8) {
        0 if !lines.is_empty() => {
            lines.remove(rng.below(n));
        }
        1 if !lines.is_empty() => {
            let l = lines[rng.below(n)].clone();
            lines.insert(rng.below(n), l);
        }
        2 if lines.len() > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            lines.swap(a, b);
        }
        3 => {
            let mut cut = rng.below(text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
        4 if !lines.is_empty() => {
            // Replace one word of a line with a fragment.
            let i = rng.below(n);
            let words: Vec<&str> = lines[i].split(' ').collect();
            let w = rng.below(words.len());
            let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())];
            let replaced: Vec<&str> = words
                .iter()
                .enumerate()
                .map(|(k, x)| if k == w { fragment } else { *x })
                .collect();
            lines[i] = replaced.join(" ");
        }
        5 => {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return format!(
                "{}{}{}",
                &text[..at],
                FRAGMENTS[rng.below(FRAGMENTS.len())],
                &text[at..]
            );
        }
        6 if !lines.is_empty() => {
            let i = rng.below(n);
            if rng.below(2) == 0 {
                lines[i] = format!("    {}", lines[i]);
            } else {
                lines[i] = lines[i].trim_start().to_string();
            }
        }
        _ => {
            let other = &seeds[rng.below(seeds.len())];
            let other_lines: Vec<&str> = other.lines().collect();
            if !other_lines.is_empty() {
                let l = other_lines[rng.below(other_lines.len())].to_string();
                lines.insert(rng.below(n + 1).min(lines.len()), l);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests");
    let mut out = Vec::new();
    for dir in ["conformance", "diagnostics", "kernel-only"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "py"))
        {
            out.push(std::fs::read_to_string(f).expect("fixture text"));
        }
    }
    out
}

#[test]
fn mutated_programs_never_panic() {
    let cases: usize = std::env::var("STROBE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let seed: u64 = std::env::var("STROBE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let seeds = seeds();
    let mut rng = Rng(seed);
    let (mut accepted, mut rejected, mut compiled) = (0, 0, 0);
    let back_end_every: usize = std::env::var("STROBE_FUZZ_BACKEND_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    // Panics are the failure we look for: keep their messages out of the test output.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failure = None;
    for case in 0..cases {
        let mut text = seeds[rng.below(seeds.len())].clone();
        for _ in 0..1 + rng.below(3) {
            text = mutate(&mut rng, &text, &seeds);
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
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failure = Some(format!(
                    "case {case} (seed {seed}) panicked: {message}\n--- program\n{text}"
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
