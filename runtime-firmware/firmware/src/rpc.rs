//! Remote procedure calls from kernels: arguments are encoded from kernel memory, sent to the host
//! through the session, and the answer is decoded into the kernel's result slot or raised.

use crate::board;
use strobe_abi::ExceptionId;
use strobe_kernel_rt::exceptions::{raise_builtin, raise_named};
use strobe_kernel_rt::{arena, rpc as values};
use strobe_protocol::rpc::{type_len, ValueWriter};
use strobe_protocol::wire::Reader;
use strobe_session::{RpcReply, RpcRequest};

/// `flags` bit of an async RPC (no answer awaited).
const ASYNC: u32 = 1;

// `__strobe_rpc` notes its return address (where in the kernel the call is: the journal's site,
// and where the kernel stops should it be stopped while it waits for the host) and continues in
// `strobe_rpc_call`.
crate::journal::journaled_entry!("__strobe_rpc" => "strobe_rpc_call");

extern "C" {
    /// The kernel ABI's RPC entry (see `strobe_rpc_call`).
    pub fn __strobe_rpc(
        service: u32,
        flags: u32,
        tags: *const u8,
        tags_len: u32,
        argc: u32,
        args: *const *const u8,
        ret: *mut u8,
    );
}

/// Calls host function `service`. `tags` holds the types of the `argc` arguments, then the result
/// type; `args[i]` points at argument `i`; a synchronous call's result is written to `ret`. Host
/// exceptions and unencodable values become pending kernel exceptions; a `Stop` (or a new client)
/// while it waits stops the kernel at the call.
#[no_mangle]
extern "C" fn strobe_rpc_call(
    service: u32,
    flags: u32,
    tags: *const u8,
    tags_len: u32,
    argc: u32,
    args: *const *const u8,
    ret: *mut u8,
) {
    // SAFETY: compiler-emitted constant of `tags_len` bytes.
    let tags = unsafe { core::slice::from_raw_parts(tags, tags_len as usize) };
    // The kernel's output so far goes first, so host and kernel output stay in order.
    strobe_kernel_rt::output::flush_stdout();
    // So are the values the kernel consumed (recording), and a replay's journal must be at an RPC.
    let site = crate::journal::site();
    crate::journal::flush();
    crate::journal::replay_rpc();
    if board::host().is_none() {
        return raise_builtin(
            ExceptionId::RuntimeError,
            "RuntimeError",
            "RPC outside a kernel run",
        );
    }
    // The arguments' exact encoded size, then that much arena for them; the session sends what
    // exceeds one frame in parts.
    let Ok((room, at)) = measure_arguments(tags, argc, args) else {
        return raise_builtin(
            ExceptionId::RuntimeError,
            "RuntimeError",
            "malformed RPC signature",
        );
    };
    let mark = arena::mark();
    let Some(buffer) = arena::allocate(room.max(1), 8) else {
        return raise_builtin(
            ExceptionId::MemoryError,
            "MemoryError",
            "RPC arguments do not fit the arena",
        );
    };
    // SAFETY: just allocated, `room` bytes.
    let buffer = unsafe { core::slice::from_raw_parts_mut(buffer, room) };
    if encode_arguments(tags, argc, args, buffer).is_err() {
        arena::release(mark);
        return raise_builtin(
            ExceptionId::RuntimeError,
            "RuntimeError",
            "malformed RPC signature",
        );
    }
    let len = room;
    let (arg_tags, ret_tags) = tags.split_at(at);
    let is_async = flags & ASYNC != 0;
    let request = RpcRequest {
        service,
        site,
        is_async,
        tags: arg_tags,
        args: &buffer[..len],
        ret_tags,
    };
    let mut outcome: Result<(), values::ValueError> = Ok(());
    let mut stopped = None;
    let mut released = false;
    // A result arriving in parts is assembled in the arena, then decoded once the exchange is
    // over: decoding a large value takes long, and outside the critical section the kernel tick
    // keeps the host informed (heartbeats) and can stop the kernel.
    let mut assembly: Option<(&mut [u8], usize)> = None;
    let mut assembled: Option<&mut [u8]> = None;
    // Encoding (long, for a large value) may be interrupted by the kernel tick; the exchange with
    // the host may not.
    let critical = crate::watch::Critical::enter();
    let Some(host) = board::host() else {
        return;
    };
    host.rpc(request, &mut |reply| {
        if !released {
            // The arguments went out: their room is free for the result.
            arena::release(mark);
            released = true;
        }
        match reply {
            RpcReply::ReturnStart { tags, len } if tags == ret_tags => {
                match arena::allocate(len as usize, 8) {
                    // SAFETY: just allocated, `len` bytes.
                    Some(p) => {
                        assembly = Some((
                            unsafe { core::slice::from_raw_parts_mut(p, len as usize) },
                            0,
                        ))
                    }
                    None => outcome = Err(values::ValueError::OutOfMemory),
                }
            }
            RpcReply::ReturnStart { .. } => raise_builtin(
                ExceptionId::TypeError,
                "TypeError",
                "the host answered an RPC with a value of another type",
            ),
            RpcReply::ReturnPart { data } => {
                // The session never passes more than the announced length; checked all the same.
                if let Some((buffer, filled)) = assembly.as_mut() {
                    if let Some(room) = buffer.get_mut(*filled..*filled + data.len()) {
                        room.copy_from_slice(data);
                        *filled += data.len();
                    }
                }
            }
            RpcReply::ReturnEnd => assembled = assembly.take().map(|(buffer, _)| buffer),
            RpcReply::Stopped(reason) => stopped = Some(reason),
            other => answer(other, ret_tags, ret, &mut outcome),
        }
    });
    drop(critical);
    if let Some(value) = assembled {
        let reply = RpcReply::Return {
            tags: ret_tags,
            value,
        };
        answer(reply, ret_tags, ret, &mut outcome);
    }
    if let Some(reason) = stopped {
        // The call instruction precedes its return address.
        crate::trap::stop_from_firmware(site.wrapping_sub(4), reason);
    }
    if is_async {
        arena::release(mark);
    }
    if let Err(e) = outcome {
        match e {
            values::ValueError::OutOfMemory => raise_builtin(
                ExceptionId::MemoryError,
                "MemoryError",
                "RPC result does not fit the arena",
            ),
            values::ValueError::Wire(_) => {
                raise_builtin(ExceptionId::TypeError, "TypeError", "malformed RPC result")
            }
        }
    }
}

