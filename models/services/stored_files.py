"""Files people send (a failure report's photo, a message's attachments): their type
told by content, and their storage outside the web root under generated names.

Uploads arrive spooled by the form parser (to disk past 1 MiB); nothing here reads
a whole file into memory. Sizes are measured by seeking, copies go in chunks and run
off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import os
import secrets
import zipfile
from pathlib import Path
from typing import BinaryIO

import puremagic

SNIFF_BYTES = 8192
_CHUNK = 64 * 1024
# A ZIP whose directory lists more entries than this is no office document to us.
_ZIP_MAX_ENTRIES = 10_000


def detect_type(head: bytes) -> str | None:
    """The MIME type the content says, by its magic bytes (never by the name)."""
    if not head:
        return None
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        return None
    return matches[0].mime_type if matches else None


def size_of(stream: BinaryIO) -> int:
    """The file's size, by seeking to its end (it is left at its start)."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def head_of(stream: BinaryIO) -> bytes:
    """The opening bytes a type is told by (the stream is left at its start)."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return head


def zip_contents(stream: BinaryIO) -> tuple[list[str], bytes | None] | None:
    """(entry names, the `mimetype` entry's first bytes) of a ZIP; None when it is no
    readable ZIP. Only the central directory and one tiny entry are read."""
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > _ZIP_MAX_ENTRIES:
                return None
            names = [info.filename for info in infos]
            mimetype = None
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 200:
                with archive.open("mimetype") as entry:
                    mimetype = entry.read(200)
            return names, mimetype
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    finally:
        stream.seek(0)


def store(stream: BinaryIO, upload_dir: Path, folder: str, extension: str) -> tuple[str, Path]:
    """Copy a file under a generated name in `upload_dir/folder`; (storage key, path).
    Blocking: call it through `asyncio.to_thread`."""
    target = upload_dir / folder
    target.mkdir(parents=True, exist_ok=True)
    key = f"{secrets.token_hex(16)}.{extension}"
    path = target / key
    stream.seek(0)
    with open(path, "xb") as out:
        while chunk := stream.read(_CHUNK):
            out.write(chunk)
    return key, path


def stored_path(upload_dir: Path, folder: str, key: str) -> Path | None:
    """Where a stored file lies, for a key `store` generated; None otherwise."""
    name = Path(key).name
    if name != key or not name or name.startswith("."):
        return None
    path = upload_dir / folder / name
    return path if path.is_file() else None
