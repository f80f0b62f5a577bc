//! Compile-time benchmark (run it with `cargo xtask bench compile`): prints per-phase milliseconds,
//! the median of several runs, for cold compiles (no cache) and for recompiling unchanged source.

use std::fmt::Write as _;
use std::time::Duration;
use strobe_driver::{Compiler, PhaseTimings, Platform};
use strobe_syntax::SourceFile;

const RUNS: usize = 7;

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    xs[xs.len() / 2].as_secs_f64() * 1e3
}

fn report(label: &str, runs: &[PhaseTimings], units: (usize, usize)) {
    let col = |f: fn(&PhaseTimings) -> Duration| median(runs.iter().map(f).collect());
    println!(
        "{label:<44} {:>7.2} {:>7.2} {:>7.2} {:>8.2} {:>7.2} {:>7.2} {:>8.2}   units {}/{}",
        col(|t| t.parse),
        col(|t| t.infer),
        col(|t| t.ir),
        col(|t| t.llvm),
        col(|t| t.emit),
        col(|t| t.link),
        col(|t| t.total()),
        units.0,
        units.1,
    );
}

/// Kernels are compiled for a core device like the simulated one (the firmware's kernel ABI at
/// stand-in addresses: linking does not depend on their values).
fn device() -> Platform {
    let exports = strobe_abi::firmware_symbols()
        .enumerate()
        .map(|(i, n)| (n.to_string(), 0x100 + 4 * i as u32))
        .collect();
    Platform::for_device(125_000_000, 0x4000_0000, &exports, Some(0x9000_0000))
}

fn bench(label: &str, file: &SourceFile) {
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    let mut units = (0, 0);
    for _ in 0..RUNS {
        let mut compiler = Compiler::for_platform(None, device());
        let first = compiler
            .compile(file)
            .unwrap_or_else(|e| panic!("{label}: {}", e.render()));
        cold.push(first.timings);
        units.0 = first.units_compiled;
        let second = compiler.compile(file).expect("recompile");
        assert_eq!(
            second.units_compiled, 0,
            "an unchanged program must not reach LLVM"
        );
        units.1 = second.units_cached;
        warm.push(second.timings);
    }
    report(&format!("{label} (cold)"), &cold, (units.0, units.0));
    report(&format!("{label} (unchanged)"), &warm, (0, units.1));
}

/// A module of `n` functions doing int/float/list arithmetic, `annotated_every`-th fully annotated.
pub fn generated_module(n: usize, annotated_every: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if annotated_every > 0 && i % annotated_every == 0 {
            let _ = writeln!(s, "def f{i}(n: int, scale: float) -> float:");
        } else {
            let _ = writeln!(s, "def f{i}(n, scale):");
        }
        let _ = writeln!(
            s,
            "    values = []\n    acc = 0\n    total = 0.0\n    for k in range(n):\n        v = (k * {m} + {i}) % 97\n        \
             if v % 3 == 0:\n            acc += v // 3\n        elif v % 3 == 1:\n            acc -= v % 7\n        else:\n            \
             acc += v * 2\n        values.append(v * scale)\n    for x in values:\n        total += x / (1.0 + scale)\n    \
             if len(values) > 0:\n        total = total + values[len(values) - 1]\n    best = 0.0\n    for x in values:\n        \
             if x > best:\n            best = x\n    count = 0\n    while count < 3:\n        count += 1\n        total = total * 0.5 + best\n    \
             return total + acc",
            m = i % 13 + 1
        );
        s.push('\n');
    }
    let _ = writeln!(s, "def main():\n    grand = 0.0");
    for i in 0..n {
        let _ = writeln!(s, "    grand += f{i}({}, {}.5)", i % 5 + 2, i % 3);
    }
    let _ = writeln!(s, "    print(grand)");
    s
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "compile".into());
    if which != "compile" {
        eprintln!("usage: strobe-bench compile");
        std::process::exit(2);
    }
    println!("kernels for the core device (rv32im, O2-class pipeline)");
    println!("median of {RUNS} runs, milliseconds; LLVM+opt and emit are CPU time summed over units compiled on 2 threads,");
    println!("total is wall time; units = compiled/total link units");
    println!(
        "{:<44} {:>7} {:>7} {:>7} {:>8} {:>7} {:>7} {:>8}",
        "program", "parse", "infer", "IR", "LLVM+opt", "emit", "link", "total"
    );
    // Standalone kernel programs (experiments compile through the Python runtime: `cargo xtask bench rpc`).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/device");
    for name in ["blink_program.py", "pulse_schedule.py"] {
        let text = std::fs::read_to_string(root.join(name)).expect("tests/device program");
        bench(
            &format!("tests/device/{name}"),
            &SourceFile::new(name, text),
        );
    }
    let helper = generated_module(20, 0);
    bench(
        &format!("20-kernel helper module ({} lines)", helper.lines().count()),
        &SourceFile::new("helpers.py", helper),
    );
    let helper_annotated = generated_module(20, 1);
    bench(
        "20-kernel module, all link boundaries",
        &SourceFile::new("helpers_annotated.py", helper_annotated),
    );
    // Large inputs: time and memory linear in their size.
    let list: Vec<String> = (0..16_000).map(|i| i.to_string()).collect();
    let sum = vec!["x"; 5_000].join(" + ");
    for (label, text) in [
        (
            "16,000-element list literal",
            format!(
                "def main():\n    xs = [{}]\n    print(len(xs))\n",
                list.join(", ")
            ),
        ),
        (
            "5,000-term sum",
            format!("def main():\n    x = 1\n    print({sum})\n"),
        ),
        (
            "5,000 nested unary minus",
            format!(
                "def main():\n    x = 1\n    print({}x)\n",
                "-".repeat(5_000)
            ),
        ),
    ] {
        bench(label, &SourceFile::new("large.py", text));
    }
    let big = generated_module(200, 4);
    bench(
        &format!("200 functions ({} lines)", big.lines().count()),
        &SourceFile::new("big.py", big),
    );
}
