//! The compile pipeline: source -> AST -> types -> IR -> per-unit objects (cached) -> linked image.
//! Each phase is timed; the CLI, tests and benchmarks all go through [`Compiler`].

mod quoted;
mod recent;

pub use quoted::{QuotedError, QuotedValues};
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
    #[error(transparent)]
    Quoted(#[from] QuotedError),
}

impl CompileError {
    /// The message a user sees: rendered diagnostics for source errors.
    pub fn render(&self) -> String {
        match self {
            CompileError::Source(file, diagnostics) => {
                strobe_syntax::render_diagnostics(file, diagnostics)
            }
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
    /// Wall time of LLVM work (`llvm` and `emit` are summed over units compiled in parallel).
    pub codegen_wall: Duration,
    /// Laying out the quoted host values (no LLVM).
    pub data: Duration,
    pub link: Duration,
}

impl PhaseTimings {
    /// Wall time of the whole compile.
    pub fn total(&self) -> Duration {
        self.parse + self.infer + self.ir + self.codegen_wall + self.data + self.link
    }
}

#[derive(Clone)]
pub struct CompileOutput {
    /// The program's code linked as one image at the platform's base (the runtime archive's members
    /// included for standalone programs); a device loads the units of `objects` instead.
    pub image: LinkedImage,
    /// The quoted-value table (`strobe_abi::QUOTED_DATA`), for programs that quote host values.
    pub quoted: Option<Vec<u8>>,
    /// The kernel type of each quoted slot (to lay out new values without compiling again).
    pub quoted_slots: Vec<(u32, strobe_ir::Type)>,
    /// The source as compiled (device drivers appended): its map tells where each line came from.
    pub source: SourceFile,
    /// Every exception class the program knows (builtins and its own) with its runtime type id.
    pub exceptions: Vec<(String, u32)>,
    /// The link units' objects, as given to the linker.
    pub objects: Vec<InputObject>,
    /// The symbols the platform defines outside the program (the firmware's kernel ABI).
    pub externals: std::collections::BTreeMap<String, u32>,
    pub timings: PhaseTimings,
    /// Units compiled by LLVM in this run, and units taken from the cache.
    pub units_compiled: usize,
    pub units_cached: usize,
    /// The compiler had compiled this exact source recently: no stage ran (only the quoted-value
    /// table was laid out again).
    pub reused: bool,
}

impl CompileOutput {
    /// New values for the program's quoted slots: only the data table changes (no compile).
    pub fn requote(&mut self, values: &dyn QuotedValues) -> Result<(), QuotedError> {
        if !self.quoted_slots.is_empty() {
            self.quoted = Some(quoted::table(&self.quoted_slots, values)?);
        }
        Ok(())
    }

    /// The whole program as one file: the code image with the quoted-value table appended (for
    /// `strobe compile`'s ELF output and image sizes).
    pub fn whole_image(&self) -> LinkedImage {
        match &self.quoted {
            Some(table) => self.image.with_data(strobe_abi::QUOTED_DATA, table),
            None => self.image.clone(),
        }
    }
}

/// What kernels are compiled for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Platform {
    /// A standalone program for `qemu-riscv32` (Linux user mode), with its own runtime.
    Standalone,
    /// A kernel for the core device: loaded at `base`, calling the firmware's kernel ABI at `externals`,
    /// writing RTIO events inline when the registers are known.
    Device {
        clock_hz: u64,
        base: u32,
        externals: std::collections::BTreeMap<String, u32>,
        rtio_registers: Option<RtioRegisters>,
    },
}

impl Platform {
    /// The platform of a device (as its handshake or its SoC build describes it), with its firmware's
    /// kernel ABI addresses and, when known, the address of its RTIO core's fast event window.
    pub fn for_device(
        clock_hz: u64,
        kernel_base: u32,
        exports: &std::collections::BTreeMap<String, u32>,
        rtio_fast_window: Option<u32>,
    ) -> Platform {
        Platform::Device {
            clock_hz,
            base: kernel_base,
            externals: exports.clone(),
            rtio_registers: rtio_fast_window.map(|fast_window| RtioRegisters { fast_window }),
        }
    }
}

pub use strobe_ir::RtioRegisters;

/// Compiles kernel programs, remembering compiled units in memory and (optionally) on disk.
pub struct Compiler {
    target: Target,
    opt: OptLevel,
    platform: Platform,
    disk: Option<UnitCache>,
    /// Each unit's objects (one per part).
    memory: HashMap<CacheKey, Vec<Vec<u8>>>,
    /// Accept `@rpc(service=N)` functions (programs composed from a host process's kernels).
    host_calls: bool,
    /// The last programs compiled, returned again when their source comes back unchanged.
    recent: recent::Recent,
}

impl Compiler {
    pub fn new(disk: Option<UnitCache>) -> Self {
        Compiler {
            target: Target::Rv32im,
            opt: OptLevel::Default,
            platform: Platform::Standalone,
            disk,
            memory: HashMap::new(),
            host_calls: false,
            recent: recent::Recent::default(),
        }
    }

