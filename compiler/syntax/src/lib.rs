//! Stage 1: Python source -> kernel AST ([`ast::Module`]) with byte spans.
//!
//! Parsing is done by `ruff_python_parser`; [`lower`] turns its tree into our smaller kernel AST and
//! rejects, with a located [`Diagnostic`], everything the kernel language does not support.
//! [`Diagnostic`] is the one error type every later stage reports with; [`render`] prints it.

pub mod ast;
pub use nesting::MAX_NESTING;
mod diagnostic;
mod lower;
mod lower_module;
mod lower_sugar;
mod lower_with;
mod nesting;
mod render;
mod source;

pub use diagnostic::{Diagnostic, Label};
pub use render::render_diagnostics;
pub use source::{LineCol, SourceFile, SourceMap, SourceRun, Span};

/// What a program may contain beyond the kernel language proper.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Host functions declared with `@rpc(service=N)` (programs composed by the experiment runner).
    pub host_calls: bool,
}

/// Parses `file` into a kernel module.
pub fn parse(file: &SourceFile) -> Result<ast::Module, Vec<Diagnostic>> {
    lower::parse_module(file, ParseOptions::default())
}

/// Parses `file` into a kernel module with `options`.
pub fn parse_with(
    file: &SourceFile,
    options: ParseOptions,
) -> Result<ast::Module, Vec<Diagnostic>> {
    lower::parse_module(file, options)
}
