//! Module-level imports: what `import math`, `import numpy`, `import scipy.special`,
//! `from math import f` and `from strobe import ...` bind, and the functions of those modules.
//!
//! Any other module is left alone here: its names are simply undefined in kernels, and a use of one
//! is reported where it is used.

use crate::consts::ConstValue;
use crate::infer::{Checker, Ctx};
use crate::{Builtin, LibmFn};
use strobe_syntax::ast::{self, ExprKind};

/// A module whose functions kernels call (`m.f(x)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FunctionModule {
    Math,
    Numpy,
    /// The scipy package: its `special` module.
    Scipy,
    ScipySpecial,
}

impl FunctionModule {
    pub fn name(self) -> &'static str {
        match self {
            FunctionModule::Math => "math",
            FunctionModule::Numpy => "numpy",
            FunctionModule::Scipy => "scipy",
            FunctionModule::ScipySpecial => "scipy.special",
        }
    }

    /// The builtin its member `name` is, if kernels have it.
    pub fn member(self, name: &str) -> Option<Builtin> {
        match self {
            FunctionModule::Math => Builtin::math(name),
            FunctionModule::Numpy => Builtin::numpy(name),
            FunctionModule::ScipySpecial => LibmFn::lookup(name, true).map(Builtin::Libm),
            FunctionModule::Scipy => None,
        }
    }
}

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
                ("math", None) => self.bind_module(import, FunctionModule::Math),
                ("numpy", None) => self.bind_module(import, FunctionModule::Numpy),
                // `import scipy.special` binds `scipy`; `import scipy.special as sp` the module.
                ("scipy.special", None) if import.bound == "scipy" => {
                    self.bind_module(import, FunctionModule::Scipy)
                }
                ("scipy.special", None) | ("scipy", Some("special")) => {
                    self.bind_module(import, FunctionModule::ScipySpecial)
                }
                ("scipy", None) => self.bind_module(import, FunctionModule::Scipy),
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

    fn bind_module(&mut self, import: &ast::Import, module: FunctionModule) {
        self.function_modules.insert(import.bound.clone(), module);
    }

    /// The module of functions `e` names (`math`, `np`, `scipy.special`), unless a local shadows it.
    pub(crate) fn function_module(&self, ctx: &Ctx, e: &ast::Expr) -> Option<FunctionModule> {
        let unshadowed = |n: &String| {
            !ctx.shadows.iter().any(|(s, _)| s == n)
                && !self.instances[ctx.inst.0 as usize]
                    .locals
                    .iter()
                    .any(|l| &l.name == n)
        };
        match &e.kind {
            ExprKind::Name(n) if unshadowed(n) => self.function_modules.get(n).copied(),
            // A parameter holding a module passed as an argument.
            ExprKind::Name(n) => {
                let own = &self.instances[ctx.inst.0 as usize].locals;
                let local = ctx.shadow(n).or_else(|| {
                    let i = own.iter().position(|l| &l.name == n)?;
                    Some(crate::LocalId(i as u32))
                })?;
                match self.table.shallow(&self.local_ty(ctx.inst, local)) {
                    crate::ty::Ty::Callable(crate::ty::Callable::Module(m)) => Some(m),
                    _ => None,
                }
            }
            ExprKind::Attribute { value, attr } if attr.name == "special" => {
                match self.function_module(ctx, value) {
                    Some(FunctionModule::Scipy) => Some(FunctionModule::ScipySpecial),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
