"""The official KSeF FA(3) schema (Ministry of Finance), shipped with eBOK, read offline.

The four XSD files here are the ministry's, as the PyPI package `ksef-client` 0.20.0
carries them (`ksef_client/documents/fa3/schemas/`; source and version in the README).
Their imports name `http://crd.gov.pl/...` addresses: those are mapped to the files
beside this module, and xmlschema is told to open no remote address at all
(`allow="local"`), so reading the schema never touches the network.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import xmlschema
from lxml import etree

__all__ = ["FA3_NAMESPACE", "SCHEMA_DIR", "SCHEMA_FILES", "fa3_errors", "fa3_schema", "local_copy"]

SCHEMA_DIR = Path(__file__).resolve().parent
FA3_NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"
MAIN_SCHEMA = "schemat_FA(3)_v1-0E.xsd"
SCHEMA_FILES = frozenset(
    {
        MAIN_SCHEMA,
        "StrukturyDanych_v10-0E.xsd",
        "ElementarneTypyDanych_v10-0E.xsd",
        "KodyKrajow_v10-0E.xsd",
    }
)
# Where the ministry publishes the shared type definitions the FA(3) schema imports.
_PUBLISHED_AT = "http://crd.gov.pl/xml/schematy/dziedzinowe/mf/"


def local_copy(uri: str) -> str:
    """A published schema's address -> the copy here; any other address is unchanged
    (and then refused when it is remote)."""
    name = uri.rsplit("/", 1)[-1]
    if uri.startswith(_PUBLISHED_AT) and name in SCHEMA_FILES:
        return (SCHEMA_DIR / name).as_uri()
    return uri


@cache
def fa3_schema() -> xmlschema.XMLSchema:
    """The FA(3) schema, built once per process (about a second)."""
    return xmlschema.XMLSchema(
        str(SCHEMA_DIR / MAIN_SCHEMA), uri_mapper=local_copy, allow="local", defuse="always"
    )


def fa3_errors(document: bytes) -> list[str]:
    """What is wrong with an FA(3) document by the schema; empty when it is valid.
    The document is parsed without entities or network access of its own."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(document, parser)
    return [f"{error.path}: {error.reason}" for error in fa3_schema().iter_errors(root)]
