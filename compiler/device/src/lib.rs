//! Host driver for the core device: where it is ([`DeviceAddress`]), how bytes get there
//! ([`Transport`]: TCP to the simulator, serial to a board), and what is said ([`Device`]: handshake,
//! checked upload, run with streamed output, recorded or replayed through a [`RunJournal`]), in the
//! shared link protocol.

mod address;
mod analyzer;
mod firmware;
mod lock;
mod qemu;
mod session;
mod sim;
mod trace;
mod transport;

pub use address::DeviceAddress;
pub use analyzer::{Analyzer, Record as AnalyzerRecord};
pub use firmware::{FirmwareError, FirmwareImage};
pub use lock::{lock_device, DeviceLock, LockError};
pub use qemu::{QemuDevice, QemuOutput};
pub use session::{
    changed_ranges, no_host_functions, patch_ranges, Device, DeviceError, KernelRun, Outcome,
    RpcAnswer, RpcCall, RunJournal, RunResult,
};
pub use sim::{DeviceBuild, SimBuild, SimDevice, REPLAY_RT_ARCHIVE};
pub use strobe_protocol::journal;
pub use strobe_protocol::message::{StoreEntry, UnitKey};
pub use strobe_protocol::{rpc as rpc_values, FaultReport};
pub use trace::{Edge, Trace};
pub use transport::{SerialTransport, TcpTransport, Transport};
