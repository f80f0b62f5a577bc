//! What code generation tells LLVM about exceptions (`strobe_codegen`'s `raising.rs`): kernel
//! functions return whether they raised, the runtime's raising calls are cold, exception tests are
//! weighted as rare, and the traceback push is known to touch only the runtime's own state
//! (`strobe_abi::RUNTIME_STATE_ONLY`). Without these the common path of a kernel is interleaved
//! with its raise paths.

use strobe_driver::Compiler;
use strobe_syntax::SourceFile;

const PROGRAM: &str = "
def checked(x: int32) -> int32:
    if x < 0:
        raise ValueError(\"negative\")
    return x + 1

def main():
    print(checked(2))
";

fn llvm_ir() -> String {
    Compiler::new(None)
        .llvm_ir(&SourceFile::new("k.py", PROGRAM))
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

/// The declaration (or definition) line of `symbol` and the attribute group it names.
fn attributes_of(ir: &str, symbol: &str) -> String {
    let line = ir
        .lines()
        .find(|l| (l.starts_with("declare") || l.starts_with("define")) && l.contains(symbol))
        .unwrap_or_else(|| panic!("no declaration of {symbol}:\n{ir}"));
    let group = line
        .split_whitespace()
        .find(|w| w.starts_with('#'))
        .unwrap_or_else(|| panic!("{symbol} has no attributes: {line}"));
    ir.lines()
        .find(|l| l.starts_with(&format!("attributes {group} ")))
        .unwrap_or_else(|| panic!("no attribute group {group}"))
        .to_string()
}

#[test]
fn kernel_functions_return_the_raised_flag() {
    let ir = llvm_ir();
    // `checked(x) -> int32` and `main()` (None: a byte), each with the flag.
    assert!(ir.contains("define { i32, i1 } @"), "{ir}");
    assert!(ir.contains("ret { i32, i1 }"), "{ir}");
    assert!(ir.contains("{ i8, i1 } @_strobe_main"), "{ir}");
}

#[test]
fn raising_is_cold_and_exception_tests_are_weighted_rare() {
    let ir = llvm_ir();
    assert!(attributes_of(&ir, "@__strobe_raise(").contains("cold"));
    assert!(
        ir.contains("!\"branch_weights\", i32 1, i32 1048576"),
        "{ir}"
    );
}

#[test]
fn the_traceback_push_touches_only_runtime_state() {
    let ir = llvm_ir();
    let push = attributes_of(&ir, "@__strobe_traceback_push(");
    assert!(
        push.contains("memory(inaccessiblemem: readwrite)"),
        "{push}"
    );
    assert!(push.contains("nounwind") && push.contains("cold"), "{push}");
}
