//! Programs of extreme size or nesting compile, or are refused with a diagnostic: never a crash
//! (the stages recurse on a deep stack, and the syntax stage bounds the nesting it accepts), and
//! in time and memory linear in their size (figures: `cargo xtask bench compile`).

use strobe_driver::Compiler;
use strobe_syntax::{SourceFile, MAX_NESTING};

fn compiles(text: String) {
    let file = SourceFile::new("large.py", text);
    if let Err(e) = Compiler::new(None).compile(&file) {
        panic!("{}", e.render());
    }
}

#[test]
fn deep_nesting_compiles() {
    compiles(format!(
        "def main():\n    x = 1\n    print({}x)\n",
        "-".repeat(5_000)
    ));
    compiles(format!(
        "def f(x):\n    return x\n\ndef main():\n    print({}1{})\n",
        "f(".repeat(3_000),
        ")".repeat(3_000)
    ));
    compiles(format!(
        "def main():\n    x = 1\n    print({})\n",
        vec!["x"; 5_000].join(" + ")
    ));
}

#[test]
fn long_literals_compile() {
    let ints: Vec<String> = (0..16_000).map(|i| i.to_string()).collect();
    compiles(format!(
        "def main():\n    xs = [{}]\n    print(len(xs))\n",
        ints.join(", ")
    ));
    let floats: Vec<String> = (0..16_000).map(|i| format!("{i}.5")).collect();
    compiles(format!(
        "def main():\n    xs = [{}]\n    print(xs[-1])\n",
        floats.join(", ")
    ));
}

#[test]
fn nesting_beyond_the_bound_is_a_diagnostic_at_the_statement() {
    let text = format!(
        "def main():\n    x = 1\n    print({}x)\n",
        "-".repeat(MAX_NESTING + 1)
    );
    let file = SourceFile::new("deep.py", text);
    let error = Compiler::check(&file).expect_err("refused");
    assert_eq!(error.len(), 1);
    assert!(
        error[0].message.contains("operators and brackets"),
        "{}",
        error[0].message
    );
    assert_eq!(file.line_col(error[0].span.start).line, 3);
}
