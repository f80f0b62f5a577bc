//! The replaying core device under `qemu-riscv32` (Linux user mode): `strobe replay --device qemu`
//! links a recording's kernel objects with this runtime into one program, which serves the link
//! session over stdin/stdout like the firmware over its UART. Its kernel ABI takes every value from
//! the outside world from the recording's journal, exactly as the firmware's replay mode does (the
//! firmware's `journal.rs` and `rpc.rs` are compiled here unchanged); output events go to stderr as
//! `rtio <timestamp> <channel> <value>` lines, the pins of this device.
#![no_std]

mod board;
mod dma;
mod rtio;
mod start;
mod sys;

/// The firmware's journal: values from the host's records, divergences reported and stopped (its
/// recording half is the firmware's alone).
#[path = "../../firmware/src/journal.rs"]
#[allow(dead_code)]
mod journal;
/// The firmware's RPCs: arguments encoded, answers decoded or raised.
#[path = "../../firmware/src/rpc.rs"]
mod rpc;

/// What the shared firmware modules call critical sections: nothing interrupts a kernel here.
mod watch {
    pub struct Critical;

    impl Critical {
        pub fn enter() -> Critical {
            Critical
        }
    }

    impl Drop for Critical {
        fn drop(&mut self) {}
    }
}

/// How the shared firmware modules stop a kernel: its run ends here, and so does this program.
mod trap {
    use strobe_session::StopReason;

    pub fn stop_from_firmware(pc: u32, reason: StopReason) -> ! {
        crate::board::end_run(strobe_protocol::Message::Stopped { pc, reason })
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    sys::write(2, b"strobe replay device: internal panic\n");
    sys::exit(70)
}
