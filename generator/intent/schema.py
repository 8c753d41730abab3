"""The intent: what operators write. Pydantic v2 models, strict about shape and unknown fields.

Semantics that need more than one field (references, plane numbers, capacity) live in
`generator.validators.intent`; this module only guarantees that every value has the right type and that no
string which can reach a device config could add a config line.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StrictBool,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic.types import Strict as StrictType
from pydantic_core import CoreSchema, PydanticCustomError

from generator.platforms import PLATFORMS
from generator.textsafety import CONFIG_SEQUENCES, CONFIG_SPECIALS, config_problem, describe_char, shown
from generator.units import (
    breakout_pattern,
    parse_bps,
    parse_ratio,
    positive_speed_pattern,
    ratio_pattern,
    speed_pattern,
    speed_token,
)

# --------------------------------------------------------------------------- safe strings
# Every string field of the intent is a Name, Text or EnvVar: the config rule of generator.textsafety
# applies here, where intent strings enter, so no template needs to escape anything. Patterns are
# written once, anchored for JSON Schema (ECMA-262, where `$` is the end of the text) and always applied
# with `fullmatch` in Python, where `$` also matches before a final line break ("TK\n" from a YAML block
# scalar would otherwise pass and break its config line in two).

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
# The Text rule of generator.textsafety as a pattern that means the same in Python and in JSON Schema
# (ECMA-262): printable ASCII, none of the config specials, no Junos comment delimiter, and no space at
# either end (a device keeps, drops or chokes on it: `snmp-server location ` is an incomplete command).
_TEXT_PATTERN = (
    "^(?!.*["
    + "".join("\\" + c if c in "\\]^-" else c for c in CONFIG_SPECIALS)
    + "])"
    + "(?!.*(?:"
    + "|".join(seq.replace("*", "\\*") for seq in CONFIG_SEQUENCES)
    + "))"
    + "(?! )(?!.* $)"
    + "[\\x20-\\x7e]*$"
)
_ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# The generator's own device credentials (generator.deploy.inventory): a secret reference to them would
# write the push account's password into every device config.
CREDENTIAL_ENVS = ("BAG_DEVICE_USERNAME", "BAG_DEVICE_PASSWORD")


@dataclass(frozen=True)
class SecretValue:
    """Marks a type whose value is a secret or may be one (a password written where a variable name
    belongs): no message ever repeats it (see `secret_fields`)."""


SECRET = SecretValue()


def _reject_injection(value: str) -> None:
    """Refuse what could end a config line, open a block or a comment, or hide text on any platform."""
    problem = config_problem(value)
    if problem:
        raise PydanticCustomError("config_injection", problem.replace("{", "{{").replace("}", "}}"), {})


def _check_name(value: str) -> str:
    _reject_injection(value)
    if len(value) > 24 or not _NAME_RE.fullmatch(value):
        raise PydanticCustomError(
            "invalid_name",
            "{value} is not a valid name: use 1-24 lowercase letters, digits and '-', "
            "starting with a letter and not ending with '-' (names become hostnames, file names and policy names)",
            {"value": shown(value, 30)},
        )
    return value


def _check_text(value: str) -> str:
    _reject_injection(value)
    if len(value) > 120:
        raise PydanticCustomError("text_too_long", "is longer than 120 characters", {})
    if value != value.strip():
        raise PydanticCustomError(
            "text_spaces",
            "is blank" if not value.strip() else "starts or ends with a space",
            {},
        )
    return value


def _check_env(value: str) -> str:
    if not _ENV_RE.fullmatch(value):
        # the value is never repeated: what was written here may be the password itself
        raise PydanticCustomError(
            "invalid_env",
            "is not an environment variable name (use A-Z, 0-9 and '_'); write the NAME of the variable "
            "that holds the password, never the password itself",
            {},
        )
    if value in CREDENTIAL_ENVS:
        raise PydanticCustomError(
            "credential_env",
            "names {value}, the generator's own device credential: push would write it into device configs",
            {"value": value},
        )
    return value


def _bps(value: Any) -> int:
    try:
        return parse_bps(value)
    except ValueError as exc:
        raise PydanticCustomError("bandwidth", str(exc), {}) from exc


def _ratio(value: Any) -> float:
    try:
        return parse_ratio(value)
    except ValueError as exc:
        raise PydanticCustomError("ratio", str(exc), {}) from exc


# A crypt(3) hash: SHA-512 `$6$`, SHA-256 `$5$` or yescrypt `$y$`. Which of them a platform takes is
# `CRYPT_SCHEMES` of its module (generator.platforms), checked per device by generator.validators.system.
_CRYPT_RE = re.compile(r"^\$(6|5|y)\$[A-Za-z0-9./$=]{8,200}$")


def _check_crypt(value: str) -> str:
    """A crypt(3) hash: never a clear-text password (and never repeated in a message)."""
    if not _CRYPT_RE.fullmatch(value):
        raise PydanticCustomError(
            "hashed_secret",
            "is not a crypt hash; give a SHA-512 crypt string like '$6$salt$hash' "
            "(`openssl passwd -6`), or `secret_env` to read it from the environment at push time",
            {},
        )
    return value


def _junos_statement_problem(value: str) -> str | None:
    """Why a one-line Junos statement could change more than itself: a brace closed before it was
    opened (which ends the enclosing statement), a brace or quote left open (which swallows the lines
    after it), or a `#` comment outside quotes (which hides the rest of the line, closing braces too)."""
    depth, quoted, escaped = 0, False, False
    for char in value:
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#":
            return "has '#' outside a quoted string, which starts a Junos comment that could hide a closing brace"
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return "closes a brace it did not open, which would end the statement around it"
    if quoted:
        return "has an unbalanced '\"', which would swallow the lines after it into a string"
    if depth:
        return "has unbalanced braces, which would swallow the lines after it into a block"
    return None


def _raw_problem(value: str, platform: str) -> str | None:
    """Why `value` cannot be a raw line of `platform`, or None. A raw line is printable ASCII on one line
    (braces, ';' and '!' are allowed: they are the syntax of the line), without comment delimiters, and
    never a command that ends config mode or acts on the config session (`end`, `exit`, `abort`,
    `commit`, in any case or abbreviation: the rest of a replace would run outside config mode, or the
    session NAPALM opened would be committed or dropped half-way). A Junos line is a statement in brace
    form: braces nest, quotes close, and no `#` comment could swallow a closing brace."""
    bad = next((c for c in value if not " " <= c <= "~"), None)
    if bad is not None:
        return (
            f"contains {describe_char(bad)}: a raw line is one line of printable ASCII (line breaks, control and "
            "non-ASCII characters could add or hide a config line)"
        )
    if any(token in value for token in CONFIG_SEQUENCES):
        return "contains a comment delimiter ('/*' or '*/'), which could hide config lines"
    if len(value) > 400:
        return "is longer than 400 characters"
    words = value.split()
    if not words:
        return "is blank"
    first = words[0].lower()
    ending = next((word for word in PLATFORMS[platform].RAW_REFUSED_COMMANDS if word.startswith(first)), None)
    if ending is not None:
        return (
            f"starts with {shown(words[0], 30)}, which {platform} reads as `{ending}`: it would leave config mode "
            "or end the config session before the rest of the config is applied"
        )
    if PLATFORMS[platform].RAW_BRACE_STATEMENTS:
        return _junos_statement_problem(value)
    return None


def _raw_line(platform: str) -> Any:
    def check(value: str) -> str:
        problem = _raw_problem(value, platform)
        if problem:
            raise PydanticCustomError("raw_line", problem.replace("{", "{{").replace("}", "}}"), {})
        return value

    return AfterValidator(check)


_VRF_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


def _check_vrf(value: str) -> str:
    if not _VRF_RE.fullmatch(value) or value.lower() in ("default", "all"):
        raise PydanticCustomError(
            "invalid_vrf",
            "is not a usable VRF name: 1-32 letters, digits, '_' or '-', starting with a letter, "
            "and not 'default' or 'all'",
            {},
        )
    return value


# --------------------------------------------------------------------------- addresses
# Ranges no pool, prefix or server address may use: a device would refuse them or never route them.
# Addresses (servers, gateway) are refused here; pools and fabric prefixes by BAG021, which names the pool.
RESERVED_RANGES: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (ipaddress.IPv4Network("0.0.0.0/8"), "'this network', RFC 1122"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast"),
    (ipaddress.IPv4Network("240.0.0.0/4"), "class E and broadcast, RFC 1112"),
    (ipaddress.IPv6Network("::/96"), "unspecified, loopback and IPv4-compatible"),
    (ipaddress.IPv6Network("::ffff:0:0/96"), "IPv4-mapped"),
    (ipaddress.IPv6Network("fe80::/10"), "link-local"),
    (ipaddress.IPv6Network("ff00::/8"), "multicast"),
)


def reserved_range(
    net: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str] | None:
    """The first reserved range `net` overlaps, with its name."""
    return next(((r, name) for r, name in RESERVED_RANGES if r.version == net.version and r.overlaps(net)), None)


def _no_zone(value: Any) -> Any:
    """Python's ipaddress takes an IPv6 zone ID (`fe80::1%eth0`) with any text after the '%', line breaks
    included; a zone names a host's interface and is never part of a pool, prefix or server address."""
    address = value.network_address if isinstance(value, ipaddress.IPv6Network) else value
    if getattr(address, "scope_id", None) is not None:
        raise PydanticCustomError(
            "ip_zone", "has an IPv6 zone ID (the '%...' part), which is no part of a prefix or address", {}
        )
    return value


