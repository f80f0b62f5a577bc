//! Every target detail in one place: triple, CPU, features, ABI, code model.

use crate::CodegenError;
use inkwell::module::Module;
use inkwell::passes::PassBuilderOptions;
use inkwell::targets::{
    CodeModel, InitializationConfig, RelocMode, Target as LlvmTarget, TargetMachine, TargetTriple,
};
use inkwell::OptimizationLevel;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// VexRiscv-class core: rv32im, soft float, ilp32, no compressed instructions, no linker relaxation.
    Rv32im,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptLevel {
    None,
    /// [`PIPELINE`]: the O2-class passes that matter for kernels.
    Default,
}

/// An O2-class pipeline cut to what kernel code needs: inlining, scalar replacement, CSE, combining,
/// CFG cleanup, loop-invariant code motion, GVN, dead-store elimination and jump threading (an
/// inlined callee's raised flag is a constant on each path into its caller's test of it: threading
/// takes the test off the fast path). LLVM's full `default<O2>` takes about three times as long on
/// kernel modules (see `cargo xtask bench compile` with `STROBE_LLVM_PASSES='default<O2>'`).
pub const PIPELINE: &str =
    "cgscc(inline),function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,\
     loop-mssa(licm),gvn,dse,instcombine<no-verify-fixpoint>,jump-threading,simplifycfg,dce)";

impl Target {
    pub fn triple(self) -> &'static str {
        match self {
            Target::Rv32im => "riscv32-unknown-none-elf",
        }
    }

    pub fn cpu(self) -> &'static str {
        match self {
            Target::Rv32im => "generic-rv32",
        }
    }

    /// `-relax`: our linker does not relax, so LLVM must not emit RELAX pairs.
    pub fn features(self) -> &'static str {
        match self {
            Target::Rv32im => "+m,-a,-c,-f,-d,-relax",
        }
    }

    pub fn abi(self) -> &'static str {
        match self {
            Target::Rv32im => "ilp32",
        }
    }

    /// Name used in cache keys.
    pub fn name(self) -> &'static str {
        match self {
            Target::Rv32im => "rv32im-ilp32",
        }
    }

    pub(crate) fn machine(self, opt: OptLevel) -> Result<TargetMachine, CodegenError> {
        LlvmTarget::initialize_riscv(&InitializationConfig::default());
        let triple = TargetTriple::create(self.triple());
        let target =
            LlvmTarget::from_triple(&triple).map_err(|e| CodegenError::Llvm(e.to_string()))?;
        let level = match opt {
            OptLevel::None => OptimizationLevel::None,
            OptLevel::Default => OptimizationLevel::Default,
        };
        target
            .create_target_machine(
                &triple,
                self.cpu(),
                self.features(),
                level,
                RelocMode::Static,
                CodeModel::Medium,
            )
            .ok_or_else(|| {
                CodegenError::Llvm(format!(
                    "cannot create a target machine for {}",
                    self.triple()
                ))
            })
    }

    /// This thread's target machine for `opt`, created at its first use (a machine keeps the
    /// subtarget it builds: about 1 ms a unit saved when a thread compiles several).
    pub(crate) fn thread_machine(self, opt: OptLevel) -> Result<Rc<TargetMachine>, CodegenError> {
        type Machines = RefCell<Vec<((Target, OptLevel), Rc<TargetMachine>)>>;
        thread_local! {
            static MACHINES: Machines = const { RefCell::new(Vec::new()) };
        }
        MACHINES.with(|machines| {
            let mut machines = machines.borrow_mut();
            if let Some((_, machine)) = machines.iter().find(|(k, _)| *k == (self, opt)) {
                return Ok(machine.clone());
            }
            let machine = Rc::new(self.machine(opt)?);
            machines.push(((self, opt), machine.clone()));
            Ok(machine)
        })
    }

    pub(crate) fn optimize(
        self,
        module: &Module<'_>,
        machine: &TargetMachine,
        opt: OptLevel,
    ) -> Result<(), CodegenError> {
        let passes = match opt {
            OptLevel::None => return Ok(()),
            OptLevel::Default => PIPELINE,
        };
        // For experiments: `STROBE_LLVM_PASSES='default<O2>'` and the like.
        let passes = std::env::var("STROBE_LLVM_PASSES").unwrap_or_else(|_| passes.to_string());
        let passes = passes.as_str();
        module
            .run_passes(passes, machine, PassBuilderOptions::create())
            .map_err(|e| CodegenError::Llvm(e.to_string()))
    }
}
