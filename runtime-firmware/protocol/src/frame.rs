//! Frames: `magic(2) version(1) kind(1) seq(2) len(4) | payload(len) | crc32(4)`, little-endian.
//! The CRC covers everything from the version byte to the end of the payload.

use crate::crc::Crc32;
use crate::wire::{Reader, Writer};
use crate::{Error, PROTOCOL_VERSION};

pub const MAGIC: [u8; 2] = *b"SB";
/// Magic, version, kind, sequence number, payload length.
pub const HEADER_LEN: usize = 10;
pub const CRC_LEN: usize = 4;
pub const FRAME_OVERHEAD: usize = HEADER_LEN + CRC_LEN;
/// The largest payload a frame may carry (images travel in chunks of at most this).
pub const MAX_PAYLOAD: u32 = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    pub kind: u8,
    pub seq: u16,
    pub len: u32,
}

/// A decoded frame whose CRC has been checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub kind: u8,
    pub seq: u16,
    pub payload: &'a [u8],
}

fn crc_of(header: &[u8], payload: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(&header[MAGIC.len()..HEADER_LEN]);
    c.update(payload);
    c.finish()
}

/// Writes a frame around `payload` into `out`; returns the frame's length.
pub fn encode(kind: u8, seq: u16, payload: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let len = u32::try_from(payload.len()).map_err(|_| Error::TooLong(u32::MAX))?;
    if len > MAX_PAYLOAD {
        return Err(Error::TooLong(len));
    }
    let room = out
        .get_mut(HEADER_LEN..HEADER_LEN + payload.len())
        .ok_or(Error::BufferFull)?;
    room.copy_from_slice(payload);
    encode_in_place(kind, seq, out, payload.len())
}

/// Frames a payload already written at `out[HEADER_LEN..HEADER_LEN + len]` (no copy).
pub fn encode_in_place(kind: u8, seq: u16, out: &mut [u8], len: usize) -> Result<usize, Error> {
    let total = encode_unsealed(kind, seq, out, len)?;
    seal(&mut out[..total]);
    Ok(total)
}

/// As [`encode_in_place`], but leaves the CRC's four bytes for [`seal`] (or a link that computes
/// the CRC as it sends the frame).
pub fn encode_unsealed(kind: u8, seq: u16, out: &mut [u8], len: usize) -> Result<usize, Error> {
    let len32 = u32::try_from(len).map_err(|_| Error::TooLong(u32::MAX))?;
    if len32 > MAX_PAYLOAD {
        return Err(Error::TooLong(len32));
    }
    let total = HEADER_LEN + len + CRC_LEN;
    if out.len() < total {
        return Err(Error::BufferFull);
    }
    let mut w = Writer::new(&mut out[..HEADER_LEN]);
    w.bytes(&MAGIC)?;
    w.u8(PROTOCOL_VERSION)?;
    w.u8(kind)?;
    w.u16(seq)?;
    w.u32(len32)?;
    Ok(total)
}

/// Writes the CRC into the last four bytes of a whole frame from [`encode_unsealed`].
pub fn seal(frame: &mut [u8]) {
    let end = frame
        .len()
        .saturating_sub(CRC_LEN)
        .max(HEADER_LEN.min(frame.len()));
    let (covered, crc) = frame.split_at_mut(end);
    if crc.len() == CRC_LEN {
        let (header, payload) = covered.split_at(HEADER_LEN);
        crc.copy_from_slice(&crc_of(header, payload).to_le_bytes());
    }
}

fn parse_header(bytes: &[u8]) -> Result<FrameHeader, Error> {
    let mut r = Reader::new(bytes);
    if r.bytes(2)? != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = r.u8()?;
    if version != PROTOCOL_VERSION {
        return Err(Error::BadVersion(version));
    }
    let kind = r.u8()?;
    let seq = r.u16()?;
    let len = r.u32()?;
    if len > MAX_PAYLOAD {
        return Err(Error::TooLong(len));
    }
    Ok(FrameHeader { kind, seq, len })
}

