//! The host link's bus window: the gateware's word-wide FIFOs to and from the host and its two
//! CRC-32 units (`strobe_gateware/link.py` reads these offsets from the generated `contract.py`; the
//! firmware's link driver from here). Each offset is one 32-bit register.

/// Bytes of the window.
pub const WINDOW_SIZE: u32 = 0x100;

/// Read: the next four received bytes, little-endian (only while `RX_LEVEL` is at least 4).
pub const RX_WORD: u32 = 0x00;
/// Read: the next received byte.
pub const RX_BYTE: u32 = 0x04;
/// As `RX_WORD`, the bytes also going through the receive CRC.
pub const RX_WORD_CRC: u32 = 0x08;
/// As `RX_BYTE`, the byte also going through the receive CRC.
pub const RX_BYTE_CRC: u32 = 0x0c;
/// Read: bytes waiting to be read.
pub const RX_LEVEL: u32 = 0x10;
/// Read: the receive CRC, finished; write: restart it.
pub const RX_CRC: u32 = 0x14;
/// Write: one byte (bits 0-7) through the receive CRC.
pub const RX_CRC_FEED: u32 = 0x18;
/// Write: four bytes to send, little-endian.
pub const TX_WORD: u32 = 0x1c;
/// Write: one byte to send.
pub const TX_BYTE: u32 = 0x20;
/// As `TX_WORD`, the bytes also going through the send CRC.
pub const TX_WORD_CRC: u32 = 0x24;
/// As `TX_BYTE`, the byte also going through the send CRC.
pub const TX_BYTE_CRC: u32 = 0x28;
/// Read: how many writes (of a word or a byte each) the send FIFO takes now.
pub const TX_SPACE: u32 = 0x2c;
/// Read: the send CRC, finished; write: restart it.
pub const TX_CRC: u32 = 0x30;

/// Every register by the name the gateware knows it by.
pub const OFFSETS: [(&str, u32); 13] = [
    ("rx_word", RX_WORD),
    ("rx_byte", RX_BYTE),
    ("rx_word_crc", RX_WORD_CRC),
    ("rx_byte_crc", RX_BYTE_CRC),
    ("rx_level", RX_LEVEL),
    ("rx_crc", RX_CRC),
    ("rx_crc_feed", RX_CRC_FEED),
    ("tx_word", TX_WORD),
    ("tx_byte", TX_BYTE),
    ("tx_word_crc", TX_WORD_CRC),
    ("tx_byte_crc", TX_BYTE_CRC),
    ("tx_space", TX_SPACE),
    ("tx_crc", TX_CRC),
];

/// The CRC both units compute: CRC-32 (ISO-HDLC, as Ethernet's and zlib's), this reflected
/// polynomial, starting from and finished by inverting all bits: the protocol's frame checksum.
pub const CRC_POLY_REFLECTED: u32 = 0xedb8_8320;