def _host_address(value: ipaddress.IPv4Address) -> ipaddress.IPv4Address:
    found = reserved_range(ipaddress.IPv4Network(value))
    if found is not None:
        raise PydanticCustomError(
            "reserved_address",
            "{value} is in the reserved range {range} ({name}), not a server or gateway address",
            {"value": str(value), "name": found[1], "range": str(found[0])},
        )
    return value


# --------------------------------------------------------------------------- JSON Schema of the custom types
# What editors and `check-jsonschema` see (`python -m generator schema`). The validators above stay the
# authority; these schemas accept what they accept, so an editor marks only what the loader would refuse.
# Patterns use the syntax common to ECMA-262 (editors, check-jsonschema) and Python (jsonschema).
# `patternErrorMessage` is the message VS Code's and the YAML language server's validators show instead
# of the raw pattern; other validators ignore the unknown keyword.

_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = f"{_OCTET}(?:\\.{_OCTET}){{3}}"
_H16 = "[0-9A-Fa-f]{1,4}"
_IPV6 = (
    "(?:"
    + "|".join(
        [
            f"(?:{_H16}:){{7}}{_H16}",
            f"(?:{_H16}:){{1,7}}:",
            *(f"(?:{_H16}:){{1,{6 - k}}}(?::{_H16}){{1,{k + 1}}}" for k in range(6)),
            f":(?:(?::{_H16}){{1,7}}|:)",
        ]
    )
    + ")"
)


