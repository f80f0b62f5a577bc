//! RPC values on the wire: a type signature ([`tag`] bytes) followed by the values it describes.
//!
//! The signature travels with every call and return, so either side can check a payload without
//! knowing the function: `(int32, list[float])` is `t 2 i l f`, and its values are the int32, then the
//! list's length and its floats. Decoding walks the two together, checks every length against the
//! remaining input and bounds the nesting depth, so a hostile payload is an [`Error`], never a panic
//! or a deep recursion on the device.

use crate::wire::{Reader, Writer};
use crate::Error;

/// Type tags: one byte each; `list` is followed by its element type, `tuple` by a count and the
/// element types.
pub mod tag {
    pub const NONE: u8 = b'n';
    pub const BOOL: u8 = b'b';
    pub const INT32: u8 = b'i';
    pub const INT64: u8 = b'I';
    pub const FLOAT: u8 = b'f';
    pub const STR: u8 = b's';
    pub const LIST: u8 = b'l';
    pub const TUPLE: u8 = b't';
    /// `bytes` and `bytearray`: a length, then the bytes.
    pub const BYTES: u8 = b'B';
    pub const BYTEARRAY: u8 = b'A';
    /// A numpy array: a dimension count (1..=[`super::MAX_ARRAY_DIMS`]) and the element type (a
    /// number, a bool or a str); its value is the shape, one u32 per dimension, then the elements in
    /// row-major order.
    pub const ARRAY: u8 = b'a';
    /// A `range` of int32 or int64 (the next tag): start, stop and step.
    pub const RANGE: u8 = b'r';
    /// A host object a kernel holds (sent to the host only): the u32 index the embedding gave it.
    pub const OBJECT: u8 = b'O';
}

/// The most dimensions an array type may have.
pub const MAX_ARRAY_DIMS: usize = 4;

/// How deeply types may nest (`list[list[...]]`): bounds the recursion of every walk.
pub const MAX_DEPTH: usize = 8;

/// One step of a walk over a value; containers are announced with their length before their items.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Token<'a> {
    None,
    Bool(bool),
    Int32(i32),
    Int64(i64),
    Float(f64),
    Str(&'a str),
    Bytes(&'a [u8]),
    ByteArray(&'a [u8]),
    ListBegin(u32),
    TupleBegin(u8),
    /// A host object, by the index the embedding gave it.
    Object(u32),
    /// A range: its start, stop and step follow, then [`Token::End`].
    RangeBegin,
    /// An array of `shape[..dims]`; its elements follow, then [`Token::End`].
    ArrayBegin {
        dims: u8,
        shape: [u32; MAX_ARRAY_DIMS],
    },
    End,
}

/// Checks that `tags` is exactly one well-formed type; returns the bytes it spans.
pub fn type_len(tags: &[u8]) -> Result<usize, Error> {
    type_len_at(tags, 0)
}

fn type_len_at(tags: &[u8], depth: usize) -> Result<usize, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::BadField);
    }
    match *tags.first().ok_or(Error::Truncated)? {
        tag::NONE
        | tag::BOOL
        | tag::INT32
        | tag::INT64
        | tag::FLOAT
        | tag::STR
        | tag::BYTES
        | tag::BYTEARRAY
        | tag::OBJECT => Ok(1),
        tag::LIST => Ok(1 + type_len_at(&tags[1..], depth + 1)?),
        tag::RANGE => match tags.get(1) {
            Some(&(tag::INT32 | tag::INT64)) => Ok(2),
            Some(_) => Err(Error::BadField),
            None => Err(Error::Truncated),
        },
        tag::ARRAY => {
            let dims = *tags.get(1).ok_or(Error::Truncated)? as usize;
            let elem = *tags.get(2).ok_or(Error::Truncated)?;
            if !(1..=MAX_ARRAY_DIMS).contains(&dims)
                || ![tag::BOOL, tag::INT32, tag::INT64, tag::FLOAT, tag::STR].contains(&elem)
            {
                return Err(Error::BadField);
            }
            Ok(3)
        }
        tag::TUPLE => {
            let count = *tags.get(1).ok_or(Error::Truncated)?;
            let mut at = 2;
            for _ in 0..count {
                at += type_len_at(tags.get(at..).ok_or(Error::Truncated)?, depth + 1)?;
            }
            Ok(at)
        }
        _ => Err(Error::BadField),
    }
}

