//! A large link unit split into parts that LLVM compiles in parallel, each into its own object.
//!
//! LLVM compiles one module on one thread, and a unit is one module: a kernel whose helpers are all
//! private to it (the usual experiment) would use one core. Its large helpers are moved out of
//! the root's part into other parts, where they are defined under a unit-specific global symbol;
//! every part keeps its own private copy of the small helpers it calls, so those are still inlined
//! wherever they are used. A moved helper is large enough that the call to it costs little next
//! to its body. Units below [`SPLIT_SIZE`] are not split: their code is exactly as before.

use std::collections::{BTreeSet, HashMap};
use strobe_ir::{FuncId, LinkUnit, Program};

/// A unit smaller than this (in IR expressions) is one part.
pub const SPLIT_SIZE: usize = 500;
/// A member at least this large may be moved out of its caller's part.
pub const MOVABLE_SIZE: usize = 60;

/// One object of a unit: the functions it defines.
#[derive(Clone, Debug)]
pub struct UnitPart {
    /// Part 0 holds the unit's root (and the kernel entry); its object has the root's name.
    pub index: usize,
    /// The name of the part's object.
    pub name: String,
    /// Members defined in this part, in the unit's order.
    pub defines: Vec<FuncId>,
    /// The moved members of the whole unit and their global symbols (the same in every part).
    pub moved: HashMap<FuncId, String>,
    /// An estimate of the part's compile cost (IR expressions), for scheduling.
    pub size: usize,
}

/// The name of part `index`'s object of the unit rooted at `root` (the root's symbol for part 0).
pub fn part_object_name(root: &str, index: usize) -> String {
    match index {
        0 => root.to_string(),
        i => format!("{root}.part{i}"),
    }
}

/// Splits `unit` into at most `parts` parts (one when it is small or has nothing to move).
pub fn split_unit(program: &Program, unit: &LinkUnit, parts: usize) -> Vec<UnitPart> {
    let graph: HashMap<FuncId, &(Vec<FuncId>, usize)> =
        unit.members.iter().copied().zip(&unit.calls).collect();
    let total: usize = graph.values().map(|(_, size)| size).sum();
    let root_name = program.function(unit.root).symbol.clone();
    let whole = || {
        vec![UnitPart {
            index: 0,
            name: root_name.clone(),
            defines: unit.members.clone(),
            moved: HashMap::new(),
            size: total,
        }]
    };
    let mut movable: Vec<FuncId> = unit
        .members
        .iter()
        .copied()
        .filter(|&m| m != unit.root && graph[&m].1 >= MOVABLE_SIZE)
        .collect();
    if parts < 2 || total < SPLIT_SIZE || movable.is_empty() {
        return whole();
    }
    // What a part defines: its roots and every non-moved member they reach.
    let closure = |roots: &[FuncId], moved: &BTreeSet<FuncId>| -> BTreeSet<FuncId> {
        let mut seen: BTreeSet<FuncId> = roots.iter().copied().collect();
        let mut stack = roots.to_vec();
        while let Some(f) = stack.pop() {
            for &c in &graph[&f].0 {
                if !moved.contains(&c) && seen.insert(c) {
                    stack.push(c);
                }
            }
        }
        seen
    };
    let moved_set: BTreeSet<FuncId> = movable.iter().copied().collect();
    let size_of = |set: &BTreeSet<FuncId>| set.iter().map(|f| graph[f].1).sum::<usize>();
    // Largest first, each to the lightest part; the root's part starts with its own closure.
    movable.sort_by_key(|&m| (std::cmp::Reverse(graph[&m].1), m));
    let mut roots: Vec<Vec<FuncId>> = vec![Vec::new(); parts];
    let mut loads = vec![0; parts];
    roots[0].push(unit.root);
    loads[0] = size_of(&closure(&[unit.root], &moved_set));
    for m in movable {
        let lightest = (0..parts).min_by_key(|&p| (loads[p], p)).unwrap_or(0);
        loads[lightest] += size_of(&closure(&[m], &moved_set));
        roots[lightest].push(m);
    }
    let tag = &unit.key.to_hex()[..12];
    let moved: HashMap<FuncId, String> = moved_set
        .iter()
        .map(|&m| (m, format!("{}.in.{tag}", program.function(m).symbol)))
        .collect();
    let mut out = Vec::new();
    for part_roots in roots.iter().filter(|r| !r.is_empty()) {
        let defined = closure(part_roots, &moved_set);
        let index = out.len();
        out.push(UnitPart {
            index,
            name: part_object_name(&root_name, index),
            defines: unit
                .members
                .iter()
                .copied()
                .filter(|m| defined.contains(m))
                .collect(),
            moved: moved.clone(),
            size: size_of(&defined),
        });
    }
    if out.len() < 2 {
        return whole();
    }
    out
}
