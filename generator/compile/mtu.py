"""One IP MTU in the intent, encoded in each platform's own meaning of the interface `mtu` statement.

- Arista EOS: `mtu` on a routed port is the IP MTU (EOS User Manual, "Ethernet Ports" > "MTU": "the
  interface MTU [...] is the largest IP packet"; L3 range 68-9214).
- Cisco IOS XR: the interface `mtu` is the layer-2 MTU and includes the 14-byte Ethernet header, without
  FCS; the IPv4/IPv6 MTU is derived as `mtu - 14` (IOS XR Interface and Hardware Component Configuration
  Guide, "Configuring Ethernet Interfaces" > "Ethernet MTU": default 1514 = 1500 + 14). Cisco 8000 ports
  accept up to 9646.
- Juniper Junos: the physical-interface `mtu` is the media MTU and includes the Ethernet header (14 bytes
  untagged, FCS excluded): the family inet/inet6 MTU defaults to media MTU - 14 (Junos "Media MTU
  Overview" and "Media MTU Sizes by Interface Type": Ethernet default media MTU 1514 for IP MTU 1500).
  PTX/QFX/MX ports accept up to 9216 (QFX and most PTX line cards; the lowest common maximum).
- FRRouting: the MTU is a property of the Linux interface, not of FRR's config; nothing is rendered.
"""

from __future__ import annotations

from generator.platforms import PLATFORMS


def interface_mtu(platform: str, ip_mtu: int) -> int:
    """The value of the platform's interface `mtu` statement that gives `ip_mtu` to IP."""
    return ip_mtu + PLATFORMS[platform].L2_OVERHEAD


def ip_mtu(platform: str, interface_value: int) -> int:
    """Inverse of `interface_mtu`: the IP MTU a rendered `mtu` statement gives (for the read-back)."""
    return interface_value - PLATFORMS[platform].L2_OVERHEAD


def max_ip_mtu(platform: str) -> int:
    return PLATFORMS[platform].MAX_INTERFACE_MTU - PLATFORMS[platform].L2_OVERHEAD
