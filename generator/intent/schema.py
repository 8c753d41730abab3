"""The intent: what operators write. Pydantic v2 models, strict about shape and unknown fields.

Semantics that need more than one field (references, plane numbers, capacity) live in
`validators.intent`; this module only guarantees that every value has the right type and that no
string which can reach a device config could add a config line.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from generator.units import parse_bps, parse_ratio, speed_token

# --------------------------------------------------------------------------- safe strings

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
_UNSAFE_RE = re.compile(r"[\x00-\x1f\x7f\"{};#!\\`$]")
_ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _reject_injection(value: str) -> None:
    """Refuse characters that would end a config line or open a block in any target syntax."""
    bad = _UNSAFE_RE.search(value)
    if bad:
        char = bad.group(0)
        shown = repr(char)[1:-1]
        raise PydanticCustomError(
            "config_injection",
            "contains the character '{char}', which could add or alter a line in a device config; "
            "use printable text without quotes, braces, ';', '#', '!', '$' or backslashes",
            {"char": shown},
        )


def _check_name(value: str) -> str:
    _reject_injection(value)
    if len(value) > 24 or not _NAME_RE.match(value):
        raise PydanticCustomError(
            "invalid_name",
            "'{value}' is not a valid name: use 1-24 lowercase letters, digits and '-', "
            "starting with a letter and not ending with '-' (names become hostnames and policy names)",
            {"value": value},
        )
    return value


def _check_text(value: str) -> str:
    _reject_injection(value)
    if len(value) > 120:
        raise PydanticCustomError("text_too_long", "is longer than 120 characters", {})
    return value


def _check_env(value: str) -> str:
    if not _ENV_RE.match(value):
        raise PydanticCustomError(
            "invalid_env",
            "'{value}' is not an environment variable name (use A-Z, 0-9 and '_')",
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


_CRYPT_RE = re.compile(r"^\$(6|5|y)\$[A-Za-z0-9./$=]{8,200}$")
_RAW_FORBIDDEN = ("/*", "*/")


def _check_crypt(value: str) -> str:
    """A crypt(3) hash (sha512 `$6$`, sha256 `$5$`, yescrypt `$y$`): never a clear-text password."""
    if not _CRYPT_RE.match(value):
        raise PydanticCustomError(
            "hashed_secret",
            "is not a crypt hash; give a SHA-512 crypt string like '$6$salt$hash' "
            "(`openssl passwd -6`), or `secret_env` to read it from the environment at push time",
            {},
        )
    return value


def _check_raw_line(value: str) -> str:
    """A raw config line: any printable text, but one line, no comment delimiters, and no `end`
    (which would close the config early on EOS, IOS XR and FRR)."""
    bad = re.search(r"[\x00-\x1f\x7f]", value)
    if bad:
        raise PydanticCustomError(
            "config_injection",
            "contains the control character {char}; a raw line must be one printable line",
            {"char": repr(bad.group(0))},
        )
    if any(token in value for token in _RAW_FORBIDDEN):
        raise PydanticCustomError(
            "config_injection", "contains a comment delimiter ('/*' or '*/'), which could hide config lines", {}
        )
    if value.strip() in ("end", "exit-address-family") or len(value) > 400:
        raise PydanticCustomError(
            "config_injection", "'{value}' would end the config or a block early, or is too long", {"value": value}
        )
    return value


_VRF_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")


def _check_vrf(value: str) -> str:
    if not _VRF_RE.match(value) or value.lower() in ("default", "all"):
        raise PydanticCustomError(
            "invalid_vrf",
            "'{value}' is not a usable VRF name: 1-32 letters, digits, '_' or '-', starting with a letter, "
            "and not 'default' or 'all'",
            {"value": value},
        )
    return value


Name = Annotated[str, AfterValidator(_check_name)]
VrfName = Annotated[str, AfterValidator(_check_vrf)]
Text = Annotated[str, AfterValidator(_check_text)]
EnvVar = Annotated[str, AfterValidator(_check_env)]
HashedSecret = Annotated[str, AfterValidator(_check_crypt)]
RawLine = Annotated[str, AfterValidator(_check_raw_line)]
IPv4Addr = Annotated[ipaddress.IPv4Address, PlainSerializer(str, return_type=str)]
Bandwidth = Annotated[int, BeforeValidator(_bps), PlainSerializer(speed_token, return_type=str)]
Ratio = Annotated[float, BeforeValidator(_ratio)]
PositiveInt = Annotated[int, Field(ge=1)]
IPv4Net = Annotated[ipaddress.IPv4Network, PlainSerializer(str, return_type=str)]
IPv6Net = Annotated[ipaddress.IPv6Network, PlainSerializer(str, return_type=str)]
AnyNet = Annotated[ipaddress.IPv4Network | ipaddress.IPv6Network, PlainSerializer(str, return_type=str)]

Platform = Literal["eos", "frr", "iosxr", "junos"]


class Strict(BaseModel):
    """Base: unknown fields are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --------------------------------------------------------------------------- hardware


