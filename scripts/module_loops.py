#!/usr/bin/env python3
"""Fails when modules of one crate import each other in a loop.

Between crates cargo already refuses a loop; inside a crate nothing does, so this reads
every crate's sources and draws an edge A -> B wherever module A names module B
(`use crate::b`, `super::b`, `crate::a::b::Item`, also through a parent's `pub use`).
Each edge counts between the two modules' ancestors that are siblings (so
`auth::device -> http::client_ip` is `auth -> http`), and any cycle among siblings is
reported with its edges. Test code (`#[cfg(test)]` modules, tests.rs, properties.rs) is
left out: a test may reach anywhere.

Usage: scripts/module_loops.py [CRATE_DIR ...]  (default: every crate of the workspace)
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_FILES = {"tests.rs", "properties.rs"}
PATH_RE = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP_RE = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)
PUB_USE_RE = re.compile(r"\bpub\s+use\s+([a-z_][a-z0-9_]*)(?:::([A-Za-z_][A-Za-z0-9_:]*))?(?:::\{([^;]*)\})?\s*;", re.S)


def module_path(src: Path, file: Path) -> tuple:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("lib", "main", "mod"):
        parts.pop()
    return tuple(parts)


def strip_tests(text: str) -> str:
    """The file up to its first `#[cfg(test)]` item that is a module."""
    match = re.search(r"#\[cfg\((?:test|all\(test[^\]]*\))\)\]\s*(pub\s+)?mod\s", text)
    return text[: match.start()] if match else text


def strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*", "", text)


def crate_edges(src: Path):
    files = {}
    for file in sorted(src.rglob("*.rs")):
        if file.name in TEST_FILES:
            continue
        files[module_path(src, file)] = strip_comments(strip_tests(file.read_text()))
    modules = set(files)
    # Names a module re-exports from its children: `pub use child::{Item, …}`.
    reexports = {}
    for module, text in files.items():
        for child, rest, group in PUB_USE_RE.findall(text):
            if module + (child,) not in modules:
                continue
            items = [i.strip() for i in group.split(",") if i.strip()] if group else [rest] if rest else []
            for item in items:
                name = item.split(" as ")[-1].split("::")[-1].strip()
                reexports[(module, name)] = module + (child,)

    def resolve(module, head, rest):
        base = {"crate": (), "self": module, "super": module[:-1]}[head]
        path = list(base)
        for name in rest:
            if tuple(path + [name]) in modules:
                path.append(name)
            elif (tuple(path), name) in reexports:
                path = list(reexports[(tuple(path), name)])
                break
            else:
                break
        return tuple(path)

    edges = set()
    for module, text in files.items():
        targets = []
        for head, rest, group in USE_GROUP_RE.findall(text):
            prefix = [p for p in rest.split("::") if p]
            for item in group.split(","):
                item = item.strip().split(" as ")[0].strip()
                if item and item != "self":
                    targets.append(resolve(module, head, prefix + [p for p in item.split("::") if p]))
                elif item == "self":
                    targets.append(resolve(module, head, prefix))
        for head, rest in PATH_RE.findall(text):
            targets.append(resolve(module, head, [p for p in rest.split("::") if p]))
        for target in targets:
            common = 0
            while common < min(len(module), len(target)) and module[common] == target[common]:
                common += 1
            if common < len(module) and common < len(target):
                parent = module[:common]
                edges.add((parent, module[common], target[common], "::".join(module), "::".join(target)))
    return edges


def cycles(edges):
    found = []
    by_parent = {}
    for parent, a, b, src, dst in edges:
        by_parent.setdefault(parent, {}).setdefault(a, {}).setdefault(b, (src, dst))
    for parent, graph in by_parent.items():
        state = {}

        def visit(node, stack):
            state[node] = 1
            stack.append(node)
            for nxt in graph.get(node, {}):
                if state.get(nxt) == 1:
                    loop = stack[stack.index(nxt) :] + [nxt]
                    found.append((parent, loop, graph))
                elif state.get(nxt) is None:
                    visit(nxt, stack)
            stack.pop()
            state[node] = 2

        for node in sorted(graph):
            if node not in state:
                visit(node, [])
    return found


def main():
    dirs = [Path(d) for d in sys.argv[1:]] or sorted(
        p.parent for p in ROOT.glob("*/*/Cargo.toml") if (p.parent / "src").is_dir()
    ) + sorted(p.parent for p in ROOT.glob("*/Cargo.toml") if (p.parent / "src").is_dir())
    failed = False
    checked = 0
    for crate in dirs:
        src = crate / "src"
        if not src.is_dir():
            continue
        checked += 1
        for parent, loop, graph in cycles(crate_edges(src)):
            failed = True
            where = "::".join(parent) or "crate root"
            print(f"module loop in {crate.relative_to(ROOT)} ({where}): {' -> '.join(loop)}")
            for a, b in zip(loop, loop[1:]):
                src_mod, dst_mod = graph[a][b]
                print(f"    {a} -> {b}: {src_mod} names {dst_mod}")
    print(f"module_loops: {checked} crates checked, {'loops found' if failed else 'no loop'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