def _string(pattern: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": pattern, "patternErrorMessage": message, **extra}


_NAME_JSON = _string(
    _NAME_RE.pattern,
    "not a name: use 1-24 lowercase letters, digits and '-', starting with a letter and not ending with '-'",
    maxLength=24,
)
_TEXT_JSON = _string(
    _TEXT_PATTERN,
    "contains a character that could alter a device config, or a space at either end: no quotes, braces, ';', "
    "'#', '!', '$', backslashes or control characters",
    maxLength=120,
)
_ENV_JSON = _string(
    _ENV_RE.pattern, "not an environment variable name: use A-Z, 0-9 and '_'", examples=["BAG_BGP_PASSWORD"]
)
_BANDWIDTH_JSON = {
    "anyOf": [
        _string(speed_pattern(), "not a speed: write bits per second like 800G, 1.6T, 400Gbps or 100 Mb/s"),
        {"type": "integer", "minimum": 0},
    ],
    "examples": ["800G", "1.6T", 400000000000],
}
_POSITIVE_BANDWIDTH_JSON = {
    "anyOf": [
        _string(positive_speed_pattern(), "not a speed: write bits per second like 800G, 1.6T, 400Gbps or 100 Mb/s"),
        {"type": "integer", "exclusiveMinimum": 0, "maximum": 10**15},
    ],
    "examples": ["800G", "1.6T", 400000000000],
}
_BREAKOUT_JSON = _string(
    breakout_pattern(), "not a breakout: write LANESxSPEED like 2x400G or 8x100G", examples=["2x400G"]
)
_RATIO_JSON = {
    "anyOf": [
        _string(ratio_pattern(), "not a ratio: write a positive N:1 like 4.5:1, or a number like 4.5"),
        {"type": "number", "exclusiveMinimum": 0},
    ],
    "examples": ["4.5:1", 4.5],
}
_IPV4_NET_JSON = _string(
    f"^{_IPV4}(?:/(?:3[0-2]|[12]?[0-9]|{_IPV4}))?$",
    "not an IPv4 prefix: write it like 10.1.0.0/24",
    examples=["10.1.0.0/24"],
)
_IPV6_NET_JSON = _string(
    f"^{_IPV6}(?:/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9]))?$",
    "not an IPv6 prefix: write it like fd00:1:1::/64",
    examples=["fd00:1:1::/64"],
)

_VRF_JSON = _string(
    _VRF_RE.pattern, "not a VRF name: 1-32 letters, digits, '_' or '-', starting with a letter", examples=["MGMT"]
)
_CRYPT_JSON = _string(
    _CRYPT_RE.pattern, "not a crypt hash: give a SHA-512 crypt string like $6$salt$hash (openssl passwd -6)"
)
_RAW_JSON = {
    "type": "string",
    "maxLength": 400,
    "description": "one printable config line, no comment delimiters, never a command that ends config mode",
}
_IPV4_ADDR_JSON = _string(f"^{_IPV4}$", "not an IPv4 address: write it like 192.0.2.1", examples=["192.0.2.1"])


@dataclass(frozen=True)
class StringForm:
    """JSON Schema of a model that may also be written as one string (a Breakout as `2x400G`)."""

    json_schema: dict[str, Any]

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [self.json_schema, handler(core_schema)]}


Name = Annotated[str, AfterValidator(_check_name), WithJsonSchema(_NAME_JSON)]
Text = Annotated[str, AfterValidator(_check_text), WithJsonSchema(_TEXT_JSON)]
EnvVar = Annotated[str, AfterValidator(_check_env), WithJsonSchema(_ENV_JSON), SECRET]
Bandwidth = Annotated[
    int, BeforeValidator(_bps), PlainSerializer(speed_token, return_type=str), WithJsonSchema(_BANDWIDTH_JSON)
]
Ratio = Annotated[float, BeforeValidator(_ratio), WithJsonSchema(_RATIO_JSON)]
VrfName = Annotated[str, AfterValidator(_check_vrf), WithJsonSchema(_VRF_JSON)]
HashedSecret = Annotated[str, AfterValidator(_check_crypt), WithJsonSchema(_CRYPT_JSON), SECRET]
EosRawLine = Annotated[str, _raw_line("eos"), WithJsonSchema(_RAW_JSON)]
FrrRawLine = Annotated[str, _raw_line("frr"), WithJsonSchema(_RAW_JSON)]
IosxrRawLine = Annotated[str, _raw_line("iosxr"), WithJsonSchema(_RAW_JSON)]
JunosRawLine = Annotated[str, _raw_line("junos"), WithJsonSchema(_RAW_JSON)]
PositiveInt = Annotated[int, StrictType(), Field(ge=1)]
# a port or link: more than nothing, at most 1 Pbps (any larger number is a typo in the unit)
PositiveBandwidth = Annotated[
    int,
    BeforeValidator(_bps),
    Field(gt=0, le=10**15),
    PlainSerializer(speed_token, return_type=str),
    WithJsonSchema(_POSITIVE_BANDWIDTH_JSON),
]
# Counts that multiply into devices, ports and links are bounded where they are read, so an
# impossible value is refused (with the limit in the message) before anything is expanded. Each bound
# is far above the largest real design (intent/prometheus.yaml: 8 planes, 108 switches per plane).
MAX_PLANES = 1024
MAX_SWITCHES = 16384
MAX_LINKS_PER_SWITCH = 4096
MAX_LINE_CARDS = 64
MAX_PORTS_PER_CARD = 4096
Planes = Annotated[int, StrictType(), Field(ge=1, le=MAX_PLANES)]
Switches = Annotated[int, StrictType(), Field(ge=1, le=MAX_SWITCHES)]
LinkCount = Annotated[int, StrictType(), Field(ge=1, le=MAX_LINKS_PER_SWITCH)]


