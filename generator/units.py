"""Bandwidth and ratio units as operators write them ("800G", "1.6T", "4.5:1").

All bandwidth is carried internally as integer bits per second so that sums over hundreds of
thousands of links stay exact; floats appear only when a value is shown to a person.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15}
# ASCII digits and spaces only (re.ASCII): Python's `\d` also takes Arabic-Indic or full-width digits, which
# no device and no JSON Schema validator reads as numbers.
_SPEED_RE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGTP]?)(?:bps|b/s|b)?\s*", re.IGNORECASE | re.ASCII)
_RATIO_RE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(?::\s*([0-9]+(?:\.[0-9]+)?))?\s*", re.ASCII)


def parse_bps(text: str | int) -> int:
    """Parse "800G", "1.6T", "400Gbps" or a plain integer (bits per second)."""
    if isinstance(text, bool) or text is None:
        raise ValueError(f"expected a bandwidth such as 800G, got {text!r}")
    if isinstance(text, int):
        if text < 0:
            raise ValueError("bandwidth cannot be negative")
        return text
    match = _SPEED_RE.fullmatch(str(text))
    if not match:
        raise ValueError(f"'{text}' is not a bandwidth; write it like 100G, 800G or 1.6T")
    try:
        value = Decimal(match.group(1)) * _SUFFIX[match.group(2).upper()]
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"'{text}' is not a bandwidth") from exc
    if value != value.to_integral_value():
        raise ValueError(f"'{text}' is not a whole number of bits per second")
    return int(value)


def parse_ratio(text: str | float | int) -> float:
    """Parse "4.5:1", "4.5" or 4.5 into the float 4.5: finite and positive only, because a budget of
    NaN or infinity would switch its check off (every comparison with NaN is false)."""
    if isinstance(text, bool) or text is None:
        raise ValueError("expected a ratio such as 4.5:1")
    if isinstance(text, int | float):
        value = float(text)
    else:
        match = _RATIO_RE.fullmatch(text)
        if not match:
            raise ValueError("is not a ratio; write it like 4.5:1")
        denominator = float(match.group(2) or 1)
        if denominator == 0:
            raise ValueError("a ratio cannot have 0 on its right-hand side; write it like 4.5:1")
        value = float(match.group(1)) / denominator
    if not math.isfinite(value) or value <= 0:
        raise ValueError("a ratio must be a finite number greater than 0, like 4.5:1")
    return value


def format_bps(bps: int | float, precision: int = 1) -> str:
    """Human form: 921_600_000_000_000 -> '921.6 Tbps'."""
    for suffix, factor in (("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if abs(bps) >= factor:
            value = bps / factor
            text = f"{value:.{precision}f}".rstrip("0").rstrip(".")
            return f"{text} {suffix}bps"
    return f"{bps:g} bps"


def speed_token(bps: int) -> str:
    """Compact speed for names and vendor CLI: 800_000_000_000 -> '800G', 1_600_000_000_000 -> '1.6T'."""
    for suffix, factor in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("K", 10**3)):
        if bps >= factor:
            value = Decimal(bps) / factor
            return f"{value.normalize():f}{suffix}"
    return str(bps)


# --------------------------------------------------------------------------- the same grammar for editors
# JSON Schema patterns (ECMA-262 syntax, also valid Python) that accept exactly the strings the parsers
# above accept, so an editor marks what the loader would refuse. ASCII digits only: an editor should
# not encourage other scripts' digits even where Python's `\d` admits them.

_DIGITS = "[0-9]+"
_SPACE = "[ \\t\\n\\v\\f\\r]"  # the loader's ASCII `\s` (ECMA-262's `\s` also takes U+00A0 and other spaces)
_UNIT = "(?:[Bb][Pp][Ss]|[Bb]/[Ss]|[Bb])?"
_POSITIVE = "(?:[0-9]*[1-9][0-9]*(?:\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)"


def _speed(gap: str) -> str:
    """Number, multiplier and unit; the fraction may not go below one bit per second (1.5 is not a speed)."""
    alternatives = []
    for suffix, factor in _SUFFIX.items():
        decimals = len(str(factor)) - 1
        fraction = "(?:\\.0+)?" if decimals == 0 else f"(?:\\.[0-9]{{1,{decimals}}}0*)?"
        letter = f"[{suffix}{suffix.lower()}]" if suffix else ""
        alternatives.append(f"{_DIGITS}{fraction}{gap}{letter}")
    return "(?:" + "|".join(alternatives) + ")" + _UNIT


def _not_zero(gap: str) -> str:
    """Lookahead refusing a speed that is zero however it is written (0, 0.0G, 00 bps)."""
    return f"(?![0.]*{gap}[KkMmGgTtPp]?{_UNIT}{_SPACE}*$)"


def speed_pattern() -> str:
    """A bandwidth string as `parse_bps` accepts it: 800G, 1.6T, 400Gbps, 100 Mb/s."""
    return f"^{_SPACE}*" + _speed(f"{_SPACE}*") + f"{_SPACE}*$"


def positive_speed_pattern() -> str:
    """A port or link speed: as `speed_pattern`, but more than nothing."""
    return f"^{_SPACE}*" + _not_zero(f"{_SPACE}*") + _speed(f"{_SPACE}*") + f"{_SPACE}*$"


def breakout_pattern() -> str:
    """A breakout string as the intent accepts it: 2x400G (1 to 64 lanes, a speed above zero, no space
    inside the speed)."""
    return f"^{_SPACE}*0*(?:[1-9]|[1-5][0-9]|6[0-4]){_SPACE}*[xX]{_SPACE}*" + _not_zero("") + _speed("") + f"{_SPACE}*$"


def ratio_pattern() -> str:
    """A ratio string as `parse_ratio` accepts it, both sides positive: 4.5:1, 4.5."""
    return f"^{_SPACE}*{_POSITIVE}{_SPACE}*(?::{_SPACE}*{_POSITIVE})?{_SPACE}*$"
