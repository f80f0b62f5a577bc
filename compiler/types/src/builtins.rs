//! Builtin functions and methods of the kernel language.

use crate::Ty;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Print,
    /// ARTIQ's `core_log(...)`: as `print`, to the core device's log.
    CoreLog,
    /// ARTIQ's `rtio_log(...)`: as `print` with ARTIQ's separators, to the RTIO log channel at the
    /// timeline cursor (core device only).
    RtioLog,
    Len,
    Range,
    Int,
    Int32,
    Int64,
    Float,
    Bool,
    Str,
    Abs,
    Min,
    Max,
    Sum,
    Round,
    Enumerate,
    /// `bytes(xs)` / `bytearray(xs)`: new ones of the integers `xs` yields (none without `xs`).
    Bytes,
    ByteArray,
    /// `array(xs)` / `numpy.array(xs)`: a new one-dimensional array (a list) of the items of `xs`.
    Array,
    /// A `math` function (reached as `math.f` or through `from math import f`).
    Math(MathFn),
    /// A numpy or `scipy.special` float function (the C library's).
    Libm(LibmFn),
    // The timeline and RTIO (core device only).
    NowMu,
    AtMu,
    DelayMu,
    Delay,
    RtioOutput,
    RtioGate,
    RtioInputTimestamp,
    RtioInputData,
    RtioGetCounter,
    /// A DMA system call (`core_dma`'s, core device only).
    Dma(DmaCall),
    /// `__strobe_quoted(slot, exemplar)`: host value `slot` of a composed program, of the type of
    /// `exemplar` (a small value of the same kind, written by the embedding).
    Quoted,
}

/// The DMA system calls, one per firmware function (`strobe_abi::device_symbols!`'s `__strobe_dma_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DmaCall {
    RecordStart,
    RecordStop,
    Erase,
    Retrieve,
    Duration,
    Playback,
}

impl DmaCall {
    /// The firmware function that implements it (a string argument is passed as bytes and length).
    pub fn symbol(self) -> &'static str {
        match self {
            DmaCall::RecordStart => "__strobe_dma_record_start",
            DmaCall::RecordStop => "__strobe_dma_record_stop",
            DmaCall::Erase => "__strobe_dma_erase",
            DmaCall::Retrieve => "__strobe_dma_retrieve",
            DmaCall::Duration => "__strobe_dma_duration",
            DmaCall::Playback => "__strobe_dma_playback",
        }
    }
}

impl Builtin {
    /// Timeline and RTIO intrinsics: they need the core device.
    pub fn needs_device(self) -> bool {
        matches!(
            self,
            Builtin::NowMu
                | Builtin::AtMu
                | Builtin::DelayMu
                | Builtin::Delay
                | Builtin::RtioOutput
                | Builtin::RtioGate
                | Builtin::RtioInputTimestamp
                | Builtin::RtioInputData
                | Builtin::RtioGetCounter
                | Builtin::Dma(_)
                | Builtin::RtioLog
        )
    }

    /// The builtins that print (their arguments as `print` writes them), as statements only.
    pub fn prints(self) -> bool {
        matches!(self, Builtin::Print | Builtin::CoreLog | Builtin::RtioLog)
    }

