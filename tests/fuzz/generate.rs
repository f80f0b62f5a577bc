//! Generated programs: well-typed standalone kernels in the part of the language where Strobe and
//! CPython must print the same thing. The generator keeps every value inside that part by
//! construction: it tracks a bound on the magnitude of every integer and float expression, so no
//! integer leaves int32 (Strobe wraps there, CPython does not: a documented difference) and no float
//! becomes infinite or NaN; loops have fixed trip counts and the program's total work is capped, so
//! every program ends; a variable is read only where it is certainly assigned. Exceptions are fair
//! game (division by zero, indexes out of range, `pop` of an empty list, `assert`, `raise`): `main`
//! catches each function's and prints its name, and a function's own `try` blocks catch some too.

use crate::rng::Rng;

/// An integer width and the bounds its values keep: every variable, parameter, list element and
/// result within `bound`; a wider value reduced with `% modulus` (a result in `0..modulus`) before
/// it is assigned; no expression beyond `limit` anywhere in its evaluation.
#[derive(Clone, Copy)]
pub struct Width {
    pub ty: Ty,
    pub bound: i64,
    pub modulus: i64,
    pub limit: i64,
}

pub const I32: Width = Width {
    ty: Ty::Int,
    bound: 20_000,
    modulus: 19_997,
    limit: i32::MAX as i64,
};
pub const I64: Width = Width {
    ty: Ty::Int64,
    bound: 1_000_000_000_000,
    modulus: 999_999_999_989,
    limit: i64::MAX,
};
/// Float variables and results stay within this magnitude; divisions are clamped to it.
pub const FLOAT_BOUND: f64 = 1e9;
/// No float expression may exceed this magnitude (far from overflow).
pub const FLOAT_LIMIT: f64 = 1e30;
/// The most loop iterations and calls a function (with its callees) may do.
const WORK_LIMIT: u64 = 4_000;
/// Exceptions a generated program can raise; `main` catches each by name.
pub const EXCEPTIONS: &[&str] = &[
    "ZeroDivisionError",
    "IndexError",
    "ValueError",
    "AssertionError",
];

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Ty {
    Int,
    Int64,
    Float,
    Bool,
    List,
    Str,
    /// An instance of the program's class (`values::CLASS`).
    Object,
}

/// The bound a variable of this type keeps.
fn bound_of(ty: Ty) -> i64 {
    match ty {
        Ty::Int64 => I64.bound,
        _ => I32.bound,
    }
}

pub struct Var {
    pub name: String,
    pub ty: Ty,
    /// Loop counters and `for` targets are not assigned by the body.
    pub assignable: bool,
    /// For ints: the magnitude bound.
    pub bound: i64,
}

pub struct Function {
    pub name: String,
    pub params: Vec<Ty>,
    pub returns: Option<Ty>,
    /// Loop iterations and calls one call of it costs, callees included.
    pub work: u64,
}

/// An expression's text and a bound on its magnitude.
pub struct Int(pub String, pub i64);
pub struct Float(pub String, pub f64);

pub struct Generator<'r> {
    pub rng: &'r mut Rng,
    pub out: String,
    pub indent: usize,
    pub vars: Vec<Var>,
    pub functions: Vec<Function>,
    pub names: usize,
    /// The trip count product of the enclosing loops.
    pub multiplier: u64,
    /// The work of the function being generated so far.
    pub work: u64,
    pub loops: usize,
    /// Inside `for v in xs`: lists must not grow or shrink.
    pub iterating_list: bool,
    pub returns: Option<Ty>,
    /// Whether the program defines the class.
    pub has_class: bool,
    /// Calls being generated around the current expression (their arguments nest).
    pub call_depth: usize,
}

/// A program of a few functions and a `main` that calls each, printing results or the exception.
pub fn program(rng: &mut Rng) -> String {
    let mut g = Generator {
        rng,
        out: String::new(),
        indent: 0,
        vars: Vec::new(),
        functions: Vec::new(),
        names: 0,
        multiplier: 1,
        work: 0,
        loops: 0,
        iterating_list: false,
        returns: None,
        has_class: false,
        call_depth: 0,
    };
    g.line("from strobe import int32, int64");
    g.line("");
    g.line("");
    if g.rng.chance(50) {
        g.has_class = true;
        g.out.push_str(crate::values::CLASS);
        g.line("");
        g.line("");
    }
    let count = 1 + g.rng.below(4);
    for _ in 0..count {
        g.function();
    }
    g.main();
    g.out
}

