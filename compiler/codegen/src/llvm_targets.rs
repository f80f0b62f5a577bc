//! Only LLVM's RISC-V target is linked into the compiler. inkwell's `Target::initialize_all` and
//! `initialize_native` name llvm-sys's C wrappers that initialize every target (or the host's),
//! and linking those wrappers pulled every LLVM target into the binary: its size, its load time
//! and hundreds of static initializers run at every start. llvm-sys's `disable-alltargets-init`
//! leaves the wrappers out; these stand in for them and initialize nothing (the code generator
//! initializes the RISC-V target alone, `target.rs`, and calls none of them). The native ones
//! report failure, as LLVM's C interface does for a target that is not there.
#![allow(unsafe_code)] // `no_mangle`: these are the symbols inkwell links against.

#[no_mangle]
extern "C" fn LLVM_InitializeAllTargetInfos() {}
#[no_mangle]
extern "C" fn LLVM_InitializeAllTargets() {}
#[no_mangle]
extern "C" fn LLVM_InitializeAllTargetMCs() {}
#[no_mangle]
extern "C" fn LLVM_InitializeAllAsmPrinters() {}
#[no_mangle]
extern "C" fn LLVM_InitializeAllAsmParsers() {}
#[no_mangle]
extern "C" fn LLVM_InitializeAllDisassemblers() {}

/// LLVM's `LLVMBool` for failure.
const FAILED: i32 = 1;

#[no_mangle]
extern "C" fn LLVM_InitializeNativeTarget() -> i32 {
    FAILED
}
#[no_mangle]
extern "C" fn LLVM_InitializeNativeAsmParser() -> i32 {
    FAILED
}
#[no_mangle]
extern "C" fn LLVM_InitializeNativeAsmPrinter() -> i32 {
    FAILED
}
#[no_mangle]
extern "C" fn LLVM_InitializeNativeDisassembler() -> i32 {
    FAILED
}

#[cfg(test)]
mod tests {
    use inkwell::targets::{InitializationConfig, Target};

    #[test]
    fn only_the_riscv_target_is_linked() {
        let config = InitializationConfig::default();
        Target::initialize_riscv(&config);
        Target::initialize_all(&config); // the stand-ins: nothing more appears
        assert!(Target::from_name("riscv32").is_some());
        for other in ["x86-64", "aarch64", "arm", "amdgcn"] {
            assert!(Target::from_name(other).is_none(), "{other} is linked");
        }
        assert!(Target::initialize_native(&config).is_err());
    }
}
