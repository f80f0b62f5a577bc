//! `Session`: a connection to a core device with the compiler for it, as the Python package
//! (`strobe.runtime`) uses it: compile composed programs, upload them (only when the image changed),
//! run them serving their RPCs through a Python callable, and hand back the outcome.
#![allow(unsafe_code)] // pyo3's generated glue

use crate::values::{decode_values, encode_to_vec};
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyTuple};
use std::time::Instant;
use strobe_cli::connection::{
    describe_fault, describe_stop, device_build, Connection, Delivery, LoadedKernel,
};
use strobe_device::{Outcome, RpcAnswer, RpcCall};
use strobe_driver::{CompileError, CompileOutput, Compiler, QuotedValues};
use strobe_protocol::rpc::tag;
use strobe_syntax::{SourceFile, SourceMap};

pyo3::create_exception!(_native, KernelCompileError, PyException);

/// One run of copied lines: (first line, line count, file, first line in that file).
pub type Run = (u32, u32, String, u32);

pub fn composed(name: &str, text: &str, runs: Vec<Run>) -> SourceFile {
    let mut map = SourceMap::default();
    for (first, len, file, origin) in runs {
        map.add(first, len, file, origin);
    }
    SourceFile::composed(name, text, map)
}

pub fn compile_error(e: CompileError) -> PyErr {
    match e {
        e @ CompileError::Source(..) => KernelCompileError::new_err(e.render()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

pub fn runtime_error(e: impl std::fmt::Display) -> PyErr {
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
pub struct Session {
    /// None once closed (the simulator, if this session started one, is stopped).
    link: Option<Connection>,
    compiler: Compiler,
    /// Compiled programs and how to run them: handle 0 is the last `load`ed, the others were kept
    /// (prepared kernels, bundles).
    kernels: std::collections::HashMap<u32, (CompileOutput, LoadedKernel)>,
    /// The kernel `run` runs.
    current: Option<u32>,
    next_handle: u32,
    /// How the last kernel reached the device.
    last_delivery: Delivery,
    /// Wall time of the last load's compile and upload, in seconds (benchmarks).
    last_compile: f64,
    /// Link units the last load compiled and found cached.
    last_units: (usize, usize),
    last_upload: f64,
}

#[pymethods]
impl Session {
    /// `record`: (file, experiment, arguments) to record every run into (`strobe_recording`).
    #[new]
    #[pyo3(signature = (device=None, no_cache=false, take_over=false, record=None))]
    fn new(
        py: Python<'_>,
        device: Option<&str>,
        no_cache: bool,
        take_over: bool,
        record: Option<(String, String, Vec<String>)>,
    ) -> PyResult<Self> {
        let build = device_build().map_err(runtime_error)?;
        let mut link = Connection::open(device, python_executable(py).as_deref(), take_over)
            .map_err(runtime_error)?;
        if let Some((file, experiment, arguments)) = record {
            link.start_recording(std::path::Path::new(&file), &experiment, arguments)
                .map_err(runtime_error)?;
        }
        let mut compiler = link.compiler(&build, no_cache);
        compiler.allow_host_calls(true);
        Ok(Session {
            link: Some(link),
            compiler,
            kernels: Default::default(),
            current: None,
            next_handle: 1,
            last_delivery: Delivery::default(),
            last_compile: 0.0,
            last_units: (0, 0),
            last_upload: 0.0,
        })
    }

    /// Compiles a composed program (its quoted host values in `quoted`, by slot) and puts it on the
    /// device, sending only what changed; returns the program's exception classes, builtins included
    /// (name -> id). Program errors raise `KernelCompileError`.
    #[pyo3(signature = (name, text, runs, quoted=None))]
    fn load<'py>(
        &mut self,
        py: Python<'py>,
        name: &str,
        text: &str,
        runs: Vec<Run>,
        quoted: Option<Bound<'py, PyList>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let source = composed(name, text, runs);
        let link = self.link.as_mut().ok_or_else(closed)?;
        let start = Instant::now();
        let values = quoted.map(QuotedList);
        let out = self
            .compiler
            .compile_with(&source, values.as_ref().map(|v| v as &dyn QuotedValues))
            .map_err(compile_error)?;
        self.last_units = (out.units_compiled, out.units_cached);
        self.last_compile = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let kernel = link.load(&out).map_err(runtime_error)?;
        self.last_delivery = kernel.delivery;
        self.last_upload = start.elapsed().as_secs_f64();
        let table = exception_table(py, &out)?;
        self.kernels.insert(0, (out, kernel));
        self.current = Some(0);
        Ok(table)
    }

    /// Keeps the last loaded program under a new handle, its code units pinned on the device until
    /// `release` (a prepared kernel or a bundle's); returns the handle.
    fn keep(&mut self) -> PyResult<u32> {
        let entry = self
            .kernels
            .remove(&0)
            .ok_or_else(|| runtime_error("no kernel loaded"))?;
        let link = self.link.as_mut().ok_or_else(closed)?;
        link.pin(&entry.1, code_units(&entry.0, &entry.1), true)
            .map_err(runtime_error)?;
        let handle = self.next_handle;
        self.next_handle += 1;
        self.kernels.insert(handle, entry);
        self.current = Some(handle);
        Ok(handle)
    }

    /// Makes kept program `handle` the one `run` runs, with new values of its quoted host data
    /// (`quoted`, by slot, of the kinds it was compiled for): nothing is compiled, and only the
    /// data bytes that changed are sent.
    fn reload(&mut self, handle: u32, quoted: Bound<'_, PyList>) -> PyResult<()> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        let (out, kernel) = self
            .kernels
            .get_mut(&handle)
            .ok_or_else(|| runtime_error("no such kept kernel"))?;
        let start = Instant::now();
        out.requote(&QuotedList(quoted))
            .map_err(|e| compile_error(e.into()))?;
        self.last_compile = start.elapsed().as_secs_f64();
        self.last_units = (0, out.objects.len());
        let start = Instant::now();
        *kernel = link.load(out).map_err(runtime_error)?;
        // Code sent again (a kernel fault emptied the store): pin it again.
        let code_sent = kernel
            .unit_sizes()
            .iter()
            .any(|(name, _, sent)| *sent && name != strobe_cli::resident::DATA_UNIT);
        if code_sent {
            link.pin(kernel, code_units(out, kernel), true)
                .map_err(runtime_error)?;
        }
        self.last_delivery = kernel.delivery;
        self.last_upload = start.elapsed().as_secs_f64();
        self.current = Some(handle);
        Ok(())
    }

    /// Forgets kept program `handle`, unpinning its units (they stay resident until evicted).
    fn release(&mut self, handle: u32) -> PyResult<()> {
        if let Some(entry) = self.kernels.remove(&handle) {
            if let Some(link) = self.link.as_mut() {
                link.pin(&entry.1, code_units(&entry.0, &entry.1), false)
                    .map_err(runtime_error)?;
            }
        }
        if self.current == Some(handle) {
            self.current = None;
        }
        Ok(())
    }

    /// Runs the loaded program. `on_rpc(service, args, ret_tags)` serves its RPCs and returns
    /// `("ok", value)` or `("raise", type_id, name, message)`; `on_output(text)` gets its output;
    /// `objects` maps the indices of the host objects the kernel holds to them.
    /// Returns `{"outcome": "finished"|"exception"|"fault", ...}`.
    #[pyo3(signature = (on_rpc, on_output, objects=None))]
    fn run<'py>(
        &mut self,
        py: Python<'py>,
        on_rpc: Bound<'py, PyAny>,
        on_output: Bound<'py, PyAny>,
        objects: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let Some((out, kernel)) = self.current.and_then(|h| self.kernels.get_mut(&h)) else {
            return Err(runtime_error("no kernel loaded"));
        };
        let link = self.link.as_mut().ok_or_else(closed)?;
        let failure: std::cell::RefCell<Option<PyErr>> = Default::default();
        let mut interrupt: Option<PyErr> = None;
        let start = Instant::now();
        let result = link.run(
            out,
            kernel,
            |text| {
                if let Err(e) = on_output.call1((text,)) {
                    failure.borrow_mut().get_or_insert(e);
                }
            },
            |call| match serve(py, &on_rpc, objects.as_ref(), call) {
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
            // Ctrl-C: Python's handler raises KeyboardInterrupt, and the kernel is stopped.
            || match py.check_signals() {
                Ok(()) => false,
                Err(e) => {
                    interrupt.get_or_insert(e);
                    true
                }
            },
        );
        let wall = start.elapsed().as_secs_f64();
        if let Some(e) = failure.into_inner() {
            return Err(e);
        }
        let result = result.map_err(|e| interrupt.take().unwrap_or_else(|| runtime_error(e)))?;
        if let Outcome::Stopped { pc, reason } = result.outcome {
            let message = describe_stop(&kernel.image, pc, reason);
            return Err(match interrupt {
                Some(e) if e.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) => {
                    pyo3::exceptions::PyKeyboardInterrupt::new_err(message)
                }
                Some(e) => e,
                None => runtime_error(message),
            });
        }
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
                d.set_item("message", describe_fault(&kernel.image, f))?;
            }
            // Raised above.
            Outcome::Stopped { .. } => d.set_item("outcome", "stopped")?,
        }
        Ok(d)
    }

    /// The device's RTIO channels: (TTL outputs, inputs, clock generators).
    fn rtio_channels(&self) -> PyResult<(u8, u8, u8)> {
        let link = self.link.as_ref().ok_or_else(closed)?;
        let r = link.info.rtio;
        Ok((r.outputs, r.inputs, r.clock_generators))
    }

    /// Ends the session; a simulator it started is stopped.
    /// Records every kernel run from now on into `file` (`strobe_recording`), for `experiment`
    /// with `arguments`; a recording under way is finished first.
    fn start_recording(
        &mut self,
        file: &str,
        experiment: &str,
        arguments: Vec<String>,
    ) -> PyResult<()> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        link.finish_recording().map_err(runtime_error)?;
        link.start_recording(std::path::Path::new(file), experiment, arguments)
            .map_err(runtime_error)
    }

    /// Ends the recording under way (if any), with the pins' trace so far.
    fn finish_recording(&mut self) -> PyResult<()> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        link.finish_recording().map_err(runtime_error)
    }

    /// Ends the session: a recording it makes is finished (with the pins' trace), the simulator
    /// stopped.
    fn close(&mut self) -> PyResult<()> {
        let finished = match self.link.as_mut() {
            Some(link) => link.finish_recording().map_err(runtime_error),
            None => Ok(()),
        };
        self.link = None;
        finished
    }

    /// The last `load`: seconds spent compiling and uploading, how the kernel got to the device
    /// ("unchanged", "patched", "uploaded"), the bytes that took, and the link units it compiled.
    fn last_load(&self) -> (f64, f64, &'static str, usize, usize) {
        (
            self.last_compile,
            self.last_upload,
            self.last_delivery.kind(),
            self.last_delivery.bytes,
            self.last_units.0,
        )
    }

    /// The last `load`'s seconds of linking against the device's store (host work) and of sending.
    fn last_times(&self) -> PyResult<(f64, f64)> {
        let (_, kernel) = self
            .current
            .and_then(|h| self.kernels.get(&h))
            .ok_or_else(|| runtime_error("no kernel loaded"))?;
        Ok((
            kernel.plan_time.as_secs_f64(),
            kernel.send_time.as_secs_f64(),
        ))
    }

    /// The last `load`'s units: sent, found resident, and resident units evicted for them.
    fn last_units(&self) -> (usize, usize, usize) {
        let d = &self.last_delivery;
        (d.units_sent, d.units_resident, d.evicted)
    }

    /// The last loaded kernel's units: (name, bytes, whether this load sent it).
    fn unit_sizes(&self) -> PyResult<Vec<(String, usize, bool)>> {
        let (_, kernel) = self
            .kernels
            .get(&0)
            .ok_or_else(|| runtime_error("no kernel loaded"))?;
        Ok(kernel.unit_sizes())
    }

    /// The device's core log (RTIO sequence errors and collisions).
    fn core_log(&mut self) -> PyResult<String> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        link.device.core_log().map_err(runtime_error)
    }

    /// The RTIO analyzer's records since the last dump (ARTIQ's dump format), which empties it.
    fn analyzer_dump<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        let dump = link.analyzer_dump().map_err(runtime_error)?;
        Ok(PyBytes::new(py, &dump))
    }

    /// Empties the device's core log.
    fn clear_core_log(&mut self) -> PyResult<()> {
        let link = self.link.as_mut().ok_or_else(closed)?;
        link.device.clear_core_log().map_err(runtime_error)
    }

    /// The units the device's function store holds, as (key hex, offset, length, pinned).
    fn resident_units(&self) -> PyResult<Vec<(String, u32, u32, bool)>> {
        let link = self.link.as_ref().ok_or_else(closed)?;
        Ok(link
            .resident()
            .iter()
            .map(|r| {
                let hex = r.key.iter().map(|b| format!("{b:02x}")).collect();
                (hex, r.offset, r.len, r.pinned)
            })
            .collect())
    }

    /// Writes the simulator's trace (text and/or VCD; `-` is standard output).
    #[pyo3(signature = (trace=None, vcd=None))]
    fn write_traces(&mut self, trace: Option<String>, vcd: Option<String>) -> PyResult<()> {
        self.link
            .as_mut()
            .ok_or_else(closed)?
            .write_traces(
                trace.as_deref().map(std::path::Path::new),
                vcd.as_deref().map(std::path::Path::new),
            )
            .map_err(runtime_error)
    }
}

