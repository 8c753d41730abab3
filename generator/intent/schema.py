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

from generator.textsafety import config_problem, shown
from generator.units import parse_bps, parse_ratio, speed_token

# --------------------------------------------------------------------------- safe strings
# Every string field of the intent is a Name, Text or EnvVar: the config rule of generator.textsafety
# applies here, where intent strings enter, so no template needs to escape anything.

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$")
_ENV_RE = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def _reject_injection(value: str) -> None:
    """Refuse what could end a config line, open a block or a comment, or hide text on any platform."""
    problem = config_problem(value)
    if problem:
        raise PydanticCustomError("config_injection", problem.replace("{", "{{").replace("}", "}}"), {})


def _check_name(value: str) -> str:
    _reject_injection(value)
    if len(value) > 24 or not _NAME_RE.match(value):
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
    return value


def _check_env(value: str) -> str:
    if not _ENV_RE.match(value):
        # the value is never repeated: what was written here may be the password itself
        raise PydanticCustomError(
            "invalid_env",
            "is not an environment variable name (use A-Z, 0-9 and '_'); write the NAME of the variable "
            "that holds the password, never the password itself",
            {},
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


Name = Annotated[str, AfterValidator(_check_name)]
Text = Annotated[str, AfterValidator(_check_text)]
EnvVar = Annotated[str, AfterValidator(_check_env)]
Bandwidth = Annotated[int, BeforeValidator(_bps), PlainSerializer(speed_token, return_type=str)]
Ratio = Annotated[float, BeforeValidator(_ratio)]
PositiveInt = Annotated[int, Field(ge=1)]
# a port or link: more than nothing, at most 1 Pbps (any larger number is a typo in the unit)
PositiveBandwidth = Annotated[
    int, BeforeValidator(_bps), Field(gt=0, le=10**15), PlainSerializer(speed_token, return_type=str)
]
# Counts that multiply into devices, ports and links are bounded where they are read, so an
# impossible value is refused (with the limit in the message) before anything is expanded. Each bound
# is far above the largest real design (intent/prometheus.yaml: 8 planes, 108 switches per plane).
MAX_PLANES = 1024
MAX_SWITCHES = 16384
MAX_LINKS_PER_SWITCH = 4096
MAX_LINE_CARDS = 64
MAX_PORTS_PER_CARD = 4096
Planes = Annotated[int, Field(ge=1, le=MAX_PLANES)]
Switches = Annotated[int, Field(ge=1, le=MAX_SWITCHES)]
LinkCount = Annotated[int, Field(ge=1, le=MAX_LINKS_PER_SWITCH)]


def _prefix_text(value: Any) -> Any:
    """A prefix is written as text: pydantic would read `true` or `7` as the network 0.0.0.1/32."""
    if not isinstance(value, str | ipaddress.IPv4Network | ipaddress.IPv6Network):
        raise PydanticCustomError("prefix_type", "write a prefix such as 10.0.0.0/16 or fd00::/48", {})
    return value


IPv4Net = Annotated[ipaddress.IPv4Network, BeforeValidator(_prefix_text), PlainSerializer(str, return_type=str)]
IPv6Net = Annotated[ipaddress.IPv6Network, BeforeValidator(_prefix_text), PlainSerializer(str, return_type=str)]
AnyNet = Annotated[
    ipaddress.IPv4Network | ipaddress.IPv6Network, BeforeValidator(_prefix_text), PlainSerializer(str, return_type=str)
]

Platform = Literal["eos", "frr", "iosxr", "junos"]


class Strict(BaseModel):
    """Base: unknown fields are errors (a typo must never be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --------------------------------------------------------------------------- hardware


class Breakout(Strict):
    """A port split into `lanes` sub-interfaces of `speed` each (e.g. 2x400G on an 800G port)."""

    lanes: Annotated[int, Field(ge=1, le=64)]
    speed: PositiveBandwidth


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
    line_cards: Annotated[int, Field(ge=1, le=MAX_LINE_CARDS)] = 1
    ports_per_line_card: Annotated[int, Field(ge=1, le=MAX_PORTS_PER_CARD)]
    port_speed: PositiveBandwidth
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
    frr_unit: PositiveBandwidth | Literal["auto"] = "auto"


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
    planes: Planes
    switches_per_plane: Switches
    hardware: Name
    drained_planes: list[PositiveInt] = []
    placement: list[Placement] = []


class Downlinks(Strict):
    """Southbound capacity of each fabric switch toward its L2 zone (for oversubscription)."""

    count: Annotated[int, Field(ge=1, le=MAX_PORTS_PER_CARD * MAX_LINE_CARDS)]
    speed: PositiveBandwidth


class FabricLinkOverride(Strict):
    """Exception to the even spread: exactly `links` between one fabric switch and one BAG switch."""

    plane: PositiveInt
    fabric_switch: PositiveInt
    bag_switch: PositiveInt
    links: Annotated[int, Field(ge=0, le=MAX_LINKS_PER_SWITCH)]


class Fabric(Strict):
    """An L2 spine fabric. Its plane k attaches to BAG plane k (Meta's NSF and DSF edge pods)."""

    name: Name
    kind: Literal["nsf", "dsf"]
    switches_per_plane: Switches
    uplinks_per_switch: LinkCount
    uplink_speed: PositiveBandwidth | None = None
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
    links: Annotated[int, Field(ge=0, le=MAX_LINKS_PER_SWITCH)]


class InterRegion(Strict):
    """BAG-to-BAG links of one region pair: planar (switch i <-> switch i) or spread."""

    between: Annotated[list[Name], Field(min_length=2, max_length=2)]
    topology: Literal["planar", "spread"]
    links_per_switch: LinkCount
    spread_width: Annotated[int, Field(ge=1, le=MAX_PLANES * MAX_SWITCHES)] | None = None
    speed: PositiveBandwidth | None = None
    addressing: Pools
    macsec_profile: Name | None = None
    link_overrides: list[InterRegionOverride] = []


class Intent(Strict):
    """A BAG network: hardware, regions with their BAG layer and fabrics, and region pairs."""

    name: Name
    description: Text = ""
    hardware: dict[Name, Hardware] = Field(min_length=1)
    asn: AsnPlan = AsnPlan()
    bgp: BgpPolicy = BgpPolicy()
    link_bandwidth: LinkBandwidthPolicy = LinkBandwidthPolicy()
    budgets: Budgets = Budgets()
    mtu: Annotated[int, Field(ge=1280, le=9216)] = 9214
    regions: list[Region] = Field(min_length=1)
    inter_region: list[InterRegion] = []
