//! RPC values between kernel memory and the wire format of `strobe_protocol::rpc`.
//!
//! The compiler passes a type signature (tag bytes) with pointers to values laid out as LLVM lays
//! out the kernel types on rv32 (ilp32): `bool`/`None` one byte, `int32` 4, `int64`/`float` 8
//! (aligned to 8), `str` a `Str` (8 bytes), `list` a pointer to a `ListHeader`, `bytes` and
//! `bytearray` a pointer to a `ListHeader` of bytes, an array a pointer to an `ArrayHeader`, a
//! range three integers, a host object a pointer to its fields (the first its host index), tuples
//! C structs. Host objects travel to the host only.
//! Decoded strings and lists are allocated in the arena.

use crate::arena;
use strobe_abi::{ArrayHeader, ListHeader, Str};
use strobe_protocol::rpc::{self, tag, ValueWriter};
use strobe_protocol::wire::Reader;

/// Why a value could not be encoded or decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// Malformed tags or payload, or no room in the output buffer.
    Wire(strobe_protocol::Error),
    /// The arena is full.
    OutOfMemory,
}

impl From<strobe_protocol::Error> for ValueError {
    fn from(e: strobe_protocol::Error) -> Self {
        ValueError::Wire(e)
    }
}

/// Size and alignment in kernel memory of the (well-formed) type at `tags[0..]`.
pub fn layout(tags: &[u8]) -> Result<(usize, usize), ValueError> {
    Ok(
        match *tags.first().ok_or(strobe_protocol::Error::Truncated)? {
            tag::NONE | tag::BOOL => (1, 1),
            tag::INT32 | tag::LIST | tag::ARRAY | tag::BYTES | tag::BYTEARRAY | tag::OBJECT => {
                (4, 4)
            }
            tag::INT64 | tag::FLOAT => (8, 8),
            tag::STR => (8, 4),
            // Three integers of the next tag's type (a struct of them).
            tag::RANGE => {
                let (size, align) = layout(&tags[1..])?;
                (3 * size, align)
            }
            tag::TUPLE => {
                let (mut size, mut align) = (0usize, 1usize);
                for_each_item(tags, &mut |item| {
                    let (s, a) = layout(item)?;
                    size = align_up(size, a) + s;
                    align = align.max(a);
                    Ok(())
                })?;
                (align_up(size, align), align)
            }
            _ => return Err(strobe_protocol::Error::BadField.into()),
        },
    )
}

/// Whether elements of type `elem` are laid out on the wire as in memory, so a list or array of
/// them moves as one copy: numbers (little-endian, packed) and bools (a byte each, 0 or 1 in kernel
/// memory; bytes from the host are made 0 or 1 after the copy, as one at a time would be).
fn packed_items(elem: &[u8]) -> bool {
    matches!(
        elem.first(),
        Some(&(tag::INT32 | tag::INT64 | tag::FLOAT | tag::BOOL))
    )
}

/// Makes every byte 0 or 1 (nonzero: 1), a word at a time where the bytes are aligned.
fn normalize_bools(bytes: &mut [u8]) {
    // SAFETY: any four bytes are a valid u32.
    let (head, words, tail) = unsafe { bytes.align_to_mut::<u32>() };
    for b in head.iter_mut().chain(tail.iter_mut()) {
        *b = (*b != 0) as u8;
    }
    for w in words {
        // Fold each byte's bits into its lowest one; bits shifted in from the next byte only
        // reach the high bits, which the mask drops.
        let mut t = *w | *w >> 4;
        t |= t >> 2;
        t |= t >> 1;
        *w = t & 0x0101_0101;
    }
}

fn align_up(n: usize, align: usize) -> usize {
    (n + align - 1) & !(align - 1)
}

/// Calls `f` with the type of every item of the tuple type at `tags[0..]`, in order.
fn for_each_item(
    tags: &[u8],
    f: &mut dyn FnMut(&[u8]) -> Result<(), ValueError>,
) -> Result<(), ValueError> {
    for item in rpc::tuple_items(tags) {
        f(item?)?;
    }
    Ok(())
}