def _prefix_text(value: Any) -> Any:
    """A prefix is written as text: pydantic would read `true` or `7` as the network 0.0.0.1/32."""
    if not isinstance(value, str | ipaddress.IPv4Network | ipaddress.IPv6Network):
        raise PydanticCustomError("prefix_type", "write a prefix such as 10.0.0.0/16 or fd00::/48", {})
    return value


def _address_text(value: Any) -> Any:
    """An address is written as text: pydantic would read `true` or `7` as 0.0.0.1."""
    if not isinstance(value, str | ipaddress.IPv4Address):
        raise PydanticCustomError("address_type", "write an IPv4 address such as 192.0.2.1", {})
    return value


# Every address and prefix of the intent is one of these four types: written as text, no zone ID, and
# (addresses) outside the reserved ranges.
IPv4Addr = Annotated[
    ipaddress.IPv4Address,
    BeforeValidator(_address_text),
    AfterValidator(_host_address),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_IPV4_ADDR_JSON),
]
IPv4Net = Annotated[
    ipaddress.IPv4Network,
    BeforeValidator(_prefix_text),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_IPV4_NET_JSON),
]
IPv6Net = Annotated[
    ipaddress.IPv6Network,
    BeforeValidator(_prefix_text),
    AfterValidator(_no_zone),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_IPV6_NET_JSON),
]
AnyNet = Annotated[
    ipaddress.IPv4Network | ipaddress.IPv6Network,
    BeforeValidator(_prefix_text),
    AfterValidator(_no_zone),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"anyOf": [_IPV4_NET_JSON, _IPV6_NET_JSON]}),
]

Platform = Literal["eos", "frr", "iosxr", "junos"]


class Strict(BaseModel):
    """Base: unknown fields are errors (a typo must never be silently ignored)."""

    # The docstring under each field is its description in the JSON schema: generator.intent.json_schema
    # reads it when exporting. Not pydantic's use_attribute_docstrings, which re-reads this file for every
    # class at import (about 120 ms on Python 3.11, paid by every command).
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --------------------------------------------------------------------------- hardware


class Breakout(Strict):
    """A port split into `lanes` sub-interfaces of `speed` each (e.g. 2x400G on an 800G port)."""

    lanes: Annotated[int, StrictType(), Field(ge=1, le=64)]
    """Sub-interfaces one port splits into: the 2 of 2x400G."""
    speed: PositiveBandwidth
    """Speed of each sub-interface in bits per second, e.g. 400G (of 2x400G); also 1.6T, 400Gbps or an integer."""


def _breakout(value: Any) -> Any:
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]+)\s*[xX]\s*(\S+)\s*", value, re.ASCII)
        if not match:
            raise PydanticCustomError("breakout", "'{value}' is not a breakout; write it like 2x400G", {"value": value})
        return {"lanes": int(match.group(1)), "speed": match.group(2)}
    return value


BreakoutSpec = Annotated[Breakout, BeforeValidator(_breakout), StringForm(_BREAKOUT_JSON)]


class Hardware(Strict):
    """A chassis or fixed switch: its platform decides the config syntax."""

    platform: Platform
    """Network OS, which decides the config syntax: eos (Arista EOS), frr (FRRouting), iosxr (Cisco IOS XR) or junos
    (Juniper Junos).
    """
    model: Text = ""
    """Chassis or switch model, free text for the config header, e.g. 'Arista 7800R4 12-slot 432x800G'. At most 120
    characters, without quotes, braces, ';', '#', '!', '$' or backslashes.
    """
    line_cards: Annotated[int, StrictType(), Field(ge=1, le=MAX_LINE_CARDS)] = 1
    """Line cards per chassis (1 for a fixed switch); links are striped across them so one card's failure costs each
    peer a small share.
    """
    ports_per_line_card: Annotated[int, StrictType(), Field(ge=1, le=MAX_PORTS_PER_CARD)]
    """Front-panel ports per line card, e.g. 36 for a 36x800G Jericho3 card."""
    port_speed: PositiveBandwidth
    """Speed of one port in bits per second: 800G, 1.6T, 400Gbps, or an integer (800000000000)."""
    breakouts: list[BreakoutSpec] = []
    """Breakout modes of the ports, as LANESxSPEED strings (2x400G, 8x100G) or {lanes, speed} mappings; a link slower
    than the port uses the breakout of its speed.
    """
    os_version: Text = ""
    """OS release, e.g. 25.1.1; checks that depend on the release read it (IOS XR before 25.1.1 sends only
    non-transitive link bandwidth).
    """

    @property
    def ports(self) -> int:
        return self.line_cards * self.ports_per_line_card