/// Checks that `tags` is exactly one well-formed type (a result's, an expected result's).
pub fn single_type(tags: &[u8]) -> Result<(), Error> {
    if type_len(tags)? == tags.len() {
        Ok(())
    } else {
        Err(Error::BadField)
    }
}

/// The item types of the tuple type at `tags[0..]` (`t`, count, items), in order; a malformed item
/// ends the iteration with its error.
pub fn tuple_items(tags: &[u8]) -> TupleItems<'_> {
    TupleItems {
        tags,
        at: 2,
        left: tags.get(1).copied().unwrap_or(0),
    }
}

pub struct TupleItems<'a> {
    tags: &'a [u8],
    at: usize,
    left: u8,
}

impl<'a> Iterator for TupleItems<'a> {
    type Item = Result<&'a [u8], Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let item = match self.tags.get(self.at..) {
            Some(item) => item,
            None => {
                self.left = 0;
                return Some(Err(Error::Truncated));
            }
        };
        match type_len(item) {
            Ok(n) => {
                self.at += n;
                Some(Ok(&item[..n]))
            }
            Err(e) => {
                self.left = 0;
                Some(Err(e))
            }
        }
    }
}

/// Walks the values of `data` as described by the type list `tags` (zero or more types, e.g. a
/// call's arguments), handing each token to `visit`. Fails on any mismatch, including bytes left over.
pub fn walk<'a>(
    tags: &[u8],
    data: &'a [u8],
    visit: &mut dyn FnMut(Token<'a>),
) -> Result<(), Error> {
    let mut r = Reader::new(data);
    let mut at = 0;
    while at < tags.len() {
        at += walk_one(&tags[at..], &mut r, visit, 0)?;
    }
    r.finish()
}

/// Whether values of the (well-formed) type at `tags[0..]` occupy no bytes.
fn takes_no_bytes(tags: &[u8]) -> bool {
    match tags[0] {
        tag::NONE => true,
        tag::TUPLE => {
            let mut at = 2;
            for _ in 0..tags[1] {
                if !takes_no_bytes(&tags[at..]) {
                    return false;
                }
                at += type_len(&tags[at..]).unwrap_or(tags.len());
            }
            true
        }
        _ => false,
    }
}

/// Walks one value of type `tags[0..]`; returns the number of tag bytes it used.
fn walk_one<'a>(
    tags: &[u8],
    r: &mut Reader<'a>,
    visit: &mut dyn FnMut(Token<'a>),
    depth: usize,
) -> Result<usize, Error> {
    let len = type_len_at(tags, depth)?;
    match tags[0] {
        tag::NONE => visit(Token::None),
        tag::BOOL => visit(Token::Bool(match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(Error::BadField),
        })),
        tag::INT32 => visit(Token::Int32(r.u32()? as i32)),
        tag::INT64 => visit(Token::Int64(r.u64()? as i64)),
        tag::FLOAT => visit(Token::Float(f64::from_bits(r.u64()?))),
        tag::STR => visit(Token::Str(r.text()?)),
        tag::BYTES => visit(Token::Bytes(r.blob()?)),
        tag::BYTEARRAY => visit(Token::ByteArray(r.blob()?)),
        tag::OBJECT => visit(Token::Object(r.u32()?)),
        tag::LIST => {
            let count = r.u32()?;
            visit(Token::ListBegin(count));
            // Elements of most types take input bytes, so a false count runs out of input; a type
            // of no bytes (`None`, `()`) cannot, and an absurd count of those is refused.
            if count > u16::MAX as u32 && takes_no_bytes(&tags[1..]) {
                return Err(Error::BadField);
            }
            for _ in 0..count {
                walk_one(&tags[1..], r, visit, depth + 1)?;
            }
            visit(Token::End);
        }
        tag::RANGE => {
            visit(Token::RangeBegin);
            for _ in 0..3 {
                walk_one(&tags[1..], r, visit, depth + 1)?;
            }
            visit(Token::End);
        }
        tag::ARRAY => {
            let dims = tags[1];
            let mut shape = [0u32; MAX_ARRAY_DIMS];
            let mut count: u64 = 1;
            for d in shape.iter_mut().take(dims as usize) {
                *d = r.u32()?;
                count = count.saturating_mul(*d as u64);
            }
            // Every element takes input bytes: a false shape runs out of input.
            if count > u32::MAX as u64 {
                return Err(Error::BadField);
            }
            visit(Token::ArrayBegin { dims, shape });
            for _ in 0..count {
                walk_one(&tags[2..], r, visit, depth + 1)?;
            }
            visit(Token::End);
        }
        tag::TUPLE => {
            let count = tags[1];
            visit(Token::TupleBegin(count));
            let mut at = 2;
            for _ in 0..count {
                at += walk_one(&tags[at..], r, visit, depth + 1)?;
            }
            visit(Token::End);
        }
        _ => return Err(Error::BadField),
    }
    Ok(len)
}

