#!/usr/bin/env python3
"""Import circles between a crate's files, drawn from its `use` statements.

Why: issue 25 asks that a newcomer can follow the code one way, so no two files may import each
other through a chain. cargo-modules (`cargo modules dependencies --acyclic`) answers the same
question, but it builds for many minutes and needs a recent rustc; this script needs only Python
and reads what any module-graph tool reads: every `crate::`, `super::` and `self::` path in a file
(in `use` statements and inline), resolved to the file that defines the module it names. A child
module's own `mod` line in its parent is ownership, not an import, so it draws no arrow.

Usage: scripts/import_circles.py [CRATE_SRC_DIR ...]   (default: every crates/*/src and src/)
       scripts/import_circles.py --dot FILE ...   (cargo-modules' graph, folded to modules)
Prints each circle (strongly connected set of files or modules); exits 1 if any is found.

With --dot it reads what `cargo modules dependencies -p CRATE --lib --no-externs --no-sysroot
--no-owns` printed, folds every item onto the module that holds it and draws each "uses" edge
between two modules. (cargo-modules' own `--acyclic` also counts a type and its own methods as
a circle, which says nothing about files.)
"""

import os
import re
import sys

PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GLOB_RE = re.compile(r"\b(super(?:::super)*)::\*")
TEST_MOD_RE = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+\w+\s*\{")


def module_files(src):
    """Maps a module path (tuple of names) to its file, for every .rs file under src."""
    mods = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, name), src)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            if rel.startswith("bin" + os.sep):
                continue
            mods[tuple(parts)] = os.path.join(src, rel)
    return mods