/// A visit of one tuple item: its type tags and its offset in the tuple.
type FieldVisit<'f> = dyn FnMut(&[u8], usize) -> Result<(), ValueError> + 'f;

/// Calls `f` with the type and offset of every item of the tuple type at `tags[0..]`.
fn for_each_field(tags: &[u8], f: &mut FieldVisit<'_>) -> Result<(), ValueError> {
    let mut offset = 0;
    for_each_item(tags, &mut |item| {
        let (size, align) = layout(item)?;
        offset = align_up(offset, align);
        f(item, offset)?;
        offset += size;
        Ok(())
    })
}

/// The bytes [`encode`] writes for the value of type `tags[0..]` at `value` (so a buffer can be sized
/// exactly).
///
/// # Safety
/// As for [`encode`].
pub unsafe fn encoded_len(tags: &[u8], value: *const u8) -> Result<usize, ValueError> {
    Ok(
        match *tags.first().ok_or(strobe_protocol::Error::Truncated)? {
            tag::NONE => 0,
            tag::BOOL => 1,
            tag::INT32 | tag::OBJECT => 4,
            tag::INT64 | tag::FLOAT => 8,
            tag::STR => 4 + (value as *const Str).read().len as usize,
            tag::BYTES | tag::BYTEARRAY => 4 + byte_items(value).len(),
            tag::LIST => {
                let header = (value as *const *const ListHeader).read();
                let (len, data) = if header.is_null() {
                    (0, core::ptr::null())
                } else {
                    ((*header).len as usize, (*header).data as *const u8)
                };
                4 + items_encoded_len(&tags[1..], len, data)?
            }
            tag::RANGE => 3 * layout(&tags[1..])?.0,
            tag::ARRAY => {
                let (shape, len, data) = array_parts(tags, value);
                shape.len() * 4 + items_encoded_len(&tags[2..], len, data)?
            }
            tag::TUPLE => {
                let mut total = 0;
                for_each_field(tags, &mut |item, offset| {
                    total += encoded_len(item, value.add(offset))?;
                    Ok(())
                })?;
                total
            }
            _ => return Err(strobe_protocol::Error::BadField.into()),
        },
    )
}

/// The encoded size of `len` items of type `elem` at `data`.
///
/// # Safety
/// As [`encoded_len`], for each item.
unsafe fn items_encoded_len(elem: &[u8], len: usize, data: *const u8) -> Result<usize, ValueError> {
    if let Some(&(tag::BOOL | tag::INT32 | tag::INT64 | tag::FLOAT | tag::NONE)) = elem.first() {
        // Fixed-size items: no need to visit each.
        return Ok(len * encoded_len(elem, data)?);
    }
    let (size, _) = layout(elem)?;
    let mut total = 0;
    for i in 0..len {
        total += encoded_len(elem, data.add(i * size))?;
    }
    Ok(total)
}

/// The shape, element count and elements of the array (type `tags[0..]`) whose header pointer is
/// at `value`.
///
/// # Safety
/// `value` points at a live pointer to an array header of that many dimensions.
unsafe fn array_parts<'a>(tags: &[u8], value: *const u8) -> (&'a [u32], usize, *const u8) {
    let header = (value as *const *const ArrayHeader).read();
    let dims = tags[1] as usize;
    let shape = core::slice::from_raw_parts((*header).shape.as_ptr(), dims);
    (
        shape,
        (*header).items.len as usize,
        (*header).items.data as *const u8,
    )
}