# --------------------------------------------------------------------------- addressing and ASNs


class Pools(Strict):
    """Address pools of one scope (a region or a region pair)."""

    p2p_ipv4: IPv4Net | None = None
    """IPv4 pool for the /31 of every point-to-point link of this scope, e.g. 10.1.0.0/24; addresses are fixed by BAG
    switch and port. Omit for no IPv4 on these links.
    """
    p2p_ipv6: IPv6Net | None = None
    """IPv6 pool for the /127 of every point-to-point link of this scope, e.g. fd00:1:1::/64; addresses are fixed by BAG
    switch and port. Omit for no IPv6 on these links.
    """


class RegionPools(Pools):
    """Address pools of a region: its fabric links and the loopbacks of its devices."""

    loopback_ipv4: IPv4Net
    """IPv4 pool for the /32 loopback of every device of the region (BAG and fabric switches), e.g. 10.255.1.0/24."""
    loopback_ipv6: IPv6Net | None = None
    """IPv6 pool for the /128 loopback of every device of the region, e.g. fd00:ff:1::/64. Omit for no IPv6 loopbacks.
    """
    management_ipv4: IPv4Net | None = None
    """This region's IPv4 management subnet (else management.ipv4_pool), e.g. 192.0.2.0/25."""


class AsnPlan(Strict):
    """RFC 7938 style: BAG switches share an ASN per scope; fabric switches share one per scope."""

    bag_base: Annotated[int, StrictType(), Field(ge=1, le=4294967294)] = 4200000000
    """First ASN of the BAG switches (1-4294967294; RFC 6996 private range 4200000000-4294967294), e.g. 4200000001; each
    scope takes the next one.
    """
    bag_scope: Literal["region", "plane", "switch"] = "region"
    """Which BAG switches share an ASN: region (all of a region), plane (each plane of a region) or switch (one ASN
    each).
    """
    fabric_base: Annotated[int, StrictType(), Field(ge=1, le=4294967294)] = 4200100000
    """First ASN of the fabric (spine or edge) switches (1-4294967294), e.g. 4200001001; each scope takes the next one.
    """
    fabric_scope: Literal["fabric", "plane", "switch"] = "fabric"
    """Which fabric switches share an ASN: fabric (all of a fabric), plane (each plane of a fabric) or switch (one ASN
    each).
    """
    reuse_fabric_asns_across_regions: StrictBool = False
    """Number fabric ASNs from fabric_base again in every region (RFC 7938 5.2.2); the fabric switches then accept their
    own ASN in paths (allowas-in 1).
    """


# --------------------------------------------------------------------------- routing policy


class Bfd(Strict):
    """Bidirectional Forwarding Detection on the eBGP sessions."""

    enabled: StrictBool = True
    """Run BFD on every eBGP session, so a failed link is detected in interval_ms x multiplier."""
    interval_ms: Annotated[int, StrictType(), Field(ge=50, le=60000)] = 300
    """BFD transmit and receive interval in milliseconds (50-60000), e.g. 300."""
    multiplier: Annotated[int, StrictType(), Field(ge=2, le=50)] = 3
    """Missed BFD packets before the session is declared down (2-50), e.g. 3."""


class BgpPolicy(Strict):
    """eBGP settings shared by every session of the network."""

    keepalive: Annotated[int, StrictType(), Field(ge=1, le=3600)] = 3
    """BGP keepalive timer in seconds (1-3600), e.g. 3."""
    hold: Annotated[int, StrictType(), Field(ge=3, le=65535)] = 9
    """BGP hold timer in seconds (3-65535), at least 3 x keepalive, e.g. 9."""
    bfd: Bfd = Bfd()
    """BFD on the eBGP sessions."""
    maximum_paths: Annotated[int, StrictType(), Field(ge=1, le=1024)] = 128
    """Equal- or unequal-cost paths BGP installs per prefix (1-1024), e.g. 128; FRR takes at most 256."""
    multipath_relax: StrictBool = True
    """Allow multipath across neighbours with different ASNs (needed where paths come from several fabric or BAG ASNs).
    """
    password_env: EnvVar | None = None
    """Name of the environment variable that holds the BGP session password at push time, e.g. BAG_BGP_PASSWORD; configs
    carry only ${NAME}. Omit for no password.
    """
    drain: Literal["withdraw", "shutdown"] = "withdraw"
    """How a drained plane stops carrying traffic: withdraw (sessions stay up, nothing is announced) or shutdown
    (sessions are shut).
    """

    @model_validator(mode="after")
    def _hold_vs_keepalive(self) -> BgpPolicy:
        if self.hold < 3 * self.keepalive:
            raise PydanticCustomError(
                "timers",
                "hold ({hold}) must be at least 3 x keepalive ({keepalive})",
                {"hold": self.hold, "keepalive": self.keepalive},
            )
        return self