def strip(text):
    """Drops comments, string literals and `#[cfg(test)] mod … { }` blocks (tests may import
    anything; they are not the structure a reader follows)."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'r#*"(?:.|\n)*?"#*', '""', text)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    out, i = [], 0
    for m in TEST_MOD_RE.finditer(text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def flatten(group, prefix=""):
    items, depth, cur = [], 0, ""
    for ch in group:
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        cur += ch
    items.append(cur)
    out = []
    for item in (s.strip() for s in items):
        if not item:
            continue
        if "{" in item:
            head, rest = item.split("{", 1)
            out.extend(flatten(rest.rsplit("}", 1)[0], prefix + head.strip().rstrip(":") + "::"))
        else:
            out.append(prefix + item.split(" as ")[0].strip())
    return out


def resolve(mods, reexports, here, path, seen=()):
    """The file that defines what `path` (seen from module `here`) names: the deepest module
    it names, or, when the next name is a `pub use` re-export there, where that leads."""
    head, *rest = path.split("::")
    if head == "crate":
        base = ()
    elif head == "self":
        base = here
    elif head == "super":
        base = here[:-1]
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
    else:
        base, rest = here, [head] + rest
    parts = list(base) + [r for r in rest if r]
    depth = len(parts)
    while depth:
        mod = tuple(parts[:depth])
        if mod in mods:
            nxt = parts[depth] if depth < len(parts) else None
            target = reexports.get(mod, {}).get(nxt)
            if target and (mod, nxt) not in seen:
                found = resolve(mods, reexports, mod, target, seen + ((mod, nxt),))
                if found:
                    return found
            return mods[mod]
        depth -= 1
    return None


def use_paths(text):
    """Every path in a `use` statement (groups expanded), with its `pub` flag."""
    out = []
    for m in re.finditer(r"(\bpub(?:\([a-z]+\))?\s+)?\buse\s+([^;]+);", text):
        body = re.sub(r"\s+", "", m.group(2))
        if body.startswith("::"):
            continue
        out.extend((bool(m.group(1)), p) for p in flatten_use(body))
    return out


def flatten_use(body, prefix=""):
    if "{" not in body:
        return [prefix + body.split("as")[0] if "as" in body and not body.startswith("as") else prefix + body]
    head, rest = body.split("{", 1)
    return flatten(rest.rsplit("}", 1)[0], prefix + head.rstrip(":") + "::")


def graph(src):
    mods = module_files(src)
    texts = {}
    for mod, file in mods.items():
        with open(file, encoding="utf-8") as fh:
            texts[mod] = strip(fh.read())
    # name -> path re-exported by `pub use` in each module, so an import through a re-export
    # lands on the file that defines the item (as rust-analyzer resolves it)
    reexports = {}
    for mod, text in texts.items():
        for public, p in use_paths(text):
            if public and not p.endswith("*"):
                name = p.rsplit("::", 1)[-1]
                reexports.setdefault(mod, {})[name] = p
    edges = {f: set() for f in mods.values()}
    for mod, file in mods.items():
        text = texts[mod]
        paths = [p for _, p in use_paths(text)]
        paths += [m.group(1) + m.group(2) for m in PATH_RE.finditer(text)]
        paths += [m.group(1) for m in GLOB_RE.finditer(text)]
        for p in paths:
            p = p.rstrip(":*").rstrip(":")
            head = p.split("::", 1)[0]
            if head not in ("crate", "super", "self") and mod + (head,) not in mods:
                continue  # an outside crate or the standard library
            target = resolve(mods, reexports, mod, p)
            if target and target != file:
                edges[file].add(target)
    return edges


def circles(edges):
    """Tarjan's strongly connected components of size > 1."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def dot_circles(path):
    """Module-level circles of a cargo-modules dependency graph."""
    node_re = re.compile(r'^\s*"([^"]+)" \[label="([^|"]*)\|')
    edge_re = re.compile(r'^\s*"([^"]+)" -> "([^"]+)" \[label="uses"')
    modules, uses = set(), []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if m := edge_re.match(line):
                uses.append((m.group(1), m.group(2)))
            elif m := node_re.match(line):
                if m.group(2).split()[-1] in ("mod", "crate"):
                    modules.add(m.group(1))

    def module_of(item):
        # cargo-modules leaves out module nodes that have no edges of their own, so a module is
        # also what is left of an item's path without the item and any type it is a method of
        if item in modules:
            return item
        parts = item.split("::")[:-1]
        while parts and parts[-1][:1].isupper():
            parts.pop()
        return "::".join(parts)

    edges = {m: set() for m in modules}
    for a, b in uses:
        ma, mb = module_of(a), module_of(b)
        if ma and mb and ma != mb:
            edges.setdefault(ma, set()).add(mb)
            edges.setdefault(mb, set())
    return edges


def main(argv):
    if argv[:1] == ["--dot"]:
        found = 0
        for path in argv[1:]:
            edges = dot_circles(path)
            comps = circles(edges)
            n_edges = sum(len(v) for v in edges.values())
            print(f"{path}: {len(edges)} modules, {n_edges} use arrows, {len(comps)} circle(s)")
            for comp in comps:
                found += 1
                print(f"  circle of {len(comp)}: " + ", ".join(comp))
                for f in comp:
                    print(f"    {f} -> {', '.join(sorted(t for t in edges[f] if t in comp))}")
        return 1 if found else 0
    roots = argv or sorted(
        [os.path.join("crates", c, "src") for c in os.listdir("crates")] + ["src"]
    )
    found = 0
    for src in roots:
        if not os.path.isdir(src):
            continue
        edges = graph(src)
        comps = circles(edges)
        n_edges = sum(len(v) for v in edges.values())
        print(f"{src}: {len(edges)} files, {n_edges} import arrows, {len(comps)} circle(s)")
        for comp in comps:
            found += 1
            names = [os.path.relpath(f, src) for f in comp]
            print(f"  circle of {len(names)}: " + ", ".join(names))
            for f in comp:
                into = sorted(os.path.relpath(t, src) for t in edges[f] if t in comp)
                print(f"    {os.path.relpath(f, src)} -> {', '.join(into)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
