//! No import cycle between the files of `src/` (issue 17: "no module cycle in `src/`"): every
//! `use crate::…` / `use super::…` / `use self::…` statement and every inline `crate::…` /
//! `super::…` path is read into a file-level graph, and a cycle fails this test, naming its
//! files.
//!
//! How a path is resolved to a file: the longest prefix of the path that is a module file
//! (`src/a/b.rs` or `src/a/b/mod.rs` is `crate::a::b`); when the next segment is an item that
//! module re-exports (`pub use x::Item;`, `pub(crate) use x::{Item as Other}`), the re-export
//! is followed (several hops) to the file that defines it. Re-exports and `mod` declarations
//! are the module tree's plumbing, not dependencies: they make no edge of their own. Inline
//! modules (`mod tests { use super::*; }`) are tracked, so `super` means what it means there.
//!
//! Limits (good enough for a layering check, not a compiler): a glob re-export (`pub use
//! x::*`) is not followed (the edge goes to the module that globs); paths that start from a
//! name brought in by `use` (`use super::plan; plan::X`) count once, at the `use`; paths in
//! macro bodies (`$crate::…`) are skipped; `#[path]` attributes are not read. A file's code
//! is read with comments, strings and char literals blanked out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn src_has_no_module_cycle() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    collect(&root.join("src"), root, &mut files);
    assert!(
        files.len() > 10,
        "no sources found under {}",
        root.display()
    );
    let graph = file_graph(&files);
    assert!(
        graph.values().map(BTreeSet::len).sum::<usize>() > 50,
        "too few imports read: is the parser broken?"
    );
    let problems: Vec<String> = cycles(&graph)
        .iter()
        .map(|cycle| {
            format!(
                "  {}\n    e.g. {}",
                cycle.join(", "),
                witness(&graph, cycle).join(" -> ")
            )
        })
        .collect();
    assert!(
        problems.is_empty(),
        "import cycles between files of src/ (break each by moving what both sides need into a \
         file of its own, lower in the stack):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_matrix_has_no_cycle_at_all() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    collect(&root.join("src"), root, &mut files);
    let graph = file_graph(&files);
    let matrix: Vec<Vec<String>> = cycles(&graph)
        .into_iter()
        .filter(|c| c.iter().any(|f| f.starts_with("src/checks/matrix/")))
        .collect();
    assert!(matrix.is_empty(), "cycles in the matrix wing: {matrix:?}");
}

// ---------------------------------------------------------------------------------------
// The finder, checked on small in-memory crates.

fn crate_of(sources: &[(&str, &str)]) -> BTreeMap<String, String> {
    sources
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect()
}

#[test]
fn a_two_file_cycle_is_found() {
    let files = crate_of(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        ("src/a.rs", "use crate::b::B;\npub struct A;\n"),
        ("src/b.rs", "use super::a::A;\npub struct B;\n"),
    ]);
    let graph = file_graph(&files);
    assert_eq!(
        cycles(&graph),
        vec![vec!["src/a.rs".to_owned(), "src/b.rs".to_owned()]]
    );
}

#[test]
fn a_cycle_through_a_re_export_and_an_inline_path_is_found() {
    // c -> (crate::B re-exported by lib.rs) b -> (inline super::m::c::C) c.
    let files = crate_of(&[
        ("src/lib.rs", "mod b;\nmod m;\npub use b::B;\n"),
        (
            "src/b.rs",
            "pub struct B;\nfn f() { let _ = super::m::c::C; }\n",
        ),
        ("src/m/mod.rs", "mod c;\n"),
        ("src/m/c.rs", "use crate::{B};\npub struct C;\n"),
    ]);
    let graph = file_graph(&files);
    assert_eq!(
        cycles(&graph),
        vec![vec!["src/b.rs".to_owned(), "src/m/c.rs".to_owned()]]
    );
}

#[test]
fn a_longer_cycle_is_found_whole() {
    let files = crate_of(&[
        ("src/lib.rs", "mod a; mod b; mod c; mod d;"),
        ("src/a.rs", "use crate::b::X;"),
        ("src/b.rs", "use crate::{c::Y, d};"),
        ("src/c.rs", "use crate::a as _;"),
        ("src/d.rs", ""),
    ]);
    assert_eq!(
        cycles(&file_graph(&files)),
        vec![vec![
            "src/a.rs".to_owned(),
            "src/b.rs".to_owned(),
            "src/c.rs".to_owned()
        ]]
    );
}

