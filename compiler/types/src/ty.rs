//! Kernel types and the union-find table of type variables.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TVar(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstanceId(pub u32);

/// A kernel type. `Var` only exists during inference; every type in a [`crate::TypedProgram`] is ground.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Var(TVar),
    Int32,
    Int64,
    Float,
    Bool,
    Str,
    /// `bytes` and `bytearray`: sequences of int32 values 0..=255, immutable and mutable.
    Bytes,
    ByteArray,
    None,
    Tuple(Vec<Ty>),
    List(Box<Ty>),
    /// A numpy array of numbers, bools or strings with this many dimensions (at least 1).
    Array(Box<Ty>, u8),
    /// `range(...)` over int32 or int64.
    Range(Box<Ty>),
    /// `enumerate(list)`: only iterated, yielding `(int32, element)`.
    Enumerate(Box<Ty>),
    /// An instance of a user class or an exception class.
    Object(ClassId),
    /// Callable-only values: never stored in variables, fields or lists.
    Callable(Callable),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Callable {
    /// A module-level or nested function (a template until called).
    Function(DefId),
    /// A nested function, as defined in this instance of its enclosing function.
    Nested(DefId, InstanceId),
    /// A class: calling it constructs an instance (or an exception).
    Class(ClassId),
    /// `obj.method` before the call.
    Method(ClassId, DefId),
    Builtin(crate::Builtin),
    /// `lst.append` and friends.
    ListMethod(Box<Ty>, crate::ListMethod),
    /// A module of functions passed as an argument (`f(numpy)`, as ARTIQ's tests do): the callee
    /// calls its functions as the module's.
    Module(crate::FunctionModule),
}

impl Ty {
    pub fn is_int(&self) -> bool {
        matches!(self, Ty::Int32 | Ty::Int64)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Ty::Int32 | Ty::Int64 | Ty::Float | Ty::Bool)
    }

    /// True when the type holds no unresolved variables (after [`TypeTable::resolve`]).
    pub fn is_ground(&self) -> bool {
        match self {
            Ty::Var(_) => false,
            Ty::Tuple(ts) => ts.iter().all(Ty::is_ground),
            Ty::List(t) | Ty::Array(t, _) | Ty::Range(t) | Ty::Enumerate(t) => t.is_ground(),
            Ty::Callable(Callable::ListMethod(t, _)) => t.is_ground(),
            _ => true,
        }
    }

    pub fn display<'a>(&'a self, names: &'a dyn Fn(ClassId) -> String) -> TyDisplay<'a> {
        TyDisplay { ty: self, names }
    }
}

pub struct TyDisplay<'a> {
    ty: &'a Ty,
    names: &'a dyn Fn(ClassId) -> String,
}

impl fmt::Display for TyDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = self.names;
        let sub = |t| TyDisplay { ty: t, names };
        match self.ty {
            Ty::Var(_) => write!(f, "<unknown>"),
            Ty::Int32 => write!(f, "int32"),
            Ty::Int64 => write!(f, "int64"),
            Ty::Float => write!(f, "float"),
            Ty::Bool => write!(f, "bool"),
            Ty::Str => write!(f, "str"),
            Ty::Bytes => write!(f, "bytes"),
            Ty::ByteArray => write!(f, "bytearray"),
            Ty::None => write!(f, "None"),
            Ty::Tuple(ts) => {
                write!(f, "tuple[")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", sub(t))?;
                }
                write!(f, "]")
            }
            Ty::List(t) => write!(f, "list[{}]", sub(t)),
            Ty::Array(t, n) => write!(f, "array[{}, {n}]", sub(t)),
            Ty::Range(_) => write!(f, "range"),
            Ty::Enumerate(_) => write!(f, "enumerate"),
            Ty::Object(c) => write!(f, "{}", (self.names)(*c)),
            Ty::Callable(Callable::Class(c)) => write!(f, "type[{}]", (self.names)(*c)),
            Ty::Callable(_) => write!(f, "function"),
        }
    }
}

