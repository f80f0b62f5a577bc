//! Calls: matching a call's arguments to the callee's parameters (positional, keyword, defaults,
//! the receiver), and what a callable value is.

use crate::consts::{evaluate, ConstValue};
use crate::infer::Checker;
use crate::ty::{Callable, ClassId, DefId, Ty};
use strobe_syntax::ast;
use strobe_syntax::Span;

/// Where a call's parameters come from.
#[derive(Clone, Debug, PartialEq)]
pub enum ArgSource {
    /// The receiver of a method call.
    Receiver,
    Positional(usize),
    Keyword(usize),
    Default(ConstValue),
}

/// Callable helpers used by expressions and the solver.
impl Checker<'_> {
    /// Matches call arguments to the parameters of `def`; `receiver` for method calls.
    pub fn bind_arguments(
        &mut self,
        def: DefId,
        receiver: bool,
        positional: usize,
        keywords: &[ast::Keyword],
        span: Span,
    ) -> Option<Vec<ArgSource>> {
        let info = self.defs[def.0 as usize];
        let params = &info.def.params;
        let mut sources: Vec<Option<ArgSource>> = vec![None; params.len()];
        let offset = usize::from(receiver);
        if receiver {
            sources[0] = Some(ArgSource::Receiver);
        }
        let name = &info.def.name.name;
        // Positional arguments fill the parameters that are not keyword-only; a variadic host
        // function passes the rest on after them.
        let slots: Vec<usize> = (offset..params.len())
            .filter(|&i| !params[i].keyword_only)
            .collect();
        if positional > slots.len() && !info.def.variadic {
            self.error(
                span,
                format!(
                    "`{name}` takes {} positional argument(s) but {positional} were given",
                    slots.len()
                ),
            );
            return None;
        }
        for (i, &slot) in slots.iter().enumerate().take(positional) {
            sources[slot] = Some(ArgSource::Positional(i));
        }
        let extra = (slots.len()..positional).map(ArgSource::Positional);
        let mut extra_keywords = Vec::new();
        for (k, kw) in keywords.iter().enumerate() {
            match params.iter().position(|p| p.name.name == kw.name.name) {
                Some(i) if sources[i].is_none() => sources[i] = Some(ArgSource::Keyword(k)),
                Some(_) => {
                    self.error(
                        kw.name.span,
                        format!(
                            "`{name}` got multiple values for argument `{}`",
                            kw.name.name
                        ),
                    );
                    return None;
                }
                None if info.def.variadic_keywords => extra_keywords.push(k),
                None => {
                    self.error(
                        kw.name.span,
                        format!("`{name}` has no parameter `{}`", kw.name.name),
                    );
                    return None;
                }
            }
        }
        let mut out = Vec::new();
        for (i, s) in sources.into_iter().enumerate() {
            match s {
                Some(s) => out.push(s),
                None => match &params[i].default {
                    Some(d) => match evaluate(d, &self.constants) {
                        Ok(v) => out.push(ArgSource::Default(v)),
                        Err(e) => {
                            self.diagnostics.push(e);
                            return None;
                        }
                    },
                    None => {
                        let given = positional + keywords.len();
                        self.error(
                            span,
                            format!("`{name}` takes {} argument(s) but {given} were given (missing `{}`)", params.len() - offset, params[i].name.name),
                        );
                        return None;
                    }
                },
            }
        }
        out.extend(extra);
        // `**kwargs`: the other keywords' values, then their names (one string, comma-separated).
        if info.def.variadic_keywords {
            let names: Vec<&str> = extra_keywords
                .iter()
                .map(|&k| keywords[k].name.name.as_str())
                .collect();
            let names = ConstValue::Str(names.join(","));
            out.extend(extra_keywords.iter().map(|&k| ArgSource::Keyword(k)));
            out.push(ArgSource::Default(names));
        }
        Some(out)
    }

    /// Type of a default value, honouring the parameter's annotation (`n: int64 = 5`).
    pub fn default_type(&mut self, def: DefId, param: usize, value: &ConstValue) -> Ty {
        let info = self.defs[def.0 as usize];
        // Past the parameters: what a host function's `**kwargs` takes.
        let Some(declared) = info.def.params.get(param) else {
            return value.ty();
        };
        if let Some(a) = &declared.annotation {
            if let Some(t) = self.annotation(a) {
                if matches!(
                    (&t, value),
                    (Ty::Int64, ConstValue::Int(_)) | (Ty::Float, ConstValue::Int(_))
                ) {
                    return t;
                }
            }
        }
        value.ty()
    }

    pub fn is_callable(&self, ty: &Ty) -> bool {
        matches!(self.table.shallow(ty), Ty::Callable(_))
    }

    pub fn method_of(&self, class: ClassId, name: &str) -> Option<DefId> {
        self.classes[class.0 as usize].methods.get(name).copied()
    }

    pub fn callable(&self, ty: &Ty) -> Option<Callable> {
        match self.table.shallow(ty) {
            Ty::Callable(c) => Some(c),
            _ => None,
        }
    }
}
