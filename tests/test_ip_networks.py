"""IP allowlists (core/ip_networks.py) and the ``networks`` settings kind built on them."""

import pytest
from flask_babel import force_locale

from core import ip_networks, settings
from core.settings import SettingError


@pytest.mark.parametrize("typed, stored", [
    ("203.0.113.10", "203.0.113.10"),
    (" 203.0.113.10/32 ", "203.0.113.10"),
    ("198.51.100.0/24", "198.51.100.0/24"),
    ("2001:DB8::/48", "2001:db8::/48"),
    ("2001:db8::1/128", "2001:db8::1"),
    ("0.0.0.0/0", "0.0.0.0/0"),
])
def test_entries_are_stored_in_canonical_form(typed, stored):
    assert ip_networks.normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", "example.com", "203.0.113.300", "1.2.3.4/33",
                                   "fe80::1%eth0", "203.0.113.0/24/1", "*"])
def test_what_is_not_an_address_or_network_is_refused(typed):
    with pytest.raises(ValueError):
        ip_networks.normalise(typed)


def test_host_bits_are_refused_with_the_network_meant():
    with pytest.raises(ip_networks.HostBitsSet) as exc:
        ip_networks.normalise("203.0.113.5/24")
    assert exc.value.network == "203.0.113.0/24"


@pytest.mark.parametrize("entries, address, allowed", [
    ([], "198.51.100.7", True),  # an empty list allows every address
    ([], "", True),
    (["203.0.113.10"], "203.0.113.10", True),
    (["203.0.113.10"], "203.0.113.11", False),
    (["198.51.100.0/24"], "198.51.100.255", True),
    (["198.51.100.0/24"], "198.51.101.0", False),
    (["2001:db8::/48"], "2001:db8:0:ffff::1", True),
    (["2001:db8::/48"], "2001:db9::1", False),
    (["198.51.100.0/24"], "::ffff:198.51.100.7", True),  # IPv4 through a dual-stack socket
    (["::/0"], "198.51.100.7", False),  # an IPv6 network never matches an IPv4 caller
    (["203.0.113.10"], "", False),  # no address known: not allowed
    (["203.0.113.10"], "not-an-ip", False),
])
def test_allows(entries, address, allowed):
    assert ip_networks.allows(entries, address) is allowed


def test_the_setting_reads_lines_or_commas_and_drops_repeats(app):
    setting = settings.lookup("api.allowed_ips")
    typed = "203.0.113.10\r\n198.51.100.0/24, 203.0.113.10/32\n\n2001:DB8::/48"
    value = setting.convert(typed)
    assert value == ["203.0.113.10", "198.51.100.0/24", "2001:db8::/48"]
    assert setting.to_text(value) == "203.0.113.10\n198.51.100.0/24\n2001:db8::/48"
    assert setting.convert("") == []


@pytest.mark.parametrize("typed, words", [
    ("203.0.113.10\nexample.com\n10.0.0.999", "Not an IP address or CIDR network: example.com, "
                                              "10.0.0.999"),
    ("198.51.100.9/24", "198.51.100.9/24 has host bits set: did you mean 198.51.100.0/24?"),
    (",".join(f"10.0.{i // 256}.{i % 256}" for i in range(101)), "At most 100 entries."),
])
def test_the_setting_refuses_bad_entries_with_a_message(app, typed, words):
    with force_locale("en"):
        with pytest.raises(SettingError) as exc:
            settings.lookup("api.allowed_ips").convert(typed)
        assert words in str(exc.value.args[0])
