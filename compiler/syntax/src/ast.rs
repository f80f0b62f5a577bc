//! The kernel AST: only what the kernel language supports, every node with its span.
//!
//! Expressions carry a dense [`ExprId`] so later stages can attach facts (types) in side tables
//! without mutating or copying the tree.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExprId(pub u32);

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// The entry of a kernel program that defines `main()`.
pub const MAIN_ENTRY: &str = "main";
/// The entry of a kernel program written as a script: its top-level statements, in order.
pub const SCRIPT_ENTRY: &str = "<module>";

#[derive(Clone, Debug)]
pub struct Module {
    pub functions: Vec<FunctionDef>,
    pub classes: Vec<ClassDef>,
    pub constants: Vec<ConstantDef>,
    /// The `main()` call under `if __name__ == "__main__":`, if present.
    pub main_call: Option<Span>,
    /// Module-level imports (`import m [as a]`, `from m import n [as a]`).
    pub imports: Vec<Import>,
    /// The function the program starts at: [`MAIN_ENTRY`], or [`SCRIPT_ENTRY`] for a script.
    pub entry: String,
    /// Number of expression ids handed out.
    pub expr_count: u32,
}

/// One imported name: `import math as m` binds `m` to module `math`; `from math import sqrt` binds
/// `sqrt` to `math.sqrt`.
#[derive(Clone, Debug)]
pub struct Import {
    pub module: String,
    /// The imported member, for `from ... import`.
    pub member: Option<String>,
    /// The name bound in the program.
    pub bound: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ConstantDef {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct FunctionDef {
    pub name: Ident,
    pub params: Vec<Param>,
    /// Takes `*args`: positional arguments past its parameters are passed on too (host functions).
    pub variadic: bool,
    /// Takes `**kwargs`: keywords it has no parameter for are passed on too, with their names
    /// (host functions).
    pub variadic_keywords: bool,
    pub returns: Option<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
    /// Set for a host function the kernel calls remotely (its body is empty here).
    pub rpc: Option<RpcDecl>,
}

/// A host function: calls go to the host's service `service`; async ones do not wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RpcDecl {
    pub service: u32,
    pub is_async: bool,
}

impl FunctionDef {
    /// Every parameter and the return type are annotated: the function is a link boundary.
    pub fn is_fully_annotated(&self, is_method: bool) -> bool {
        let params = if is_method {
            self.params.get(1..).unwrap_or(&[])
        } else {
            &self.params[..]
        };
        self.returns.is_some() && params.iter().all(|p| p.annotation.is_some())
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: Ident,
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
    /// After `*` or `*args`: passed by keyword only (host functions).
    pub keyword_only: bool,
}

#[derive(Clone, Debug)]
pub struct ClassDef {
    pub name: Ident,
    pub bases: Vec<Ident>,
    pub methods: Vec<FunctionDef>,
    /// `kernel_invariants`: attributes kernels may read but never write.
    pub invariants: Vec<Ident>,
    /// Class-level constants (`PERIOD = 8e-9`), read as `self.PERIOD` or `C.PERIOD`.
    pub constants: Vec<ConstantDef>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

impl Stmt {
    /// Calls `f` on each statement block directly inside this statement, in source order (bodies,
    /// `else` blocks, handlers, `finally`). A nested function's body is not one: it is another scope.
    pub fn for_each_block<'a>(&'a self, mut f: impl FnMut(&'a [Stmt])) {
        match &self.kind {
            StmtKind::If { body, orelse, .. }
            | StmtKind::While { body, orelse, .. }
            | StmtKind::For { body, orelse, .. } => {
                f(body);
                f(orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                f(body);
                handlers.iter().for_each(|h| f(&h.body));
                f(orelse);
                f(finalbody);
            }
            StmtKind::With { body, .. } => f(body),
            StmtKind::Expr(_)
            | StmtKind::Assign { .. }
            | StmtKind::AnnAssign { .. }
            | StmtKind::AugAssign { .. }
            | StmtKind::Return(_)
            | StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Raise(_)
            | StmtKind::Assert { .. }
            | StmtKind::FunctionDef(_) => {}
        }
    }
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Expr(Expr),
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    Return(Option<Expr>),
    If {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Pass,
    Raise(Option<Expr>),
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Assert {
        test: Expr,
        msg: Option<Expr>,
    },
    FunctionDef(Box<FunctionDef>),
    /// `with parallel:` or `with sequential:` (one item): a timeline block. Other context
    /// managers are lowered to their `__enter__`/`__exit__` calls (`lower_with.rs`).
    With {
        items: Vec<Expr>,
        body: Vec<Stmt>,
    },
}

#[derive(Clone, Debug)]
pub struct Handler {
    /// `None` for a bare `except:`; several classes for `except (A, B):`.
    pub classes: Option<Vec<Expr>>,
    pub name: Option<Ident>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub id: ExprId,
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    /// `b"..."`.
    Bytes(Vec<u8>),
    NoneLit,
    Name(String),
    Attribute {
        value: Box<Expr>,
        attr: Ident,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        keywords: Vec<Keyword>,
    },
    BinOp {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    UnaryOp {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    BoolOp {
        op: BoolOp,
        values: Vec<Expr>,
    },
    Compare {
        left: Box<Expr>,
        ops: Vec<CmpOp>,
        comparators: Vec<Expr>,
    },
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Subscript {
        value: Box<Expr>,
        index: Box<Expr>,
    },
    /// `value[lower:upper:step]`, each bound optional.
    Slice {
        value: Box<Expr>,
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// An f-string: literal text and `{expr}` parts, concatenated.
    FString(Vec<FStringPart>),
    /// `[elt for target in iter if cond]` (one generator).
    ListComp {
        elt: Box<Expr>,
        target: Box<Expr>,
        iter: Box<Expr>,
        conds: Vec<Expr>,
    },
}

#[derive(Clone, Debug)]
pub enum FStringPart {
    Literal(String),
    Value(Expr),
}

#[derive(Clone, Debug)]
pub struct Keyword {
    pub name: Ident,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mult,
    Div,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
    /// `@`: matrix product of numpy arrays.
    MatMult,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mult => "*",
            BinOp::Div => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::MatMult => "@",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOp {
    And,
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtE,
    Gt,
    GtE,
    Is,
    IsNot,
    In,
    NotIn,
}
