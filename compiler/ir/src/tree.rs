//! The IR tree: structured control flow over typed expressions.

use crate::hash::{IdentityHash, SignatureHash};
use crate::units::LinkUnit;
pub use strobe_types::{LibmFn, MathFn};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(pub u32);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassIndex(pub u32);

/// A ground kernel type as the back end sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Int32,
    Int64,
    Float,
    Bool,
    Str,
    /// `bytes` / `bytearray`: a list header over `Byte` items (int32 values when read).
    Bytes,
    ByteArray,
    /// The item of a `bytes`/`bytearray` buffer (one unsigned byte); never a value's type.
    Byte,
    None,
    Tuple(Vec<Type>),
    List(Box<Type>),
    /// A numpy array: a header (`strobe_abi::ArrayHeader`: a list header over all elements in
    /// row-major order, then the shape) of this many dimensions.
    Array(Box<Type>, u8),
    Range(Box<Type>),
    /// A user object (pointer to its fields).
    Object(ClassIndex),
    /// Any exception (pointer to `strobe_abi::Exception`).
    Exception,
}

/// Where `line` of the program `file` (with source map `map`) came from (see [`Program::origin`]).
pub fn origin_of<'a>(
    map: &'a strobe_syntax::SourceMap,
    file: &'a str,
    line: Line,
) -> (&'a str, u32) {
    match map.origin(line.0) {
        Some(origin) => origin,
        None if map.runs().is_empty() => (file, line.0),
        None => (file, 0),
    }
}

/// A source line inside the current function, for tracebacks: a line of the composed program. In
/// hashes it stands for the line it came from (`crate::hash`), so a function copied to another place
/// of another program hashes (and compiles) the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line(pub u32);

/// Where the RTIO core's fast event window is (`strobe_abi::rtio::fast`), for kernels that write
/// events inline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RtioRegisters {
    pub fast_window: u32,
}

#[derive(Clone, Debug)]
pub struct Program {
    pub file_name: String,
    /// Source lines (1-based line n is `source_lines[n - 1]`), for traceback text.
    pub source_lines: Vec<String>,
    pub functions: Vec<Function>,
    pub classes: Vec<ClassLayout>,
    pub entry: FuncId,
    /// Line of the module-level `main()` call, shown as the `<module>` frame.
    pub main_call_line: Option<Line>,
    pub units: Vec<LinkUnit>,
    /// Set when kernels may write RTIO events inline (else they call the firmware).
    pub rtio_registers: Option<RtioRegisters>,
    /// The program runs on the core device, with a timeline: its entry takes the cursor from the
    /// firmware and gives it back (`strobe_abi::NOW`).
    pub timeline: bool,
    /// Where the source's lines came from (composed experiments, appended device drivers).
    pub map: strobe_syntax::SourceMap,
    /// Every exception class the program knows (builtins and its own) with its runtime type id.
    pub exceptions: Vec<(String, u32)>,
    /// The quoted host values the program reads: slot and kernel type, by slot.
    pub quoted: Vec<(u32, Type)>,
}

impl Type {
    /// Whether values of this type can travel to and from the host (`strobe_protocol::rpc`).
    /// The item type of a list's, or a `bytes`/`bytearray`'s, buffer.
    pub fn items(&self) -> Option<&Type> {
        match self {
            Type::List(item) => Some(item),
            Type::Bytes | Type::ByteArray => Some(&Type::Byte),
            _ => None,
        }
    }

    pub fn is_sendable(&self) -> bool {
        match self {
            Type::Int32
            | Type::Int64
            | Type::Float
            | Type::Bool
            | Type::Str
            | Type::Bytes
            | Type::ByteArray
            | Type::None => true,
            Type::Tuple(items) => items.iter().all(Type::is_sendable),
            Type::List(elem) | Type::Array(elem, _) | Type::Range(elem) => elem.is_sendable(),
            // Host objects go to the host by their id (the type checker allows only those).
            Type::Object(_) => true,
            Type::Exception | Type::Byte => false,
        }
    }
}

impl Program {
    pub fn function(&self, f: FuncId) -> &Function {
        &self.functions[f.0 as usize]
    }

    /// The file and line a source line is reported as. In a composed program the lines no file
    /// gave (the embedding's own) are line 0 of the program: where they sit says nothing, and so
    /// their code is the same wherever they sit.
    pub fn origin(&self, line: Line) -> (&str, u32) {
        origin_of(&self.map, &self.file_name, line)
    }

