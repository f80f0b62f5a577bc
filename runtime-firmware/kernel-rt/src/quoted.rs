//! Quoted host values: a composed program's host data (object fields, kernel arguments) is not code
//! but a table the host lays out (`strobe_abi::QUOTED_DATA`); the code reads each value by its slot
//! and kernel type at run time. A changed value changes only the table.

use crate::exceptions::raise_builtin;
use crate::rpc::{decode, ValueError};
use strobe_abi::ExceptionId;
use strobe_protocol::wire::Reader;

/// The bytes of value `slot` in the table at `table`: from its offset to the next one (or the table's
/// end for the last).
///
/// # Safety
/// `table` is a table in the layout of `strobe_abi::QUOTED_DATA`.
unsafe fn entry(table: *const u8, slot: u32) -> Option<&'static [u8]> {
    let word = |i: usize| u32::from_le_bytes(*(table.add(4 * i) as *const [u8; 4])) as usize;
    let count = word(0);
    let slot = slot as usize;
    if slot >= count {
        return None;
    }
    let start = word(1 + slot);
    // The entry after the last one is the table's total length.
    let end = word(2 + slot);
    (start <= end).then(|| core::slice::from_raw_parts(table.add(start), end - start))
}

/// The running kernel's table (null: none).
static mut TABLE: *const u8 = core::ptr::null();

/// Gives the next run its table of quoted values (null for none).
///
/// # Safety
/// `table` is null or a table in the layout of `strobe_abi::QUOTED_DATA` that stays in place for
/// the run (the device checked it is one of the run's units).
pub unsafe fn set_table(table: *const u8) {
    TABLE = table;
}

/// # Safety
/// `tags` is a type signature of `tags_len` bytes and `out` has room for a value of that type (all
/// compiler-emitted).
#[no_mangle]
pub unsafe extern "C" fn __strobe_quoted_load(
    slot: u32,
    tags: *const u8,
    tags_len: u32,
    out: *mut u8,
) {
    let tags = core::slice::from_raw_parts(tags, tags_len as usize);
    let table = TABLE;
    let found = if table.is_null() {
        None
    } else {
        entry(table, slot)
    };
    let Some(bytes) = found else {
        return raise_builtin(
            ExceptionId::RuntimeError,
            "RuntimeError",
            "quoted host value missing from the program's data",
        );
    };
    match decode(tags, &mut Reader::new(bytes), out) {
        Ok(()) => {}
        Err(ValueError::OutOfMemory) => raise_builtin(
            ExceptionId::MemoryError,
            "MemoryError",
            "a host value does not fit the arena",
        ),
        Err(ValueError::Wire(_)) => raise_builtin(
            ExceptionId::TypeError,
            "TypeError",
            "a quoted host value does not match its kernel type",
        ),
    }
}
