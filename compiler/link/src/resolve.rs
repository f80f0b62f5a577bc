//! Symbol resolution: binds undefined globals to definitions, pulling archive members on demand.

use crate::input::{parse_object, Archive, ObjectFile, SymbolDef};
use crate::LinkError;
use std::collections::{HashMap, HashSet};

/// A symbol by (file index, symbol index).
pub type SymbolRef = (usize, usize);

pub struct Resolved {
    pub files: Vec<ObjectFile>,
    pub globals: HashMap<String, SymbolRef>,
    /// None when linking a unit without an entry (its roots are kept instead).
    pub entry: Option<SymbolRef>,
    /// Symbols kept besides the entry (a unit's exports).
    pub roots: Vec<SymbolRef>,
}

impl Resolved {
    /// The definition a reference from `file`'s symbol `index` ends up at.
    pub fn target(&self, file: usize, index: usize) -> Option<SymbolRef> {
        let sym = &self.files[file].symbols[index];
        match sym.def {
            SymbolDef::Undefined => self.globals.get(&sym.name).copied(),
            _ if sym.global => self.globals.get(&sym.name).copied().or(Some((file, index))),
            _ => Some((file, index)),
        }
    }
}

fn define(
    globals: &mut HashMap<String, SymbolRef>,
    files: &[ObjectFile],
    file: usize,
) -> Result<(), LinkError> {
    for (i, s) in files[file].symbols.iter().enumerate() {
        if !s.global || matches!(s.def, SymbolDef::Undefined) || s.name.is_empty() {
            continue;
        }
        match globals.get(&s.name) {
            None => {
                globals.insert(s.name.clone(), (file, i));
            }
            Some(&(of, oi)) => {
                let other = &files[of].symbols[oi];
                if other.weak && !s.weak {
                    globals.insert(s.name.clone(), (file, i));
                } else if !other.weak && !s.weak {
                    return Err(LinkError::Duplicate {
                        symbol: s.name.clone(),
                        first: files[of].name.clone(),
                        second: files[file].name.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

pub fn resolve(
    mut files: Vec<ObjectFile>,
    archives: &[Archive],
    entry: &str,
    roots: &[String],
) -> Result<Resolved, LinkError> {
    let mut globals = HashMap::new();
    for f in 0..files.len() {
        define(&mut globals, &files, f)?;
    }
    let indexes = archives
        .iter()
        .map(Archive::index)
        .collect::<Result<Vec<_>, _>>()?;
    let mut pulled: HashSet<(usize, usize)> = HashSet::new();
    let mut wanted: Vec<(String, String)> = roots
        .iter()
        .map(|r| (r.clone(), "<root>".to_string()))
        .collect();
    if !entry.is_empty() {
        wanted.push((entry.to_string(), "<entry>".to_string()));
    }
    let mut scanned = 0;
    loop {
        while scanned < files.len() {
            for s in &files[scanned].symbols {
                if matches!(s.def, SymbolDef::Undefined) && !s.name.is_empty() {
                    wanted.push((s.name.clone(), files[scanned].name.clone()));
                }
            }
            scanned += 1;
        }
        let mut progress = false;
        for (name, from) in std::mem::take(&mut wanted) {
            if globals.contains_key(&name) {
                continue;
            }
            let member = indexes
                .iter()
                .enumerate()
                .find_map(|(a, idx)| idx.definitions.get(&name).map(|&m| (a, m)));
            match member {
                Some(key) if pulled.insert(key) => {
                    let (member_name, data) = archives[key.0].member(indexes[key.0], key.1);
                    let mut file =
                        parse_object(&format!("{}({})", archives[key.0].name, member_name), data)?;
                    file.from_archive = true;
                    files.push(file);
                    define(&mut globals, &files, files.len() - 1)?;
                    progress = true;
                }
                Some(_) => {}
                None => {
                    let weak = files
                        .iter()
                        .flat_map(|f| f.symbols.iter())
                        .filter(|s| s.name == name)
                        .all(|s| s.weak);
                    if !weak || name == entry {
                        if name == entry {
                            return Err(LinkError::NoEntry(name));
                        }
                        return Err(LinkError::Undefined { symbol: name, from });
                    }
                }
            }
        }
        if !progress && scanned == files.len() {
            break;
        }
    }
    let entry_ref = match entry {
        "" => None,
        name => Some(
            *globals
                .get(name)
                .ok_or_else(|| LinkError::NoEntry(name.to_string()))?,
        ),
    };
    let roots = roots
        .iter()
        .map(|r| {
            globals.get(r).copied().ok_or_else(|| LinkError::Undefined {
                symbol: r.clone(),
                from: "<root>".into(),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Resolved {
        files,
        globals,
        entry: entry_ref,
        roots,
    })
}