#[test]
fn layered_files_comments_strings_and_test_modules_make_no_cycle() {
    let files = crate_of(&[
        ("src/lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
        (
            "src/a.rs",
            "//! See `crate::b::B` (a comment).\npub struct A;\nconst S: &str = \"use crate::b::B;\";\nconst C: char = '{';\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        (
            "src/b.rs",
            "use crate::A;\nmod inner {\n    use super::super::a::A;\n}\npub struct B;\n",
        ),
    ]);
    let graph = file_graph(&files);
    assert!(cycles(&graph).is_empty(), "{graph:?}");
    // The edges that are there: b -> a (through the re-export), inline module included.
    assert_eq!(
        graph["src/b.rs"],
        BTreeSet::from(["src/a.rs".to_owned()]),
        "{graph:?}"
    );
    assert!(graph["src/a.rs"].is_empty(), "{graph:?}");
}

// ---------------------------------------------------------------------------------------
// Reading the sources.

/// Every `.rs` file under `dir`, keyed by its path relative to `root` (`src/a/b.rs`).
fn collect(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let key = path
                .strip_prefix(root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            out.insert(key, text);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` → `["a", "b"]`; `src/lib.rs` → `[]`.
fn module_of(file: &str) -> Vec<String> {
    let inner = file.strip_prefix("src/").unwrap_or(file);
    let inner = inner.strip_suffix(".rs").unwrap_or(inner);
    let mut parts: Vec<String> = inner.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Code with comments, string and char literals blanked (newlines kept).
fn strip(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && raw_string_start(&b, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.extend(b[i..j.min(b.len())].iter().map(|&c| blank(c)));
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}'), or a lifetime ('a) kept as is.
            let close = if next == Some('\\') {
                (i + 3..b.len().min(i + 12)).find(|&k| b[k] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    for _ in i..=end {
                        out.push(' ');
                    }
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Whether the `r` at `i` starts a raw string (`r"`, `r#"`, `br"`), not ends an identifier.
fn raw_string_start(b: &[char], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).map(|j| b[j]);
    !ident_char(before(1)) || (before(1) == Some('b') && !ident_char(before(2)))
}

fn ident_char(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// A token of stripped code: an identifier (or keyword), `::`, or one punctuation character.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".to_owned());
            i += 2;
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// One path a file names, absolute (from the crate root), and whether it is a re-export.
#[derive(Debug)]
struct Reference {
    path: Vec<String>,
    reexport: Option<String>,
    /// For a path relative to the module (`use b::B;` naming child module `b`): how many
    /// segments of `path` are the module's own. Such a path counts only when it names a
    /// module file (otherwise it is an external crate's).
    relative_to: Option<usize>,
}

/// The paths `text` (the file of module `module`) names: its `use` trees and its inline
/// `crate::`/`super::`/`self::` paths, resolved to absolute paths (inline modules tracked).
fn references(module: &[String], text: &str) -> Vec<Reference> {
    let toks = tokens(&strip(text));
    let mut out = Vec::new();
    // The inline modules open at this point, each with the brace depth it closes at.
    let mut scope: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let current = |scope: &[(String, usize)]| -> Vec<String> {
        let mut m = module.to_vec();
        m.extend(scope.iter().map(|(name, _)| name.clone()));
        m
    };
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                if scope.last().is_some_and(|(_, d)| *d == depth) {
                    scope.pop();
                }
            }
            "mod" if toks.get(i + 2).map(String::as_str) == Some("{") => {
                scope.push((toks[i + 1].clone(), depth));
                depth += 1;
                i += 3;
                continue;
            }
            "use" => {
                let public = i > 0
                    && (toks[i - 1] == "pub"
                        || (toks[i - 1] == ")"
                            && toks[..i].iter().rev().take(4).any(|t| t == "pub")));
                let end = toks[i..]
                    .iter()
                    .position(|t| t == ";")
                    .map_or(toks.len(), |p| i + p);
                let here = current(&scope);
                let mut leaves = Vec::new();
                use_tree(&toks[i + 1..end], Vec::new(), &mut leaves);
                for (path, name) in leaves {
                    let reexport = public.then_some(name).flatten();
                    match absolute(&here, &path) {
                        Some(path) => out.push(Reference {
                            path,
                            reexport,
                            relative_to: None,
                        }),
                        None if !path.is_empty() && path[0] != "$crate" => {
                            let mut full = here.clone();
                            full.extend(path);
                            out.push(Reference {
                                path: full,
                                reexport,
                                relative_to: Some(here.len()),
                            });
                        }
                        None => {}
                    }
                }
                i = end + 1;
                continue;
            }
            "crate" | "super" | "self"
                if toks.get(i + 1).map(String::as_str) == Some("::")
                    && (i == 0 || (toks[i - 1] != "::" && toks[i - 1] != "$")) =>
            {
                let mut path = vec![t.to_owned()];
                let mut j = i + 1;
                while toks.get(j).map(String::as_str) == Some("::")
                    && toks
                        .get(j + 1)
                        .is_some_and(|n| ident_char(n.chars().next()))
                {
                    path.push(toks[j + 1].clone());
                    j += 2;
                }
                if let Some(path) = absolute(&current(&scope), &path) {
                    out.push(Reference {
                        path,
                        reexport: None,
                        relative_to: None,
                    });
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The leaves of a use tree (`a::{b, c::d as e, f::*}`): each path, and the name it binds
/// (`None` for a glob or `_`).
fn use_tree(toks: &[String], prefix: Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let mut path = prefix;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].as_str();
        match t {
            "::" => {}
            "{" => {
                // Split the group at its top-level commas.
                let mut level = 0;
                let mut start = i + 1;
                let mut j = i + 1;
                while j < toks.len() {
                    match toks[j].as_str() {
                        "{" => level += 1,
                        "}" if level == 0 => break,
                        "}" => level -= 1,
                        "," if level == 0 => {
                            use_tree(&toks[start..j], path.clone(), out);
                            start = j + 1;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                use_tree(&toks[start..j], path.clone(), out);
                return;
            }
            "*" => {
                out.push((path, None));
                return;
            }
            "as" => {
                let name = toks.get(i + 1).filter(|n| *n != "_").cloned();
                out.push((path, name));
                return;
            }
            "self" if !path.is_empty() => {}
            _ => path.push(t.to_owned()),
        }
        i += 1;
    }
    if !path.is_empty() {
        let name = path.last().cloned();
        out.push((path, name));
    }
}

/// `path` as seen from module `here`, from the crate root; `None` for an external crate's.
fn absolute(here: &[String], path: &[String]) -> Option<Vec<String>> {
    let mut out: Vec<String> = match path.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("super" | "self") => here.to_vec(),
        _ => return None,
    };
    let mut rest = path;
    if rest[0] == "crate" {
        rest = &rest[1..];
    }
    for segment in rest {
        match segment.as_str() {
            "super" => {
                out.pop();
            }
            "self" => {}
            _ => out.push(segment.clone()),
        }
    }
    Some(out)
}

/// The file graph: file → the files it depends on (no self edges).
fn file_graph(files: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<Vec<String>, String> = files
        .keys()
        .filter(|f| !f.ends_with("/main.rs") || f.as_str() == "src/main.rs")
        .map(|f| (module_of(f), f.clone()))
        .collect();
    let refs: BTreeMap<&String, Vec<Reference>> = files
        .iter()
        .map(|(file, text)| {
            let mut list = references(&module_of(file), text);
            // A relative path counts when it starts with a module (not an external crate).
            list.retain(|r| {
                r.relative_to
                    .is_none_or(|n| r.path.len() > n && modules.contains_key(&r.path[..=n]))
            });
            (file, list)
        })
        .collect();
    // Each module's re-exports: the name it exports → the path it exports.
    let mut exports: BTreeMap<&String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (file, list) in &refs {
        for r in list {
            if let Some(name) = &r.reexport {
                exports
                    .entry(file)
                    .or_default()
                    .insert(name.clone(), r.path.clone());
            }
        }
    }
    let resolve = |path: &[String]| -> Option<String> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let (len, file) = (0..=path.len())
                .rev()
                .find_map(|n| modules.get(&path[..n]).map(|f| (n, f)))?;
            let next = path
                .get(len)
                .and_then(|name| exports.get(file).and_then(|e| e.get(name)));
            match next {
                Some(target) => {
                    let mut rerouted = target.clone();
                    rerouted.extend(path[len + 1..].iter().cloned());
                    if rerouted == path {
                        return Some(file.clone());
                    }
                    path = rerouted;
                }
                None => return Some(file.clone()),
            }
        }
        None
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, list) in &refs {
        let edges = graph.entry((*file).clone()).or_default();
        for r in list.iter().filter(|r| r.reexport.is_none()) {
            if let Some(target) = resolve(&r.path)
                && target != **file
            {
                edges.insert(target);
            }
        }
    }
    graph
}

/// Every strongly connected component of more than one file, each sorted, in order.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Tarjan's algorithm, iterative enough for a few hundred files (recursion is fine here).
    struct State<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// One cycle through the first file of `component`, as a path of files.
fn witness(graph: &BTreeMap<String, BTreeSet<String>>, component: &[String]) -> Vec<String> {
    let start = &component[0];
    // Breadth-first inside the component, back to the start.
    let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in graph[v].iter().filter(|w| component.contains(w)) {
            if w == start {
                let mut path = vec![start.clone()];
                let mut at = v;
                let mut back = vec![v.clone()];
                while at != start {
                    at = previous[at];
                    back.push(at.clone());
                }
                back.pop();
                back.reverse();
                path.extend(back);
                path.push(start.clone());
                return path;
            }
            if !previous.contains_key(w) {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    component.to_vec()
}