/// Writes values in the layout [`walk`] reads; the caller writes them in the order of its type list.
pub struct ValueWriter<'a> {
    w: Writer<'a>,
}

impl<'a> ValueWriter<'a> {
    pub fn new(out: &'a mut [u8]) -> Self {
        ValueWriter {
            w: Writer::new(out),
        }
    }

    pub fn bool(&mut self, v: bool) -> Result<(), Error> {
        self.w.u8(v as u8)
    }

    pub fn int32(&mut self, v: i32) -> Result<(), Error> {
        self.w.u32(v as u32)
    }

    pub fn int64(&mut self, v: i64) -> Result<(), Error> {
        self.w.u64(v as u64)
    }

    pub fn float(&mut self, v: f64) -> Result<(), Error> {
        self.w.u64(v.to_bits())
    }

    pub fn str(&mut self, v: &str) -> Result<(), Error> {
        self.w.blob(v.as_bytes())
    }

    /// `bytes` or `bytearray` (the type list says which).
    pub fn bytes(&mut self, v: &[u8]) -> Result<(), Error> {
        self.w.blob(v)
    }

    /// Starts a list of `count` elements; the elements follow.
    pub fn list(&mut self, count: u32) -> Result<(), Error> {
        self.w.u32(count)
    }

    /// The elements of a list or an array as they lie in memory, where the wire has them so:
    /// int32, int64 and float (little-endian, packed) and bool (a byte each, 0 or 1).
    pub fn packed_items(&mut self, raw: &[u8]) -> Result<(), Error> {
        self.w.bytes(raw)
    }