/// A program's code units: all but the quoted-data unit (which changes with every call).
fn code_units(out: &CompileOutput, kernel: &LoadedKernel) -> usize {
    kernel.run.units.len() - usize::from(out.quoted.is_some())
}

fn closed() -> PyErr {
    runtime_error("the core device session is closed")
}

/// Calls the Python RPC server for one call and turns its reply into the answer for the kernel.
fn serve<'py>(
    py: Python<'py>,
    on_rpc: &Bound<'py, PyAny>,
    objects: Option<&Bound<'py, PyDict>>,
    call: &RpcCall,
) -> PyResult<RpcAnswer> {
    let args = decode_values(py, &call.tags, &call.args, objects)?;
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
    // Values larger than a frame go to the device in parts.
    match encode_to_vec(&value, &call.ret_tags) {
        Ok(value) => Ok(RpcAnswer::Return {
            tags: call.ret_tags.clone(),
            value,
        }),
        // As ARTIQ's: `RPCReturnValueError`, a ValueError in the kernel.
        Err(message) => Ok(RpcAnswer::Exception {
            type_id: strobe_abi::ExceptionId::ValueError as u32,
            name: "RPCReturnValueError".into(),
            message,
        }),
    }
}

/// A composed program's quoted host values: a Python list, by slot.
pub struct QuotedList<'py>(pub Bound<'py, PyList>);

