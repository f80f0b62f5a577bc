//! The quoted-value table of a composed program (`strobe_abi::QUOTED_DATA`): host values laid out
//! as data, after type inference gave each slot its kernel type, without the code generator. It is
//! its own unit on the device (its address given to the runtime at each run), so a changed value
//! changes no code unit and no cached object.

use strobe_ir::Type;

/// The host values a composed program quotes (`__strobe_quoted(slot, ...)`), encoded on request.
pub trait QuotedValues {
    /// Appends value `slot`, encoded as the kernel type `tags` (the RPC wire encoding), to `out`;
    /// an error says why the value is not of that type.
    fn encode(&self, slot: u32, tags: &[u8], out: &mut Vec<u8>) -> Result<(), String>;
}

#[derive(Debug, thiserror::Error)]
pub enum QuotedError {
    #[error("the program reads quoted host values but none were given")]
    Missing,
    #[error("quoted host value {slot} (a {ty}): {message}")]
    Value {
        slot: u32,
        ty: String,
        message: String,
    },
    #[error("quoted host value {0}: its type cannot be sent")]
    Type(u32),
    #[error("the quoted host values take more than 4 GiB")]
    TooLarge,
}

/// The table of a program with quoted `slots` (none without them): `values` must be given then.
pub fn table_for(
    slots: &[(u32, Type)],
    values: Option<&dyn QuotedValues>,
) -> Result<Option<Vec<u8>>, QuotedError> {
    match slots.is_empty() {
        true => Ok(None),
        false => table(slots, values.ok_or(QuotedError::Missing)?).map(Some),
    }
}

/// The table's bytes: `count`, `count + 1` offsets, then each slot's encoding.
pub fn table(slots: &[(u32, Type)], values: &dyn QuotedValues) -> Result<Vec<u8>, QuotedError> {
    let count = slots.iter().map(|(s, _)| s + 1).max().unwrap_or(0) as usize;
    let header = 4 * (count + 2);
    let mut body = Vec::new();
    let mut offsets = Vec::with_capacity(count + 1);
    let mut next = slots.iter().peekable();
    for slot in 0..count as u32 {
        offsets.push(header + body.len());
        if let Some((_, ty)) = next.next_if(|(s, _)| *s == slot) {
            let tags = strobe_codegen::type_tags(ty).map_err(|_| QuotedError::Type(slot))?;
            values
                .encode(slot, &tags, &mut body)
                .map_err(|message| QuotedError::Value {
                    slot,
                    ty: format!("{ty:?}"),
                    message,
                })?;
        }
    }
    offsets.push(header + body.len());
    let mut out = Vec::with_capacity(header + body.len());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    for o in offsets {
        let o = u32::try_from(o).map_err(|_| QuotedError::TooLarge)?;
        out.extend_from_slice(&o.to_le_bytes());
    }
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ints;

    impl QuotedValues for Ints {
        fn encode(&self, slot: u32, tags: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
            match tags {
                b"i" => out.extend_from_slice(&(slot as i32 * 10).to_le_bytes()),
                _ => return Err(format!("not an int32: {tags:?}")),
            }
            Ok(())
        }
    }

    #[test]
    fn table_layout() {
        let t = table(&[(0, Type::Int32), (2, Type::Int32)], &Ints).expect("table");
        let word = |i: usize| u32::from_le_bytes(t[4 * i..4 * i + 4].try_into().unwrap());
        assert_eq!(word(0), 3, "count");
        // Header: count + 4 offsets = 20 bytes; slot 1 (unused) is empty.
        assert_eq!([word(1), word(2), word(3), word(4)], [20, 24, 24, 28]);
        assert_eq!(&t[20..24], &0i32.to_le_bytes());
        assert_eq!(&t[24..28], &20i32.to_le_bytes());
        assert!(matches!(
            table(&[(0, Type::Float)], &Ints),
            Err(QuotedError::Value { slot: 0, .. })
        ));
    }
}
