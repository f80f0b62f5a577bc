//! The link protocol between the host and the core device, shared by the firmware and the host driver
//! (one definition, no drift).
//!
//! Every message travels in a [`frame`]: magic, protocol version, message kind, sequence number,
//! payload length, payload, CRC-32. [`message`] defines the messages and their payload encodings.
//! Decoding never panics and never trusts a length: corrupt or truncated input is an [`Error`] that
//! the device answers with an error reply carrying an [`ErrorCode`].
#![no_std]

/// An enum carried on the wire as an integer: defines the enum and its checked conversion, from one
/// list of variants (so the two cannot drift apart).
macro_rules! wire_enum {
    ($(#[$meta:meta])* pub enum $name:ident: $repr:ty, unknown = $unknown:expr; { $($(#[$vmeta:meta])* $variant:ident = $value:literal,)* }) => {
        $(#[$meta])*
        #[repr($repr)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant = $value,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn from_wire(v: $repr) -> Result<Self, $crate::Error> {
                match v {
                    $($value => Ok($name::$variant),)*
                    other => Err($unknown(other)),
                }
            }
        }
    };
}

pub mod crc;
pub mod frame;
pub mod journal;
pub mod message;
pub mod rpc;
pub mod wire;

pub use frame::{Frame, FrameDecoder, FrameHeader, FRAME_OVERHEAD, HEADER_LEN, MAGIC, MAX_PAYLOAD};
pub use message::{
    ErrorCode, ExceptionReport, FaultReport, Message, MessageKind, StopReason, CHAIN_SEPARATOR,
};

/// Bumped on any incompatible change to frames or messages; exchanged in the handshake.
pub const PROTOCOL_VERSION: u8 = 5;

/// Why bytes could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The input ended before the frame or field did.
    Truncated,
    /// The frame's CRC does not match its contents.
    BadCrc,
    /// The frame does not start with [`MAGIC`].
    BadMagic,
    /// The peer speaks another protocol version.
    BadVersion(u8),
    /// The declared payload length exceeds [`MAX_PAYLOAD`] or the buffer.
    TooLong(u32),
    /// The message kind is not one this version knows.
    UnknownKind(u8),
    /// A field holds a value outside its range (an enum tag, a bool, UTF-8).
    BadField,
    /// Bytes were left over after the message's fields.
    TrailingBytes,
    /// The output buffer is too small for the encoded message.
    BufferFull,
}

impl Error {
    /// The code the device sends back for this decoding failure.
    pub fn code(self) -> ErrorCode {
        match self {
            Error::Truncated => ErrorCode::Truncated,
            Error::BadCrc => ErrorCode::BadCrc,
            Error::BadMagic => ErrorCode::BadFrame,
            Error::BadVersion(_) => ErrorCode::BadVersion,
            Error::TooLong(_) => ErrorCode::TooLong,
            Error::UnknownKind(_) => ErrorCode::UnknownMessage,
            Error::BadField | Error::TrailingBytes => ErrorCode::BadPayload,
            Error::BufferFull => ErrorCode::TooLong,
        }
    }
}