impl Generator<'_> {
    pub(crate) fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    pub(crate) fn vars_of(&self, ty: Ty) -> Vec<usize> {
        (0..self.vars.len())
            .filter(|&i| self.vars[i].ty == ty)
            .collect()
    }

    fn assignable_of(&self, ty: Ty) -> Vec<usize> {
        (0..self.vars.len())
            .filter(|&i| self.vars[i].ty == ty && self.vars[i].assignable)
            .collect()
    }

    fn function(&mut self) {
        let name = format!("f{}", self.functions.len());
        const KINDS: &[Ty] = &[
            Ty::Int,
            Ty::Int,
            Ty::Int64,
            Ty::Float,
            Ty::Bool,
            Ty::List,
            Ty::Str,
            Ty::Object,
        ];
        // Objects only when the program has the class.
        let kinds = &KINDS[..KINDS.len() - usize::from(!self.has_class)];
        let params: Vec<Ty> = (0..self.rng.below(4))
            .map(|_| *self.rng.pick(kinds))
            .collect();
        let returns = *self.rng.pick(&[
            Some(Ty::Int),
            Some(Ty::Int),
            Some(Ty::Int64),
            Some(Ty::Float),
            Some(Ty::Bool),
            Some(Ty::Str),
            None,
        ]);
        let names: Vec<String> = (0..params.len()).map(|i| format!("p{i}")).collect();
        self.line(&format!("def {name}({}):", names.join(", ")));
        self.indent = 1;
        self.vars = params
            .iter()
            .zip(&names)
            .map(|(&ty, n)| Var {
                name: n.clone(),
                ty,
                assignable: true,
                bound: bound_of(ty),
            })
            .collect();
        self.work = 1;
        self.multiplier = 1;
        self.returns = returns;
        let statements = 2 + self.rng.below(6);
        self.block(statements, 3);
        match returns {
            Some(ty) => {
                let value = self.value(ty);
                self.line(&format!("return {value}"));
            }
            None => self.line("pass"),
        }
        self.indent = 0;
        self.line("");
        self.line("");
        let work = self.work;
        self.functions.push(Function {
            name,
            params,
            returns,
            work,
        });
    }

    fn main(&mut self) {
        self.line("def main():");
        self.indent = 1;
        self.vars.clear();
        self.multiplier = 1;
        self.work = 0;
        self.returns = None;
        for k in 0..self.functions.len() {
            // Lists and objects passed in are printed afterwards: a callee's changes must show.
            let mut args = Vec::new();
            let mut shown = Vec::new();
            for ty in self.functions[k].params.clone() {
                if ty == Ty::List {
                    let name = self.fresh("l");
                    let value = self.list_literal();
                    self.line(&format!("{name} = {value}"));
                    shown.push(name.clone());
                    args.push(name);
                } else if ty == Ty::Object {
                    let name = self.fresh("o");
                    let value = self.object();
                    self.line(&format!("{name} = {value}"));
                    shown.push(format!("{name}.a, {name}.b, {name}.items"));
                    args.push(name);
                } else {
                    args.push(self.value(ty));
                }
            }
            let call = format!("{}({})", self.functions[k].name, args.join(", "));
            self.line("try:");
            self.indent += 1;
            if self.functions[k].returns.is_some() {
                self.line(&format!("print({call})"));
            } else {
                self.line(&call);
            }
            self.indent -= 1;
            for e in EXCEPTIONS {
                self.line(&format!("except {e}:"));
                self.line(&format!("    print(\"{e}\")"));
            }
            for v in shown {
                self.line(&format!("print({v})"));
            }
        }
        self.indent = 0;
        self.line("");
        self.line("");
        self.line("if __name__ == \"__main__\":");
        self.line("    main()");
    }

    /// `count` statements at most `depth` blocks deep; variables first assigned here end with it.
    fn block(&mut self, count: usize, depth: usize) {
        let scope = self.vars.len();
        for _ in 0..count {
            self.statement(depth);
        }
        self.vars.truncate(scope);
    }

    fn statement(&mut self, depth: usize) {
        let nested = depth > 0;
        match self.rng.below(if nested { 20 } else { 13 }) {
            0 | 1 => self.assign_int(),
            2 => self.assign(Ty::Float),
            3 => self.assign(Ty::Bool),
            4 => self.assign_list(),
            5 => self.augmented(),
            6 | 7 => self.print(),
            8 => self.list_change(),
            9 => self.call_statement(),
            10 => self.raise_or_assert(),
            11 => self.early_exit(),
            12 if !self.has_class || self.rng.chance(50) => self.assign(Ty::Str),
            12 => {
                if !self.object_statement() {
                    self.assign(Ty::Object)
                }
            }
            13 | 14 => self.if_statement(depth),
            15 | 16 => self.for_statement(depth),
            17 => self.while_statement(depth),
            _ => self.try_statement(depth),
        }
    }

    fn declare(&mut self, ty: Ty, value: String) {
        let existing = self.assignable_of(ty);
        if !existing.is_empty() && self.rng.chance(40) {
            let i = *self.rng.pick(&existing);
            let name = self.vars[i].name.clone();
            self.line(&format!("{name} = {value}"));
        } else {
            let name = self.fresh(match ty {
                Ty::Int => "i",
                Ty::Int64 => "j",
                Ty::Float => "x",
                Ty::Bool => "b",
                Ty::List => "l",
                Ty::Str => "s",
                Ty::Object => "o",
            });
            self.line(&format!("{name} = {value}"));
            self.vars.push(Var {
                name,
                ty,
                assignable: true,
                bound: bound_of(ty),
            });
        }
    }

    fn assign_int(&mut self) {
        let w = self.width();
        if self.rng.chance(15) {
            // Unpacking a tuple, or swapping two variables.
            let ints = self.assignable_of(w.ty);
            if ints.len() >= 2 {
                let (a, b) = (
                    self.vars[ints[0]].name.clone(),
                    self.vars[ints[1]].name.clone(),
                );
                self.line(&format!("{a}, {b} = {b}, {a}"));
                return;
            }
        }
        let value = self.value(w.ty);
        self.declare(w.ty, value);
    }

    fn assign(&mut self, ty: Ty) {
        let value = self.value(ty);
        self.declare(ty, value);
    }

    fn assign_list(&mut self) {
        let lists = self.list_names();
        let value = if !lists.is_empty() && self.rng.chance(50) {
            let l = self.rng.pick(&lists).clone();
            match self.rng.below(5) {
                0 => l,
                1 => format!("list({l})"),
                2 => format!("{l}[::-1]"),
                3 => {
                    let (a, b) = (self.rng.between(-4, 4), self.rng.between(-4, 6));
                    format!("{l}[{a}:{b}]")
                }
                _ => {
                    let step = *self.rng.pick(&[-2, -1, 2, 3]);
                    format!("{l}[::{step}]")
                }
            }
        } else {
            self.list_literal()
        };
        self.declare(Ty::List, value);
    }

    pub(crate) fn list_literal(&mut self) -> String {
        match self.rng.below(4) {
            0 => {
                let n = self.rng.below(5);
                let items: Vec<String> = (0..n).map(|_| self.int_reduced(I32)).collect();
                if items.is_empty() {
                    "[0] * 0".into()
                } else {
                    format!("[{}]", items.join(", "))
                }
            }
            1 => {
                let item = self.int_reduced(I32);
                format!("[{item}] * {}", self.rng.below(5))
            }
            2 => {
                let v = self.fresh("c");
                self.vars.push(Var {
                    name: v.clone(),
                    ty: Ty::Int,
                    assignable: false,
                    bound: 5,
                });
                let item = self.int_reduced(I32);
                self.vars.pop();
                format!("[{item} for {v} in range({})]", self.rng.below(6))
            }
            _ => {
                let items: Vec<String> = (0..1 + self.rng.below(4))
                    .map(|_| self.rng.between(-9, 9).to_string())
                    .collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    fn augmented(&mut self) {
        let w = self.width();
        let ints = self.assignable_of(w.ty);
        if ints.is_empty() {
            return self.assign_int();
        }
        let i = *self.rng.pick(&ints);
        let name = self.vars[i].name.clone();
        let value = self.int(w, 2);
        let op = match self.rng.below(5) {
            0 | 1 => "+=",
            2 => "-=",
            3 if value.1.checked_mul(w.bound).is_some_and(|b| b <= w.limit) => "*=",
            3 => "//=",
            _ => "%=",
        };
        self.line(&format!("{name} {op} {}", value.0));
        self.line(&format!("{name} %= {}", w.modulus));
    }

    fn print(&mut self) {
        let n = 1 + self.rng.below(3);
        let form = self.rng.below(4);
        // Kernels convert only scalars to str (f-strings, `str()`); `print` shows lists too.
        let types: &[Ty] = if form <= 1 {
            &[Ty::Int, Ty::Float, Ty::Bool, Ty::Str]
        } else {
            &[Ty::Int, Ty::Float, Ty::Bool, Ty::Str, Ty::List]
        };
        let values: Vec<String> = (0..n)
            .map(|_| {
                let ty = *self.rng.pick(types);
                let ty = if ty == Ty::Int { self.width().ty } else { ty };
                self.value(ty)
            })
            .collect();
        match form {
            0 => {
                let parts: Vec<String> = values.iter().map(|v| format!("{{{v}}}")).collect();
                // Single quotes outside: the string literals inside use double ones.
                self.line(&format!("print(f'<{}>')", parts.join(" ")))
            }
            1 => self.line(&format!("print(str({}))", values[0])),
            2 => self.line(&format!("print({}, sep=\"|\")", values.join(", "))),
            _ => self.line(&format!("print({})", values.join(", "))),
        }
    }

    fn list_change(&mut self) {
        let lists = self.list_names();
        if lists.is_empty() {
            return self.assign_list();
        }
        let l = self.rng.pick(&lists).clone();
        let growing = !self.iterating_list;
        match self.rng.below(4) {
            0 if growing && self.multiplier <= 100 => {
                let item = self.int_reduced(I32);
                self.line(&format!("{l}.append({item})"));
            }
            1 if growing => {
                let popped = format!("{l}.pop()");
                self.declare(Ty::Int, popped);
            }
            _ => {
                let index = self.index(&l);
                let item = self.int_reduced(I32);
                self.line(&format!("{l}[{index}] = {item}"));
            }
        }
    }

    fn call_statement(&mut self) {
        if let Some(call) = self.call(None) {
            self.line(&call);
        } else {
            self.print();
        }
    }

    fn raise_or_assert(&mut self) {
        let condition = self.bool_expr(2);
        if self.rng.chance(50) {
            self.line(&format!("assert {condition}"));
        } else {
            self.line(&format!("if {condition}:"));
            self.line("    raise ValueError(\"v\")");
        }
    }

    fn early_exit(&mut self) {
        let condition = self.bool_expr(2);
        if self.loops > 0 {
            self.line(&format!("if {condition}:"));
            let exit = if self.rng.chance(50) {
                "    break"
            } else {
                "    continue"
            };
            self.line(exit);
        } else if let Some(ty) = self.returns {
            let value = self.value(ty);
            self.line(&format!("if {condition}:"));
            self.line(&format!("    return {value}"));
        } else {
            self.print();
        }
    }

    fn nested(&mut self, depth: usize) {
        self.indent += 1;
        let count = 1 + self.rng.below(3);
        self.block(count, depth - 1);
        self.indent -= 1;
    }

    fn if_statement(&mut self, depth: usize) {
        let condition = self.bool_expr(3);
        self.line(&format!("if {condition}:"));
        self.nested(depth);
        if self.rng.chance(40) {
            let condition = self.bool_expr(2);
            self.line(&format!("elif {condition}:"));
            self.nested(depth);
        }
        if self.rng.chance(50) {
            self.line("else:");
            self.nested(depth);
        }
    }

    fn looped(&mut self, trips: u64, depth: usize, counters: Vec<Var>) {
        let saved = self.multiplier;
        self.multiplier = self.multiplier.saturating_mul(trips.max(1));
        self.work = self.work.saturating_add(self.multiplier);
        self.loops += 1;
        let scope = self.vars.len();
        self.vars.extend(counters);
        self.indent += 1;
        let count = 1 + self.rng.below(3);
        self.block(count, depth - 1);
        self.indent -= 1;
        self.vars.truncate(scope);
        self.loops -= 1;
        self.multiplier = saved;
        if self.rng.chance(15) {
            self.line("else:");
            self.nested(depth);
        }
    }

    fn for_statement(&mut self, depth: usize) {
        if self.multiplier >= 50 {
            return self.if_statement(depth);
        }
        let v = self.fresh("k");
        let lists = self.list_names();
        if !lists.is_empty() && self.rng.chance(35) {
            let l = self.rng.pick(&lists).clone();
            let outer = self.iterating_list;
            self.iterating_list = true;
            let mut counters = vec![Var {
                name: v.clone(),
                ty: Ty::Int,
                assignable: false,
                bound: I32.bound,
            }];
            if self.rng.chance(50) {
                let n = self.fresh("n");
                self.line(&format!("for {n}, {v} in enumerate({l}):"));
                counters.push(Var {
                    name: n,
                    ty: Ty::Int,
                    assignable: false,
                    bound: 100_000,
                });
            } else {
                self.line(&format!("for {v} in {l}:"));
            }
            // The list's length is not known here: count it as the longest a literal makes.
            self.looped(8, depth, counters);
            self.iterating_list = outer;
            return;
        }
        let (start, stop, step) = (
            self.rng.between(-3, 3),
            self.rng.between(-3, 8),
            *self.rng.pick(&[1, 1, 1, 2, 3, -1, -2]),
        );
        let trips = ((stop - start) as f64 / step as f64).ceil().max(0.0) as u64;
        let range = match (start, step) {
            (0, 1) => format!("range({stop})"),
            (_, 1) => format!("range({start}, {stop})"),
            _ => format!("range({start}, {stop}, {step})"),
        };
        self.line(&format!("for {v} in {range}:"));
        let counter = Var {
            name: v,
            ty: Ty::Int,
            assignable: false,
            bound: start.abs().max(stop.abs()),
        };
        self.looped(trips, depth, vec![counter]);
    }

    fn while_statement(&mut self, depth: usize) {
        if self.multiplier >= 50 {
            return self.if_statement(depth);
        }
        let w = self.fresh("w");
        let trips = self.rng.between(0, 5);
        self.line(&format!("{w} = 0"));
        self.line(&format!("while {w} < {trips}:"));
        // The counter moves first, so `continue` cannot skip it.
        self.line(&format!("    {w} += 1"));
        let counter = Var {
            name: w,
            ty: Ty::Int,
            assignable: false,
            bound: 5,
        };
        self.looped(trips as u64, depth, vec![counter]);
    }

    fn try_statement(&mut self, depth: usize) {
        self.line("try:");
        self.nested(depth);
        let caught = 1 + self.rng.below(2);
        for _ in 0..caught {
            let e = *self.rng.pick(EXCEPTIONS);
            self.line(&format!("except {e}:"));
            self.nested(depth);
        }
        if self.rng.chance(30) {
            self.line("else:");
            self.nested(depth);
        }
        if self.rng.chance(30) {
            self.line("finally:");
            self.nested(depth);
        }
    }

    /// A call of an earlier function whose work fits, as text; `want` is its result type
    /// (`None`: any, the result unused).
    pub(crate) fn call(&mut self, want: Option<Ty>) -> Option<String> {
        let fits: Vec<usize> = (0..self.functions.len())
            .filter(|&k| {
                let f = &self.functions[k];
                (want.is_none() || f.returns == want)
                    // A callee might grow the list being iterated: never ending.
                    && !(self.iterating_list && f.params.contains(&Ty::List))
                    && self.work + self.multiplier.saturating_mul(f.work) <= WORK_LIMIT
            })
            .collect();
        // Arguments holding calls holding calls...: CPython's parser refuses 200 nested brackets.
        if fits.is_empty() || self.call_depth >= 2 {
            return None;
        }
        let k = *self.rng.pick(&fits);
        self.work += self.multiplier.saturating_mul(self.functions[k].work);
        let params = self.functions[k].params.clone();
        self.call_depth += 1;
        let args: Vec<String> = params.into_iter().map(|ty| self.value(ty)).collect();
        self.call_depth -= 1;
        Some(format!("{}({})", self.functions[k].name, args.join(", ")))
    }
}
