//! Module-level imports: what `import math`, `import numpy`, `from math import f` and
//! `from strobe import ...` bind.
//!
//! Any other module is left alone here: its names are simply undefined in kernels, and a use of one
//! is reported where it is used.

use crate::consts::ConstValue;
use crate::infer::Checker;
use crate::Builtin;
use strobe_syntax::ast;

/// ARTIQ's unit names (`artiq.language.units`), exported by the `strobe` Python package with the same
/// values: `delay(10*us)` and `1.5*MHz` mean the same in a kernel and on the host.
pub const UNITS: [(&str, f64); 13] = [
    ("ps", 1e-12),
    ("ns", 1e-9),
    ("us", 1e-6),
    ("ms", 1e-3),
    ("s", 1.0),
    ("mHz", 1e-3),
    ("Hz", 1.0),
    ("kHz", 1e3),
    ("MHz", 1e6),
    ("GHz", 1e9),
    ("mV", 1e-3),
    ("V", 1.0),
    ("dB", 1.0),
];

fn unit(name: &str) -> Option<f64> {
    UNITS.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

impl Checker<'_> {
    /// Binds the names the module's imports make visible to kernels.
    pub(crate) fn bind_imports(&mut self, imports: &[ast::Import]) {
        for import in imports {
            match (import.module.as_str(), import.member.as_deref()) {
                ("math", None) => self.math_modules.push(import.bound.clone()),
                ("numpy", None) => self.numpy_modules.push(import.bound.clone()),
                ("math", Some(member)) => self.bind_math_member(import, member),
                ("strobe", Some("*")) => {
                    for (name, value) in UNITS {
                        self.constants
                            .insert(name.to_string(), ConstValue::Float(value));
                    }
                }
                ("strobe", Some(member)) => {
                    if let Some(v) = unit(member) {
                        self.constants
                            .insert(import.bound.clone(), ConstValue::Float(v));
                    }
                    // Other names of the package (`int64`, `TInt32`, ...) are kernel builtins.
                }
                _ => {}
            }
        }
    }

    fn bind_math_member(&mut self, import: &ast::Import, member: &str) {
        if let Some(b) = Builtin::math(member) {
            self.math_imports.insert(import.bound.clone(), b);
        } else if let Some(v) = Builtin::math_constant(member) {
            self.constants
                .insert(import.bound.clone(), ConstValue::Float(v));
        } else {
            self.error(
                import.span,
                format!("`math.{member}` is not available in kernels"),
            );
        }
    }
}
