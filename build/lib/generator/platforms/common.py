"""Pieces two or more platforms share."""

from __future__ import annotations

AS_TRANS = 23456  # RFC 6793: stands in for a 4-byte AS in the 2-octet global administrator
OSFP_LANES = 8  # electrical lanes of an 800G OSFP port


def global_admin(asn: int) -> int:
    """The 2-octet global administrator of a link-bandwidth community (RFC 10005)."""
    return asn if asn <= 0xFFFF else AS_TRANS


def flat_port(ports_per_line_card: int, line_card: int, port: int) -> int:
    """Port number counted across line cards: card 2 port 1 of 8-port cards is port 9."""
    return (line_card - 1) * ports_per_line_card + port
