//! The program's entry: the link session over stdin (requests) and stdout (replies), until the
//! host closes stdin.

use crate::{board, sys};
use strobe_session::{Link, Poll, Session};

/// Bytes from stdin, read as they come; replies to stdout.
struct StdioLink {
    buffer: [u8; 4096],
    at: usize,
    len: usize,
}

impl Link for StdioLink {
    fn send(&mut self, bytes: &[u8]) {
        sys::write(1, bytes);
    }

    fn poll(&mut self) -> Poll {
        if self.at == self.len {
            self.at = 0;
            self.len = sys::read(0, &mut self.buffer);
            if self.len == 0 {
                return Poll::Closed;
            }
        }
        self.at += 1;
        Poll::Byte(self.buffer[self.at - 1])
    }
}

#[no_mangle]
pub extern "C" fn _strobe_replay_start() -> ! {
    let sp: usize;
    // SAFETY: reads the stack pointer.
    unsafe { core::arch::asm!("mv {}, sp", out(reg) sp, options(nomem, nostack)) };
    strobe_kernel_rt::output::set_writer(board::kernel_output);
    let mut session = Session::new(board::ReplayBoard::new(sp));
    let mut link = StdioLink {
        buffer: [0; 4096],
        at: 0,
        len: 0,
    };
    loop {
        match link.poll() {
            Poll::Byte(b) => session.receive(&[b], &mut link),
            Poll::Closed => sys::exit(0),
            Poll::Empty => {}
        }
    }
}
