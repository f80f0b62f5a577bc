//! Compile-time benchmark (run it with `cargo xtask bench compile`): prints per-phase milliseconds,
//! the median of several runs, for cold compiles (no cache), for compiling unchanged source again
//! (the same compiler) and for a new compiler finding every unit in the disk cache (a new process);
//! then whole-process figures of the installed `strobe compile`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use strobe_cache::UnitCache;
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
    if let Some(filter) = std::env::args().nth(2) {
        if !label.contains(&filter) {
            return;
        }
    }
    let disk = std::env::temp_dir().join(format!("strobe-bench-units-{}", std::process::id()));
    let (mut cold, mut unchanged, mut from_disk) = (Vec::new(), Vec::new(), Vec::new());
    let mut units = (0, 0);
    for _ in 0..RUNS {
        let _ = std::fs::remove_dir_all(&disk);
        let cache = || UnitCache::open(&disk).expect("a unit cache");
        let mut compiler = Compiler::for_platform(Some(cache()), device());
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
        unchanged.push(second.timings);
        // A new compiler (a new process) whose units are all in the disk cache.
        let third = Compiler::for_platform(Some(cache()), device())
            .compile(file)
            .expect("compile from the disk cache");
        assert_eq!(third.units_compiled, 0, "every unit is on disk");
        from_disk.push(third.timings);
    }
    let _ = std::fs::remove_dir_all(&disk);
    report(&format!("{label} (cold)"), &cold, (units.0, units.0));
    report(&format!("{label} (unchanged)"), &unchanged, (0, units.1));
    report(
        &format!("{label} (units on disk)"),
        &from_disk,
        (0, units.1),
    );
}

/// A module of `n` functions doing int/float/list arithmetic, `annotated_every`-th fully annotated.
pub fn generated_module(n: usize, annotated_every: usize) -> String {
    let header = |i: usize| match annotated_every > 0 && i.is_multiple_of(annotated_every) {
        true => format!("def f{i}(n: int, scale: float) -> float:"),
        false => format!("def f{i}(n, scale):"),
    };
    helpers_then_caller(n, "", header, "def main():", "f")
}

/// The same `n` helpers as kernel methods of an ARTIQ-style experiment whose `run` kernel calls
/// each one (for `strobe compile`, as a lab would run it).
pub fn generated_experiment(n: usize) -> String {
    let header = |i: usize| format!("    @kernel\n    def f{i}(self, n, scale):");
    "from strobe import *\n\n\nclass Helpers(EnvExperiment):\n    def build(self):\n        \
     self.setattr_device(\"core\")\n\n"
        .to_string()
        + &helpers_then_caller(
            n,
            "    ",
            header,
            "    @kernel\n    def run(self):",
            "self.f",
        )
}

/// `n` helpers (`header(i)`, then the body) and `caller`, which prints the sum of their results;
/// all at `indent`.
fn helpers_then_caller(
    n: usize,
    indent: &str,
    header: impl Fn(usize) -> String,
    caller: &str,
    callee: &str,
) -> String {
    let mut s = String::new();
    for i in 0..n {
        let _ = writeln!(s, "{}", header(i));
        s.push_str(&helper_body(i, &format!("{indent}    ")));
        s.push('\n');
    }
    let _ = writeln!(s, "{caller}\n{indent}    grand = 0.0");
    for i in 0..n {
        let _ = writeln!(
            s,
            "{indent}    grand += {callee}{i}({}, {}.5)",
            i % 5 + 2,
            i % 3
        );
    }
    let _ = writeln!(s, "{indent}    print(grand)");
    s
}

