//! `strobe_native`: the Python module the `strobe` binary builds into its embedded interpreter. It
//! gives the pure-Python package (`strobe.runtime`) the compiler and the core device:
//! `Session(device)` compiles composed programs, uploads them (only when the image changed), runs
//! them serving their RPCs through a Python callable, and hands back the outcome; `compile_program`
//! compiles without a device (`strobe compile experiment.py`).
#![allow(unsafe_code)] // pyo3's generated glue

use crate::run::{describe_fault, device_compiler, sim_build, Connection};
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use std::time::Instant;
use strobe_device::{Outcome, RpcAnswer, RpcCall};
use strobe_driver::{CompileError, CompileOutput, Compiler};
use strobe_protocol::rpc::{self, tag, Token, ValueWriter};
use strobe_protocol::MAX_PAYLOAD;
use strobe_syntax::{SourceFile, SourceMap};

pyo3::create_exception!(strobe_native, KernelCompileError, PyException);

/// One run of copied lines: (first line, line count, file, first line in that file).
type Run = (u32, u32, String, u32);

fn composed(name: &str, text: &str, runs: Vec<Run>) -> SourceFile {
    let mut map = SourceMap::default();
    for (first, len, file, origin) in runs {
        map.add(first, len, file, origin);
    }
    SourceFile::composed(name, text, map)
}

