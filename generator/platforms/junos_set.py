"""`display set` form of a Junos brace config: one `set` command per leaf statement.

Operators paste set commands and NAPALM's Junos driver loads them (`load set`); the tests check that this
rendering and an independent Junos grammar (jnprsr) read the same statements from the brace form.
Rules follow Junos `show configuration | display set`: a leaf's path from the top of the hierarchy,
a bracketed list gives one command per element, an empty block is a statement, `inactive:` gives a
`deactivate` command for the statement's path, comments are dropped.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'/\*.*?\*/|"(?:[^"\\]|\\.)*"|[{};\[\]]|[^\s{};\[\]"]+', re.S)


def display_set(text: str) -> list[str]:
    """The set (and deactivate) commands of a brace-form config, in order of appearance."""
    out: list[str] = []
    path: list[str] = []
    stack: list[tuple[int, int]] = []  # len(path) and len(out) when each block opened
    words: list[str] = []
    in_list = False
    items: list[str] = []
    for token in _TOKEN.findall(text):
        if token.startswith("/*"):
            continue
        if in_list:
            if token == "]":
                in_list = False
            else:
                items.append(token)
            continue
        if token == "[":
            in_list, items = True, []
        elif token == "{":
            inactive = words[:1] == ["inactive:"]
            words = words[1:] if inactive else words
            stack.append((len(path), len(out)))
            path.extend(words)
            if inactive:
                out.append("deactivate " + " ".join(path))
            words = []
        elif token == ";":
            inactive = words[:1] == ["inactive:"]
            words = words[1:] if inactive else words
            if items:
                out.extend("set " + " ".join([*path, *words, item]) for item in items)
                items = []
            else:
                out.append("set " + " ".join([*path, *words]))
            if inactive:
                out.append("deactivate " + " ".join([*path, *words]))
            words = []
        elif token == "}":
            if not stack:
                raise ValueError("unbalanced '}' in Junos config")
            depth, emitted = stack.pop()
            if len(out) == emitted:  # an empty block is itself a statement (`family inet { }`)
                out.append("set " + " ".join(path))
            del path[depth:]
        else:
            words.append(token)
    if stack or words:
        raise ValueError("unterminated statement or block in Junos config")
    return out
