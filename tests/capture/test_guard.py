"""The capture's URL guard (portal/capture/guard.py): only http(s) URLs on public addresses."""

import pytest

from portal.capture.guard import CaptureRefused, check_url


def resolver(addresses):
    return lambda host, port: addresses


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # link-local: cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 - unspecified, refused
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:169.254.169.254",
    ],
)
def test_a_name_resolving_to_a_non_public_address_is_refused(address):
    with pytest.raises(CaptureRefused, match="private, loopback or reserved"):
        check_url("https://ads.example/job/1", resolver=resolver([address]))


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    with pytest.raises(CaptureRefused):
        check_url("https://ads.example/", resolver=resolver(["93.184.215.14", "10.0.0.5"]))


def test_a_public_address_passes():
    url = "https://www.jobbank.gc.ca/jobsearch/jobposting/12345678"
    assert check_url(url, resolver=resolver(["205.193.117.158"])) == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("file:///etc/passwd", "not file:"),
        ("ftp://ads.example/ad.txt", "not ftp:"),
        ("data:text/html,<h1>ad</h1>", "not data:"),
        ("javascript:alert(1)", "not javascript:"),
        ("www.jobbank.gc.ca/jobsearch", "without http:// or https://"),
        ("http:///no-host", "no host name"),
        ("https://user:secret@ads.example/", "user name or password"),
        ("http://[::1]:8080/", "private, loopback or reserved"),
        ("http://127.0.0.1:5000/admin", "private, loopback or reserved"),
        ("http://2130706433/", "could not be found"),  # decimal 127.0.0.1: not a host name here
        ("https://ads.example/" + "a" * 2000, "longer than 2000"),
        ("http://ads.example:99999/", "not a web address"),
    ],
)
def test_what_is_refused_says_why(url, says):
    def no_dns(host, port):
        raise CaptureRefused(f"the address {host} could not be found")

    with pytest.raises(CaptureRefused, match=says.replace("(", r"\(").replace("+", r"\+")):
        check_url(url, resolver=no_dns)


def test_the_allow_list_names_host_and_port_exactly():
    allowed = ["127.0.0.1:8123"]
    assert check_url("http://127.0.0.1:8123/ad", allowed, resolver([]))
    with pytest.raises(CaptureRefused):
        check_url("http://127.0.0.1:8124/ad", allowed, resolver(["127.0.0.1"]))