fn compile_error(e: CompileError) -> PyErr {
    match e {
        e @ CompileError::Source(..) => KernelCompileError::new_err(e.render()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

fn runtime_error(e: impl std::fmt::Display) -> PyErr {
    PyRuntimeError::new_err(format!("{e:#}"))
}

/// The program's exception classes (builtins and its own), name -> runtime type id.
fn exception_table<'py>(py: Python<'py>, out: &CompileOutput) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (name, id) in &out.exceptions {
        d.set_item(name, id)?;
    }
    Ok(d)
}

/// A connection to a core device with the compiler for it.
#[pyclass(unsendable)]
struct Session {
    /// None once closed (the simulator, if this session started one, is stopped).
    link: Option<Connection>,
    compiler: Compiler,
    /// The last compiled program, its entry and whether the device holds that image.
    loaded: Option<(CompileOutput, u32)>,
    /// How the last image reached the device: "unchanged", "patched", "uploaded", and bytes sent.
    last_delivery: (&'static str, usize),
    /// Wall time of the last load's compile and upload, in seconds (benchmarks).
    last_compile: f64,
    last_upload: f64,
}

#[pymethods]
impl Session {
    #[new]
    #[pyo3(signature = (device=None, no_cache=false))]
    fn new(device: Option<&str>, no_cache: bool) -> PyResult<Self> {
        let build = sim_build().map_err(runtime_error)?;
        let link = Connection::open(&build, device).map_err(runtime_error)?;
        let mut compiler = link.compiler(&build, no_cache);
        compiler.allow_host_calls(true);
        Ok(Session {
            link: Some(link),
            compiler,
            loaded: None,
            last_delivery: ("none", 0),
            last_compile: 0.0,
            last_upload: 0.0,
        })
    }

    /// Compiles a composed program and puts it on the device (unless it holds that image already);
    /// returns the program's exception classes, builtins included (name -> id). Program errors raise `KernelCompileError`.
    fn load<'py>(
        &mut self,
        py: Python<'py>,
        name: &str,
        text: &str,
        runs: Vec<Run>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let source = composed(name, text, runs);
        let link = self.link.as_mut().ok_or_else(closed)?;
        let start = Instant::now();
        let out = self.compiler.compile(&source).map_err(compile_error)?;
        self.last_compile = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let (entry, delivery) = link.load(&out).map_err(runtime_error)?;
        self.last_delivery = match delivery {
            crate::run::Delivery::Unchanged => ("unchanged", 0),
            crate::run::Delivery::Patched(n) => ("patched", n),
            crate::run::Delivery::Uploaded(n) => ("uploaded", n),
        };
        self.last_upload = start.elapsed().as_secs_f64();
        let table = exception_table(py, &out)?;
        self.loaded = Some((out, entry));
        Ok(table)
    }

    /// Runs the loaded program. `on_rpc(service, args, ret_tags)` serves its RPCs and returns
    /// `("ok", value)` or `("raise", type_id, name, message)`; `on_output(text)` gets its output.
    /// Returns `{"outcome": "finished"|"exception"|"fault", ...}`.
    fn run<'py>(
        &mut self,
        py: Python<'py>,
        on_rpc: Bound<'py, PyAny>,
        on_output: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let Some((out, entry)) = &self.loaded else {
            return Err(runtime_error("no kernel loaded"));
        };
        let link = self.link.as_mut().ok_or_else(closed)?;
        let failure: std::cell::RefCell<Option<PyErr>> = Default::default();
        let start = Instant::now();
        let result = link.device.run_with_rpc(
            *entry,
            |text| {
                if let Err(e) = on_output.call1((text,)) {
                    failure.borrow_mut().get_or_insert(e);
                }
            },
            |call| match serve(py, &on_rpc, call) {
                Ok(answer) => answer,
                Err(e) => {
                    // A bug in the RPC server itself: the kernel gets a RuntimeError, Python the error.
                    let message = e.to_string();
                    failure.borrow_mut().get_or_insert(e);
                    RpcAnswer::Exception {
                        type_id: strobe_abi::ExceptionId::RuntimeError as u32,
                        name: "RuntimeError".into(),
                        message,
                    }
                }
            },
        );
        let wall = start.elapsed().as_secs_f64();
        if let Some(e) = failure.into_inner() {
            return Err(e);
        }
        let result = result.map_err(runtime_error)?;
        let d = PyDict::new(py);
        d.set_item("wall", wall)?;
        match &result.outcome {
            Outcome::Finished { cycles } => {
                d.set_item("outcome", "finished")?;
                d.set_item("cycles", cycles)?;
            }
            Outcome::Exception {
                type_id,
                name,
                message,
                traceback,
            } => {
                d.set_item("outcome", "exception")?;
                d.set_item("type_id", type_id)?;
                d.set_item("name", name)?;
                d.set_item("message", message)?;
                d.set_item("traceback", traceback)?;
            }
            Outcome::Fault(f) => {
                d.set_item("outcome", "fault")?;
                d.set_item("message", describe_fault(out, f))?;
            }
        }
        Ok(d)
    }

    /// Ends the session; a simulator it started is stopped.
    fn close(&mut self) {
        self.link = None;
    }

    /// Seconds the last `load` spent compiling and uploading, how the image got to the device
    /// ("unchanged", "patched", "uploaded") and the bytes that took.
    fn last_load(&self) -> (f64, f64, &'static str, usize) {
        (
            self.last_compile,
            self.last_upload,
            self.last_delivery.0,
            self.last_delivery.1,
        )
    }

    /// Writes the simulator's trace (text and/or VCD; `-` is standard output).
    #[pyo3(signature = (trace=None, vcd=None))]
    fn write_traces(&self, trace: Option<String>, vcd: Option<String>) -> PyResult<()> {
        self.link
            .as_ref()
            .ok_or_else(closed)?
            .write_traces(
                trace.as_deref().map(std::path::Path::new),
                vcd.as_deref().map(std::path::Path::new),
            )
            .map_err(runtime_error)
    }
}

fn closed() -> PyErr {
    runtime_error("the core device session is closed")
}

/// Calls the Python RPC server for one call and turns its reply into the answer for the kernel.
fn serve(py: Python<'_>, on_rpc: &Bound<'_, PyAny>, call: &RpcCall) -> PyResult<RpcAnswer> {
    let args = decode_values(py, &call.tags, &call.args)?;
    let ret_tags = String::from_utf8_lossy(&call.ret_tags).into_owned();
    let reply = on_rpc.call1((call.service, args, ret_tags))?;
    let reply = reply.cast::<PyTuple>()?;
    let kind: String = reply.get_item(0)?.extract()?;
    if kind == "raise" {
        return Ok(RpcAnswer::Exception {
            type_id: reply.get_item(1)?.extract()?,
            name: reply.get_item(2)?.extract()?,
            message: reply.get_item(3)?.extract()?,
        });
    }
    let value = reply.get_item(1)?;
    let mut buffer = vec![0u8; MAX_PAYLOAD as usize - 256];
    let mut w = ValueWriter::new(&mut buffer);
    match encode_value(&value, &call.ret_tags, &mut w) {
        Ok(()) => {
            let n = w.len();
            buffer.truncate(n);
            Ok(RpcAnswer::Return {
                tags: call.ret_tags.clone(),
                value: buffer,
            })
        }
        Err(message) => Ok(RpcAnswer::Exception {
            type_id: strobe_abi::ExceptionId::TypeError as u32,
            name: "TypeError".into(),
            message,
        }),
    }
}