#[derive(Clone, Debug)]
enum VarState {
    /// Unbound; `int_literal` variables default to int32 and may only become int32 or int64.
    Unbound {
        int_literal: bool,
    },
    Bound(Ty),
}

/// Union-find over type variables, with the span where each variable first got a concrete type
/// (so a later conflict can point at both places). Unions by rank keep chains of variables short
/// (a list literal of n items unifies n variables: without ranks, one chain n long).
#[derive(Default)]
pub struct TypeTable {
    vars: Vec<VarState>,
    origins: Vec<Option<strobe_syntax::Span>>,
    ranks: Vec<u8>,
}

pub enum UnifyError {
    Mismatch {
        expected: Ty,
        found: Ty,
        expected_origin: Option<strobe_syntax::Span>,
    },
}

impl TypeTable {
    pub fn fresh(&mut self) -> Ty {
        self.vars.push(VarState::Unbound { int_literal: false });
        self.origins.push(None);
        self.ranks.push(0);
        Ty::Var(TVar(self.vars.len() as u32 - 1))
    }

    pub fn fresh_int_literal(&mut self) -> Ty {
        self.vars.push(VarState::Unbound { int_literal: true });
        self.origins.push(None);
        self.ranks.push(0);
        Ty::Var(TVar(self.vars.len() as u32 - 1))
    }

    /// Follows bindings at the top level only.
    pub fn shallow(&self, ty: &Ty) -> Ty {
        let mut t = ty.clone();
        while let Ty::Var(v) = t {
            match &self.vars[v.0 as usize] {
                VarState::Bound(b) => t = b.clone(),
                VarState::Unbound { .. } => return Ty::Var(v),
            }
        }
        t
    }

    /// Substitutes every bound variable, deeply.
    pub fn resolve(&self, ty: &Ty) -> Ty {
        match self.shallow(ty) {
            Ty::Tuple(ts) => Ty::Tuple(ts.iter().map(|t| self.resolve(t)).collect()),
            Ty::List(t) => Ty::List(Box::new(self.resolve(&t))),
            Ty::Array(t, n) => Ty::Array(Box::new(self.resolve(&t)), n),
            Ty::Range(t) => Ty::Range(Box::new(self.resolve(&t))),
            Ty::Enumerate(t) => Ty::Enumerate(Box::new(self.resolve(&t))),
            Ty::Callable(Callable::ListMethod(t, m)) => {
                Ty::Callable(Callable::ListMethod(Box::new(self.resolve(&t)), m))
            }
            t => t,
        }
    }

    pub fn is_int_literal_var(&self, ty: &Ty) -> bool {
        matches!(self.shallow(ty), Ty::Var(v) if matches!(self.vars[v.0 as usize], VarState::Unbound { int_literal: true }))
    }

    /// Binds every still-unbound integer-literal variable to int32. Returns whether any was bound.
    pub fn default_int_literals(&mut self) -> bool {
        self.default_int_literals_except(&[])
    }

    /// As [`Self::default_int_literals`], but leaves the variables `held` unbound.
    pub fn default_int_literals_except(&mut self, held: &[TVar]) -> bool {
        let mut changed = false;
        for (i, state) in self.vars.iter_mut().enumerate() {
            if matches!(state, VarState::Unbound { int_literal: true })
                && !held.iter().any(|h| h.0 as usize == i)
            {
                *state = VarState::Bound(Ty::Int32);
                changed = true;
            }
        }
        changed
    }

    fn origin_of(&self, ty: &Ty) -> Option<strobe_syntax::Span> {
        let mut t = ty.clone();
        let mut origin = None;
        while let Ty::Var(v) = t {
            origin = origin.or(self.origins[v.0 as usize]);
            match &self.vars[v.0 as usize] {
                VarState::Bound(b) => t = b.clone(),
                VarState::Unbound { .. } => break,
            }
        }
        origin
    }

