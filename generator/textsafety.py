"""One rule per output context for text that came from a user (intent values, keys, file names).

- **config**: a string that a template writes into a device config, inside a comment (`!` on EOS and
  FRR, `!!` on IOS XR, `/* ... */` on Junos), a quoted string (Junos `description "..."`) or a bare
  word. Only printable ASCII is safe on all four platforms: every other character is either a line
  break or control to some reader (Python's `str.splitlines` splits on U+2028, U+2029, U+0085, VT,
  FF and FS..RS; the C1 range is a terminal control; bidi overrides reorder what a reviewer sees),
  or not accepted by the device CLI at all. On top of that, characters and sequences that end or open
  a construct in any target syntax are refused: quotes, braces, `;`, `#`, `!`, `$`, backslash,
  backquote, and the Junos comment delimiters `/*` and `*/`.
- **terminal**: anything printed for a person. Control, format and line-separator characters are
  shown as escapes (`\\x1b`, `\\u2028`), so a key can neither forge a finding line nor move the
  cursor, and a very long run without spaces is cut (a 10,000-character name is not echoed).
  Rich markup in user text is escaped where it is printed (see `generator.cli`).

File names take the `Name` rule of the schema (lowercase ASCII letters, digits and '-'), which is
stricter than both.
"""

from __future__ import annotations

import re
import unicodedata

# --------------------------------------------------------------------------- config context

CONFIG_SPECIALS = '"{};#!\\`$'
CONFIG_SEQUENCES = ("/*", "*/")
_CONFIG_BAD_CHAR = re.compile(r"[^\x20-\x7e]|[" + re.escape(CONFIG_SPECIALS) + "]")


def describe_char(char: str) -> str:
    """'\\u2028' -> 'U+2028 (LINE SEPARATOR)', '"' -> '\\'"\\''; for messages, never the raw character."""
    if 0x20 <= ord(char) <= 0x7E:
        return f"'{char}'"
    category = unicodedata.category(char)
    name = unicodedata.name(char, "") or {"\x85": "NEXT LINE"}.get(char, "")
    name = name or {"Cc": "a control character", "Cn": "unassigned", "Co": "private use"}.get(category, category)
    return f"U+{ord(char):04X} ({name})"


def config_problem(value: str) -> str | None:
    """Why `value` cannot be written into a device config, or None when it can."""
    bad = _CONFIG_BAD_CHAR.search(value)
    if bad:
        char = bad.group(0)
        where = f"at position {bad.start() + 1}"
        if 0x20 <= ord(char) <= 0x7E:
            return (
                f"contains {describe_char(char)} {where}, which could add or alter a line in a device config; "
                "use printable text without quotes, braces, ';', '#', '!', '$', backquotes or backslashes"
            )
        return (
            f"contains {describe_char(char)} {where}: device configs take printable ASCII only "
            "(line breaks, control, format and non-ASCII characters could add or hide a config line)"
        )
    found = sorted((value.find(seq), seq) for seq in CONFIG_SEQUENCES if seq in value)
    if found:
        at, seq = found[0]
        return (
            f"contains '{seq}' at position {at + 1}, which opens or closes a Junos comment "
            "and could turn the following statements on or off"
        )
    return None


# --------------------------------------------------------------------------- terminal context

LONG_RUN = 200  # characters without a space before a run is cut
_SHOWN_RUN = 60


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _unsafe_for_terminal(char: str) -> bool:
    if char == " ":
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")


_LONG_RUN_RE = re.compile(rf"\S{{{LONG_RUN + 1},}}")


def for_terminal(text: str) -> str:
    """User-influenced text made safe to print: controls escaped, very long unbroken runs cut."""
    if not text.isascii() or any(c < " " or c == "\x7f" for c in text):
        text = "".join(_escape_char(c) if _unsafe_for_terminal(c) else c for c in text)
    if len(text) > LONG_RUN:
        text = _LONG_RUN_RE.sub(lambda m: f"{m.group(0)[:_SHOWN_RUN]}...({len(m.group(0))} characters)", text)
    return text


def shown(value: object, limit: int = _SHOWN_RUN) -> str:
    """A user value quoted for a message: escaped, and cut after `limit` characters."""
    text = for_terminal(str(value))
    if len(text) > limit:
        text = f"{text[:limit]}...({len(str(value))} characters)"
    return f"'{text}'"


# --------------------------------------------------------------------------- secret context

# Every statement that carries a secret or its reference, on every platform: BGP passwords; user hashes
# (EOS `secret sha512`, IOS XR `secret 10`, Junos `encrypted-password`); AAA keys (EOS/IOS XR `key 0|7`,
# Junos `secret`); SNMP communities (`snmp-server community`, Junos `community "..."`); MACsec key material
# (EOS `key CKN 0 CAK`, IOS XR `key-string CAK`, Junos `ckn`/`cak`). The value is the next word, on the
# same line (a diff or a device's answer may hold many lines).
_SECRET = re.compile(
    r"(?P<key>\b(?:password(?: clear| 0| 7)?|authentication-key|secret(?: sha512| 10| 5| 0| 7)?|"
    r"encrypted-password|key [078]|key \S+ [078]a?|key-string|ckn|cak|snmp-server community|community(?= \"))"
    r"[ \t]+)(?P<value>[^\s]+)",
    re.I,
)
_REFERENCE = re.compile(r"\$\{[A-Z_][A-Z0-9_]*\}")


def redact(text: str) -> str:
    """Text (a config, a diff, a device's message) with every secret value, and any `${ENV}` reference
    left, shown as <redacted>: what reviews, push and drift print, whichever platform said it."""
    return _REFERENCE.sub("<redacted>", _SECRET.sub(lambda m: f"{m.group('key')}<redacted>", text))