class LinkBandwidthPolicy(Strict):
    """How the link-bandwidth extended community is set (RFC 10005) and used for UCMP.

    `link` advertises the capacity of the session's own link; `cumulative` advertises the sum of
    the advertiser's multipaths, so upstream weights follow real downstream capacity after failures.
    """

    enabled: StrictBool = True
    """Attach the link-bandwidth extended community to routes and balance traffic in proportion to it (UCMP); false
    gives plain ECMP.
    """
    transitive: StrictBool = True
    """Send the community as transitive (type 0x00), which FRR and Junos need to pass it over eBGP; false sends
    non-transitive (0x40).
    """
    fabric_to_bag: Literal["link"] = "link"
    """Value fabric switches advertise toward the BAG: link (the capacity of the session's own link)."""
    bag_to_fabric: Literal["link", "cumulative"] = "cumulative"
    """Value BAG switches advertise toward the fabric: cumulative (the sum of their multipaths, so upstream weights
    follow capacity after failures) or link.
    """
    bag_to_bag: Literal["link", "cumulative"] = "link"
    """Value BAG switches advertise to the BAG switches of other regions: link or cumulative."""
    on_missing: Literal["ecmp", "skip", "default-weight"] = "ecmp"
    """What receivers do with multipaths of which one lacks the community: ecmp (fall back to equal cost), skip (ignore
    such paths) or default-weight (give them a default weight).
    """
    frr_unit: PositiveBandwidth | Literal["auto"] = "auto"
    """Bandwidth that one FRR link-bandwidth unit stands for, in bits per second (500M, 50G) or auto (the smallest unit
    that keeps every FRR value <= 25600 and every sum < 2^32 bytes/s). Pin it so adding links cannot rescale every
    router's values.
    """


class Budgets(Strict):
    """Design limits that the capacity analysis enforces (exceeding one is an error)."""

    l2_to_bag_oversubscription: Ratio = 4.5
    """Largest allowed ratio of a fabric plane's downlink capacity to its uplink capacity toward the BAG, as N:1 or a
    number, e.g. 4.5:1 or 4.5; exceeding it is an error.
    """
    bag_to_bag_oversubscription: Ratio | None = None
    """Largest allowed ratio of a region's fabric uplink capacity to its BAG-to-BAG capacity, as N:1 or a number, e.g.
    4.0:1 or 4. Omit for no limit.
    """


# --------------------------------------------------------------------------- topology


class Placement(Strict):
    """Tags BAG switches with a data hall and power domain for failure-domain analysis."""

    planes: list[PositiveInt] = []
    """BAG planes this rule covers, e.g. [1, 2]; empty means every plane."""
    switches: list[PositiveInt] = []
    """BAG switch numbers (within each plane) this rule covers, e.g. [1]; empty means every switch."""
    data_hall: Name
    """Data hall the covered switches stand in, e.g. hall-a (a failure domain in the analysis)."""
    power_domain: Name
    """Power-distribution domain feeding the covered switches, e.g. pdu-a (a failure domain in the analysis)."""


class BagLayer(Strict):
    """The BAG switches of one region: planes of identical switches."""

    planes: Planes
    """BAG planes of the region; plane k of every fabric attaches to BAG plane k. Losing a plane loses 1/planes of the
    capacity.
    """
    switches_per_plane: Switches
    """BAG switches in each plane."""
    hardware: Name
    """Hardware profile of the BAG switches: a key of `hardware`, e.g. bag-7800r4-12."""
    drained_planes: list[PositiveInt] = []
    """Planes taken out of service: their devices render but announce nothing (or shut their sessions, see bgp.drain),
    e.g. [2].
    """
    placement: list[Placement] = []
    """Data hall and power domain of the BAG switches, for failure-domain analysis; the first rule that covers a switch
    applies.
    """


class Downlinks(Strict):
    """Southbound capacity of each fabric switch toward its L2 zone (for oversubscription)."""

    count: Annotated[int, StrictType(), Field(ge=1, le=MAX_PORTS_PER_CARD * MAX_LINE_CARDS)]
    """Downlinks of each fabric switch toward its L2 zone, e.g. 52."""
    speed: PositiveBandwidth
    """Speed of each downlink in bits per second: 800G, 1.6T, 400Gbps, or an integer (800000000000)."""


class FabricLinkOverride(Strict):
    """Exception to the even spread: exactly `links` between one fabric switch and one BAG switch."""

    plane: PositiveInt
    """Plane of the fabric switch and of the BAG switch."""
    fabric_switch: PositiveInt
    """Number of the fabric switch within its plane (1-based)."""
    bag_switch: PositiveInt
    """Number of the BAG switch within the plane (1-based)."""
    links: Annotated[int, StrictType(), Field(ge=0, le=MAX_LINKS_PER_SWITCH)]
    """Links between the two switches instead of the even share (0 removes them)."""


class Fabric(Strict):
    """An L2 spine fabric. Its plane k attaches to BAG plane k (Meta's NSF and DSF edge pods)."""

    name: Name
    """Fabric name, unique in the region and used in device names, e.g. e1 (1-24 lowercase letters, digits and '-')."""
    kind: Literal["nsf", "dsf"]
    """nsf (non-scheduled fabric: spine switches) or dsf (disaggregated scheduled fabric: edge pods)."""
    switches_per_plane: Switches
    """Fabric switches in each plane that attach to the BAG."""
    uplinks_per_switch: LinkCount
    """Links from each fabric switch to the BAG switches of its plane, spread evenly over them."""
    uplink_speed: PositiveBandwidth | None = None
    """Speed of each uplink in bits per second: 800G, 1.6T, 400Gbps, or an integer (800000000000). Omit to use the
    fabric hardware's port speed.
    """
    downlinks: Downlinks
    """Southbound capacity of each fabric switch, for the oversubscription analysis."""
    hardware: Name
    """Hardware profile of the fabric switches: a key of `hardware`, e.g. stsw-51t."""
    prefixes: list[AnyNet] = Field(min_length=1)
    """Prefixes the fabric announces to the BAG (IPv4 or IPv6), e.g. [10.101.0.0/16, 'fd00:101::/48']; nothing else is
    accepted from it.
    """
    oversubscription_budget: Ratio | None = None
    """Oversubscription budget of this fabric as N:1 or a number, e.g. 5.5:1; omit to use
    budgets.l2_to_bag_oversubscription.
    """
    link_overrides: list[FabricLinkOverride] = []
    """Exceptions to the even spread of uplinks, one per fabric switch and BAG switch pair."""


