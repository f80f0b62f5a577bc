//! `cargo run -p strobe-device --example handshake -- tcp:127.0.0.1:4321`: connect and print what the
//! device reports.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address: strobe_device::DeviceAddress = std::env::args()
        .nth(1)
        .ok_or("usage: handshake ADDRESS")?
        .parse()?;
    let transport = <dyn strobe_device::Transport>::open(&address)?;
    let device = strobe_device::Device::connect(transport)?;
    println!("{:#x?}", device.info());
    Ok(())
}