    const NAMES: [(&'static str, Builtin); 36] = [
        ("print", Builtin::Print),
        ("core_log", Builtin::CoreLog),
        ("rtio_log", Builtin::RtioLog),
        ("len", Builtin::Len),
        ("range", Builtin::Range),
        ("int", Builtin::Int),
        ("int32", Builtin::Int32),
        ("int64", Builtin::Int64),
        ("float", Builtin::Float),
        ("bool", Builtin::Bool),
        ("str", Builtin::Str),
        ("abs", Builtin::Abs),
        ("min", Builtin::Min),
        ("max", Builtin::Max),
        ("sum", Builtin::Sum),
        ("round", Builtin::Round),
        ("enumerate", Builtin::Enumerate),
        ("array", Builtin::Array),
        ("bytes", Builtin::Bytes),
        ("bytearray", Builtin::ByteArray),
        ("now_mu", Builtin::NowMu),
        ("at_mu", Builtin::AtMu),
        ("delay_mu", Builtin::DelayMu),
        ("delay", Builtin::Delay),
        ("rtio_output", Builtin::RtioOutput),
        ("rtio_gate", Builtin::RtioGate),
        ("rtio_input_timestamp", Builtin::RtioInputTimestamp),
        ("rtio_input_data", Builtin::RtioInputData),
        ("rtio_get_counter", Builtin::RtioGetCounter),
        ("dma_record_start", Builtin::Dma(DmaCall::RecordStart)),
        ("dma_record_stop", Builtin::Dma(DmaCall::RecordStop)),
        ("dma_erase", Builtin::Dma(DmaCall::Erase)),
        ("dma_retrieve", Builtin::Dma(DmaCall::Retrieve)),
        ("dma_duration", Builtin::Dma(DmaCall::Duration)),
        ("dma_playback", Builtin::Dma(DmaCall::Playback)),
        ("__strobe_quoted", Builtin::Quoted),
    ];

    /// The signature of a timeline or RTIO system call: parameter types, then the result. The one
    /// definition the checker uses; the Python package declares the same calls with these types in
    /// `strobe.coredevice.rtio` and `strobe.language`, and a test compares the two.
    pub fn syscall_signature(self) -> Option<(&'static [Ty], Ty)> {
        Some(match self {
            Builtin::NowMu | Builtin::RtioGetCounter => (&[], Ty::Int64),
            Builtin::AtMu | Builtin::DelayMu => (&[Ty::Int64], Ty::None),
            Builtin::Delay => (&[Ty::Float], Ty::None),
            Builtin::RtioOutput | Builtin::RtioGate => (&[Ty::Int32, Ty::Int32], Ty::None),
            Builtin::RtioInputTimestamp => (&[Ty::Int32, Ty::Int64], Ty::Int64),
            Builtin::RtioInputData => (&[Ty::Int32, Ty::Int64], Ty::Int32),
            Builtin::Dma(DmaCall::RecordStart | DmaCall::Erase) => (&[Ty::Str], Ty::None),
            Builtin::Dma(DmaCall::RecordStop) => (&[Ty::Int64], Ty::None),
            Builtin::Dma(DmaCall::Retrieve) => (&[Ty::Str], Ty::Int32),
            Builtin::Dma(DmaCall::Duration) => (&[Ty::Int32], Ty::Int64),
            Builtin::Dma(DmaCall::Playback) => (&[Ty::Int64, Ty::Int32], Ty::None),
            _ => return None,
        })
    }

    /// Every system call with its signature.
    pub fn syscalls() -> impl Iterator<Item = (&'static str, &'static [Ty], Ty)> {
        Self::NAMES.iter().filter_map(|(name, b)| {
            b.syscall_signature()
                .map(|(params, result)| (*name, params, result))
        })
    }

    pub fn lookup(name: &str) -> Option<Builtin> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| *b)
    }

    pub fn name(self) -> &'static str {
        if let Builtin::Math(f) = self {
            return f.name();
        }
        if let Builtin::Libm(f) = self {
            return f.name;
        }
        Self::NAMES
            .iter()
            .find(|(_, b)| *b == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// A function of Python's `math` module that kernels support.
    pub fn math(name: &str) -> Option<Builtin> {
        MathFn::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .map(Builtin::Math)
    }

    /// A member of numpy that kernels support (as ARTIQ's kernels do): its scalar types as
    /// conversions, `array`, `abs`, and its float functions (the C library's, as ARTIQ's).
    pub fn numpy(name: &str) -> Option<Builtin> {
        match name {
            "int32" => Some(Builtin::Int32),
            "int64" => Some(Builtin::Int64),
            "float64" | "float_" | "double" => Some(Builtin::Float),
            "bool_" => Some(Builtin::Bool),
            "array" => Some(Builtin::Array),
            "abs" | "absolute" => Some(Builtin::Abs),
            _ => LibmFn::lookup(name, false).map(Builtin::Libm),
        }
    }

    /// A constant of Python's `math` module.
    pub fn math_constant(name: &str) -> Option<f64> {
        match name {
            "pi" => Some(std::f64::consts::PI),
            "e" => Some(std::f64::consts::E),
            "tau" => Some(std::f64::consts::TAU),
            "inf" => Some(f64::INFINITY),
            _ => None,
        }
    }
}