/// Writes the value of type `tags[0..]` at `value` to `w`.
///
/// # Safety
/// `value` points at a live kernel value of that type (compiler-emitted).
pub unsafe fn encode(tags: &[u8], value: *const u8, w: &mut ValueWriter) -> Result<(), ValueError> {
    match *tags.first().ok_or(strobe_protocol::Error::Truncated)? {
        tag::NONE => {}
        tag::BOOL => w.bool(*value != 0)?,
        tag::INT32 => w.int32((value as *const i32).read())?,
        // A pointer to the object, whose first field is its host index.
        tag::OBJECT => w.int32((value as *const *const i32).read().read())?,
        tag::INT64 => w.int64((value as *const i64).read())?,
        tag::FLOAT => w.float((value as *const f64).read())?,
        tag::STR => {
            let s = (value as *const Str).read();
            let bytes = if s.ptr.is_null() {
                &[][..]
            } else {
                core::slice::from_raw_parts(s.ptr, s.len as usize)
            };
            w.str(core::str::from_utf8(bytes).unwrap_or("\u{fffd}"))?
        }
        tag::BYTES | tag::BYTEARRAY => w.bytes(byte_items(value))?,
        tag::LIST => {
            let header = (value as *const *const ListHeader).read();
            let (len, data) = if header.is_null() {
                (0, core::ptr::null())
            } else {
                ((*header).len, (*header).data as *const u8)
            };
            w.list(len)?;
            encode_items(&tags[1..], len as usize, data, w)?;
        }
        tag::RANGE => {
            let (size, _) = layout(&tags[1..])?;
            for i in 0..3 {
                encode(&tags[1..], value.add(i * size), w)?;
            }
        }
        tag::ARRAY => {
            let (shape, len, data) = array_parts(tags, value);
            w.array(shape)?;
            encode_items(&tags[2..], len, data, w)?;
        }
        tag::TUPLE => for_each_field(tags, &mut |item, offset| encode(item, value.add(offset), w))?,
        _ => return Err(strobe_protocol::Error::BadField.into()),
    }
    Ok(())
}

/// Writes `len` items of type `elem` at `data` (a list's or an array's elements).
///
/// # Safety
/// `data` points at `len` live values of that type.
unsafe fn encode_items(
    elem: &[u8],
    len: usize,
    data: *const u8,
    w: &mut ValueWriter,
) -> Result<(), ValueError> {
    let (size, _) = layout(elem)?;
    if packed_items(elem) && len > 0 {
        return Ok(w.packed_items(core::slice::from_raw_parts(data, len * size))?);
    }
    for i in 0..len {
        encode(elem, data.add(i * size), w)?;
    }
    Ok(())
}

/// Reads `len` items of type `elem` from `r` into newly allocated memory.
///
/// # Safety
/// As [`decode`].
unsafe fn decode_items(elem: &[u8], len: u32, r: &mut Reader) -> Result<*mut u8, ValueError> {
    let (size, align) = layout(elem)?;
    let bytes = (len as usize)
        .checked_mul(size)
        .ok_or(ValueError::OutOfMemory)?;
    let data = arena::allocate(bytes, align).ok_or(ValueError::OutOfMemory)?;
    if packed_items(elem) {
        let raw = r.bytes(bytes)?;
        core::ptr::copy_nonoverlapping(raw.as_ptr(), data, bytes);
        if elem.first() == Some(&tag::BOOL) {
            normalize_bools(core::slice::from_raw_parts_mut(data, bytes));
        }
    } else {
        for i in 0..len as usize {
            decode(elem, r, data.add(i * size))?;
        }
    }
    Ok(data)
}

