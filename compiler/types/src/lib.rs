//! Stage 2: kernel AST -> [`TypedProgram`]: unification-based inference with ARTIQ-style defaults,
//! monomorphized into one [`Instance`] per (function, argument types).
//!
//! Inference is demand-driven from `main()`: a call to an unannotated function is a deferred
//! constraint that instantiates the callee once its argument types are known; other constraints
//! (operators, attributes, methods, subscripts) wait until their operand types are. When nothing
//! progresses, integer literals default to int32; what still cannot be solved is an error.

mod annotations;
mod arguments;
mod arrays;
mod attributes;
mod builtins;
mod compare;
mod consts;
mod defaults;
mod expr;
pub(crate) mod imports;
mod infer;
mod program;
mod rules;
mod scope;
mod slices;
mod solve;
mod stmt;
mod ty;
mod unpack;

pub use arguments::ArgSource;
pub use arrays::MAX_ARRAY_DIMS;
pub use builtins::{Builtin, DmaCall, LibmFn, ListMethod, MathFn};
pub use consts::ConstValue;
pub use imports::FunctionModule;
pub use imports::UNITS;
pub use infer::check_program;
pub use program::{
    ClassInfo, DefInfo, DefKind, ExprFacts, Instance, LocalId, LocalInfo, Resolution, TypedProgram,
};
pub use rules::{sendable, CheckOptions, HOST_OBJECT_ID};
pub use ty::{Callable, ClassId, DefId, InstanceId, TVar, Ty};

#[cfg(test)]
mod tests;
