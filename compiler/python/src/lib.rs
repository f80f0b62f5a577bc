//! `strobe._native`: the extension module of the `strobe` Python package. It gives the package the
//! compiler and the core device ([`session::Session`], `compile_program`) and the whole command line
//! (`main`, behind the `strobe` console script and `python -m strobe`), in whatever interpreter
//! imported it: a venv, conda, Jupyter, pytest.
#![allow(unsafe_code)] // pyo3's generated glue

mod session;
mod values;

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;
use session::{compile_error, composed, python_executable, runtime_error, KernelCompileError, Run};
use strobe_cli::connection::{device_build, device_compiler};
use strobe_cli::{ExperimentRequest, Experiments, RunOutputs};

/// Compiles a composed program for the core device this build carries and writes the linked ELF;
/// returns the compile time in seconds, the units compiled and the bytes of the image a device loads.
#[pyfunction]
#[pyo3(signature = (name, text, runs, output, no_cache=false, quoted=None))]
fn compile_program(
    name: &str,
    text: &str,
    runs: Vec<Run>,
    output: &str,
    no_cache: bool,
    quoted: Option<Bound<'_, pyo3::types::PyList>>,
) -> PyResult<(f64, usize, usize)> {
    let build = device_build().map_err(runtime_error)?;
    let mut compiler = device_compiler(&build, no_cache);
    compiler.allow_host_calls(true);
    let values = quoted.map(session::QuotedList);
    let out = compiler
        .compile_with(
            &composed(name, text, runs),
            values
                .as_ref()
                .map(|v| v as &dyn strobe_driver::QuotedValues),
        )
        .map_err(compile_error)?;
    let image = strobe_cli::precompiled::stamp(&out.whole_image(), &build);
    strobe_cli::write_executable(std::path::Path::new(output), &image.to_elf())
        .map_err(runtime_error)?;
    Ok((
        out.timings.total().as_secs_f64(),
        out.units_compiled,
        image.flat().1.len(),
    ))
}

/// The `strobe` command line (`argv` with the program name first); returns the exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    let python = python_executable(py);
    strobe_cli::main(argv, python.as_deref(), &Runner { py })
}

/// Experiments run in this interpreter, through `strobe.runner`.
struct Runner<'py> {
    py: Python<'py>,
}

impl<'py> Runner<'py> {
    /// Calls `strobe.runner.<function>(*args())` and returns its exit code; Python errors (also in
    /// making the arguments) are printed.
    fn call(&self, function: &str, args: impl FnOnce() -> PyResult<Vec<Bound<'py, PyAny>>>) -> u8 {
        let py = self.py;
        let result = (|| -> PyResult<u8> {
            let args = PyTuple::new(py, args()?)?;
            py.import("strobe.runner")?
                .getattr(function)?
                .call1(args)?
                .extract()
        })();
        result.unwrap_or_else(|e| {
            e.print(py);
            2
        })
    }

    /// The runner's first arguments: file, parameters, class.
    fn arguments(&self, request: &ExperimentRequest) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = self.py;
        Ok(vec![
            request.file.clone().into_bound_py_any(py)?,
            request.params.clone().into_bound_py_any(py)?,
            request.class_name.clone().into_bound_py_any(py)?,
        ])
    }
}

impl Experiments for Runner<'_> {
    fn run(&self, request: ExperimentRequest, outputs: RunOutputs) -> u8 {
        let py = self.py;
        self.call("run_experiment", || {
            let mut args = self.arguments(&request)?;
            for extra in [outputs.device, outputs.trace, outputs.vcd] {
                args.push(extra.into_bound_py_any(py)?);
            }
            args.push(request.no_cache.into_bound_py_any(py)?);
            args.push(outputs.hdf5.into_bound_py_any(py)?);
            args.push(outputs.dataset_db.into_bound_py_any(py)?);
            args.push(outputs.take_over.into_bound_py_any(py)?);
            args.push(outputs.record.into_bound_py_any(py)?);
            Ok(args)
        })
    }

    fn compile(&self, request: ExperimentRequest, output: String) -> u8 {
        let py = self.py;
        self.call("compile_experiment", || {
            let mut args = self.arguments(&request)?;
            args.insert(1, output.into_bound_py_any(py)?);
            args.push(request.no_cache.into_bound_py_any(py)?);
            Ok(args)
        })
    }

    fn interrupted(&self) -> bool {
        // Python's handler runs: Ctrl-C (KeyboardInterrupt) interrupts, a handler that only notes
        // the signal (the scheduler's termination request) does not.
        self.py.check_signals().is_err()
    }
}

/// The compiler's system calls: `(name, parameter types, result type)`, types as kernel type names
/// (`int32`, `int64`, `float`, `None`). The package's declarations are tested against this.
#[pyfunction]
fn syscalls() -> Vec<(String, Vec<String>, String)> {
    let name = |t: &strobe_types::Ty| t.display(&|_| String::new()).to_string();
    strobe_types::Builtin::syscalls()
        .map(|(n, params, result)| {
            (
                n.to_string(),
                params.iter().map(name).collect(),
                name(&result),
            )
        })
        .collect()
}

/// numpy's and scipy.special's functions kernels have: `(name, C function, arity, scipy.special)`.
#[pyfunction]
fn libm_functions() -> Vec<(&'static str, &'static str, u8, bool)> {
    strobe_types::LibmFn::ALL
        .iter()
        .map(|f| (f.name, f.symbol, f.arity, f.scipy))
        .collect()
}

/// The core device's builtin exceptions: `(runtime id, Python name)`.
#[pyfunction]
fn builtin_exceptions() -> Vec<(u32, &'static str)> {
    strobe_abi::ExceptionId::ALL
        .iter()
        .map(|(id, name, _)| (*id as u32, *name))
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<session::Session>()?;
    m.add_function(wrap_pyfunction!(compile_program, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add_function(wrap_pyfunction!(syscalls, m)?)?;
    m.add_function(wrap_pyfunction!(builtin_exceptions, m)?)?;
    m.add_function(wrap_pyfunction!(libm_functions, m)?)?;
    m.add("MAX_ARRAY_DIMS", strobe_types::MAX_ARRAY_DIMS)?;
    m.add("CHAIN_SEPARATOR", strobe_protocol::CHAIN_SEPARATOR)?;
    m.add(
        "KernelCompileError",
        m.py().get_type::<KernelCompileError>(),
    )?;
    Ok(())
}
