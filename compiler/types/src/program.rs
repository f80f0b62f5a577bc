//! The output of type inference: monomorphic instances with fully resolved types.

use crate::consts::ConstValue;
use crate::ty::{ClassId, DefId, InstanceId, Ty};
use std::collections::HashMap;
use strobe_syntax::ast::{self, ExprId};
use strobe_syntax::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefKind {
    Module,
    Method(ClassId),
    Nested { parent: DefId },
}

/// Every `def` in the module: top-level, methods and nested.
#[derive(Clone, Copy, Debug)]
pub struct DefInfo<'m> {
    pub def: &'m ast::FunctionDef,
    pub kind: DefKind,
    /// `C.method`, `outer.inner`, `f`.
    pub qualified_index: usize,
}

#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub name: String,
    pub span: Span,
    pub base: Option<ClassId>,
    /// For exception classes: the runtime type id (builtin ids from `strobe_abi::ExceptionId`).
    pub exception_id: Option<u32>,
    pub fields: Vec<(String, Ty, Span)>,
    pub methods: HashMap<String, DefId>,
    /// `kernel_invariants`: fields only `__init__` may set.
    pub invariants: Vec<String>,
    /// Class-level constants: read-only, folded where they are read.
    pub constants: Vec<(String, ConstValue)>,
}

impl ClassInfo {
    pub fn is_exception(&self) -> bool {
        self.exception_id.is_some()
    }

    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|(n, _, _)| n == name)
    }
}

#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: String,
    pub ty: Ty,
    /// Set for a variable of an enclosing function that this nested function uses.
    pub captured_from: Option<LocalId>,
}

/// What a name, attribute or call expression refers to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    Local(LocalId),
    Constant(ConstValue),
    /// A call (or construction) that runs this instance.
    Call(InstanceId),
    Field(ClassId, usize),
    /// `r.start`, `r.stop`, `r.step` of a range: 0, 1, 2.
    RangeField(u32),
    /// `array.shape`.
    ArrayShape,
    Class(ClassId),
    Builtin(crate::Builtin),
    ListMethod(crate::ListMethod),
    /// A reference to a function that is only called (the call carries the instance).
    Function,
}

#[derive(Clone, Debug)]
pub struct ExprFacts {
    pub ty: Ty,
    pub resolution: Option<Resolution>,
}

#[derive(Clone, Debug)]
pub struct Instance {
    pub def: DefId,
    /// For nested functions: the instance of the enclosing function.
    pub parent: Option<InstanceId>,
    /// Argument types, including `self` for methods.
    pub args: Vec<Ty>,
    pub ret: Ty,
    /// Parameters first, in order, then other locals, then captures.
    pub locals: Vec<LocalInfo>,
    pub exprs: HashMap<ExprId, ExprFacts>,
    /// Fully annotated: a link boundary with a stable signature.
    pub boundary: bool,
    /// Local bound by each `except ... as name` handler, keyed by the handler's span start.
    pub handler_locals: HashMap<u32, LocalId>,
    /// How each call to a user function maps arguments to parameters, keyed by the call expression.
    pub call_args: HashMap<ExprId, Vec<crate::ArgSource>>,
}

impl Instance {
    pub fn local_named(&self, name: &str) -> Option<LocalId> {
        self.locals
            .iter()
            .position(|l| l.name == name && l.captured_from.is_none())
            .map(|i| LocalId(i as u32))
            .or_else(|| {
                self.locals
                    .iter()
                    .position(|l| l.name == name)
                    .map(|i| LocalId(i as u32))
            })
    }

    pub fn facts(&self, e: &ast::Expr) -> &ExprFacts {
        &self.exprs[&e.id]
    }
}

pub struct TypedProgram<'m> {
    pub module: &'m ast::Module,
    pub defs: Vec<DefInfo<'m>>,
    pub qualified_names: Vec<String>,
    pub classes: Vec<ClassInfo>,
    pub instances: Vec<Instance>,
    pub entry: InstanceId,
}

impl TypedProgram<'_> {
    pub fn class_name(&self, c: ClassId) -> String {
        self.classes[c.0 as usize].name.clone()
    }

    pub fn def_name(&self, d: DefId) -> &str {
        &self.qualified_names[self.defs[d.0 as usize].qualified_index]
    }

    pub fn instance(&self, i: InstanceId) -> &Instance {
        &self.instances[i.0 as usize]
    }

    /// Is `class` the same as or a subclass of `base`?
    pub fn is_subclass(&self, class: ClassId, base: ClassId) -> bool {
        let mut c = Some(class);
        while let Some(id) = c {
            if id == base {
                return true;
            }
            c = self.classes[id.0 as usize].base;
        }
        false
    }
}