impl QuotedValues for QuotedList<'_> {
    fn encode(&self, slot: u32, tags: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        let value = self
            .0
            .get_item(slot as usize)
            .map_err(|_| "missing from the values the embedding passed".to_string())?;
        if let Some(raw) = numpy_elements(&value, tags) {
            // A 1-D numpy array whose dtype is already the element type: its bytes are the wire's.
            out.extend_from_slice(&(raw.len() as u32 / element_size(tags[1])).to_le_bytes());
            out.extend_from_slice(&raw);
            return Ok(());
        }
        out.extend_from_slice(&encode_to_vec(&value, tags)?);
        Ok(())
    }
}

/// The wire size of a scalar element type.
fn element_size(tag: u8) -> u32 {
    match tag {
        tag::INT64 | tag::FLOAT => 8,
        tag::INT32 => 4,
        _ => 1,
    }
}

/// The raw little-endian elements of `value` when it is a 1-D numpy array whose dtype is exactly the
/// list element type `tags[1]` (int32, int64, float, bool), else None (the generic encoder runs).
fn numpy_elements(value: &Bound<'_, PyAny>, tags: &[u8]) -> Option<Vec<u8>> {
    let dtype = match tags {
        [tag::LIST, tag::INT64] => "<i8",
        [tag::LIST, tag::INT32] => "<i4",
        [tag::LIST, tag::FLOAT] => "<f8",
        [tag::LIST, tag::BOOL] => "|b1",
        _ => return None,
    };
    let ndim: usize = value.getattr("ndim").ok()?.extract().ok()?;
    let kind: String = value
        .getattr("dtype")
        .ok()?
        .getattr("str")
        .ok()?
        .extract()
        .ok()?;
    if ndim != 1 || kind != dtype {
        return None;
    }
    value.call_method0("tobytes").ok()?.extract().ok()
}

/// The interpreter this module runs in (`sys.executable`): LiteX builds the simulator there.
pub fn python_executable(py: Python<'_>) -> Option<std::path::PathBuf> {
    let executable: String = py
        .import("sys")
        .ok()?
        .getattr("executable")
        .ok()?
        .extract()
        .ok()?;
    (!executable.is_empty()).then(|| executable.into())
}