class Region(Strict):
    """A region: one BAG layer and the L2 fabrics attached to it."""

    name: Name
    """Region name, used in device and policy names, e.g. east (1-24 lowercase letters, digits and '-')."""
    bag: BagLayer
    """The region's BAG layer: planes, switches and hardware."""
    fabrics: list[Fabric] = Field(min_length=1)
    """The L2 fabrics that attach to this region's BAG (at least one)."""
    addressing: RegionPools
    """Address pools of the region: fabric links and loopbacks."""


class InterRegionOverride(Strict):
    """Exception to the default wiring: a BAG switch of `region` with a different link count."""

    region: Name
    """Region of the BAG switch, one of the pair's two regions."""
    plane: PositiveInt
    """Plane of the BAG switch."""
    switch: PositiveInt
    """Number of the BAG switch within its plane (1-based)."""
    links: Annotated[int, StrictType(), Field(ge=0, le=MAX_LINKS_PER_SWITCH)]
    """Links of this switch toward the other region instead of links_per_switch (0 removes them)."""


class InterRegion(Strict):
    """BAG-to-BAG links of one region pair: planar (switch i <-> switch i) or spread."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    """The two regions this pair connects, e.g. [east, west]."""
    topology: Literal["planar", "spread"]
    """planar (switch i of plane p to the same switch of the other region) or spread (each switch's links spread over
    several switches and planes of the other region).
    """
    links_per_switch: LinkCount
    """Links from each BAG switch of the first region to the other region."""
    spread_width: Annotated[int, StrictType(), Field(ge=1, le=MAX_PLANES * MAX_SWITCHES)] | None = None
    """With spread: how many remote BAG switches one switch's links are spread over; omit for min(links_per_switch,
    remote switches).
    """
    speed: PositiveBandwidth | None = None
    """Speed of each BAG-to-BAG link in bits per second: 800G, 1.6T, 400Gbps, or an integer (800000000000). Omit to use
    the first region's BAG port speed.
    """
    addressing: Pools
    """Address pools for the pair's links."""
    macsec_profile: Name | None = None
    """Name of the MACsec profile protecting the pair's links, e.g. bag-macsec; omit for none."""
    link_overrides: list[InterRegionOverride] = []
    """Exceptions to links_per_switch for single BAG switches."""


# --------------------------------------------------------------------------- management (replace-safe configs)


class LocalUser(Strict):
    """A local account. The secret is a crypt hash, or read from the environment at push time."""

    name: Name
    """Login name, e.g. admin."""
    role: Literal["admin", "read-only"] = "admin"
    """admin (full rights) or read-only; each platform maps it to its own role or login class."""
    hashed_secret: HashedSecret | None = None
    """A crypt(3) hash, e.g. from `openssl passwd -6`: SHA-512 `$6$` (EOS and IOS XR take only these), SHA-256 `$5$`
    (Junos too) or yescrypt `$y$`; never a clear-text password.
    """
    secret_env: EnvVar | None = None
    """Environment variable holding the password or hash, resolved only at push time."""

    @model_validator(mode="after")
    def _one_secret(self) -> LocalUser:
        if (self.hashed_secret is None) == (self.secret_env is None):
            raise PydanticCustomError(
                "user_secret",
                "user '{name}' needs exactly one of hashed_secret or secret_env",
                {"name": self.name},
            )
        return self


class AaaServer(Strict):
    """A TACACS+ or RADIUS server; its key only as an environment reference."""

    address: IPv4Addr
    """IPv4 address of the TACACS+ or RADIUS server, e.g. 192.0.2.10."""
    key_env: EnvVar
    """Environment variable holding the shared key, resolved only at push time, e.g. BAG_TACACS_KEY."""


class Snmp(Strict):
    """SNMP read-only access; the community only as an environment reference."""

    community_env: EnvVar | None = None
    """Environment variable holding the read-only community, resolved only at push time."""
    location: Text = ""
    """sysLocation, e.g. 'DC1 hall A'."""
    contact: Text = ""
    """sysContact, e.g. 'noc@example.com'."""


class RawLines(Strict):
    """Per-platform escape hatch: lines appended verbatim at the end of the config (Junos: top-level
    statements in brace form, each on one line with balanced braces and quotes)."""

    eos: list[EosRawLine] = []
    """Arista EOS lines, e.g. 'service routing protocols model multi-agent' (never end, exit, abort or commit)."""
    frr: list[FrrRawLine] = []
    """FRRouting lines, e.g. 'log syslog informational' (never end or exit)."""
    iosxr: list[IosxrRawLine] = []
    """Cisco IOS XR lines, e.g. 'ssh server v2' (never end, exit, abort or commit)."""
    junos: list[JunosRawLine] = []
    """Juniper Junos top-level statements in brace form, one line each with balanced braces and quotes."""


