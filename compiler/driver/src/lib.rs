//! The compile pipeline: source -> AST -> types -> IR -> per-unit objects (cached) -> linked image.
//! Each phase is timed; the CLI, tests and benchmarks all go through [`Compiler`].

use std::collections::HashMap;
use std::time::{Duration, Instant};
use strobe_cache::{CacheKey, UnitCache};
use strobe_codegen::{OptLevel, Target};
use strobe_link::{Archive, InputObject, LinkConfig, LinkedImage};
use strobe_syntax::{Diagnostic, SourceFile};

/// The kernel runtime for standalone programs (Linux user mode), built by `build.rs`.
pub static KERNEL_RUNTIME: &[u8] = include_bytes!(env!("STROBE_KERNEL_RT"));

#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// Errors in the program, to be rendered against its source.
    #[error("{} error(s) in {}", .1.len(), .0.name)]
    Source(SourceFile, Vec<Diagnostic>),
    #[error(transparent)]
    Codegen(#[from] strobe_codegen::CodegenError),
    #[error("link: {0}")]
    Link(#[from] strobe_link::LinkError),
    #[error(transparent)]
    Cache(#[from] strobe_cache::CacheError),
}

impl CompileError {
    /// The message a user sees: rendered diagnostics for source errors.
    pub fn render(&self) -> String {
        match self {
            CompileError::Source(file, diagnostics) => strobe_syntax::render_diagnostics(file, diagnostics),
            other => format!("error: {other}\n"),
        }
    }
}

/// Wall time of each phase of one compile.
#[derive(Clone, Copy, Debug, Default)]
pub struct PhaseTimings {
    pub parse: Duration,
    pub infer: Duration,
    pub ir: Duration,
    /// LLVM IR construction and the optimization pipeline.
    pub llvm: Duration,
    /// Machine code emission into objects.
    pub emit: Duration,
    pub link: Duration,
}

impl PhaseTimings {
    pub fn total(&self) -> Duration {
        self.parse + self.infer + self.ir + self.llvm + self.emit + self.link
    }
}

pub struct CompileOutput {
    pub image: LinkedImage,
    /// The link units' objects, as given to the linker.
    pub objects: Vec<InputObject>,
    pub timings: PhaseTimings,
    /// Units compiled by LLVM in this run, and units taken from the cache.
    pub units_compiled: usize,
    pub units_cached: usize,
}

/// Compiles kernel programs, remembering compiled units in memory and (optionally) on disk.
pub struct Compiler {
    target: Target,
    opt: OptLevel,
    disk: Option<UnitCache>,
    memory: HashMap<CacheKey, Vec<u8>>,
}

impl Compiler {
    pub fn new(disk: Option<UnitCache>) -> Self {
        Compiler { target: Target::Rv32im, opt: OptLevel::Default, disk, memory: HashMap::new() }
    }

    /// Front end only: parse and type-check, returning diagnostics (used by tests and fuzzing).
    pub fn check(file: &SourceFile) -> Result<(), Vec<Diagnostic>> {
        let module = strobe_syntax::parse(file)?;
        let typed = strobe_types::check_program(&module)?;
        strobe_ir::lower_program(&typed, file).map(|_| ())
    }

    pub fn compile(&mut self, file: &SourceFile) -> Result<CompileOutput, CompileError> {
        let mut t = PhaseTimings::default();
        let source_error = |d: Vec<Diagnostic>| CompileError::Source(file.clone(), d);
        let start = Instant::now();
        let module = strobe_syntax::parse(file).map_err(source_error)?;
        t.parse = start.elapsed();
        let start = Instant::now();
        let typed = strobe_types::check_program(&module).map_err(source_error)?;
        t.infer = start.elapsed();
        let start = Instant::now();
        let program = strobe_ir::lower_program(&typed, file).map_err(source_error)?;
        t.ir = start.elapsed();
        let options = match self.opt {
            OptLevel::None => "O0",
            OptLevel::Default => "O2",
        };
        let mut objects = Vec::new();
        let (mut compiled, mut cached) = (0, 0);
        for unit in &program.units {
            let key = CacheKey::new(&unit.key.0, self.target.name(), options);
            let name = program.function(unit.root).symbol.clone();
            let bytes = if let Some(b) = self.memory.get(&key) {
                cached += 1;
                b.clone()
            } else if let Some(b) = self.disk.as_ref().and_then(|d| d.get(&key)) {
                cached += 1;
                self.memory.insert(key, b.clone());
                b
            } else {
                let object = strobe_codegen::compile_unit(&program, unit, self.target, self.opt)?;
                t.llvm += object.llvm_time;
                t.emit += object.emit_time;
                compiled += 1;
                if let Some(d) = &self.disk {
                    d.put(&key, &object.bytes)?;
                }
                self.memory.insert(key, object.bytes.clone());
                object.bytes
            };
            objects.push(InputObject { name, bytes });
        }
        let start = Instant::now();
        let runtime = Archive { name: "libstrobe_kernel_rt.a".into(), bytes: KERNEL_RUNTIME.to_vec() };
        let image = strobe_link::link(&objects, &[runtime], &LinkConfig::linux_user("_start"))?;
        t.link = start.elapsed();
        Ok(CompileOutput { image, objects, timings: t, units_compiled: compiled, units_cached: cached })
    }
}