/// Decodes the frame at the start of `bytes`; returns it and the number of bytes it used.
pub fn decode(bytes: &[u8]) -> Result<(Frame<'_>, usize), Error> {
    let header = parse_header(bytes.get(..HEADER_LEN).ok_or(Error::Truncated)?)?;
    let end = HEADER_LEN + header.len as usize;
    let payload = bytes.get(HEADER_LEN..end).ok_or(Error::Truncated)?;
    let mut r = Reader::new(bytes.get(end..end + CRC_LEN).ok_or(Error::Truncated)?);
    if r.u32()? != crc_of(&bytes[..HEADER_LEN], payload) {
        return Err(Error::BadCrc);
    }
    Ok((
        Frame {
            kind: header.kind,
            seq: header.seq,
            payload,
        },
        end + CRC_LEN,
    ))
}

/// What one byte did to a [`FrameDecoder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// More bytes are needed.
    Pending,
    /// A whole, checked frame is ready: read it with [`FrameDecoder::frame`].
    Ready,
    /// The frame being received was bad; the decoder has resynchronised and goes on.
    Rejected(Error),
}

/// Frame decoder for a stream (UART, TCP), with a fixed buffer of `N` bytes for a whole frame. It
/// takes bytes one at a time ([`FrameDecoder::push`]), or, once a frame's header is in, its body in
/// bulk straight into its buffer ([`FrameDecoder::body_room`], [`FrameDecoder::body_received`]).
/// After garbage it resynchronises on the next [`MAGIC`]; it never reads past its buffer.
pub struct FrameDecoder<const N: usize> {
    head: [u8; HEADER_LEN],
    /// The payload, then the CRC: word-aligned, so a link can fill it a word at a time.
    body: Aligned<N>,
    /// Bytes of the frame so far, header included.
    fill: usize,
    need: usize,
    /// Sequence number of the last rejected frame (0 when its header never arrived).
    rejected_seq: u16,
}

#[repr(C, align(4))]
struct Aligned<const N: usize>([u8; N]);

/// Where the body of the frame being received goes, for a link that moves it in bulk.
pub struct BodyRoom<'a> {
    /// The bytes still wanted (the rest of the payload, then the CRC). It starts word-aligned
    /// when the body received so far is a multiple of four bytes.
    pub dst: &'a mut [u8],
    /// How many of `dst`'s bytes the CRC covers (the rest of the payload).
    pub covered: usize,
    /// The header's bytes the CRC covers (from the version on), while no body byte has come.
    pub header: Option<&'a [u8]>,
}

impl<const N: usize> Default for FrameDecoder<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> FrameDecoder<N> {
    pub const fn new() -> Self {
        FrameDecoder {
            head: [0; HEADER_LEN],
            body: Aligned([0; N]),
            fill: 0,
            need: HEADER_LEN,
            rejected_seq: 0,
        }
    }

    /// Drops any partial frame (e.g. when the connection is re-established).
    pub fn reset(&mut self) {
        self.fill = 0;
        self.need = HEADER_LEN;
    }

    /// True while part of a frame has been received.
    pub fn in_frame(&self) -> bool {
        self.fill > 0 && self.fill < self.need
    }

    fn reject(&mut self, error: Error) -> Step {
        self.rejected_seq = self.partial_seq().unwrap_or(0);
        self.reset();
        Step::Rejected(error)
    }

    pub fn push(&mut self, byte: u8) -> Step {
        if self.fill >= self.need {
            // The previous frame was handed out; start a new one.
            self.reset();
        }
        if self.fill < MAGIC.len() && byte != MAGIC[self.fill] {
            // Not a frame start: resynchronise (this byte may itself begin the magic).
            self.fill = usize::from(byte == MAGIC[0]);
            return Step::Pending;
        }
        if self.fill < HEADER_LEN {
            self.head[self.fill] = byte;
            self.fill += 1;
            if self.fill == HEADER_LEN {
                match parse_header(&self.head) {
                    Ok(h) if HEADER_LEN + h.len as usize + CRC_LEN <= N => {
                        self.need = HEADER_LEN + h.len as usize + CRC_LEN
                    }
                    Ok(h) => return self.reject(Error::TooLong(h.len)),
                    Err(e) => return self.reject(e),
                }
            }
            return Step::Pending;
        }
        self.body.0[self.fill - HEADER_LEN] = byte;
        self.body_received(1, || None)
    }