    pub fn line_text(&self, line: Line) -> &str {
        line.0
            .checked_sub(1)
            .and_then(|i| self.source_lines.get(i as usize))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

#[derive(Clone, Debug, Hash)]
pub struct ClassLayout {
    pub name: String,
    pub fields: Vec<(String, Type)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LocalKind {
    /// An ordinary variable.
    Value,
    /// A variable of an enclosing function, passed by reference (non-escaping closure).
    Captured,
}

#[derive(Clone, Debug, Hash)]
pub struct Local {
    pub name: String,
    pub ty: Type,
    pub kind: LocalKind,
}

#[derive(Clone, Debug)]
pub struct Function {
    /// Python name, shown in tracebacks.
    pub name: String,
    /// Stable qualified name plus argument types (`C.m(int32, float)`).
    pub qualified: String,
    /// The linker symbol.
    pub symbol: String,
    pub locals: Vec<Local>,
    /// Parameters (locals), then captured-variable references.
    pub params: Vec<LocalId>,
    pub ret: Type,
    pub body: Vec<Stmt>,
    /// Fully annotated: its own link unit, called by [`SignatureHash`].
    pub boundary: bool,
    /// It may call itself (directly or through others): its code checks the stack on entry.
    pub recursive: bool,
    pub identity: IdentityHash,
    pub signature: SignatureHash,
    pub line: Line,
}

impl Function {
    pub fn local(&self, l: LocalId) -> &Local {
        &self.locals[l.0 as usize]
    }
}

#[derive(Clone, Debug, Hash)]
pub enum Place {
    Local(LocalId),
    Field {
        object: Expr,
        class: ClassIndex,
        index: u32,
    },
    Index {
        list: Expr,
        index: Expr,
        line: Line,
    },
    /// `lst[start:stop:step] = value` (a new length with step 1; else the same length or ValueError).
    Slice {
        list: Expr,
        bounds: SliceBounds,
        line: Line,
    },
    /// `array[i, j, ...] = value` with every dimension indexed.
    ArrayIndex {
        array: Expr,
        indices: Vec<Expr>,
        line: Line,
    },
    /// `a, b = value` from a tuple, or from a list of exactly that length (else ValueError at `line`).
    Unpack {
        places: Vec<Place>,
        line: Line,
    },
}

#[derive(Clone, Debug, Hash)]
pub struct Handler {
    /// Runtime exception ids caught; each id in the list matches exactly (subclasses are expanded).
    pub catches: Vec<u32>,
    /// Empty `catches` with `catch_all` for a bare `except:` or `except Exception:`.
    pub catch_all: bool,
    pub bind: Option<LocalId>,
    pub body: Vec<Stmt>,
}

/// Where a `print`-like statement's text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrintTo {
    /// `print(...)`: standard output.
    Stdout,
    /// `core_log(...)`: a line of the core device's log.
    CoreLog,
    /// `rtio_log(...)`: the RTIO log channel, at the timeline cursor.
    RtioLog,
}

#[derive(Clone, Debug, Hash)]
pub enum Stmt {
    /// The code that follows comes from this source line (for debug line info).
    Line(Line),
    Expr(Expr),
    Assign(Place, Expr),
    If {
        cond: Expr,
        then: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for var in range(...)`: the range is evaluated once.
    ForRange {
        var: LocalId,
        range: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    /// `for var in list`: iterates by index over the list's current length (like CPython); `index`, when
    /// set, receives the position (`enumerate`).
    ForList {
        var: LocalId,
        index: Option<LocalId>,
        list: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    /// `raise exc` or, with `None`, a bare re-raise of the exception being handled.
    Raise {
        exc: Option<Expr>,
        line: Line,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    Print {
        args: Vec<Expr>,
        sep: Option<Expr>,
        end: Option<Expr>,
        to: PrintTo,
    },
    /// `assert cond, msg`.
    Assert {
        cond: Expr,
        msg: Option<Expr>,
        line: Line,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    /// True division; operands already converted to float. `from_int` picks CPython's message.
    Div {
        from_int: bool,
    },
    FloorDiv,
    Mod,
    Pow,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
}

/// The bounds of a slice, each int32; an absent one takes Python's default for the step's sign.
#[derive(Clone, Debug, Hash)]
pub struct SliceBounds {
    pub start: Option<Box<Expr>>,
    pub stop: Option<Box<Expr>>,
    pub step: Option<Box<Expr>>,
}

impl SliceBounds {
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Expr> {
        [&mut self.start, &mut self.stop, &mut self.step]
            .into_iter()
            .flatten()
            .map(|b| &mut **b)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpKind {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `is` on lists and objects: the same one.
    Same,
    /// `is not` on lists and objects.
    NotSame,
}

/// Timeline and RTIO operations (core device only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Intrinsic {
    /// `now_mu()`: the timeline cursor.
    NowMu,
    /// `at_mu(t)`.
    AtMu,
    /// `delay_mu(dt)`.
    DelayMu,
    /// `rtio_output(channel, value)` at `now_mu()`; raises RTIOUnderflow when too late.
    RtioOutput,
    /// `rtio_gate(channel, sensitivity)`: the edges an input records, from `now_mu()` on.
    RtioGate,
    /// `rtio_input_timestamp(channel, deadline)`: the next recorded edge, or -1 after the deadline.
    RtioInputTimestamp,
    /// `rtio_input_data(channel, deadline)`: the level of the next edge or sample, or -1.
    RtioInputData,
    /// `rtio_get_counter()`: the RTIO counter now.
    RtioGetCounter,
    /// A DMA system call: the firmware function, its exception checked.
    Dma(strobe_types::DmaCall),
}

#[derive(Clone, Debug, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
}

/// f64 constants hash by bit pattern.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FloatBits(pub f64);

impl std::hash::Hash for FloatBits {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state)
    }
}

#[derive(Clone, Debug, Hash)]
pub enum ExprKind {
    Int(i64),
    Float(FloatBits),
    Bool(bool),
    Str(String),
    /// A `bytes` or `bytearray` (the expression's type) of these items.
    BytesLit(Vec<u8>),
    /// `bytes(xs)` / `bytearray(xs)` of a list of integers, a range, or another bytes: each item
    /// must be in 0..=255 (ValueError).
    ToBytes {
        value: Box<Expr>,
        line: Line,
    },
    None,
    Local(LocalId),
    /// The address of a local, passed to a nested function that captures it.
    LocalRef(LocalId),
    Field {
        object: Box<Expr>,
        class: ClassIndex,
        index: u32,
    },
    /// `list[i]` with Python's negative indices and an IndexError when out of range.
    Index {
        list: Box<Expr>,
        index: Box<Expr>,
        line: Line,
    },
    TupleGet {
        tuple: Box<Expr>,
        index: u32,
    },
    /// `value[start:stop:step]` of a list or str: a new one.
    Slice {
        value: Box<Expr>,
        bounds: SliceBounds,
        line: Line,
    },
    Call {
        func: FuncId,
        args: Vec<Expr>,
        line: Line,
    },
    /// A call of host function `service` (the expression's type is its result; an async call's
    /// is None).
    Rpc {
        service: u32,
        is_async: bool,
        args: Vec<Expr>,
        line: Line,
    },
    /// Allocates an object and runs `__init__` (a call taking the new object first).
    New {
        class: ClassIndex,
        init: Option<(FuncId, Vec<Expr>)>,
        line: Line,
    },
    NewException {
        id: u32,
        name: String,
        message: Option<Box<Expr>>,
    },
    Arith {
        op: ArithOp,
        left: Box<Expr>,
        right: Box<Expr>,
        line: Line,
    },
    Compare {
        op: CmpKind,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// Chained or short-circuit boolean logic on values of one type: `a and b`, `a or b` (an
    /// array of more than one element tested there raises ValueError at `line`).
    ShortCircuit {
        and: bool,
        values: Vec<Expr>,
        line: Line,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Invert(Box<Expr>),
    /// Python truthiness of any value (an array of more than one element raises ValueError at
    /// `line`, as numpy's).
    Truthy {
        value: Box<Expr>,
        line: Line,
    },
    /// Numeric conversion between int32, int64, float and bool.
    Convert(Box<Expr>),
    IfExp {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    ListLit(Vec<Expr>),
    /// `list * n` (or `n * list`).
    ListRepeat {
        list: Box<Expr>,
        count: Box<Expr>,
        line: Line,
    },
    ListConcat {
        left: Box<Expr>,
        right: Box<Expr>,
        line: Line,
    },
    ListAppend {
        list: Box<Expr>,
        value: Box<Expr>,
        line: Line,
    },
    ListPop {
        list: Box<Expr>,
        line: Line,
    },
    /// `item in container` for lists and ranges.
    Contains {
        item: Box<Expr>,
        container: Box<Expr>,
    },
    TupleLit(Vec<Expr>),
    Len(Box<Expr>),
    RangeLit {
        start: Box<Expr>,
        stop: Box<Expr>,
        step: Box<Expr>,
        line: Line,
    },
    StrConcat {
        parts: Vec<Expr>,
        line: Line,
    },
    ToStr {
        value: Box<Expr>,
        line: Line,
    },
    /// `min`/`max` over two or more values, or over a list.
    MinMax {
        max: bool,
        values: Vec<Expr>,
        line: Line,
    },
    Abs(Box<Expr>),
    /// `sum(list)`.
    Sum(Box<Expr>),
    /// `math.f(x)` on a float; `floor` and `ceil` give int32. Domain errors raise ValueError.
    Math {
        fun: MathFn,
        arg: Box<Expr>,
        line: Line,
    },
    /// A numpy or `scipy.special` float function (the C library's `fun.symbol`) of floats.
    Libm {
        fun: LibmFn,
        args: Vec<Expr>,
    },
    /// `round(x)`: to the nearest integer, ties to even (as Python's `round`); NaN raises
    /// ValueError, infinity or a value beyond int32 OverflowError.
    Round {
        value: Box<Expr>,
        line: Line,
    },
    /// `int(x)`, `int64(x)` of a float: truncated toward zero to the expression's integer type;
    /// NaN raises ValueError, infinity or a value beyond the type OverflowError.
    FloatToInt {
        value: Box<Expr>,
        line: Line,
    },
    /// Statements run for their effect, then a value (list comprehensions).
    Block(Vec<Stmt>, Box<Expr>),
    /// A read of `local`, which may not be assigned yet: `flag` says whether it is (else
    /// UnboundLocalError at `line`, as CPython).
    CheckedLocal {
        local: LocalId,
        flag: LocalId,
        line: Line,
    },
    Intrinsic {
        op: Intrinsic,
        args: Vec<Expr>,
        line: Line,
    },
    /// Host value `slot` of the program's quoted-value table (`strobe_abi::QUOTED_DATA`), read at run
    /// time: the code depends on the slot and the type, never on the value.
    Quoted {
        slot: u32,
        line: Line,
    },
    /// `array(value)`: a new array of the items of nested lists or arrays `value` (ValueError when
    /// the lists are not rectangular).
    ArrayFrom {
        value: Box<Expr>,
        line: Line,
    },
    /// `array.shape`: a tuple of int32.
    ArrayShape(Box<Expr>),
    /// `array[i, j, ...]` (negative indices count from the end; IndexError outside): an element when
    /// every dimension is indexed, else a view of the rest that shares the elements.
    ArrayIndex {
        array: Box<Expr>,
        indices: Vec<Expr>,
        line: Line,
    },
    /// `array[start:stop]`: a view of those rows of the first axis.
    ArraySlice {
        array: Box<Expr>,
        start: Option<Box<Expr>>,
        stop: Option<Box<Expr>>,
    },
    /// Elementwise arithmetic: `body` evaluated once per element, with each operand's local bound to
    /// the operand (a number) or to its element (an array; all arrays of one shape, else
    /// ValueError). The results fill a new array of the expression's type or, `in_place`, the
    /// first operand's elements (in-place operators: that operand is the target array).
    ArrayMap {
        operands: Vec<(LocalId, Expr)>,
        body: Box<Expr>,
        in_place: bool,
        line: Line,
    },
    /// `left @ right` of vectors and matrices with the result's element type (ValueError when the
    /// inner dimensions differ).
    MatMul {
        left: Box<Expr>,
        right: Box<Expr>,
        line: Line,
    },
    /// Seconds (float) to machine units (`mu_per_second` of them per second), rounded to nearest
    /// (`delay(seconds)`).
    SecondsToMu {
        seconds: Box<Expr>,
        mu_per_second: u64,
    },
}