    /// Binds the unbound integer-literal variables in `ty`, itself or inside it (a list's items, a
    /// tuple's parts), to int32. Returns whether any was bound.
    pub fn default_int_literals_in(&mut self, ty: &Ty) -> bool {
        match self.shallow(ty) {
            Ty::Var(v)
                if matches!(
                    self.vars[v.0 as usize],
                    VarState::Unbound { int_literal: true }
                ) =>
            {
                self.vars[v.0 as usize] = VarState::Bound(Ty::Int32);
                true
            }
            Ty::Tuple(ts) => ts.iter().fold(false, |changed, t| {
                self.default_int_literals_in(t) | changed
            }),
            Ty::List(t) | Ty::Array(t, _) | Ty::Range(t) | Ty::Enumerate(t) => {
                self.default_int_literals_in(&t)
            }
            _ => false,
        }
    }

    fn occurs(&self, v: TVar, ty: &Ty) -> bool {
        match self.shallow(ty) {
            Ty::Var(w) => v == w,
            Ty::Tuple(ts) => ts.iter().any(|t| self.occurs(v, t)),
            Ty::List(t) | Ty::Array(t, _) | Ty::Range(t) | Ty::Enumerate(t) => self.occurs(v, &t),
            _ => false,
        }
    }

    fn bind(&mut self, v: TVar, ty: Ty, at: strobe_syntax::Span) {
        self.vars[v.0 as usize] = VarState::Bound(ty);
        if self.origins[v.0 as usize].is_none() {
            self.origins[v.0 as usize] = Some(at);
        }
    }

    /// Makes `expected` and `found` equal; `at` is the span of the expression that has type `found`.
    pub fn unify(
        &mut self,
        expected: &Ty,
        found: &Ty,
        at: strobe_syntax::Span,
    ) -> Result<(), UnifyError> {
        let a = self.shallow(expected);
        let b = self.shallow(found);
        let mismatch = |table: &Self| UnifyError::Mismatch {
            expected: table.resolve(&a),
            found: table.resolve(&b),
            expected_origin: table.origin_of(expected),
        };
        match (&a, &b) {
            (Ty::Var(x), Ty::Var(y)) if x == y => Ok(()),
            (Ty::Var(x), Ty::Var(y)) => {
                let x_lit = self.is_int_literal_var(&a);
                let y_lit = self.is_int_literal_var(&b);
                // Keep the literal flag on the surviving variable; else the deeper tree survives.
                let keep_x = if x_lit != y_lit {
                    x_lit
                } else {
                    self.ranks[x.0 as usize] > self.ranks[y.0 as usize]
                };
                let (kept, gone, kept_ty) = if keep_x { (x, y, &a) } else { (y, x, &b) };
                self.bind(*gone, kept_ty.clone(), at);
                let below = self.ranks[gone.0 as usize].saturating_add(1);
                let rank = &mut self.ranks[kept.0 as usize];
                *rank = (*rank).max(below);
                Ok(())
            }
            (Ty::Var(x), other) | (other, Ty::Var(x)) => {
                let var = Ty::Var(*x);
                if self.is_int_literal_var(&var) && !other.is_int() {
                    return Err(mismatch(self));
                }
                if self.occurs(*x, other) {
                    return Err(mismatch(self));
                }
                self.bind(*x, other.clone(), at);
                Ok(())
            }
            (Ty::Tuple(xs), Ty::Tuple(ys)) if xs.len() == ys.len() => {
                for (x, y) in xs.iter().zip(ys.iter()) {
                    self.unify(x, y, at).map_err(|_| mismatch(self))?;
                }
                Ok(())
            }
            (Ty::Array(x, m), Ty::Array(y, n)) if m == n => {
                self.unify(x, y, at).map_err(|_| mismatch(self))
            }
            (Ty::List(x), Ty::List(y))
            | (Ty::Range(x), Ty::Range(y))
            | (Ty::Enumerate(x), Ty::Enumerate(y)) => {
                self.unify(x, y, at).map_err(|_| mismatch(self))
            }
            (x, y) if x == y => Ok(()),
            _ => Err(mismatch(self)),
        }
    }
}