    pub fn for_platform(disk: Option<UnitCache>, platform: Platform) -> Self {
        Compiler {
            platform,
            ..Compiler::new(disk)
        }
    }

    fn lower_options(&self) -> strobe_ir::LowerOptions {
        match &self.platform {
            Platform::Standalone => strobe_ir::LowerOptions::default(),
            Platform::Device { rtio_registers, .. } => strobe_ir::LowerOptions {
                mu_per_second: Some(strobe_abi::rtio::MU_PER_SECOND),
                rtio_registers: *rtio_registers,
            },
        }
    }

    fn link_config(&self) -> LinkConfig {
        match &self.platform {
            Platform::Standalone => LinkConfig::linux_user("_start"),
            Platform::Device {
                base, externals, ..
            } => LinkConfig::device(*base, strobe_abi::KERNEL_ENTRY, externals.clone()),
        }
    }

    /// Front end only: parse and type-check, returning diagnostics (used by tests and fuzzing).
    pub fn check(file: &SourceFile) -> Result<(), Vec<Diagnostic>> {
        with_deep_stack(|| {
            let module = strobe_syntax::parse(file)?;
            let typed =
                strobe_types::check_program(&module, strobe_types::CheckOptions::default())?;
            strobe_ir::lower_program(&typed, file, strobe_ir::LowerOptions::default()).map(|_| ())
        })
    }

    /// The unoptimized LLVM IR of every link unit (for inspection: `strobe compile --emit-llvm`).
    pub fn llvm_ir(&self, file: &SourceFile) -> Result<String, CompileError> {
        with_deep_stack(|| {
            let source_error = |d: Vec<Diagnostic>| CompileError::Source(file.clone(), d);
            let module = strobe_syntax::parse(file).map_err(source_error)?;
            let typed =
                strobe_types::check_program(&module, self.check_options()).map_err(source_error)?;
            let program = strobe_ir::lower_program(&typed, file, self.lower_options())
                .map_err(source_error)?;
            let mut out = String::new();
            for unit in &program.units {
                out.push_str(&strobe_codegen::unit_llvm_ir(&program, unit, self.target)?);
            }
            Ok(out)
        })
    }

    /// What the type checker's rules need to know of the target.
    fn check_options(&self) -> strobe_types::CheckOptions {
        strobe_types::CheckOptions {
            device: matches!(self.platform, Platform::Device { .. }),
            host_calls: self.host_calls,
        }
    }

    /// Lets programs declare host functions (`@rpc(service=N)`): for programs composed by the
    /// experiment runner, which serves those calls.
    pub fn allow_host_calls(&mut self, allow: bool) {
        self.host_calls = allow;
    }

    fn parse(&self, file: &SourceFile) -> Result<strobe_syntax::ast::Module, Vec<Diagnostic>> {
        strobe_syntax::parse_with(
            file,
            strobe_syntax::ParseOptions {
                host_calls: self.host_calls,
            },
        )
    }

    pub fn compile(&mut self, file: &SourceFile) -> Result<CompileOutput, CompileError> {
        self.compile_with(file, None)
    }

