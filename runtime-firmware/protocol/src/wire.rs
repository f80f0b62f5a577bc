//! Little-endian field readers and writers over byte slices; every read is bounds-checked.

use crate::Error;

pub struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, at: 0 }
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(n).ok_or(Error::Truncated)?;
        let out = self.data.get(self.at..end).ok_or(Error::Truncated)?;
        self.at = end;
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.bytes(1)?[0])
    }

    pub fn u16(&mut self) -> Result<u16, Error> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub fn u32(&mut self) -> Result<u32, Error> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub fn u64(&mut self) -> Result<u64, Error> {
        let lo = self.u32()? as u64;
        let hi = self.u32()? as u64;
        Ok(lo | (hi << 32))
    }

    pub fn hash(&mut self) -> Result<[u8; 32], Error> {
        let mut h = [0u8; 32];
        h.copy_from_slice(self.bytes(32)?);
        Ok(h)
    }

    /// A u32 length followed by that many bytes.
    pub fn blob(&mut self) -> Result<&'a [u8], Error> {
        let n = self.u32()? as usize;
        self.bytes(n)
    }

    /// A blob that must be UTF-8.
    pub fn text(&mut self) -> Result<&'a str, Error> {
        core::str::from_utf8(self.blob()?).map_err(|_| Error::BadField)
    }

    /// True when every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.at == self.data.len()
    }

    pub fn finish(self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::TrailingBytes)
        }
    }
}

pub struct Writer<'a> {
    out: &'a mut [u8],
    at: usize,
}

impl<'a> Writer<'a> {
    pub fn new(out: &'a mut [u8]) -> Self {
        Writer { out, at: 0 }
    }

    pub fn bytes(&mut self, data: &[u8]) -> Result<(), Error> {
        let end = self.at.checked_add(data.len()).ok_or(Error::BufferFull)?;
        self.out
            .get_mut(self.at..end)
            .ok_or(Error::BufferFull)?
            .copy_from_slice(data);
        self.at = end;
        Ok(())
    }

    pub fn u8(&mut self, v: u8) -> Result<(), Error> {
        self.bytes(&[v])
    }

    pub fn u16(&mut self, v: u16) -> Result<(), Error> {
        self.bytes(&v.to_le_bytes())
    }

    pub fn u32(&mut self, v: u32) -> Result<(), Error> {
        self.bytes(&v.to_le_bytes())
    }

    pub fn u64(&mut self, v: u64) -> Result<(), Error> {
        self.u32(v as u32)?;
        self.u32((v >> 32) as u32)
    }

    pub fn blob(&mut self, data: &[u8]) -> Result<(), Error> {
        let n = u32::try_from(data.len()).map_err(|_| Error::BufferFull)?;
        self.u32(n)?;
        self.bytes(data)
    }

    pub fn len(&self) -> usize {
        self.at
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