class Breakout(Strict):
    """A port split into `lanes` sub-interfaces of `speed` each (e.g. 2x400G on an 800G port)."""

    lanes: PositiveInt
    speed: Bandwidth


def _breakout(value: Any) -> Any:
    if isinstance(value, str):
        match = re.match(r"^\s*(\d+)\s*[xX]\s*(\S+)\s*$", value)
        if not match:
            raise PydanticCustomError("breakout", "'{value}' is not a breakout; write it like 2x400G", {"value": value})
        return {"lanes": int(match.group(1)), "speed": match.group(2)}
    return value


class Hardware(Strict):
    """A chassis or fixed switch: its platform decides the config syntax."""

    platform: Platform
    model: Text = ""
    line_cards: PositiveInt = 1
    ports_per_line_card: PositiveInt
    port_speed: Bandwidth
    breakouts: list[Annotated[Breakout, BeforeValidator(_breakout)]] = []
    os_version: Text = ""

    @property
    def ports(self) -> int:
        return self.line_cards * self.ports_per_line_card


# --------------------------------------------------------------------------- addressing and ASNs


class Pools(Strict):
    """Address pools of one scope (a region or a region pair)."""

    p2p_ipv4: IPv4Net | None = None
    p2p_ipv6: IPv6Net | None = None


class RegionPools(Pools):
    loopback_ipv4: IPv4Net
    loopback_ipv6: IPv6Net | None = None
    management_ipv4: IPv4Net | None = None  # this region's management subnet (else management.ipv4_pool)


class AsnPlan(Strict):
    """RFC 7938 style: BAG switches share an ASN per scope; fabric switches share one per scope."""

    bag_base: Annotated[int, Field(ge=1, le=4294967294)] = 4200000000
    bag_scope: Literal["region", "plane", "switch"] = "region"
    fabric_base: Annotated[int, Field(ge=1, le=4294967294)] = 4200100000
    fabric_scope: Literal["fabric", "plane", "switch"] = "fabric"
    reuse_fabric_asns_across_regions: bool = False


# --------------------------------------------------------------------------- routing policy


class Bfd(Strict):
    enabled: bool = True
    interval_ms: Annotated[int, Field(ge=50, le=60000)] = 300
    multiplier: Annotated[int, Field(ge=2, le=50)] = 3


class BgpPolicy(Strict):
    keepalive: Annotated[int, Field(ge=1, le=3600)] = 3
    hold: Annotated[int, Field(ge=3, le=65535)] = 9
    bfd: Bfd = Bfd()
    maximum_paths: Annotated[int, Field(ge=1, le=1024)] = 128
    multipath_relax: bool = True
    password_env: EnvVar | None = None
    drain: Literal["withdraw", "shutdown"] = "withdraw"

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

    enabled: bool = True
    transitive: bool = True
    fabric_to_bag: Literal["link"] = "link"
    bag_to_fabric: Literal["link", "cumulative"] = "cumulative"
    bag_to_bag: Literal["link", "cumulative"] = "link"
    on_missing: Literal["ecmp", "skip", "default-weight"] = "ecmp"
    frr_unit: Bandwidth | Literal["auto"] = "auto"


class Budgets(Strict):
    """Design limits that the capacity analysis enforces (exceeding one is an error)."""

    l2_to_bag_oversubscription: Ratio = 4.5
    bag_to_bag_oversubscription: Ratio | None = None


# --------------------------------------------------------------------------- topology


class Placement(Strict):
    """Tags BAG switches with a data hall and power domain for failure-domain analysis."""

    planes: list[PositiveInt] = []
    switches: list[PositiveInt] = []
    data_hall: Name
    power_domain: Name


class BagLayer(Strict):
    planes: PositiveInt
    switches_per_plane: PositiveInt
    hardware: Name
    drained_planes: list[PositiveInt] = []
    placement: list[Placement] = []


class Downlinks(Strict):
    """Southbound capacity of each fabric switch toward its L2 zone (for oversubscription)."""

    count: PositiveInt
    speed: Bandwidth


class FabricLinkOverride(Strict):
    """Exception to the even spread: exactly `links` between one fabric switch and one BAG switch."""

    plane: PositiveInt
    fabric_switch: PositiveInt
    bag_switch: PositiveInt
    links: Annotated[int, Field(ge=0)]