/// The kernel type a tag string describes, for messages (`list[int32]`).
fn type_name(tags: &[u8]) -> String {
    match tags.first() {
        Some(&tag::NONE) => "None".into(),
        Some(&tag::BOOL) => "bool".into(),
        Some(&tag::INT32) => "int32".into(),
        Some(&tag::INT64) => "int64".into(),
        Some(&tag::FLOAT) => "float".into(),
        Some(&tag::STR) => "str".into(),
        Some(&tag::LIST) => format!("list[{}]", type_name(&tags[1..])),
        Some(&tag::TUPLE) => {
            let items: Vec<String> = rpc::tuple_items(tags).flatten().map(type_name).collect();
            format!("tuple[{}]", items.join(", "))
        }
        _ => "?".into(),
    }
}

/// Writes `value` as the kernel type `tags`, or explains why it is not one.
fn encode_value(value: &Bound<'_, PyAny>, tags: &[u8], w: &mut ValueWriter) -> Result<(), String> {
    let expected = type_name(tags);
    let mismatch = || {
        let shown = value
            .repr()
            .map(|r| r.to_string())
            .unwrap_or_else(|_| "?".into());
        let ty = value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        format!("the host returned {shown} (a {ty}) where the kernel expects {expected}")
    };
    let full = |_| "the RPC result is too large for one message".to_string();
    match tags[0] {
        tag::NONE => Ok(()),
        tag::BOOL => {
            if !value.is_instance_of::<PyBool>() && !value.get_type().name().is_ok_and(|n| n == "bool_") {
                return Err(mismatch());
            }
            w.bool(value.is_truthy().map_err(|_| mismatch())?).map_err(full)
        }
        tag::INT32 | tag::INT64 => {
            if value.is_instance_of::<PyBool>() || value.is_instance_of::<PyFloat>() {
                return Err(mismatch());
            }
            let v: i64 = value.extract().map_err(|_| mismatch())?;
            if tags[0] == tag::INT32 {
                let v = i32::try_from(v).map_err(|_| format!("{v} does not fit the kernel's int32"))?;
                w.int32(v).map_err(full)
            } else {
                w.int64(v).map_err(full)
            }
        }
        tag::FLOAT => {
            if value.is_instance_of::<PyBool>() {
                return Err(mismatch());
            }
            w.float(value.extract::<f64>().map_err(|_| mismatch())?).map_err(full)
        }
        tag::STR => {
            if !value.is_instance_of::<PyString>() {
                return Err(mismatch());
            }
            w.str(&value.extract::<String>().map_err(|_| mismatch())?).map_err(full)
        }
        tag::LIST => {
            if value.is_instance_of::<PyString>() || value.is_instance_of::<PyDict>() {
                return Err(mismatch());
            }
            let items: Vec<Bound<'_, PyAny>> = value
                .try_iter()
                .map_err(|_| mismatch())?
                .collect::<PyResult<_>>()
                .map_err(|_| mismatch())?;
            w.list(items.len() as u32).map_err(full)?;
            for item in &items {
                encode_value(item, &tags[1..], w)?;
            }
            Ok(())
        }
        tag::TUPLE => {
            let Ok(tuple) = value.cast::<PyTuple>() else {
                return Err(mismatch());
            };
            let count = tags[1] as usize;
            if tuple.len() != count {
                return Err(mismatch());
            }
            for (item, item_tags) in tuple.iter().zip(rpc::tuple_items(tags).flatten()) {
                encode_value(&item, item_tags, w)?;
            }
            Ok(())
        }
        _ => Err(format!("unknown kernel type tag {:?}", tags[0] as char)),
    }
}

