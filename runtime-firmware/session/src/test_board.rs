//! A board for host tests of the protocol stack (enabled by the `test-board` feature): kernel memory
//! is a `Vec`, and "running" a kernel reports its first byte: 0 finishes, 1 raises, 3 makes an RPC,
//! 4 computes (three heartbeats, polling the host between them), 5 replays a counter read (asks
//! for journal records and finishes with the first one's value as its cycles, or diverges when it
//! is not a counter read), anything else faults.

extern crate std;

use crate::{
    Board, ExceptionReport, FaultReport, KernelHost, RpcReply, RpcRequest, RunOutcome, RunSetup,
};
use std::vec::Vec;

std::thread_local! {
    /// For tests of ordering: the board notes each value it decodes (`ReturnEnd`), a test's link
    /// each frame it sends.
    pub static EVENTS: core::cell::RefCell<Vec<&'static str>> = const { core::cell::RefCell::new(Vec::new()) };
}
use strobe_protocol::journal::Consumer;
use strobe_protocol::message::DeviceInfo;
use strobe_protocol::PROTOCOL_VERSION;

pub const BASE: u32 = 0x4000_0000;

pub struct TestBoard {
    pub memory: Vec<u8>,
    pub log: crate::CoreLog,
    pub runs: u32,
    pub last_run: Option<RunSetup>,
}

impl TestBoard {
    pub fn new(size: usize) -> Self {
        TestBoard {
            memory: std::vec![0xff; size],
            log: crate::CoreLog::new(),
            runs: 0,
            last_run: None,
        }
    }
}

impl Board for TestBoard {
    fn info(&self) -> DeviceInfo {
        DeviceInfo {
            protocol_version: PROTOCOL_VERSION,
            abi_version: 1,
            abi_hash: [1; 32],
            kernel_base: BASE,
            kernel_size: self.memory.len() as u32,
            clock_hz: 1_000_000,
            isa: 1,
            rtio: strobe_protocol::message::RtioChannels {
                outputs: 4,
                inputs: 2,
                clock_generators: 1,
            },
        }
    }

    fn kernel_region(&mut self) -> &mut [u8] {
        &mut self.memory
    }

    fn core_log(&mut self) -> &mut crate::CoreLog {
        &mut self.log
    }

    fn run<'b>(&'b mut self, run: RunSetup, host: &mut dyn KernelHost) -> RunOutcome<'b> {
        let entry = run.entry;
        self.runs += 1;
        self.last_run = Some(run);
        host.log("hello from the kernel\n");
        match self.memory[(entry - BASE) as usize] {
            0 => RunOutcome::Finished { cycles: 1234 },
            // Calls host service 7 with (5,) expecting an int32, and finishes with the answer as cycles.
            3 => {
                let mut answer = None;
                let mut stopped = None;
                host.rpc(
                    RpcRequest {
                        service: 7,
                        site: entry + 4,
                        is_async: false,
                        tags: b"i",
                        args: &[5, 0, 0, 0],
                        ret_tags: b"i",
                    },
                    &mut |reply| {
                        answer = match reply {
                            RpcReply::Return { value, .. } => {
                                Some(i32::from_le_bytes([value[0], value[1], value[2], value[3]])
                                    as u64)
                            }
                            RpcReply::Exception(_) => Some(1_000_001),
                            RpcReply::Stopped(reason) => {
                                stopped = Some(reason);
                                None
                            }
                            // A value in parts: the sum of its bytes, marked.
                            RpcReply::ReturnStart { .. } => Some(2_000_000),
                            RpcReply::ReturnPart { data } => {
                                answer.map(|a| a + data.iter().map(|&b| b as u64).sum::<u64>())
                            }
                            RpcReply::ReturnEnd => {
                                EVENTS.with(|e| e.borrow_mut().push("decoded"));
                                answer
                            }
                        }
                    },
                );
                match stopped {
                    Some(reason) => RunOutcome::Stopped { pc: entry, reason },
                    None => RunOutcome::Finished {
                        cycles: answer.unwrap_or(0),
                    },
                }
            }
            4 => {
                for i in 0..3 {
                    if let Some(reason) = host.poll() {
                        return RunOutcome::Stopped {
                            pc: entry + 4 * i,
                            reason,
                        };
                    }
                    host.heartbeat(i as u64);
                }
                RunOutcome::Finished { cycles: 3 }
            }
            5 => {
                let mut first = None;
                host.replay_shift(-8, 16);
                if let Err(reason) = host.journal_need(&mut |records| {
                    first = strobe_protocol::journal::records(records).next();
                }) {
                    return RunOutcome::Stopped { pc: entry, reason };
                }
                match first {
                    Some(Ok(r)) if Consumer::Counter.accepts(r.kind) => RunOutcome::Finished {
                        cycles: r.value as u64,
                    },
                    _ => {
                        host.diverged(0, Consumer::Counter, entry + 4);
                        RunOutcome::Stopped {
                            pc: entry,
                            reason: crate::StopReason::Divergence,
                        }
                    }
                }
            }
            1 => RunOutcome::Exception(ExceptionReport {
                type_id: 4,
                name: "ValueError",
                message: "bad",
                traceback: "k.py:3:main\n",
            }),
            _ => RunOutcome::Fault(FaultReport {
                cause: 2,
                pc: entry,
                value: 0,
            }),
        }
    }
}
