//! Python values <-> kernel values on the wire (RPC arguments and results), by type tags.

use crate::session::runtime_error;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyRange, PyString, PyTuple,
};
use strobe_protocol::rpc::{self, tag, Token, ValueWriter};

/// The kernel type a tag string describes, for messages (`list[int32]`).
pub fn type_name(tags: &[u8]) -> String {
    match tags.first() {
        Some(&tag::NONE) => "None".into(),
        Some(&tag::BOOL) => "bool".into(),
        Some(&tag::INT32) => "int32".into(),
        Some(&tag::INT64) => "int64".into(),
        Some(&tag::FLOAT) => "float".into(),
        Some(&tag::STR) => "str".into(),
        Some(&tag::BYTES) => "bytes".into(),
        Some(&tag::BYTEARRAY) => "bytearray".into(),
        Some(&tag::LIST) => format!("list[{}]", type_name(&tags[1..])),
        Some(&tag::RANGE) => "range".into(),
        Some(&tag::ARRAY) if tags.len() > 2 => {
            format!("array[{}, {}]", type_name(&tags[2..]), tags[1])
        }
        Some(&tag::TUPLE) => {
            let items: Vec<String> = rpc::tuple_items(tags).flatten().map(type_name).collect();
            format!("tuple[{}]", items.join(", "))
        }
        _ => "?".into(),
    }
}

/// `value` encoded as the kernel type `tags`, in a buffer that grows until it fits (up to 1 GiB).
pub fn encode_to_vec(value: &Bound<'_, PyAny>, tags: &[u8]) -> Result<Vec<u8>, String> {
    let mut room = 64 * 1024;
    loop {
        let mut buffer = vec![0u8; room];
        let mut w = ValueWriter::new(&mut buffer);
        match encode_value(value, tags, &mut w) {
            Ok(()) => {
                let n = w.len();
                buffer.truncate(n);
                return Ok(buffer);
            }
            Err(e) if e == TOO_LARGE && room < (1 << 30) => room *= 4,
            Err(e) => return Err(e),
        }
    }
}

/// What [`encode_value`] says when the writer's buffer is full.
const TOO_LARGE: &str = "the value is too large for one message";