    /// Compiles a composed program whose quoted host values (`__strobe_quoted`) `quoted` encodes:
    /// they become a data table beside the code, so a changed value compiles nothing.
    pub fn compile_with(
        &mut self,
        file: &SourceFile,
        quoted: Option<&dyn QuotedValues>,
    ) -> Result<CompileOutput, CompileError> {
        let start = Instant::now();
        if let Some(mut output) = self.recent.get(file, self.host_calls) {
            // Only the quoted values may differ: their table is laid out again.
            output.quoted = quoted::table_for(&output.quoted_slots, quoted)?;
            output.timings = PhaseTimings {
                parse: start.elapsed(),
                ..PhaseTimings::default()
            };
            output.units_cached += output.units_compiled;
            output.units_compiled = 0;
            output.reused = true;
            return Ok(output);
        }
        let mut t = PhaseTimings::default();
        let source_error = |d: Vec<Diagnostic>| CompileError::Source(file.clone(), d);
        let program = with_deep_stack(|| {
            let start = Instant::now();
            let module = self.parse(file)?;
            t.parse = start.elapsed();
            let start = Instant::now();
            let typed = strobe_types::check_program(&module, self.check_options())?;
            t.infer = start.elapsed();
            let start = Instant::now();
            let program = strobe_ir::lower_program(&typed, file, self.lower_options())?;
            t.ir = start.elapsed();
            Ok(program)
        })
        .map_err(source_error)?;
        let options = match (&self.opt, self.lower_options().mu_per_second) {
            (OptLevel::None, None) => "O0".to_string(),
            (OptLevel::Default, None) => "O2".to_string(),
            (o, Some(hz)) => {
                let inline = self
                    .lower_options()
                    .rtio_registers
                    .map_or("call".to_string(), |r| format!("{:x}", r.fast_window));
                format!(
                    "{}-dev{hz}-rtio{inline}",
                    if *o == OptLevel::None { "O0" } else { "O2" }
                )
            }
        };
        // A unit's code also depends on the kernel ABI it calls and on the code generator itself.
        let options = format!(
            "{options}-abi{}-cg{}",
            strobe_abi::ABI_VERSION,
            &env!("STROBE_CODEGEN_FINGERPRINT")[..8]
        );
        // Units found in memory or on disk are reused; the rest go to LLVM on two threads.
        let keys: Vec<CacheKey> = program
            .units
            .iter()
            .map(|u| CacheKey::new(&u.key.0, self.target.name(), &options))
            .collect();
        let mut found: Vec<Option<Vec<Vec<u8>>>> = keys
            .iter()
            .map(|k| {
                self.memory
                    .get(k)
                    .cloned()
                    .or_else(|| self.disk.as_ref().and_then(|d| d.get(k)))
            })
            .collect();
        let cached = found.iter().filter(|f| f.is_some()).count();
        let missing: Vec<usize> = (0..keys.len()).filter(|&i| found[i].is_none()).collect();
        let start = Instant::now();
        let built = compile_units(&program, &missing, self.target, self.opt)?;
        t.codegen_wall = start.elapsed();
        for (i, parts) in missing.iter().zip(built) {
            t.llvm += parts.iter().map(|p| p.llvm_time).sum::<Duration>();
            t.emit += parts.iter().map(|p| p.emit_time).sum::<Duration>();
            let objects: Vec<Vec<u8>> = parts.into_iter().map(|p| p.bytes).collect();
            if let Some(d) = &self.disk {
                d.put(&keys[*i], &objects)?;
            }
            found[*i] = Some(objects);
        }
        // A unit split into parts (see `strobe_codegen::split_unit`) is one object per part.
        let mut objects = Vec::new();
        for ((unit, key), parts) in program.units.iter().zip(keys).zip(found) {
            let parts = parts.unwrap_or_default();
            let root = &program.function(unit.root).symbol;
            objects.extend(parts.iter().enumerate().map(|(index, bytes)| InputObject {
                name: strobe_codegen::part_object_name(root, index),
                bytes: bytes.clone(),
            }));
            self.memory.insert(key, parts);
        }
        let compiled = missing.len();
        let start = Instant::now();
        let quoted = quoted::table_for(&program.quoted, quoted)?;
        t.data = start.elapsed();
        let start = Instant::now();
        let runtime = runtime_archive();
        let config = self.link_config();
        let image = strobe_link::link(&objects, &[runtime], &config)?;
        t.link = start.elapsed();
        // The program's trees recurse as deep as its nesting: dropped on the deep stack too.
        let slots = program.quoted.clone();
        let exceptions = program.exceptions.clone();
        with_deep_stack(move || drop(program));
        let output = CompileOutput {
            image,
            quoted,
            quoted_slots: slots,
            externals: config.externals,
            source: file.clone(),
            exceptions,
            objects,
            timings: t,
            units_compiled: compiled,
            units_cached: cached,
            reused: false,
        };
        self.recent.put(file, self.host_calls, &output);
        Ok(output)
    }
}

/// The stack the compiler's stages run on: they recurse over the program's nesting, which the
/// syntax stage bounds (`strobe_syntax::MAX_NESTING`); this much stack holds that depth with room
/// to spare (it is reserved address space, touched only as deep as a program goes).
const STAGE_STACK_BYTES: usize = 1 << 30;

fn deep_stack_thread() -> std::thread::Builder {
    std::thread::Builder::new()
        .name("strobe-compile".into())
        .stack_size(STAGE_STACK_BYTES)
}

/// Runs `f` on a thread with [`STAGE_STACK_BYTES`] of stack.
fn with_deep_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        deep_stack_thread()
            .spawn_scoped(s, f)
            .expect("cannot start a compiler thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The kernel runtime archive (for standalone programs; on the device, the support functions come
/// from it). One per process: its symbol index is built once.
pub fn runtime_archive() -> Archive {
    static RUNTIME: std::sync::OnceLock<Archive> = std::sync::OnceLock::new();
    RUNTIME
        .get_or_init(|| Archive::new("libstrobe_kernel_rt.a", KERNEL_RUNTIME))
        .clone()
}

/// Compiles the given units of `program` on two threads (each with its own LLVM context): a large
/// unit is split into parts, and the parts go largest first to the less loaded thread. Returns
/// each unit's objects, in the order of `which`.
fn compile_units(
    program: &strobe_ir::Program,
    which: &[usize],
    target: Target,
    opt: OptLevel,
) -> Result<Vec<Vec<strobe_codegen::UnitObject>>, strobe_codegen::CodegenError> {
    const WORKERS: usize = 2;
    let mut jobs: Vec<(usize, strobe_codegen::UnitPart)> = which
        .iter()
        .enumerate()
        .flat_map(|(k, &i)| {
            strobe_codegen::split_unit(program, &program.units[i], WORKERS)
                .into_iter()
                .map(move |part| (k, part))
        })
        .collect();
    jobs.sort_by_key(|(k, part)| (std::cmp::Reverse(part.size), *k, part.index));
    let mut queues: Vec<Vec<&(usize, strobe_codegen::UnitPart)>> = vec![Vec::new(); WORKERS];
    let mut loads = [0usize; WORKERS];
    for job in &jobs {
        let lightest = (0..WORKERS).min_by_key(|&w| (loads[w], w)).unwrap_or(0);
        loads[lightest] += job.1.size.max(1);
        queues[lightest].push(job);
    }
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = queues
            .into_iter()
            .filter(|q| !q.is_empty())
            .map(|queue| {
                deep_stack_thread().spawn_scoped(s, move || {
                    queue
                        .into_iter()
                        .map(|(k, part)| {
                            let unit = &program.units[which[*k]];
                            let object =
                                strobe_codegen::compile_part(program, unit, part, target, opt);
                            (*k, part.index, object)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.expect("cannot start a code generation thread")
                    .join()
                    .expect("codegen worker panicked")
            })
            .collect()
    });
    let mut ordered = results;
    ordered.sort_by_key(|(k, index, _)| (*k, *index));
    let mut units: Vec<Vec<strobe_codegen::UnitObject>> =
        which.iter().map(|_| Vec::new()).collect();
    for (k, _, object) in ordered {
        units[k].push(object?);
    }
    Ok(units)
}