/// Reads a value of type `tags[0..]` from `r` into kernel memory at `out`.
///
/// # Safety
/// `out` has room for a value of that type (compiler-emitted).
pub unsafe fn decode(tags: &[u8], r: &mut Reader, out: *mut u8) -> Result<(), ValueError> {
    match *tags.first().ok_or(strobe_protocol::Error::Truncated)? {
        tag::NONE => *out = 0,
        tag::BOOL => *out = (r.u8()? != 0) as u8,
        tag::INT32 => (out as *mut u32).write(r.u32()?),
        tag::INT64 | tag::FLOAT => (out as *mut u64).write(r.u64()?),
        tag::STR => {
            let text = r.text()?;
            let ptr = arena::allocate(text.len(), 1).ok_or(ValueError::OutOfMemory)?;
            core::ptr::copy_nonoverlapping(text.as_ptr(), ptr, text.len());
            (out as *mut Str).write(Str {
                ptr,
                len: text.len() as u32,
            });
        }
        tag::BYTES | tag::BYTEARRAY => {
            let items = r.blob()?;
            let data = arena::allocate(items.len(), 1).ok_or(ValueError::OutOfMemory)?;
            core::ptr::copy_nonoverlapping(items.as_ptr(), data, items.len());
            (out as *mut *mut ListHeader).write(list_header(items.len() as u32, data)?);
        }
        tag::LIST => {
            let len = r.u32()?;
            let data = decode_items(&tags[1..], len, r)?;
            (out as *mut *mut ListHeader).write(list_header(len, data)?);
        }
        tag::RANGE => {
            let (size, _) = layout(&tags[1..])?;
            for i in 0..3 {
                decode(&tags[1..], r, out.add(i * size))?;
            }
        }
        tag::ARRAY => {
            let dims = tags[1] as usize;
            let header_size = core::mem::size_of::<ArrayHeader>() + 4 * dims;
            let header = arena::allocate(header_size, core::mem::align_of::<ArrayHeader>())
                .ok_or(ValueError::OutOfMemory)? as *mut ArrayHeader;
            let shape = (header as *mut u8).add(core::mem::size_of::<ArrayHeader>()) as *mut u32;
            let mut len: u32 = 1;
            for d in 0..dims {
                let n = r.u32()?;
                shape.add(d).write(n);
                len = len.checked_mul(n).ok_or(ValueError::OutOfMemory)?;
            }
            let data = decode_items(&tags[2..], len, r)?;
            (*header).items = ListHeader {
                len,
                cap: len,
                data,
            };
            (out as *mut *mut ArrayHeader).write(header);
        }
        tag::TUPLE => for_each_field(tags, &mut |item, offset| decode(item, r, out.add(offset)))?,
        _ => return Err(strobe_protocol::Error::BadField.into()),
    }
    Ok(())
}

/// A new list header in the arena for `len` items at `data`.
unsafe fn list_header(len: u32, data: *mut u8) -> Result<*mut ListHeader, ValueError> {
    let header = arena::allocate(
        core::mem::size_of::<ListHeader>(),
        core::mem::align_of::<ListHeader>(),
    )
    .ok_or(ValueError::OutOfMemory)? as *mut ListHeader;
    header.write(ListHeader {
        len,
        cap: len,
        data,
    });
    Ok(header)
}

/// The bytes of the `bytes`/`bytearray` whose header pointer is at `value`.
///
/// # Safety
/// `value` points at a live pointer to a byte list (or null).
unsafe fn byte_items<'a>(value: *const u8) -> &'a [u8] {
    let header = (value as *const *const ListHeader).read();
    if header.is_null() || (*header).data.is_null() {
        return &[];
    }
    core::slice::from_raw_parts((*header).data as *const u8, (*header).len as usize)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bools_from_the_host_become_0_or_1() {
        let mut bytes = [0u8; 263];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = [0, 1, 2, 0x80, 0, 0, 7, 0x10][i % 8] ^ (i as u8 & 0xf0);
        }
        let expected = bytes.map(|b| (b != 0) as u8);
        for start in 0..4 {
            let mut some = bytes;
            super::normalize_bools(&mut some[start..]);
            assert_eq!(some[start..], expected[start..]);
        }
    }

    use super::*;
    extern crate std;

    #[test]
    fn array_dimension_limits_agree() {
        assert_eq!(strobe_abi::MAX_ARRAY_DIMS, rpc::MAX_ARRAY_DIMS);
    }

    #[test]
    fn layouts_follow_the_c_struct_rules() {
        assert_eq!(layout(b"i").unwrap(), (4, 4));
        assert_eq!(layout(b"t\x02if").unwrap(), (16, 8));
        assert_eq!(layout(b"t\x03bsb").unwrap(), (16, 4));
        assert_eq!(layout(b"t\x00").unwrap(), (0, 1));
        assert!(layout(b"q").is_err());
    }
}