/// Functions of Python's `math` module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MathFn {
    Sqrt,
    Floor,
    Ceil,
    Fabs,
    Sin,
    Cos,
    Exp,
    Log,
}

impl MathFn {
    pub const ALL: [MathFn; 8] = [
        MathFn::Sqrt,
        MathFn::Floor,
        MathFn::Ceil,
        MathFn::Fabs,
        MathFn::Sin,
        MathFn::Cos,
        MathFn::Exp,
        MathFn::Log,
    ];

    /// Its name in the `math` module.
    pub fn name(self) -> &'static str {
        match self {
            MathFn::Sqrt => "sqrt",
            MathFn::Floor => "floor",
            MathFn::Ceil => "ceil",
            MathFn::Fabs => "fabs",
            MathFn::Sin => "sin",
            MathFn::Cos => "cos",
            MathFn::Exp => "exp",
            MathFn::Log => "log",
        }
    }

    /// `floor` and `ceil` return an int, the others a float.
    pub fn returns_int(self) -> bool {
        matches!(self, MathFn::Floor | MathFn::Ceil)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListMethod {
    Append,
    Pop,
}

impl ListMethod {
    pub fn lookup(name: &str) -> Option<ListMethod> {
        match name {
            "append" => Some(ListMethod::Append),
            "pop" => Some(ListMethod::Pop),
            _ => None,
        }
    }
}

/// numpy's (and `scipy.special`'s) float functions as ARTIQ's kernels have them: the C math
/// library's, with its results (NaN outside a domain, no exception), elementwise on arrays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LibmFn {
    /// Its name in numpy (or `scipy.special`).
    pub name: &'static str,
    /// The C function (a support symbol of the kernel ABI).
    pub symbol: &'static str,
    pub arity: u8,
    /// A `scipy.special` function (else numpy's).
    pub scipy: bool,
}

const fn libm(name: &'static str, symbol: &'static str, arity: u8, scipy: bool) -> LibmFn {
    LibmFn {
        name,
        symbol,
        arity,
        scipy,
    }
}

impl LibmFn {
    pub const ALL: [LibmFn; 39] = [
        libm("sqrt", "sqrt", 1, false),
        libm("sin", "sin", 1, false),
        libm("cos", "cos", 1, false),
        libm("tan", "tan", 1, false),
        libm("arcsin", "asin", 1, false),
        libm("arccos", "acos", 1, false),
        libm("arctan", "atan", 1, false),
        libm("sinh", "sinh", 1, false),
        libm("cosh", "cosh", 1, false),
        libm("tanh", "tanh", 1, false),
        libm("arcsinh", "asinh", 1, false),
        libm("arccosh", "acosh", 1, false),
        libm("arctanh", "atanh", 1, false),
        libm("exp", "exp", 1, false),
        libm("exp2", "exp2", 1, false),
        libm("expm1", "expm1", 1, false),
        libm("log", "log", 1, false),
        libm("log2", "log2", 1, false),
        libm("log10", "log10", 1, false),
        libm("cbrt", "cbrt", 1, false),
        libm("fabs", "fabs", 1, false),
        libm("floor", "floor", 1, false),
        libm("ceil", "ceil", 1, false),
        libm("trunc", "trunc", 1, false),
        // Half to even, as numpy's (ARTIQ's rounds half away from zero: its library lacked this).
        libm("rint", "roundeven", 1, false),
        libm("arctan2", "atan2", 2, false),
        libm("copysign", "copysign", 2, false),
        libm("fmax", "fmax", 2, false),
        libm("fmin", "fmin", 2, false),
        libm("hypot", "hypot", 2, false),
        libm("nextafter", "nextafter", 2, false),
        libm("erf", "erf", 1, true),
        libm("erfc", "erfc", 1, true),
        libm("gamma", "tgamma", 1, true),
        libm("gammaln", "lgamma", 1, true),
        libm("j0", "j0", 1, true),
        libm("j1", "j1", 1, true),
        libm("y0", "y0", 1, true),
        libm("y1", "y1", 1, true),
    ];

    /// numpy's function `name`, or `scipy.special`'s.
    pub fn lookup(name: &str, scipy: bool) -> Option<LibmFn> {
        Self::ALL
            .into_iter()
            .find(|f| f.name == name && f.scipy == scipy)
    }
}
