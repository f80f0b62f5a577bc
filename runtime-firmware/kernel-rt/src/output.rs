//! Buffered program output (kernel `print`) and unbuffered error output.

use core::fmt;

const BUFFER_SIZE: usize = 4096;

struct OutputBuffer {
    bytes: [u8; BUFFER_SIZE],
    len: usize,
}

static mut STDOUT: OutputBuffer = OutputBuffer {
    bytes: [0; BUFFER_SIZE],
    len: 0,
};

#[allow(static_mut_refs)]
fn stdout() -> &'static mut OutputBuffer {
    // SAFETY: kernels are single-threaded; the buffer is only reached through this function.
    unsafe { &mut STDOUT }
}

/// The writer's descriptor for a line of the core log (`core_log(...)`); a Linux-user program
/// writes it to standard error.
pub const CORE_LOG_FD: u32 = 3;

/// The `core_log(...)` line (or `rtio_log(...)` text) being printed, while one is (text past a
/// log line's length is dropped).
static mut CORE_LOG_LINE: Option<LogLine> = None;
const CORE_LOG_LINE_BYTES: usize = 256;
/// A line printed for a log rather than standard output.
type LogLine = StackBuffer<CORE_LOG_LINE_BYTES>;

#[allow(static_mut_refs)]
fn core_log_line() -> &'static mut Option<LogLine> {
    // SAFETY: as `stdout`.
    unsafe { &mut CORE_LOG_LINE }
}

/// `core_log(...)` starts: what is printed until [`__strobe_core_log_end`] is one log line.
#[no_mangle]
pub extern "C" fn __strobe_core_log_begin() {
    *core_log_line() = Some(StackBuffer::new());
}

/// `rtio_log(...)` starts: what is printed until the device's `__strobe_rtio_log_end` is its
/// text (which takes it with [`end_rtio_log`]).
#[no_mangle]
pub extern "C" fn __strobe_rtio_log_begin() {
    __strobe_core_log_begin()
}

/// The log line printed since `__strobe_core_log_begin` or `__strobe_rtio_log_begin` (printing
/// goes to standard output again).
fn take_log_line() -> Option<LogLine> {
    core_log_line().take()
}

/// Ends an `rtio_log(...)`: `write` gets each event value of its text
/// (`strobe_abi::rtio::log_words`), for the device's RTIO log channel.
pub fn end_rtio_log(mut write: impl FnMut(u32)) {
    if let Some(line) = take_log_line() {
        strobe_abi::rtio::log_words(line.as_bytes()).for_each(&mut write);
    }
}

/// `core_log(...)` ends: its line goes to the core log (its final newline dropped: the log ends
/// each line itself).
#[no_mangle]
pub extern "C" fn __strobe_core_log_end() {
    if let Some(line) = take_log_line() {
        let text = line.as_bytes();
        platform_write(CORE_LOG_FD, text.strip_suffix(b"\n").unwrap_or(text));
    }
}

/// Whether standard output's buffer is being changed (by [`write_stdout`] or [`flush_stdout`]):
/// an interrupt that finds it set leaves the buffer alone.
static mut CHANGING: bool = false;

/// Runs `change` with [`CHANGING`] set.
fn changing<T>(change: impl FnOnce() -> T) -> T {
    use core::sync::atomic::{compiler_fence, Ordering};
    // SAFETY: single-threaded; an interrupt handler only reads it.
    let outer = unsafe { core::ptr::replace(core::ptr::addr_of_mut!(CHANGING), true) };
    compiler_fence(Ordering::SeqCst);
    let result = change();
    compiler_fence(Ordering::SeqCst);
    // SAFETY: as above.
    unsafe { core::ptr::write_volatile(core::ptr::addr_of_mut!(CHANGING), outer) };
    result
}

/// Appends `data` to standard output, flushing when the buffer fills (or to the `core_log(...)`
/// line being printed).
pub fn write_stdout(data: &[u8]) {
    if let Some(line) = core_log_line() {
        line.extend(data);
        return;
    }
    changing(|| {
        let out = stdout();
        if out.len + data.len() > BUFFER_SIZE {
            flush_stdout();
            if data.len() > BUFFER_SIZE {
                platform_write(1, data);
                return;
            }
        }
        out.bytes[out.len..out.len + data.len()].copy_from_slice(data);
        out.len += data.len();
    })
}

pub fn flush_stdout() {
    changing(|| {
        let out = stdout();
        if out.len > 0 {
            platform_write(1, &out.bytes[..out.len]);
            out.len = 0;
        }
    })
}

/// [`flush_stdout`] from an interrupt: unless the interrupted code was changing the buffer (then
/// its text goes with a later flush).
pub fn flush_stdout_unless_changing() {
    // SAFETY: single-threaded; set by the code the interrupt stopped.
    if !unsafe { core::ptr::read_volatile(core::ptr::addr_of!(CHANGING)) } {
        flush_stdout();
    }
}

pub fn write_stderr(data: &[u8]) {
    platform_write(2, data);
}

/// Where output goes on a device: the firmware installs a writer (file descriptor 1 or 2, bytes).
pub type Writer = fn(u32, &[u8]);

static mut WRITER: Option<Writer> = None;

/// Installs the device's output writer.
pub fn set_writer(writer: Writer) {
    // SAFETY: single-threaded; set by the firmware before kernels run.
    unsafe { WRITER = Some(writer) };
}

fn platform_write(fd: u32, data: &[u8]) {
    // SAFETY: single-threaded access.
    if let Some(w) = unsafe { WRITER } {
        w(fd, data);
        return;
    }
    #[cfg(all(feature = "linux-user", target_arch = "riscv32"))]
    match fd {
        CORE_LOG_FD => {
            crate::linux_sys::write(2, data);
            crate::linux_sys::write(2, b"\n");
        }
        _ => crate::linux_sys::write(fd, data),
    }
    #[cfg(not(all(feature = "linux-user", target_arch = "riscv32")))]
    let _ = (fd, data);
}

/// `core::fmt` sink for standard error.
pub struct Stderr;

impl fmt::Write for Stderr {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_stderr(s.as_bytes());
        Ok(())
    }
}

/// A fixed-capacity `core::fmt` sink; used to format numbers without allocation.
pub struct StackBuffer<const N: usize> {
    pub bytes: [u8; N],
    pub len: usize,
}

impl<const N: usize> StackBuffer<N> {
    pub const fn new() -> Self {
        StackBuffer {
            bytes: [0; N],
            len: 0,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn push(&mut self, b: u8) {
        if self.len < N {
            self.bytes[self.len] = b;
            self.len += 1;
        }
    }

    pub fn extend(&mut self, data: &[u8]) {
        for &b in data {
            self.push(b);
        }
    }
}

impl<const N: usize> Default for StackBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for StackBuffer<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.extend(s.as_bytes());
        Ok(())
    }
}
