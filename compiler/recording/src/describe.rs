//! Journal events in source terms, for divergences and diffs.

use crate::Event;
use strobe_device::journal::RecordKind;
use strobe_device::{Outcome, RpcAnswer};
use strobe_link::{lookup_line, LineRow};

/// Where a call whose return address is `site` is: `file:line`.
pub fn site(lines: &[LineRow], site: u32) -> String {
    if site == 0 {
        return "the run's start".into();
    }
    match lookup_line(lines, site.wrapping_sub(4)) {
        Some(row) => format!("{}:{}", row.file, row.line),
        None => format!("pc {site:#010x}"),
    }
}

/// `reads an input timestamp (-1) at exp.py:20`.
pub fn event(lines: &[LineRow], e: &Event) -> String {
    match e {
        Event::Device(r) => {
            let value = match r.kind {
                RecordKind::Underflow => format!("at {} mu, slack {} mu", r.value, r.extra),
                RecordKind::DmaUnderflow => format!("from {} mu", r.value),
                RecordKind::InputOverflow => format!("channel {}", r.value),
                _ => r.value.to_string(),
            };
            format!("{} ({value}) at {}", r.kind.describe(), site(lines, r.site))
        }
        Event::Rpc(rpc) => {
            let how = if rpc.call.is_async { "async " } else { "" };
            let answer = match &rpc.answer {
                None => String::new(),
                Some(RpcAnswer::Return { value, .. }) => format!(", answered {value:02x?}"),
                Some(RpcAnswer::Exception { name, message, .. }) => {
                    format!(", answered by raising {name}({message:?})")
                }
            };
            format!(
                "calls host function {} ({how}RPC service {}) with arguments {:02x?}{answer} at {}",
                service_name(rpc.call.service),
                rpc.call.service,
                rpc.call.args,
                site(lines, rpc.call.site)
            )
        }
    }
}

/// The services every kernel has (`strobe.runtime`): 0 writes attributes back, 1 returns the
/// kernel's result; the others are the experiment's host functions.
fn service_name(service: u32) -> &'static str {
    match service {
        0 => "(attribute writeback)",
        1 => "(the kernel's result)",
        _ => "",
    }
}

/// `finished`, `raised ValueError: bad`, ...
pub fn outcome(o: &Outcome) -> String {
    match o {
        Outcome::Finished { .. } => "finished".into(),
        Outcome::Exception { name, message, .. } => format!("raised {name}: {message}"),
        Outcome::Fault(f) => format!("faulted (cause {}) at pc {:#010x}", f.cause, f.pc),
        Outcome::Stopped { pc, reason } => format!("was stopped ({reason:?}) at pc {pc:#010x}"),
    }
}
