//! IdentityHash and SignatureHash (docs/decisions.md, "Compilation units").
//!
//! - SignatureHash(f) = hash(stable qualified name + full signature).
//! - IdentityHash(f) = hash(f's body and the constants it reads (inlined into the IR), the class layouts,
//!   and for each callee: its SignatureHash if it is a link boundary, else its IdentityHash).
//!   Mutually recursive functions hash their whole strongly connected component.

use crate::tree::*;
use crate::units::{strongly_connected_components, CallGraph};
use std::fmt;
use std::hash::{Hash, Hasher};

macro_rules! hash_type {
    ($name:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub [u8; 32]);

        impl $name {
            pub fn to_hex(&self) -> String {
                self.0.iter().map(|b| format!("{b:02x}")).collect()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), &self.to_hex()[..16])
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", &self.to_hex()[..16])
            }
        }
    };
}

hash_type!(
    IdentityHash,
    "What a function is: its body, what it reads, and its callees' hashes."
);
hash_type!(
    SignatureHash,
    "How a function is called: its stable qualified name and full signature."
);

thread_local! {
    /// While a body is hashed: the program's source map and file name, through which a [`Line`]
    /// hashes as the (file, line) it came from.
    static ORIGINS: std::cell::RefCell<Option<(strobe_syntax::SourceMap, String)>> =
        const { std::cell::RefCell::new(None) };
}

impl Hash for Line {
    fn hash<H: Hasher>(&self, h: &mut H) {
        ORIGINS.with(|o| match &*o.borrow() {
            Some((map, file)) => crate::tree::origin_of(map, file, *self).hash(h),
            None => self.0.hash(h),
        })
    }
}

/// Feeds `std::hash::Hash` output into BLAKE3.
struct Blake(blake3::Hasher);

impl Hasher for Blake {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

fn digest(f: impl FnOnce(&mut Blake)) -> [u8; 32] {
    let mut h = Blake(blake3::Hasher::new());
    // Bump when the IR's meaning changes, so stale cache entries are never reused.
    "strobe-ir-v3".hash(&mut h);
    f(&mut h);
    *h.0.finalize().as_bytes()
}

pub fn signature_hash(f: &Function) -> SignatureHash {
    let params: Vec<&Type> = f
        .params
        .iter()
        .map(|p| &f.locals[p.0 as usize].ty)
        .collect();
    SignatureHash(digest(|h| {
        f.qualified.hash(h);
        params.hash(h);
        f.ret.hash(h);
    }))
}

/// The body with callees replaced by their order of first appearance, so the hash does not depend on
/// where the callees happen to sit in this program's function table.
fn body_hash(
    f: &Function,
    order: &[FuncId],
    classes: &[ClassLayout],
    rtio: Option<RtioRegisters>,
) -> [u8; 32] {
    let mut body = f.body.clone();
    crate::units::map_callees(&mut body, &mut |id| {
        FuncId(order.iter().position(|c| *c == id).unwrap_or(0) as u32)
    });
    digest(|h| {
        f.name.hash(h);
        f.qualified.hash(h);
        f.locals.hash(h);
        f.params.hash(h);
        f.ret.hash(h);
        f.line.hash(h);
        body.hash(h);
        classes.hash(h);
        rtio.hash(h);
    })
}

/// Fills in `signature`, `identity`, `recursive` and `symbol` of every function.
pub(crate) fn assign_hashes(program: &mut Program, graph: &CallGraph) {
    for f in &mut program.functions {
        f.signature = signature_hash(f);
    }
    // Lines hash as where they came from; the file name is the compile unit's (in the debug info).
    ORIGINS.with(|o| *o.borrow_mut() = Some((program.map.clone(), program.file_name.clone())));
    let bodies: Vec<[u8; 32]> = program
        .functions
        .iter()
        .zip(&graph.callees)
        .map(|(f, callees)| {
            digest(|h| {
                program.file_name.hash(h);
                body_hash(f, callees, &program.classes, program.rtio_registers).hash(h);
            })
        })
        .collect();
    ORIGINS.with(|o| *o.borrow_mut() = None);
    let mut identity: Vec<Option<IdentityHash>> = vec![None; program.functions.len()];
    let mut recursive = vec![false; program.functions.len()];
    // Components come callees-first.
    for component in strongly_connected_components(&graph.callees) {
        let mut members = component.clone();
        members.sort_by_key(|m| bodies[m.0 as usize]);
        let callee_ref = |c: FuncId, identity: &[Option<IdentityHash>]| -> [u8; 32] {
            let callee = &program.functions[c.0 as usize];
            match identity[c.0 as usize] {
                _ if callee.boundary => callee.signature.0,
                Some(id) => id.0,
                // Same component: its body is part of the component hash.
                None => callee.signature.0,
            }
        };
        let component_hash = digest(|h| {
            for m in &members {
                bodies[m.0 as usize].hash(h);
                for &c in &graph.callees[m.0 as usize] {
                    callee_ref(c, &identity).hash(h);
                }
            }
        });
        let cycle =
            component.len() > 1 || graph.callees[component[0].0 as usize].contains(&component[0]);
        for m in &component {
            recursive[m.0 as usize] = cycle;
            let f = &program.functions[m.0 as usize];
            let id = IdentityHash(digest(|h| {
                component_hash.hash(h);
                bodies[m.0 as usize].hash(h);
                f.qualified.hash(h);
            }));
            identity[m.0 as usize] = Some(id);
        }
    }
    for ((f, id), recursive) in program.functions.iter_mut().zip(identity).zip(recursive) {
        f.identity = id.unwrap_or_default();
        f.recursive = recursive;
        f.symbol = if f.boundary {
            format!("_strobe_sig_{}", f.signature)
        } else {
            let readable: String = f
                .qualified
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!("_strobe_{}_{}", readable, f.identity)
        };
    }
}
