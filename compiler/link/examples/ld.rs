//! `cargo run -p strobe-link --example ld -- OUT ENTRY INPUT...`: links objects and `.a` archives with
//! our linker, for comparing against `ld.lld` by hand.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, entry, inputs @ ..] = args.as_slice() else {
        return Err("usage: ld OUT ENTRY INPUT...".into());
    };
    let mut objects = Vec::new();
    let mut archives = Vec::new();
    for path in inputs {
        let bytes = std::fs::read(path)?;
        if path.ends_with(".a") {
            archives.push(strobe_link::Archive::new(path.clone(), bytes));
        } else {
            objects.push(strobe_link::InputObject {
                name: path.clone(),
                bytes,
            });
        }
    }
    let image = strobe_link::link(
        &objects,
        &archives,
        &strobe_link::LinkConfig::linux_user(entry),
    )?;
    std::fs::write(out, image.to_elf())?;
    print!("{}", image.symbol_map());
    Ok(())
}