    /// Starts an array of `shape`; its elements follow in row-major order.
    pub fn array(&mut self, shape: &[u32]) -> Result<(), Error> {
        shape.iter().try_for_each(|d| self.w.u32(*d))
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.w.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn tokens<'a>(tags: &[u8], data: &'a [u8]) -> Result<Vec<Token<'a>>, Error> {
        let mut out = Vec::new();
        walk(tags, data, &mut |t| out.push(t))?;
        Ok(out)
    }

    #[test]
    fn tuple_items_and_single_types() {
        let items: Vec<_> = tuple_items(b"t\x03ili").collect();
        assert_eq!(
            items,
            [Ok(&b"i"[..]), Ok(&b"li"[..])]
                .into_iter()
                .chain([Err(Error::Truncated)])
                .collect::<Vec<_>>()
        );
        assert_eq!(tuple_items(b"t\x00").count(), 0);
        assert_eq!(single_type(b"lf"), Ok(()));
        assert_eq!(single_type(b"ii"), Err(Error::BadField));
        assert_eq!(single_type(b""), Err(Error::Truncated));
    }

    #[test]
    fn a_call_round_trips() {
        // f(int32, list[float], (str, bool), int64, None)
        let tags = b"ilft\x02sbIn";
        let mut buf = [0u8; 128];
        let mut w = ValueWriter::new(&mut buf);
        w.int32(-7).unwrap();
        w.list(2).unwrap();
        w.float(1.5).unwrap();
        w.float(-0.25).unwrap();
        w.str("hi").unwrap();
        w.bool(true).unwrap();
        w.int64(1 << 40).unwrap();
        let n = w.len();
        assert_eq!(
            tokens(tags, &buf[..n]).unwrap(),
            [
                Token::Int32(-7),
                Token::ListBegin(2),
                Token::Float(1.5),
                Token::Float(-0.25),
                Token::End,
                Token::TupleBegin(2),
                Token::Str("hi"),
                Token::Bool(true),
                Token::End,
                Token::Int64(1 << 40),
                Token::None,
            ]
        );
    }

    #[test]
    fn bytes_round_trip() {
        let mut buf = [0u8; 32];
        let mut w = ValueWriter::new(&mut buf);
        w.bytes(b"ab\xff").unwrap();
        w.bytes(b"").unwrap();
        let n = w.len();
        assert_eq!(
            tokens(b"BA", &buf[..n]).unwrap(),
            [Token::Bytes(b"ab\xff"), Token::ByteArray(b"")]
        );
        assert_eq!(tokens(b"B", &[9, 0, 0, 0, 1]), Err(Error::Truncated));
    }

    #[test]
    fn arrays_round_trip() {
        let mut buf = [0u8; 64];
        let mut w = ValueWriter::new(&mut buf);
        w.array(&[2, 1]).unwrap();
        w.int32(5).unwrap();
        w.int32(-6).unwrap();
        let n = w.len();
        let mut shape = [0; MAX_ARRAY_DIMS];
        shape[..2].copy_from_slice(&[2, 1]);
        assert_eq!(
            tokens(b"a\x02i", &buf[..n]).unwrap(),
            [
                Token::ArrayBegin { dims: 2, shape },
                Token::Int32(5),
                Token::Int32(-6),
                Token::End
            ]
        );
        assert_eq!(type_len(b"a\x01f"), Ok(3));
        assert_eq!(type_len(b"a\x00f"), Err(Error::BadField), "no dimensions");
        assert_eq!(type_len(b"a\x05f"), Err(Error::BadField), "too many");
        assert_eq!(type_len(b"a\x01s"), Ok(3));
        assert_eq!(
            type_len(b"a\x01l"),
            Err(Error::BadField),
            "arrays of scalars"
        );
        // A shape claiming 2^64 elements is refused; one claiming many runs out of input.
        assert_eq!(tokens(b"a\x02n", &[0xff; 8]), Err(Error::BadField));
        assert_eq!(tokens(b"a\x02i", &[0xff; 8]), Err(Error::BadField));
        assert_eq!(tokens(b"a\x01i", &[3, 0, 0, 0, 1]), Err(Error::Truncated));
    }

    #[test]
    fn ranges_round_trip() {
        let mut buf = [0u8; 64];
        let mut w = ValueWriter::new(&mut buf);
        for v in [1, 10, -3] {
            w.int64(v).unwrap();
        }
        let n = w.len();
        assert_eq!(
            tokens(b"rI", &buf[..n]).unwrap(),
            [
                Token::RangeBegin,
                Token::Int64(1),
                Token::Int64(10),
                Token::Int64(-3),
                Token::End
            ]
        );
        assert_eq!(type_len(b"rf"), Err(Error::BadField), "ranges of integers");
        assert_eq!(tokens(b"ri", &buf[..8]), Err(Error::Truncated));
    }

    #[test]
    fn type_lengths() {
        assert_eq!(type_len(b"i"), Ok(1));
        assert_eq!(type_len(b"lli"), Ok(3));
        assert_eq!(type_len(b"t\x02ilf"), Ok(5));
        assert_eq!(type_len(b"t\x02i"), Err(Error::Truncated));
        assert_eq!(type_len(b"x"), Err(Error::BadField));
        assert_eq!(type_len(b""), Err(Error::Truncated));
        assert_eq!(
            type_len(&[tag::LIST; 20]),
            Err(Error::BadField),
            "nesting is bounded"
        );
    }

    #[test]
    fn mismatched_payloads_are_errors() {
        assert_eq!(tokens(b"i", &[1, 2]), Err(Error::Truncated));
        assert_eq!(tokens(b"i", &[1, 2, 3, 4, 5]), Err(Error::TrailingBytes));
        assert_eq!(tokens(b"b", &[2]), Err(Error::BadField));
        assert_eq!(
            tokens(b"s", &[2, 0, 0, 0, 0xff, 0xfe]),
            Err(Error::BadField)
        );
        // A list claiming four billion elements ends at the input's end.
        assert_eq!(tokens(b"li", &[0xff; 4]), Err(Error::Truncated));
        assert_eq!(tokens(b"ln", &[0xff; 4]), Err(Error::BadField));
        assert_eq!(tokens(b"lt\x01n", &[0xff; 4]), Err(Error::BadField));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic generator: every tag/payload pair must decode or fail cleanly.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let alphabet = b"nbiIfsltBAarO\x00\x01\x02\x03x";
        for _ in 0..20_000 {
            let tags: Vec<u8> = (0..next() % 8)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let data: Vec<u8> = (0..next() % 24).map(|_| next() as u8 % 4).collect();
            let _ = tokens(&tags, &data);
        }
    }
}
