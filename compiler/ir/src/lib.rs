//! Stage 3: [`strobe_types::TypedProgram`] -> kernel IR ([`Program`]): typed, explicit (conversions,
//! call targets, exception checks), one [`Function`] per monomorphic instance.
//!
//! Also computes per-function [`IdentityHash`] and [`SignatureHash`] (docs/decisions.md, "Compilation units") and groups functions
//! into [`LinkUnit`]s: each fully annotated function (a link boundary) and the entry are unit roots;
//! a unit holds its root plus every non-boundary function it reaches without crossing a boundary.

mod hash;
mod lower;
mod tree;
mod units;

pub use hash::{IdentityHash, SignatureHash};
pub use lower::{lower_program, LowerOptions};
pub use tree::*;
pub use units::LinkUnit;