/// Python values for a list of kernel values (the RPC's arguments) as a tuple.
fn decode_values<'py>(py: Python<'py>, tags: &[u8], data: &[u8]) -> PyResult<Bound<'py, PyTuple>> {
    enum Open<'py> {
        List(Vec<Bound<'py, PyAny>>),
        Tuple(Vec<Bound<'py, PyAny>>),
    }
    let mut top: Vec<Bound<'py, PyAny>> = Vec::new();
    let mut stack: Vec<Open<'py>> = Vec::new();
    let mut error: Option<PyErr> = None;
    let push = |stack: &mut Vec<Open<'py>>, top: &mut Vec<Bound<'py, PyAny>>, v: Bound<'py, PyAny>| {
        match stack.last_mut() {
            Some(Open::List(items)) | Some(Open::Tuple(items)) => items.push(v),
            None => top.push(v),
        }
    };
    rpc::walk(tags, data, &mut |token| {
        let value: PyResult<Option<Bound<'py, PyAny>>> = (|| {
            Ok(match token {
                Token::None => Some(py.None().into_bound(py)),
                Token::Bool(b) => Some(PyBool::new(py, b).to_owned().into_any()),
                Token::Int32(v) => Some(PyInt::new(py, v).into_any()),
                Token::Int64(v) => Some(PyInt::new(py, v).into_any()),
                Token::Float(v) => Some(PyFloat::new(py, v).into_any()),
                Token::Str(s) => Some(PyString::new(py, s).into_any()),
                Token::ListBegin(_) => {
                    stack.push(Open::List(Vec::new()));
                    None
                }
                Token::TupleBegin(_) => {
                    stack.push(Open::Tuple(Vec::new()));
                    None
                }
                Token::End => match stack.pop() {
                    Some(Open::List(items)) => Some(PyList::new(py, items)?.into_any()),
                    Some(Open::Tuple(items)) => Some(PyTuple::new(py, items)?.into_any()),
                    None => None,
                },
            })
        })();
        match value {
            Ok(Some(v)) => push(&mut stack, &mut top, v),
            Ok(None) => {}
            Err(e) => {
                error.get_or_insert(e);
            }
        }
    })
    .map_err(|e| runtime_error(format!("undecodable RPC arguments: {e:?}")))?;
    if let Some(e) = error {
        return Err(e);
    }
    PyTuple::new(py, top)
}

/// Compiles a composed program for the simulated device's platform and writes the linked ELF.
#[pyfunction]
#[pyo3(signature = (name, text, runs, output, no_cache=false))]
fn compile_program(name: &str, text: &str, runs: Vec<Run>, output: &str, no_cache: bool) -> PyResult<(f64, usize)> {
    let build = sim_build().map_err(runtime_error)?;
    let mut compiler = device_compiler(&build, no_cache);
    compiler.allow_host_calls(true);
    let out = compiler
        .compile(&composed(name, text, runs))
        .map_err(compile_error)?;
    crate::write_executable(std::path::Path::new(output), &out.image.to_elf()).map_err(runtime_error)?;
    Ok((out.timings.total().as_secs_f64(), out.units_compiled))
}

#[pymodule]
fn strobe_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Session>()?;
    m.add_function(wrap_pyfunction!(compile_program, m)?)?;
    m.add("KernelCompileError", m.py().get_type::<KernelCompileError>())?;
    Ok(())
}

/// Starts the embedded interpreter with `strobe_native` importable and the `strobe` package on the path.
pub(crate) fn start_python() {
    pyo3::append_to_inittab!(strobe_native);
    Python::initialize();
}

/// Calls `strobe.runner.<function>(*args)` and returns its exit code; Python errors are printed.
pub(crate) fn call_runner(function: &str, args: impl for<'py> FnOnce(Python<'py>) -> PyResult<Bound<'py, PyTuple>>) -> u8 {
    start_python();
    Python::attach(|py| {
        let result = (|| -> PyResult<u8> {
            let sys = py.import("sys")?;
            let package = crate::run::repo_root().join("compiler/python/python");
            let package = std::fs::canonicalize(&package).unwrap_or(package);
            sys.getattr("path")?
                .call_method1("insert", (0, package.display().to_string()))?;
            let runner = py.import("strobe.runner")?;
            let code = runner.getattr(function)?.call1(args(py)?)?;
            code.extract::<u8>()
        })();
        match result {
            Ok(code) => code,
            Err(e) => {
                e.print(py);
                2
            }
        }
    })
}