/// Helper `i`'s body, each line indented by `indent`.
fn helper_body(i: usize, indent: &str) -> String {
    let body = format!(
        "values = []\nacc = 0\ntotal = 0.0\nfor k in range(n):\n    v = (k * {m} + {i}) % 97\n    \
         if v % 3 == 0:\n        acc += v // 3\n    elif v % 3 == 1:\n        acc -= v % 7\n    else:\n        \
         acc += v * 2\n    values.append(v * scale)\nfor x in values:\n    total += x / (1.0 + scale)\n\
         if len(values) > 0:\n    total = total + values[len(values) - 1]\nbest = 0.0\nfor x in values:\n    \
         if x > best:\n        best = x\ncount = 0\nwhile count < 3:\n    count += 1\n    total = total * 0.5 + best\n\
         return total + acc\n",
        m = i % 13 + 1
    );
    body.lines().map(|l| format!("{indent}{l}\n")).collect()
}

/// The command's wall time, median of [`RUNS`] after one unmeasured run; `None` (with its error)
/// when the first run fails.
fn time_command(mut command: impl FnMut() -> Command) -> Result<f64, String> {
    let first = command().output().map_err(|e| e.to_string())?;
    if !first.status.success() {
        let stderr = String::from_utf8_lossy(&first.stderr);
        return Err(stderr.lines().last().unwrap_or("failed").to_string());
    }
    let runs = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let status = command().output().expect("rerun").status;
            assert!(status.success(), "a run that succeeded once failed");
            start.elapsed()
        })
        .collect();
    Ok(median(runs))
}

/// Whole-process figures: `strobe compile` as a shell runs it, interpreter start included, with no
/// disk cache and with a warm one (every unit compiled by an earlier run).
fn bench_processes(cli: &Path) {
    let python = cli.with_file_name("python3");
    let scratch = std::env::temp_dir().join(format!("strobe-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    let cache = scratch.join("cache");
    let output = scratch.join("out.elf");
    let generated = scratch.join("helpers20.py");
    std::fs::write(&generated, generated_experiment(20)).expect("write the experiment");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    programs.sort();
    programs.push(generated);
    println!("\nwhole process: `strobe compile EXPERIMENT -o out.elf`, wall ms, median of {RUNS}");
    for (label, args) in [
        ("python3 -c pass", vec!["-c", "pass"]),
        ("python3 -c 'import strobe'", vec!["-c", "import strobe"]),
    ] {
        let t = time_command(|| {
            let mut c = Command::new(&python);
            c.args(&args).env_remove("PYTHONDONTWRITEBYTECODE");
            c
        });
        println!("{label:<44} {:>8.1}", t.unwrap_or(f64::NAN));
    }
    println!("{:<44} {:>8} {:>8}", "experiment", "cold", "warm");
    for program in &programs {
        let name = program.file_name().unwrap().to_string_lossy().into_owned();
        let label = match program.starts_with(&scratch) {
            true => format!("20 helper kernels ({name}, generated)"),
            false => format!("examples/{name}"),
        };
        let compile = |cached: bool| {
            let mut c = Command::new(cli);
            if !cached {
                c.arg("--no-cache");
            }
            c.arg("compile").arg(program).arg("-o").arg(&output);
            c.env("STROBE_CACHE_DIR", &cache);
            // As on a lab machine: Python keeps the bytecode of what it imports.
            c.env_remove("PYTHONDONTWRITEBYTECODE");
            c
        };
        match (
            time_command(|| compile(false)),
            time_command(|| compile(true)),
        ) {
            (Ok(cold), Ok(warm)) => println!("{label:<44} {cold:>8.1} {warm:>8.1}"),
            (Err(e), _) | (_, Err(e)) => println!("{label:<44} not compiled: {e}"),
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "compile".into());
    if which == "experiment" {
        // The generated 20-kernel experiment, to profile `strobe compile` on it.
        print!("{}", generated_experiment(20));
        return;
    }
    if which != "compile" {
        eprintln!(
            "usage: strobe-bench compile [only programs whose label contains this] | strobe-bench experiment"
        );
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
    // `cargo xtask bench compile` names the installed command.
    if let Some(cli) = std::env::var_os("STROBE_BENCH_CLI") {
        bench_processes(Path::new(&cli));
    }
}
