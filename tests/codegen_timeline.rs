//! How generated code carries the timeline cursor and offers RTIO events (`strobe_codegen`'s
//! `timeline.rs` and `runtime_state.rs`): kernel functions pass the cursor as a pointer to their
//! caller's copy, only the kernel entry touches the firmware's global (`strobe_abi::NOW`), the
//! runtime's RTIO calls are known to leave the cursor alone, and an event is offered through the
//! fast window: two stores while the roomy flag is set, else two stores and a read whose answer
//! decides the exact path. Without these an RTIO loop stores the cursor to memory at every
//! iteration and waits for an answer at every event.

mod llvm_ir_text;

use llvm_ir_text::{attributes_of, body_of};
use strobe_driver::{Compiler, Platform};
use strobe_syntax::SourceFile;

const PROGRAM: &str = "from strobe.coredevice.rtio import rtio_output


def pulse(channel: int32, duration: int64):
    rtio_output(channel, 1)
    delay_mu(duration)
    rtio_output(channel, 0)


def main():
    for i in range(10):
        pulse(0, int64(8000))
        delay_mu(8000)
    rtio_gate(0, 1)
";

const FAST_WINDOW: u32 = 0x9000_0000;

fn llvm_ir() -> String {
    let platform = Platform::for_device(
        125_000_000,
        0x4000_0000,
        &Default::default(),
        Some(FAST_WINDOW),
    );
    Compiler::for_platform(None, platform)
        .llvm_ir(&SourceFile::new("k.py", PROGRAM))
        .unwrap_or_else(|e| panic!("{}", e.render()))
}

#[test]
fn only_the_kernel_entry_touches_the_firmware_cursor() {
    let ir = llvm_ir();
    let entry = body_of(&ir, &format!("@{}(", strobe_abi::KERNEL_ENTRY));
    let global = format!("@{}", strobe_abi::NOW);
    assert!(
        entry
            .iter()
            .any(|l| l.contains("load") && l.contains(&global)),
        "{ir}"
    );
    assert!(
        entry
            .iter()
            .any(|l| l.contains("store") && l.contains(&global)),
        "{ir}"
    );
    let mentions = ir
        .lines()
        .filter(|l| l.contains(&global) && !l.starts_with('@'))
        .count();
    assert_eq!(
        mentions, 2,
        "the cursor's global is used outside the entry:\n{ir}"
    );
}

#[test]
fn kernel_functions_take_their_callers_cursor() {
    let ir = llvm_ir();
    let pulse = ir
        .lines()
        .find(|l| l.starts_with("define") && l.contains("pulse"))
        .unwrap_or_else(|| panic!("no pulse:\n{ir}"));
    assert!(
        pulse.contains("i32 %0, i64 %1, ptr noalias nocapture %2"),
        "{pulse}"
    );
    // The gate is an event at the cursor: its timestamp is an argument, not read from the global.
    assert!(
        ir.contains("call void @__strobe_rtio_gate(i32 0, i64"),
        "{ir}"
    );
}

#[test]
fn the_exact_path_leaves_the_cursor_alone() {
    let ir = llvm_ir();
    for symbol in ["@__strobe_rtio_output(", "@__strobe_rtio_gate("] {
        let attributes = attributes_of(&ir, symbol);
        assert!(
            attributes.contains("memory(inaccessiblemem: readwrite)"),
            "{attributes}"
        );
    }
}

#[test]
fn an_event_is_two_stores_with_room_else_an_answered_offer() {
    let ir = llvm_ir();
    let pulse = body_of(&ir, "pulse");
    // The window's accesses and the roomy flag's, in order (the pending exception is read the same
    // way, after the exact path: left out).
    let pending = format!("@{}", strobe_abi::PENDING_EXCEPTION);
    let roomy = format!("@{}", strobe_abi::RTIO_ROOMY);
    let accesses: Vec<String> = pulse
        .iter()
        .filter(|l| !l.contains(&pending))
        .filter_map(|l| {
            let asm = l.split("asm sideeffect \"").nth(1)?;
            let op = &asm[..2];
            Some(if l.contains(&roomy) {
                format!("{op} roomy")
            } else {
                format!("{op} window")
            })
        })
        .collect();
    let event = [
        "lw roomy",  // the flag
        "sw window", // the high word
        "sw window", // with room: the low word at the event's word offers it
        "sw window", // without: the low word to its register,
        "lw window", // then the read that offers the event and answers
        "sw roomy",  // an answer with room becomes the flag
    ];
    // `delay_mu(duration)` between the events: a negative duration clears the flag.
    let expected: Vec<&str> = [&event[..], &["sw roomy"], &event[..]].concat();
    assert_eq!(accesses, expected, "{pulse:#?}");
    let window = FAST_WINDOW as i32;
    assert!(
        pulse
            .iter()
            .any(|l| l.contains(&format!("i32 {window}"))
                || l.contains(&format!("i32 {}", window + 4))),
        "the window's timestamp words are not addressed: {pulse:#?}"
    );
}
