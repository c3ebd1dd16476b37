"""Turn the bytes of a vendor export into text, whatever tool last saved it.

Detected, never assumed: a UTF-8 or UTF-16 byte-order mark, UTF-16 without a mark (from the
pattern of NUL bytes), UTF-8 files with a few lines re-saved as Latin-1/cp1252, and stray NUL
bytes. Binary files (a spreadsheet or an archive dropped in the wrong place) are refused.
"""

from __future__ import annotations

import codecs
import logging
import re

from identity.readers._model import SourceFormatError

logger = logging.getLogger(__name__)

# UTF-16 text in a Latin script has a NUL in every other byte; a few KB are plenty to tell.
_SNIFF_BYTES = 4096
_UTF16_NUL_SHARE = 0.3
_UTF16_OTHER_NUL_SHARE = 0.05

# Real exports hold almost no control characters; random or binary data holds many.
_GARBAGE_SAMPLE_CHARS = 65536
_GARBAGE_SHARE = 0.05
_GARBAGE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def decode_export(data: bytes, name: str, expected: str) -> str:
    """Decode an export file into text with its line breaks untouched.

    Args:
        data: The file's bytes, unchanged.
        name: The file name, for messages.
        expected: What the file should be (``"Salesforce Contact export"``), for messages.

    Returns:
        The text, without byte-order mark or NUL characters.

    Raises:
        SourceFormatError: The bytes are not text (binary or undecodable data).
    """
    if data.startswith(codecs.BOM_UTF8):
        text = _decode_utf8_lenient(data[len(codecs.BOM_UTF8) :].replace(b"\x00", b""), name)
    elif data.startswith(codecs.BOM_UTF16_LE):
        text = _decode_utf16(data[2:], "utf-16-le", name)
    elif data.startswith(codecs.BOM_UTF16_BE):
        text = _decode_utf16(data[2:], "utf-16-be", name)
    else:
        encoding = sniff_utf16(data)
        if encoding is None:
            # NULs in an 8-bit file are padding or corruption, never content.
            text = _decode_utf8_lenient(data.replace(b"\x00", b""), name)
        else:
            text = _decode_utf16(data, encoding, name)
    # A re-saved file can carry a second mark; NUL cannot be content in any of these exports.
    text = text.lstrip("\ufeff").replace("\x00", "")
    _refuse_binary(text, name, expected)
    return text


def sniff_utf16(data: bytes) -> str | None:
    """Guess UTF-16 without a byte-order mark from where the NUL bytes are.

    Args:
        data: The start of the file (or all of it).

    Returns:
        ``"utf-16-le"`` or ``"utf-16-be"`` when the NUL pattern says so, else None.
    """
    sample = data[:_SNIFF_BYTES]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_share = even.count(0) / len(even)
    odd_share = odd.count(0) / len(odd)
    if odd_share >= _UTF16_NUL_SHARE and even_share <= _UTF16_OTHER_NUL_SHARE:
        return "utf-16-le"
    if even_share >= _UTF16_NUL_SHARE and odd_share <= _UTF16_OTHER_NUL_SHARE:
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, encoding: str, name: str) -> str:
    # A truncated download can end in half a character: replace it rather than refuse the file;
    # the damaged last line is then quarantined by the parser.
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad:
        logger.warning("%s: %d undecodable %s sequence(s) replaced", name, bad, encoding)
    return text


def _decode_utf8_lenient(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Someone edited a few rows in a Latin-1 tool: decode those lines as cp1252, keep the rest.
    parts: list[str] = []
    fallback_lines = 0
    for line in data.splitlines(keepends=True):
        try:
            parts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            fallback_lines += 1
            parts.append(_decode_cp1252(line))
    logger.warning("%s: %d line(s) were not UTF-8 and were read as cp1252", name, fallback_lines)
    return "".join(parts)


def _decode_cp1252(line: bytes) -> str:
    try:
        return line.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte, so nothing is lost.
        return line.decode("latin-1")


def _refuse_binary(text: str, name: str, expected: str) -> None:
    sample = text[:_GARBAGE_SAMPLE_CHARS]
    if not sample:
        return
    garbage = len(_GARBAGE.findall(sample))
    if garbage / len(sample) > _GARBAGE_SHARE:
        line, column = _position(sample, _GARBAGE.search(sample))
        raise SourceFormatError(
            f"{name}: line {line}: this is not a text file (binary or undecodable data from "
            f"column {column}); expected a {expected} saved as CSV",
            file=name,
            line=line,
            column=column,
        )


def _position(text: str, match: re.Match[str] | None) -> tuple[int, int]:
    # Where the first non-text character sits, counted as an editor would (1-based).
    offset = match.start() if match else 0
    before = text[:offset]
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    return len(_LINE_BREAKS.findall(before)) + 1, offset - line_start + 1