class Fabric(Strict):
    """An L2 spine fabric. Its plane k attaches to BAG plane k (Meta's NSF and DSF edge pods)."""

    name: Name
    kind: Literal["nsf", "dsf"]
    switches_per_plane: PositiveInt
    uplinks_per_switch: PositiveInt
    uplink_speed: Bandwidth | None = None
    downlinks: Downlinks
    hardware: Name
    prefixes: list[AnyNet] = Field(min_length=1)
    oversubscription_budget: Ratio | None = None
    link_overrides: list[FabricLinkOverride] = []


class Region(Strict):
    name: Name
    bag: BagLayer
    fabrics: list[Fabric] = Field(min_length=1)
    addressing: RegionPools


class InterRegionOverride(Strict):
    """Exception to the default wiring: a BAG switch of `region` with a different link count."""

    region: Name
    plane: PositiveInt
    switch: PositiveInt
    links: Annotated[int, Field(ge=0)]


class InterRegion(Strict):
    """BAG-to-BAG links of one region pair: planar (switch i <-> switch i) or spread."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    topology: Literal["planar", "spread"]
    links_per_switch: PositiveInt
    spread_width: PositiveInt | None = None
    speed: Bandwidth | None = None
    addressing: Pools
    macsec_profile: Name | None = None
    link_overrides: list[InterRegionOverride] = []


# --------------------------------------------------------------------------- management (replace-safe configs)


class LocalUser(Strict):
    """A local account. The secret is a crypt hash, or read from the environment at push time."""

    name: Name
    role: Literal["admin", "read-only"] = "admin"
    hashed_secret: HashedSecret | None = None
    secret_env: EnvVar | None = None

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
    address: IPv4Addr
    key_env: EnvVar


class Snmp(Strict):
    community_env: EnvVar | None = None  # read-only community, resolved at push time
    location: Text = ""
    contact: Text = ""


class RawLines(Strict):
    """Per-platform escape hatch: lines appended verbatim at the end of the config (Junos: top-level
    statements in brace form, each on one line with balanced braces)."""

    eos: list[RawLine] = []
    frr: list[RawLine] = []
    iosxr: list[RawLine] = []
    junos: list[RawLine] = []

    @model_validator(mode="after")
    def _junos_balanced(self) -> RawLines:
        for line in self.junos:
            if line.count("{") != line.count("}"):
                raise PydanticCustomError(
                    "unbalanced_braces", "Junos raw line '{line}' has unbalanced braces", {"line": line}
                )
        return self


class ManagementSettings(Strict):
    """Everything a device needs to stay reachable and manageable after a full config replace.

    Every field is optional here so that a hardware profile or a role can override only what differs;
    `Management` (the intent's top-level block) gives the defaults.
    """

    interface: Text | None = None  # default by platform: Management1, MgmtEth0/RP0/CPU0/0, fxp0
    vrf: VrfName | None = None
    users: list[LocalUser] | None = None
    tacacs: list[AaaServer] | None = None
    radius: list[AaaServer] | None = None
    ntp: list[IPv4Addr] | None = None
    syslog: list[IPv4Addr] | None = None
    snmp: Snmp | None = None
    lldp: bool | None = None
    raw: RawLines | None = None


class Management(ManagementSettings):
    """Defaults for every device, then `by_hardware` (profile name) and `by_role` (bag, spine, edge) override."""

    ipv4_pool: IPv4Net | None = None  # one management subnet for the whole network (or per region)
    gateway: IPv4Addr | None = None  # default: the first host of the pool
    by_hardware: dict[Name, ManagementSettings] = {}
    by_role: dict[Literal["bag", "spine", "edge"], ManagementSettings] = {}


class MacsecProfile(Strict):
    """A pre-shared-key MACsec profile (static CAK): key material only as environment references."""

    cipher: Literal["gcm-aes-xpn-256", "gcm-aes-256", "gcm-aes-xpn-128", "gcm-aes-128"] = "gcm-aes-xpn-256"
    ckn_env: EnvVar
    cak_env: EnvVar
    key_server_priority: Annotated[int, Field(ge=0, le=255)] = 16


class Intent(Strict):
    """A BAG network: hardware, regions with their BAG layer and fabrics, and region pairs."""

    name: Name
    description: Text = ""
    hardware: dict[Name, Hardware] = Field(min_length=1)
    asn: AsnPlan = AsnPlan()
    bgp: BgpPolicy = BgpPolicy()
    link_bandwidth: LinkBandwidthPolicy = LinkBandwidthPolicy()
    budgets: Budgets = Budgets()
    mtu: Annotated[int, Field(ge=1280, le=9214)] = 9000  # IP MTU of every link; each platform encodes it
    management: Management | None = None
    macsec_profiles: dict[Name, MacsecProfile] = {}
    regions: list[Region] = Field(min_length=1)
    inter_region: list[InterRegion] = []
