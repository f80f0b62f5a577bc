//! What code generation tells LLVM about exceptions (`strobe_codegen`'s `raising.rs`): kernel
//! functions return whether they raised, the runtime's raising calls are cold, exception tests are
//! weighted as rare, and the traceback push is known to touch only the runtime's own state
//! (`strobe_abi::RUNTIME_STATE_ONLY`). Without these the common path of a kernel is interleaved
//! with its raise paths.

mod llvm_ir_text;

use llvm_ir_text::attributes_of;
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