/// Writes `value` as the kernel type `tags`, or explains why it is not one.
pub fn encode_value(
    value: &Bound<'_, PyAny>,
    tags: &[u8],
    w: &mut ValueWriter,
) -> Result<(), String> {
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
    let full = |_| TOO_LARGE.to_string();
    match tags[0] {
        tag::NONE => Ok(()),
        tag::BOOL => {
            if !value.is_instance_of::<PyBool>()
                // numpy's bool: `numpy.bool_` (numpy 1), `numpy.bool` (numpy 2).
                && !value
                    .get_type()
                    .name()
                    .is_ok_and(|n| n == "bool_" || n == "bool")
            {
                return Err(mismatch());
            }
            w.bool(value.is_truthy().map_err(|_| mismatch())?)
                .map_err(full)
        }
        tag::INT32 | tag::INT64 => {
            if value.is_instance_of::<PyBool>() || value.is_instance_of::<PyFloat>() {
                return Err(mismatch());
            }
            let v: i64 = value.extract().map_err(|_| mismatch())?;
            if tags[0] == tag::INT32 {
                let v =
                    i32::try_from(v).map_err(|_| format!("{v} does not fit the kernel's int32"))?;
                w.int32(v).map_err(full)
            } else {
                w.int64(v).map_err(full)
            }
        }
        tag::FLOAT => {
            if value.is_instance_of::<PyBool>() {
                return Err(mismatch());
            }
            w.float(value.extract::<f64>().map_err(|_| mismatch())?)
                .map_err(full)
        }
        tag::BYTES | tag::BYTEARRAY => {
            let items: Vec<u8> =
                if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyByteArray>() {
                    value.extract().map_err(|_| mismatch())?
                } else {
                    return Err(mismatch());
                };
            w.bytes(&items).map_err(full)
        }
        tag::STR => {
            if !value.is_instance_of::<PyString>() {
                return Err(mismatch());
            }
            w.str(&value.extract::<String>().map_err(|_| mismatch())?)
                .map_err(full)
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
        tag::RANGE => {
            let Ok(range) = value.cast::<PyRange>() else {
                return Err(mismatch());
            };
            for part in ["start", "stop", "step"] {
                let v = range.getattr(part).map_err(|_| mismatch())?;
                encode_value(&v, &tags[1..], w)?;
            }
            Ok(())
        }
        tag::ARRAY => {
            // A numpy array (or nested sequences numpy makes one of) of that many dimensions.
            let array = numpy_array(value).map_err(|_| mismatch())?;
            let shape: Vec<u32> = array
                .getattr("shape")
                .and_then(|s| s.extract())
                .map_err(|_| mismatch())?;
            if shape.len() != tags[1] as usize {
                return Err(mismatch());
            }
            let items: Vec<Bound<'_, PyAny>> = array
                .call_method0("ravel")
                .and_then(|flat| flat.call_method0("tolist"))
                .and_then(|list| list.try_iter()?.collect::<PyResult<_>>())
                .map_err(|_| mismatch())?;
            w.array(&shape).map_err(full)?;
            for item in &items {
                encode_value(item, &tags[2..], w)?;
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

/// `value` as a numpy array (numpy's own conversion of nested sequences; strings refused).
fn numpy_array<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if value.is_instance_of::<PyString>() || value.is_instance_of::<PyDict>() {
        return Err(runtime_error("not an array".to_string()));
    }
    value
        .py()
        .import("numpy")?
        .getattr("asarray")?
        .call1((value,))
}

/// Python values for a list of kernel values (the RPC's arguments) as a tuple; host objects are
/// looked up by index in `objects`.
pub fn decode_values<'py>(
    py: Python<'py>,
    tags: &[u8],
    data: &[u8],
    objects: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyTuple>> {
    enum Open<'py> {
        List(Vec<Bound<'py, PyAny>>),
        Tuple(Vec<Bound<'py, PyAny>>),
        /// An array's elements, with its shape.
        Array(Vec<Bound<'py, PyAny>>, Vec<u32>),
        /// A range's start, stop and step.
        Range(Vec<Bound<'py, PyAny>>),
    }
    // int64 values arrive as numpy.int64, as in ARTIQ (plain ints without numpy).
    let int64 = py
        .import("numpy")
        .and_then(|numpy| numpy.getattr("int64"))
        .ok();
    let mut top: Vec<Bound<'py, PyAny>> = Vec::new();
    let mut stack: Vec<Open<'py>> = Vec::new();
    let mut error: Option<PyErr> = None;
    let push = |stack: &mut Vec<Open<'py>>,
                top: &mut Vec<Bound<'py, PyAny>>,
                v: Bound<'py, PyAny>| {
        match stack.last_mut() {
            Some(
                Open::List(items) | Open::Tuple(items) | Open::Array(items, _) | Open::Range(items),
            ) => items.push(v),
            None => top.push(v),
        }
    };
    rpc::walk(tags, data, &mut |token| {
        let value: PyResult<Option<Bound<'py, PyAny>>> = (|| {
            Ok(match token {
                Token::None => Some(py.None().into_bound(py)),
                Token::Bool(b) => Some(PyBool::new(py, b).to_owned().into_any()),
                Token::Int32(v) => Some(PyInt::new(py, v).into_any()),
                Token::Int64(v) => Some(match &int64 {
                    Some(int64) => int64.call1((v,))?,
                    None => PyInt::new(py, v).into_any(),
                }),
                Token::Float(v) => Some(PyFloat::new(py, v).into_any()),
                Token::Str(s) => Some(PyString::new(py, s).into_any()),
                Token::Bytes(b) => Some(PyBytes::new(py, b).into_any()),
                Token::Object(index) => match objects.map(|o| o.get_item(index)).transpose()? {
                    Some(Some(object)) => Some(object),
                    _ => {
                        return Err(runtime_error(format!(
                            "the kernel sent host object {index}, which it was not given"
                        )))
                    }
                },
                Token::ByteArray(b) => Some(PyByteArray::new(py, b).into_any()),
                Token::ListBegin(_) => {
                    stack.push(Open::List(Vec::new()));
                    None
                }
                Token::TupleBegin(_) => {
                    stack.push(Open::Tuple(Vec::new()));
                    None
                }
                Token::RangeBegin => {
                    stack.push(Open::Range(Vec::new()));
                    None
                }
                Token::ArrayBegin { dims, shape } => {
                    stack.push(Open::Array(Vec::new(), shape[..dims as usize].to_vec()));
                    None
                }
                Token::End => match stack.pop() {
                    Some(Open::List(items)) => Some(PyList::new(py, items)?.into_any()),
                    Some(Open::Tuple(items)) => Some(PyTuple::new(py, items)?.into_any()),
                    Some(Open::Array(items, shape)) => Some(new_numpy_array(py, items, &shape)?),
                    Some(Open::Range(parts)) => {
                        let builtins = py.import("builtins")?;
                        Some(builtins.getattr("range")?.call1(PyTuple::new(py, parts)?)?)
                    }
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

/// A numpy array of `shape` holding `items` (row-major). Its dtype is the items' kernel type's
/// (int32, int64, float64 or bool; numpy's choice for strings); without items, numpy's default
/// (float64).
fn new_numpy_array<'py>(
    py: Python<'py>,
    items: Vec<Bound<'py, PyAny>>,
    shape: &[u32],
) -> PyResult<Bound<'py, PyAny>> {
    let numpy = py.import("numpy")?;
    let dtype = match items.first() {
        Some(first) if first.is_instance_of::<PyBool>() => "bool",
        Some(first) if first.is_instance_of::<PyFloat>() => "float64",
        Some(first) if first.is_instance_of::<PyInt>() => "int32",
        Some(first) if first.is_instance_of::<PyString>() => "str",
        Some(_) => "int64",
        None => "float64",
    };
    let dtype = match dtype {
        "str" => py.None().into_bound(py),
        name => PyString::new(py, name).into_any(),
    };
    let flat = numpy
        .getattr("array")?
        .call1((PyList::new(py, items)?, dtype))?;
    flat.call_method1("reshape", (PyTuple::new(py, shape)?,))
}
