//! The UART (the host link), through the generated register map.

use strobe_regmap::{UART_EV_PENDING, UART_RXEMPTY, UART_RXTX, UART_TXFULL};

const EV_RX: u64 = 1 << 1;

pub fn write(data: &[u8]) {
    for &b in data {
        while UART_TXFULL.read() != 0 {}
        UART_RXTX.write(b as u64);
    }
}

pub fn read_byte() -> Option<u8> {
    if UART_RXEMPTY.read() != 0 {
        return None;
    }
    let b = UART_RXTX.read() as u8;
    UART_EV_PENDING.write(EV_RX);
    Some(b)
}

/// The session's replies go out on the UART.
pub struct UartLink;

impl strobe_session::Link for UartLink {
    fn send(&mut self, bytes: &[u8]) {
        write(bytes);
    }

    fn poll(&mut self) -> strobe_session::Poll {
        match read_byte() {
            Some(b) => strobe_session::Poll::Byte(b),
            None => strobe_session::Poll::Empty,
        }
    }
}
