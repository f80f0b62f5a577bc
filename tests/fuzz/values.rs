//! Strings and objects in generated programs. Strings: literals (some not ASCII), `str()` of
//! numbers and bools, `+`, slices, `len`, `==`; variables keep at most [`STR_BOUND`] code points.
//! Objects: instances of the class [`CLASS`] (an int, a float and a list field; a method that
//! changes the int, one that computes a float), with fields read, assigned and passed around.

use crate::generate::*;

/// The class a program may define (its fields keep the generator's bounds: `a` an int within
/// `I32.bound`, `b` a float within `FLOAT_BOUND`, `items` a list of such ints).
pub const CLASS: &str = "class K:
    def __init__(self, a, b):
        self.a = a
        self.b = b
        self.items = [a]

    def bump(self, v):
        self.a = (self.a + v) % 19997
        return self.a

    def scaled(self, f):
        return min(max(self.b * f, -1e9), 1e9)
";

/// The most code points a string variable holds.
const STR_BOUND: usize = 40;

const STR_LITERALS: &[&str] = &[
    "\"\"",
    "\"a\"",
    "\"ab\"",
    "\"kernel\"",
    "\"h\u{e9}llo\"",
    "\"\u{20ac}5\"",
    "\"x y\"",
    "\"\u{1f600}!\"",
];

impl Generator<'_> {
    /// Names of the lists in scope: list variables and objects' `items`.
    pub(crate) fn list_names(&self) -> Vec<String> {
        self.vars
            .iter()
            .filter_map(|v| match v.ty {
                Ty::List => Some(v.name.clone()),
                Ty::Object => Some(format!("{}.items", v.name)),
                _ => None,
            })
            .collect()
    }

    fn name_of(&mut self, ty: Ty) -> Option<String> {
        let vars = self.vars_of(ty);
        if vars.is_empty() {
            None
        } else {
            Some(self.vars[*self.rng.pick(&vars)].name.clone())
        }
    }

    /// A string within a variable's bound.
    pub(crate) fn text_bounded(&mut self) -> String {
        let (text, bound) = self.text(3);
        if bound <= STR_BOUND {
            text
        } else {
            format!("({text})[:{STR_BOUND}]")
        }
    }

    /// A string expression and a bound on its length in code points.
    fn text(&mut self, depth: usize) -> (String, usize) {
        if depth == 0 || self.rng.chance(30) {
            return self.text_leaf();
        }
        match self.rng.below(5) {
            0 | 1 => {
                let (a, b) = (self.text(depth - 1), self.text(depth - 1));
                (format!("({} + {})", a.0, b.0), a.1 + b.1)
            }
            2 => {
                let a = self.text(depth - 1);
                let (start, stop) = (self.rng.between(-6, 6), self.rng.between(-6, 9));
                let step = *self.rng.pick(&["", ":-1", ":2", ":-2", ":3"]);
                (format!("{}[{start}:{stop}{step}]", a.0), a.1)
            }
            3 => {
                let a = self.text(depth - 1);
                (format!("{}[::-1]", a.0), a.1)
            }
            _ => {
                let c = self.bool_expr(depth - 1);
                let (a, b) = (self.text(depth - 1), self.text(depth - 1));
                (format!("({} if {c} else {})", a.0, b.0), a.1.max(b.1))
            }
        }
    }

    fn text_leaf(&mut self) -> (String, usize) {
        match self.rng.below(5) {
            0 | 1 => match self.name_of(Ty::Str) {
                Some(name) => (name, STR_BOUND),
                None => self.text_literal(),
            },
            2 => {
                let w = self.width();
                let n = self.int(w, 1).0;
                (format!("str({n})"), 20)
            }
            3 if self.rng.chance(50) => {
                let f = self.float(1).0;
                (format!("str({f})"), 30)
            }
            3 => {
                let b = self.bool_expr(1);
                (format!("str({b})"), 5)
            }
            4 if self.rng.chance(30) => match self.call(Some(Ty::Str)) {
                Some(call) => (call, STR_BOUND),
                None => self.text_literal(),
            },
            _ => self.text_literal(),
        }
    }

    fn text_literal(&mut self) -> (String, usize) {
        let literal = *self.rng.pick(STR_LITERALS);
        (literal.to_string(), literal.chars().count() - 2)
    }

    /// An int from a string or an object, when the scope has one.
    pub(crate) fn int_from_values(&mut self, depth: usize) -> Option<Int> {
        if self.rng.chance(50) {
            let (s, bound) = self.text(depth.min(2));
            return Some(Int(format!("len({s})"), bound as i64));
        }
        let o = self.name_of(Ty::Object)?;
        if self.rng.chance(50) {
            return Some(Int(format!("{o}.a"), I32.bound));
        }
        let v = self.int_reduced(I32);
        Some(Int(format!("{o}.bump({v})"), I32.bound))
    }

    /// A float from an object, when the scope has one.
    pub(crate) fn float_from_object(&mut self) -> Option<Float> {
        let o = self.name_of(Ty::Object)?;
        if self.rng.chance(50) {
            return Some(Float(format!("{o}.b"), FLOAT_BOUND));
        }
        let f = self.float(1).0;
        Some(Float(format!("{o}.scaled({f})"), FLOAT_BOUND))
    }

    pub(crate) fn text_comparison(&mut self, depth: usize) -> String {
        let (a, b) = (self.text(depth.min(2)).0, self.text(depth.min(2)).0);
        let op = if self.rng.chance(50) { "==" } else { "!=" };
        format!("({a} {op} {b})")
    }

    /// An object: a variable, or a new one.
    pub(crate) fn object(&mut self) -> String {
        match self.name_of(Ty::Object) {
            Some(o) if self.rng.chance(60) => o,
            _ => {
                let (a, b) = (self.int_reduced(I32), self.float_bounded());
                format!("K({a}, {b})")
            }
        }
    }

    /// A field assignment or a method call, on an object in scope.
    pub(crate) fn object_statement(&mut self) -> bool {
        let Some(o) = self.name_of(Ty::Object) else {
            return false;
        };
        match self.rng.below(3) {
            0 => {
                let v = self.int_reduced(I32);
                self.line(&format!("{o}.a = {v}"));
            }
            1 => {
                let v = self.float_bounded();
                self.line(&format!("{o}.b = {v}"));
            }
            _ => {
                let v = self.int_reduced(I32);
                self.line(&format!("{o}.bump({v})"));
            }
        }
        true
    }
}