    /// The body still wanted, once the frame's header is in and until the frame is whole.
    pub fn body_room(&mut self) -> Option<BodyRoom<'_>> {
        if self.fill < HEADER_LEN || self.fill >= self.need {
            return None;
        }
        let got = self.fill - HEADER_LEN;
        let payload_len = self.need - HEADER_LEN - CRC_LEN;
        Some(BodyRoom {
            dst: &mut self.body.0[got..self.need - HEADER_LEN],
            covered: payload_len.saturating_sub(got),
            header: (got == 0).then_some(&self.head[MAGIC.len()..]),
        })
    }

    /// `n` more body bytes are in [`FrameDecoder::body_room`]'s `dst`. When they complete the
    /// frame, its CRC is checked: against `crc()`, the CRC of what the frame covers as the link
    /// computed it, or (None) computed here.
    pub fn body_received(&mut self, n: usize, crc: impl FnOnce() -> Option<u32>) -> Step {
        self.fill = (self.fill + n).min(self.need);
        if self.fill < self.need {
            return Step::Pending;
        }
        let payload_len = self.need - HEADER_LEN - CRC_LEN;
        let (payload, sent) = self.body.0[..payload_len + CRC_LEN].split_at(payload_len);
        let sent = u32::from_le_bytes([sent[0], sent[1], sent[2], sent[3]]);
        let computed = crc().unwrap_or_else(|| crc_of(&self.head, payload));
        if computed == sent {
            Step::Ready
        } else {
            self.reject(Error::BadCrc)
        }
    }

    /// The frame completed by the last [`Step::Ready`].
    pub fn frame(&self) -> Option<Frame<'_>> {
        if self.fill != self.need || self.fill <= HEADER_LEN {
            return None;
        }
        let header = parse_header(&self.head).ok()?;
        Some(Frame {
            kind: header.kind,
            seq: header.seq,
            payload: &self.body.0[..header.len as usize],
        })
    }

    /// The sequence number of the frame the last [`Step::Rejected`] was about, for the error reply.
    pub fn rejected_seq(&self) -> u16 {
        self.rejected_seq
    }

    /// The sequence number of the frame being received, once its header is in.
    pub fn partial_seq(&self) -> Option<u16> {
        (self.fill >= HEADER_LEN).then(|| u16::from_le_bytes([self.head[4], self.head[5]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_bytes() {
        let mut out = [0u8; 32];
        let n = encode(7, 0x0102, b"hi", &mut out).unwrap();
        assert_eq!(n, FRAME_OVERHEAD + 2);
        assert_eq!(
            &out[..HEADER_LEN + 2],
            &[
                b'S',
                b'B',
                PROTOCOL_VERSION,
                7,
                0x02,
                0x01,
                2,
                0,
                0,
                0,
                b'h',
                b'i'
            ]
        );
        let crc = crate::crc::crc32(&[PROTOCOL_VERSION, 7, 0x02, 0x01, 2, 0, 0, 0, b'h', b'i']);
        assert_eq!(&out[12..16], &crc.to_le_bytes());
    }

    #[test]
    fn round_trip_and_bad_input() {
        let mut out = [0u8; 64];
        let n = encode(3, 9, b"payload", &mut out).unwrap();
        let (f, used) = decode(&out[..n]).unwrap();
        assert_eq!((f.kind, f.seq, f.payload, used), (3, 9, &b"payload"[..], n));
        for cut in 0..n {
            assert_eq!(
                decode(&out[..cut]).err(),
                Some(Error::Truncated),
                "cut at {cut}"
            );
        }
        let mut corrupt = out;
        corrupt[HEADER_LEN + 1] ^= 0x40;
        assert_eq!(decode(&corrupt[..n]).err(), Some(Error::BadCrc));
        let mut wrong_version = out;
        wrong_version[2] = 99;
        assert_eq!(
            decode(&wrong_version[..n]).err(),
            Some(Error::BadVersion(99))
        );
        let mut huge = out;
        huge[6..10].copy_from_slice(&(MAX_PAYLOAD + 1).to_le_bytes());
        assert_eq!(
            decode(&huge[..n]).err(),
            Some(Error::TooLong(MAX_PAYLOAD + 1))
        );
        assert_eq!(
            encode(1, 1, &[0; MAX_PAYLOAD as usize + 1], &mut [0u8; 8]).err(),
            Some(Error::TooLong(MAX_PAYLOAD + 1))
        );
        assert_eq!(
            encode(1, 1, b"abc", &mut [0u8; 8]).err(),
            Some(Error::BufferFull)
        );
    }

    #[test]
    fn stream_decoder_resynchronises() {
        let mut stream = [0u8; 128];
        let mut at = 0;
        for b in b"xxS" {
            stream[at] = *b;
            at += 1;
        }
        let first = encode(5, 1, b"one", &mut stream[at..]).unwrap();
        let corrupt_at = at + HEADER_LEN;
        at += first;
        let second = encode(6, 2, b"two", &mut stream[at..]).unwrap();
        at += second;
        let mut copy = stream;
        copy[corrupt_at] ^= 1; // damage the first frame's payload
        let mut d = FrameDecoder::<64>::new();
        let mut events = [(0u8, 0u16, Step::Pending); 4];
        let mut k = 0;
        for &b in &copy[..at] {
            match d.push(b) {
                Step::Pending => {}
                step => {
                    let f = d.frame();
                    events[k] = (f.map_or(0, |f| f.kind), f.map_or(0, |f| f.seq), step);
                    k += 1;
                }
            }
        }
        assert_eq!(k, 2);
        assert_eq!(events[0], (0, 0, Step::Rejected(Error::BadCrc)));
        assert_eq!(events[1], (6, 2, Step::Ready));
        // A frame longer than the buffer is rejected at its header, not overrun.
        let mut small = FrameDecoder::<16>::new();
        let mut big = [0u8; 64];
        let n = encode(1, 1, &[7; 20], &mut big).unwrap();
        let steps: usize = big[..n]
            .iter()
            .filter(|&&b| matches!(small.push(b), Step::Rejected(Error::TooLong(20))))
            .count();
        assert_eq!(steps, 1);
    }

    /// A link that moves a body in bulk: the header byte by byte, then the body in pieces straight
    /// into the decoder's buffer, the CRC checked in software or taken from the link.
    #[test]
    fn body_in_bulk() {
        let mut out = [0u8; 64];
        let n = encode(4, 3, b"0123456789", &mut out).unwrap();
        let crc = crate::crc::crc32(&out[2..HEADER_LEN + 10]);
        for (link_crc, expected) in [
            (None, Step::Ready),
            (Some(crc), Step::Ready),
            (Some(crc ^ 1), Step::Rejected(Error::BadCrc)),
        ] {
            let mut d = FrameDecoder::<64>::new();
            assert!(d.body_room().is_none());
            for &b in &out[..HEADER_LEN] {
                assert_eq!(d.push(b), Step::Pending);
            }
            let room = d.body_room().expect("the header is in");
            assert_eq!((room.dst.len(), room.covered), (14, 10));
            assert_eq!(room.header, Some(&out[2..HEADER_LEN]));
            assert_eq!(room.dst.as_ptr() as usize % 4, 0);
            room.dst[..8].copy_from_slice(&out[HEADER_LEN..HEADER_LEN + 8]);
            assert_eq!(
                d.body_received(8, || panic!("not yet whole")),
                Step::Pending
            );
            let room = d.body_room().unwrap();
            assert_eq!((room.dst.len(), room.covered, room.header), (6, 2, None));
            room.dst.copy_from_slice(&out[HEADER_LEN + 8..n]);
            assert_eq!(d.body_received(6, || link_crc), expected);
            if expected == Step::Ready {
                let f = d.frame().unwrap();
                assert_eq!((f.kind, f.seq, f.payload), (4, 3, &b"0123456789"[..]));
            } else {
                assert_eq!(d.rejected_seq(), 3);
            }
            assert!(d.body_room().is_none());
        }
        // An unsealed frame sealed afterwards equals the one encoded whole.
        let mut unsealed = [0u8; 64];
        unsealed[HEADER_LEN..HEADER_LEN + 10].copy_from_slice(b"0123456789");
        let m = encode_unsealed(4, 3, &mut unsealed, 10).unwrap();
        seal(&mut unsealed[..m]);
        assert_eq!(unsealed[..m], out[..n]);
    }
}
