//! The generator's expressions: each comes with a bound on its magnitude (see `generate.rs`).

use crate::generate::*;

impl Generator<'_> {
    /// A value of `ty` within the bounds a variable of that type keeps.
    pub(crate) fn value(&mut self, ty: Ty) -> String {
        match ty {
            Ty::Int => self.int_reduced(I32),
            Ty::Int64 => self.int_reduced(I64),
            Ty::Float => self.float_bounded(),
            Ty::Bool => self.bool_expr(3),
            Ty::Str => self.text_bounded(),
            Ty::Object => self.object(),
            Ty::List => {
                let lists = self.list_names();
                if lists.is_empty() || self.rng.chance(30) {
                    self.list_literal()
                } else {
                    self.rng.pick(&lists).clone()
                }
            }
        }
    }

    /// An int of width `w` within a variable's bound (reduced with `% modulus` when wider).
    pub(crate) fn int_reduced(&mut self, w: Width) -> String {
        let Int(text, bound) = self.int(w, 3);
        if bound <= w.bound {
            text
        } else {
            format!("({text}) % {}", w.modulus)
        }
    }

    pub(crate) fn index(&mut self, list: &str) -> String {
        match self.rng.below(4) {
            0 => format!("{} % len({list})", self.int(I32, 1).0),
            1 => "-1".into(),
            2 => self.rng.between(-3, 3).to_string(),
            _ => format!("len({list}) - 1"),
        }
    }

    pub(crate) fn int(&mut self, w: Width, depth: usize) -> Int {
        let leaf = depth == 0 || self.rng.chance(25);
        if leaf {
            return self.int_leaf(w);
        }
        match self.rng.below(12) {
            0..=4 => self.int_binary(w, depth),
            5 => {
                let a = self.int(w, depth - 1);
                match self.rng.below(3) {
                    0 => Int(format!("(-{})", a.0), a.1),
                    1 => Int(format!("(~{})", a.0), a.1 + 1),
                    _ => Int(format!("abs({})", a.0), a.1),
                }
            }
            6 => {
                let (a, b) = (self.int(w, depth - 1), self.int(w, depth - 1));
                let f = if self.rng.chance(50) { "min" } else { "max" };
                Int(format!("{f}({}, {})", a.0, b.0), a.1.max(b.1))
            }
            7 => {
                let Float(mut text, mut bound) = self.float(depth - 1);
                if bound > FLOAT_BOUND {
                    text = format!("min(max({text}, -{FLOAT_BOUND:e}), {FLOAT_BOUND:e})");
                    bound = FLOAT_BOUND;
                }
                let f = match (w.ty, self.rng.chance(70)) {
                    (Ty::Int64, _) => "int64",
                    (_, true) => "int",
                    _ => "round",
                };
                Int(format!("{f}({text})"), bound as i64 + 1)
            }
            8 => {
                let c = self.bool_expr(depth - 1);
                let (a, b) = (self.int(w, depth - 1), self.int(w, depth - 1));
                Int(format!("({} if {c} else {})", a.0, b.0), a.1.max(b.1))
            }
            9 => match self.call(Some(w.ty)) {
                Some(call) => Int(call, w.bound),
                None => self.int_leaf(w),
            },
            _ if w.ty == Ty::Int64 => {
                // The other width, converted.
                let a = self.int(I32, depth - 1);
                Int(format!("int64({})", a.0), a.1)
            }
            _ => {
                if self.rng.chance(30) {
                    if let Some(i) = self.int_from_values(depth - 1) {
                        return i;
                    }
                }
                if self.rng.chance(25) {
                    let a = self.int(I64, depth - 1);
                    return Int(format!("int32(({}) % {})", a.0, w.modulus), w.modulus);
                }
                let lists = self.list_names();
                if lists.is_empty() {
                    return self.int_leaf(w);
                }
                let l = self.rng.pick(&lists).clone();
                match self.rng.below(3) {
                    0 => Int(format!("len({l})"), 100_000),
                    1 => Int(format!("(sum({l}) % {})", w.modulus), w.modulus),
                    _ => {
                        let index = self.index(&l);
                        Int(format!("{l}[{index}]"), w.bound)
                    }
                }
            }
        }
    }

    /// `a op b`, with an operator whose result stays within the width's limit.
    fn int_binary(&mut self, w: Width, depth: usize) -> Int {
        let (a, b) = (self.int(w, depth - 1), self.int(w, depth - 1));
        let ops: &[&str] = &["+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^"];
        let op = *self.rng.pick(ops);
        // Powers and shifts take a literal right side (below).
        let bound = match op {
            "+" | "-" => a.1.checked_add(b.1),
            "*" => a.1.checked_mul(b.1),
            "//" => Some(a.1),
            "%" => Some(b.1),
            "&" | "|" | "^" => Some(((a.1.max(b.1) + 1) as u64).next_power_of_two() as i64),
            _ => None,
        };
        if let Some(bound) = bound.filter(|&b| b <= w.limit) {
            return Int(format!("({} {op} {})", a.0, b.0), bound);
        }
        match op {
            "**" => {
                let e = self.rng.between(0, 3) as u32;
                match a.1.checked_pow(e) {
                    Some(bound) if bound <= w.limit => {
                        Int(format!("({} ** {e})", a.0), bound.max(1))
                    }
                    _ => Int(format!("({} ** 1)", a.0), a.1),
                }
            }
            "<<" => {
                let k = self.rng.between(0, 4);
                match a.1.checked_mul(1 << k) {
                    Some(bound) if bound <= w.limit => Int(format!("({} << {k})", a.0), bound),
                    _ => Int(format!("({} >> {k})", a.0), a.1),
                }
            }
            ">>" => {
                let k = self.rng.between(0, 9);
                Int(format!("({} >> {k})", a.0), a.1)
            }
            _ => Int(format!("({} % {})", a.0, w.modulus), w.modulus),
        }
    }

    fn int_leaf(&mut self, w: Width) -> Int {
        let ints = self.vars_of(w.ty);
        if !ints.is_empty() && self.rng.chance(60) {
            let v = &self.vars[*self.rng.pick(&ints)];
            return Int(v.name.clone(), v.bound);
        }
        let n = if self.rng.chance(80) {
            self.rng.between(-12, 12)
        } else {
            self.rng.between(-w.bound, w.bound)
        };
        // Every leaf of an int64 expression is one: an int64 made of int32 literals alone (say
        // `min(5, 9) * 100000`) would be int32 and wrap, the documented difference.
        let text = match w.ty {
            Ty::Int64 => format!("int64({n})"),
            _ if n < 0 => format!("({n})"),
            _ => n.to_string(),
        };
        Int(text, n.abs())
    }

    pub(crate) fn float_bounded(&mut self) -> String {
        let Float(text, bound) = self.float(3);
        if bound <= FLOAT_BOUND {
            text
        } else {
            format!("min(max({text}, -{FLOAT_BOUND:e}), {FLOAT_BOUND:e})")
        }
    }

    pub(crate) fn float(&mut self, depth: usize) -> Float {
        if depth == 0 || self.rng.chance(25) {
            return self.float_leaf();
        }
        match self.rng.below(8) {
            0..=3 => {
                let (a, b) = (self.float(depth - 1), self.float(depth - 1));
                match *self.rng.pick(&["+", "-", "*", "/"]) {
                    "/" => Float(
                        format!(
                            "min(max({} / {}, -{FLOAT_BOUND:e}), {FLOAT_BOUND:e})",
                            a.0, b.0
                        ),
                        FLOAT_BOUND,
                    ),
                    "*" if a.1 * b.1 <= FLOAT_LIMIT => {
                        Float(format!("({} * {})", a.0, b.0), a.1 * b.1)
                    }
                    "-" => Float(format!("({} - {})", a.0, b.0), a.1 + b.1),
                    _ => Float(format!("({} + {})", a.0, b.0), a.1 + b.1),
                }
            }
            4 => {
                let w = self.width();
                let (a, b) = (self.int(w, depth - 1), self.int(w, depth - 1));
                Float(format!("({} / {})", a.0, b.0), a.1 as f64)
            }
            5 => {
                let a = self.float(depth - 1);
                match self.rng.below(3) {
                    0 => Float(format!("(-{})", a.0), a.1),
                    1 => Float(format!("abs({})", a.0), a.1),
                    _ => {
                        let b = self.float(depth - 1);
                        Float(format!("max({}, {})", a.0, b.0), a.1.max(b.1))
                    }
                }
            }
            6 => {
                let c = self.bool_expr(depth - 1);
                let (a, b) = (self.float(depth - 1), self.float(depth - 1));
                Float(format!("({} if {c} else {})", a.0, b.0), a.1.max(b.1))
            }
            _ => match self.call(Some(Ty::Float)) {
                Some(call) => Float(call, FLOAT_BOUND),
                None => self.float_leaf(),
            },
        }
    }

    /// int32 mostly, int64 sometimes.
    pub(crate) fn width(&mut self) -> Width {
        if self.rng.chance(70) {
            I32
        } else {
            I64
        }
    }

    fn float_leaf(&mut self) -> Float {
        if self.rng.chance(15) {
            if let Some(f) = self.float_from_object() {
                return f;
            }
        }
        let floats = self.vars_of(Ty::Float);
        if !floats.is_empty() && self.rng.chance(50) {
            return Float(self.vars[*self.rng.pick(&floats)].name.clone(), FLOAT_BOUND);
        }
        if self.rng.chance(30) {
            let w = self.width();
            let Int(text, bound) = self.int_leaf(w);
            return Float(format!("float({text})"), bound as f64);
        }
        let literal = *self.rng.pick(&[
            "0.0",
            "0.5",
            "1.5",
            "(-2.25)",
            "0.1",
            "3.0",
            "1000.0",
            "0.001",
            "7.75",
            "(-0.0)",
            "1e-05",
            "123456.789",
            "(-1.0)",
            "2.0",
        ]);
        let bound: f64 = literal
            .trim_matches(['(', ')'])
            .parse::<f64>()
            .unwrap()
            .abs();
        Float(literal.into(), bound)
    }

    pub(crate) fn bool_expr(&mut self, depth: usize) -> String {
        if depth == 0 || self.rng.chance(20) {
            let bools = self.vars_of(Ty::Bool);
            if !bools.is_empty() && self.rng.chance(50) {
                return self.vars[*self.rng.pick(&bools)].name.clone();
            }
            return if self.rng.chance(50) { "True" } else { "False" }.into();
        }
        match self.rng.below(8) {
            0..=2 => {
                let w = self.width();
                let (a, b) = (self.int(w, depth - 1).0, self.int(w, depth - 1).0);
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                if self.rng.chance(20) {
                    let c = self.int(w, depth - 1).0;
                    format!("({a} {op} {b} < {c})")
                } else {
                    format!("({a} {op} {b})")
                }
            }
            3 => {
                let (a, b) = (self.float(depth - 1).0, self.float(depth - 1).0);
                let op = *self.rng.pick(&["<", "<=", ">", ">=", "==", "!="]);
                format!("({a} {op} {b})")
            }
            4 => {
                let (a, b) = (self.bool_expr(depth - 1), self.bool_expr(depth - 1));
                let op = if self.rng.chance(50) { "and" } else { "or" };
                format!("({a} {op} {b})")
            }
            5 if self.rng.chance(30) => self.text_comparison(depth - 1),
            5 => format!("(not {})", self.bool_expr(depth - 1)),
            6 => {
                let lists = self.list_names();
                if lists.is_empty() {
                    return "True".into();
                }
                let l = self.rng.pick(&lists).clone();
                let x = self.int(I32, depth - 1).0;
                if self.rng.chance(50) {
                    format!("({x} in {l})")
                } else {
                    format!("({x} not in {l})")
                }
            }
            _ => match self.call(Some(Ty::Bool)) {
                Some(call) => call,
                None => "False".into(),
            },
        }
    }
}
