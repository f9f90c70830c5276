"""EBOK_SMTP_URL as an operator writes it, and where the SMTP password may go."""

from __future__ import annotations

import pytest

from models.services.mail_message import is_sendable_address
from models.services.mail_transport import SmtpTransport
from models.settings import ConfigurationError


class _Connection:
    def __init__(self, encrypted: bool) -> None:
        self.encrypted = encrypted

    def get_transport_info(self, key: str) -> object:
        assert key == "sslcontext"
        return object() if self.encrypted else None


def _transport(url: str) -> SmtpTransport:
    return SmtpTransport.from_url(url, sender="Wodociągi <ebok@wodociagi.example>")


def test_the_url_gives_host_port_and_credentials_and_the_log_never_the_password() -> None:
    transport = _transport("smtp://ebok%40wodociagi.example:p%40ss%3Aword@mail.example:587")
    assert (transport.host, transport.port, transport.implicit_tls) == ("mail.example", 587, False)
    assert (transport.username, transport.password) == ("ebok@wodociagi.example", "p@ss:word")
    assert transport.sender == "ebok@wodociagi.example"  # the envelope takes the bare address
    assert "p@ss" not in transport.description and "p@ss" not in repr(transport)


@pytest.mark.parametrize(
    ("url", "port", "implicit_tls"),
    [("smtp://mail.example", 25, False), ("smtps://mail.example", 465, True)],
)
def test_default_ports(url: str, port: int, implicit_tls: bool) -> None:
    transport = _transport(url)
    assert (transport.port, transport.implicit_tls) == (port, implicit_tls)


@pytest.mark.parametrize(
    "url", ["http://mail.example", "mail.example:25", "smtp://", "smtp://mail.example:99999"]
)
def test_a_malformed_url_is_a_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError):
        _transport(url)


def test_a_sender_that_is_no_address_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        SmtpTransport.from_url("smtp://mail.example", sender="eBOK")


def test_the_password_goes_only_over_tls_or_to_this_machine() -> None:
    remote = _transport("smtp://user:secret@mail.example:587")
    assert not remote._may_send_password(_Connection(encrypted=False))  # type: ignore[arg-type]
    assert remote._may_send_password(_Connection(encrypted=True))  # type: ignore[arg-type]
    for host in ("127.0.0.1", "localhost", "[::1]"):
        local = _transport(f"smtp://user:secret@{host}:25")
        assert local._may_send_password(_Connection(encrypted=False))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("jan.kowalski@example.com", True),
        ("", False),
        ("jan", False),
        ("@example.com", False),
        ("jan@", False),
        ("jan @example.com", False),
        ("jan@example.com\r\nBcc: x@example.com", False),
        ("a@b@example.com", False),
        ("j" * 250 + "@example.com", False),
    ],
)
def test_which_recipient_addresses_can_be_sent_to(address: str, ok: bool) -> None:
    assert is_sendable_address(address) is ok