/// Turns the host's answer into the kernel's result or a pending exception.
fn answer(
    reply: RpcReply<'_>,
    ret_tags: &[u8],
    ret: *mut u8,
    outcome: &mut Result<(), values::ValueError>,
) {
    match reply {
        RpcReply::Return { tags, value } if tags == ret_tags => {
            let mut r = Reader::new(value);
            // SAFETY: `ret` has room for a value of the result type (compiler-emitted).
            *outcome = unsafe { values::decode(ret_tags, &mut r, ret) };
        }
        RpcReply::Return { .. } => raise_builtin(
            ExceptionId::TypeError,
            "TypeError",
            "the host answered an RPC with a value of another type",
        ),
        RpcReply::Exception(e) => raise_named(e.type_id, e.name, e.message),
        // Parts are assembled by the caller and handed over as one `Return`; a stop is the caller's.
        RpcReply::ReturnStart { .. }
        | RpcReply::ReturnPart { .. }
        | RpcReply::ReturnEnd
        | RpcReply::Stopped(_) => {}
    }
}

/// What [`for_each_argument`] calls with each argument's type and pointer.
type ArgumentVisitor<'a> = dyn FnMut(&[u8], *const u8) -> Result<(), values::ValueError> + 'a;

/// Calls `f` with each argument's type and pointer; returns where the result's type starts in `tags`.
fn for_each_argument(
    tags: &[u8],
    argc: u32,
    args: *const *const u8,
    f: &mut ArgumentVisitor<'_>,
) -> Result<usize, values::ValueError> {
    let mut at = 0;
    for i in 0..argc as usize {
        let n = match tags.get(at..).map(type_len) {
            Some(Ok(n)) => n,
            _ => return Err(values::ValueError::Wire(strobe_protocol::Error::BadField)),
        };
        // SAFETY: the compiler passes `argc` pointers to values of the signature's types.
        f(&tags[at..at + n], unsafe { *args.add(i) })?;
        at += n;
    }
    Ok(at)
}

/// The encoded size of the arguments, and where the result's type starts in `tags`.
fn measure_arguments(
    tags: &[u8],
    argc: u32,
    args: *const *const u8,
) -> Result<(usize, usize), values::ValueError> {
    let mut total = 0;
    let at = for_each_argument(tags, argc, args, &mut |t, v| {
        // SAFETY: `v` points at a value of type `t` (compiler-emitted).
        total += unsafe { values::encoded_len(t, v) }?;
        Ok(())
    })?;
    Ok((total, at))
}

/// Encodes the arguments into `buffer` (sized by [`measure_arguments`]).
fn encode_arguments(
    tags: &[u8],
    argc: u32,
    args: *const *const u8,
    buffer: &mut [u8],
) -> Result<(), values::ValueError> {
    let mut w = ValueWriter::new(buffer);
    // SAFETY: as in `measure_arguments`.
    for_each_argument(tags, argc, args, &mut |t, v| unsafe {
        values::encode(t, v, &mut w)
    })
    .map(|_| ())
}
