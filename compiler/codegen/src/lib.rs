//! Stage 4: kernel IR -> LLVM IR (inkwell) -> rv32im ELF relocatable objects, one per [`LinkUnit`].
//!
//! Exceptions use an explicit scheme instead of table-based unwinding: the runtime keeps one pending
//! exception slot; after every call that may raise, compiled code tests it and either branches to the
//! enclosing handler or records its call site in the traceback and returns.

// inkwell's GEP builders are `unsafe`; every use indexes a type this crate laid out itself.
#![allow(unsafe_code)]

mod arrays;
mod bytes;
mod compare;
mod emit;
mod expr;
mod lists;
mod llvm_targets;
mod numbers;
mod parts;
mod print;
mod raising;
mod rpc;
mod runtime_state;
mod slices;
mod stmt;
mod strings;
mod target;
mod timeline;
mod types;

pub use parts::{part_object_name, split_unit, UnitPart};
pub use rpc::type_tags;
pub use target::{OptLevel, Target};

use strobe_ir::{LinkUnit, Program};

#[derive(Debug, thiserror::Error)]
pub enum CodegenError {
    #[error("LLVM builder error: {0}")]
    Builder(#[from] inkwell::builder::BuilderError),
    #[error("LLVM: {0}")]
    Llvm(String),
    #[error("LLVM module verification failed for unit {unit}: {message}")]
    Verify { unit: String, message: String },
}

/// A compiled part of a link unit: an ELF relocatable object for the target.
#[derive(Clone, Debug)]
pub struct UnitObject {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Building the LLVM module and running the optimization pipeline.
    pub llvm_time: std::time::Duration,
    /// Instruction selection and object emission.
    pub emit_time: std::time::Duration,
}

/// Compiles one part of a link unit of `program` (see [`split_unit`]) to an object file.
pub fn compile_part(
    program: &Program,
    unit: &LinkUnit,
    part: &UnitPart,
    target: Target,
    opt: OptLevel,
) -> Result<UnitObject, CodegenError> {
    let start = std::time::Instant::now();
    let context = inkwell::context::Context::create();
    let machine = target.thread_machine(opt)?;
    let name = part.name.clone();
    let module = emit::emit_unit(&context, &machine, program, unit, part)?;
    module.verify().map_err(|m| CodegenError::Verify {
        unit: name.clone(),
        message: m.to_string(),
    })?;
    target.optimize(&module, &machine, opt)?;
    let llvm_time = start.elapsed();
    let start = std::time::Instant::now();
    let buffer = machine
        .write_to_memory_buffer(&module, inkwell::targets::FileType::Object)
        .map_err(|e| CodegenError::Llvm(e.to_string()))?;
    Ok(UnitObject {
        name,
        bytes: buffer.as_slice().to_vec(),
        llvm_time,
        emit_time: start.elapsed(),
    })
}

/// The textual LLVM IR of one unit before optimization (for golden tests and debugging).
pub fn unit_llvm_ir(
    program: &Program,
    unit: &LinkUnit,
    target: Target,
) -> Result<String, CodegenError> {
    let context = inkwell::context::Context::create();
    let machine = target.machine(OptLevel::None)?;
    let whole = &split_unit(program, unit, 1)[0];
    let module = emit::emit_unit(&context, &machine, program, unit, whole)?;
    Ok(module.print_to_string().to_string())
}