class ManagementSettings(Strict):
    """Everything a device needs to stay reachable and manageable after a full config replace.

    Every field is optional here so that a hardware profile or a role can override only what differs;
    `Management` (the intent's top-level block) gives the defaults.
    """

    interface: Text | None = None
    """Management interface; default by platform: Management1, MgmtEth0/RP0/CPU0/0, fxp0."""
    vrf: VrfName | None = None
    """Management VRF name, e.g. MGMT (Junos always uses mgmt_junos)."""
    users: list[LocalUser] | None = None
    """Local accounts, each with a crypt hash or an environment reference."""
    tacacs: list[AaaServer] | None = None
    """TACACS+ servers, in order of preference."""
    radius: list[AaaServer] | None = None
    """RADIUS servers, in order of preference."""
    ntp: list[IPv4Addr] | None = None
    """NTP server addresses, e.g. [192.0.2.123]."""
    syslog: list[IPv4Addr] | None = None
    """Syslog server addresses, e.g. [192.0.2.50]."""
    snmp: Snmp | None = None
    """SNMP read-only access and system location/contact."""
    lldp: StrictBool | None = None
    """Run LLDP on every port (true by default on the platforms that have it)."""
    raw: RawLines | None = None
    """Per-platform raw config lines, appended verbatim (checked like every other string)."""


class Management(ManagementSettings):
    """Defaults for every device, then `by_hardware` (profile name) and `by_role` (bag, spine, edge) override."""

    ipv4_pool: IPv4Net | None = None
    """One IPv4 management subnet for every region without its own, e.g. 192.0.2.0/24."""
    gateway: IPv4Addr | None = None
    """Default gateway of the management VRF; default: the first host of the pool."""
    by_hardware: dict[Name, ManagementSettings] = {}
    """Overrides per hardware profile name (only the fields that differ)."""
    by_role: dict[Literal["bag", "spine", "edge"], ManagementSettings] = {}
    """Overrides per role: bag, spine or edge (only the fields that differ)."""


class MacsecProfile(Strict):
    """A pre-shared-key MACsec profile (static CAK): key material only as environment references."""

    cipher: Literal["gcm-aes-xpn-256", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-128"] = "gcm-aes-xpn-256"
    """Cipher suite: gcm-aes-xpn-256 (default), gcm-aes-256, gcm-aes-xpn-128 or gcm-aes-128."""
    ckn_env: EnvVar
    """Environment variable holding the connectivity association key name (hex), resolved at push time."""
    cak_env: EnvVar
    """Environment variable holding the connectivity association key (hex), resolved at push time."""
    key_server_priority: Annotated[int, StrictType(), Field(ge=0, le=255)] = 16
    """MKA key-server priority, 0-255 (lower wins), e.g. 16."""


class Intent(Strict):
    """A BAG network: hardware, regions with their BAG layer and fabrics, and region pairs."""

    name: Name
    """Name of the network, e.g. prometheus (1-24 lowercase letters, digits and '-'); names the lab and the inventory.
    """
    description: Text = ""
    """One line about the network, at most 120 characters."""
    hardware: dict[Name, Hardware] = Field(min_length=1)
    """Hardware profiles by name (1-24 lowercase letters, digits and '-'), referred to by BAG layers and fabrics."""
    asn: AsnPlan = AsnPlan()
    """How ASNs are assigned (RFC 7938)."""
    bgp: BgpPolicy = BgpPolicy()
    """eBGP timers, BFD, multipath, password and drain behaviour, the same on every session."""
    link_bandwidth: LinkBandwidthPolicy = LinkBandwidthPolicy()
    """Link-bandwidth extended community and UCMP policy."""
    budgets: Budgets = Budgets()
    """Oversubscription limits the capacity analysis enforces."""
    mtu: Annotated[int, StrictType(), Field(ge=1280, le=9214)] = 9000
    """IP MTU of every link in bytes (1280-9214), e.g. 9000; each platform encodes it in its own meaning of `mtu`."""
    management: Management | None = None
    """Management plane of every device (interface, VRF, users, AAA, NTP, syslog, SNMP, LLDP), with overrides."""
    macsec_profiles: dict[Name, MacsecProfile] = {}
    """MACsec profiles by name (cipher, CKN/CAK as ${ENV} references), used on BAG-to-BAG links."""
    regions: list[Region] = Field(min_length=1)
    """Regions: each has a BAG layer, its fabrics and its address pools."""
    inter_region: list[InterRegion] = []
    """BAG-to-BAG links between pairs of regions."""


def _carries_secret(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated and any(isinstance(m, SecretValue) for m in annotation.__metadata__):
        return True
    return any(_carries_secret(arg) for arg in typing.get_args(annotation))


@functools.cache
def secret_fields() -> frozenset[str]:
    """Names of the fields whose values are secrets, or may be (a password written where a variable
    name belongs): hashed_secret and every *_env. Messages never repeat what was written there."""
    found: set[str] = set()
    for obj in list(globals().values()):
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == __name__:
            for name, info in obj.model_fields.items():
                if _carries_secret(info.annotation) or any(isinstance(m, SecretValue) for m in info.metadata):
                    found.add(name)
    return frozenset(found)
