"""Keeping raw BSNs out of topics, tables, URIs and logs."""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from urllib.parse import unquote, unquote_plus

# Nine digits standing alone. A run inside a hex string (a person reference, an event id)
# borders on a-f and is left alone, so masked dead letters stay replayable.
_NINE_DIGITS = re.compile(rb"(?<![0-9a-f])\d{9}(?![0-9a-f])")
_NINE_DIGITS_STR = re.compile(r"(?<![0-9a-f])\d{9}(?![0-9a-f])")
# A BSN in a URI stands on its own (a path segment or a query value). A run inside an identifier
# such as a hex digest ("off-3a123456782f") is part of that identifier: refusing it would break
# requests for records whose generated id happens to hold nine digits that pass the 11-proef.
_DIGIT_RUNS = re.compile(r"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script (full-width, Arabic-Indic, Devanagari, mathematical …) as 0-9,
    so a number written with look-alike digits is recognised as the number it is."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def is_valid_bsn(value: str) -> bool:
    """9 ASCII digits passing the 11-proef (weights 9..2 and -1). Look-alike digits are not a BSN: one
    person would otherwise get a second person reference (the boundary refuses them before this)."""
    if len(value) != 9 or not (value.isascii() and value.isdigit()):
        return False
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1))) - digits[8]
    return total % 11 == 0 and value != "000000000"


def pseudonymise(bsn: str, secret: str) -> str:
    """Keyed pseudonym (HMAC-SHA256): stable per person, useless without the secret."""
    return hmac.new(secret.encode(), b"bsn:" + bsn.encode(), hashlib.sha256).hexdigest()


def mask_bsn_like(raw: bytes) -> bytes:
    """Mask anything that looks like a BSN (any run of exactly nine digits, in any script)."""
    if raw.isascii():
        return _NINE_DIGITS.sub(b"*********", raw)
    text = raw.decode("utf-8", errors="surrogateescape")  # bytes that are no UTF-8 pass through as they are
    return mask_bsn_like_text(text).encode("utf-8", errors="surrogateescape")


def mask_bsn_like_text(text: str) -> str:
    return _NINE_DIGITS_STR.sub("*********", text)


_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")  # used with fullmatch: no trailing newline


def safe_field_name(part: object) -> str:
    """A path element fit for an error message: an index, or a name that looks like a field name.

    A key the caller invented could carry anything (a name, a number), so anything
    else is replaced; BSN-like digits are masked in any case.
    """
    if isinstance(part, int):
        return str(part)
    text = str(part)
    return mask_bsn_like_text(text) if _FIELD_NAME.fullmatch(text) else "(unnamed field)"


def contains_bsn(text: str) -> bool:
    """True when the text holds a nine-digit run that passes the 11-proef (e.g. a BSN put in a URI), in any
    digit script, and also once percent-decoded (a padding such as a leading %20, or encoded digits)."""
    for _ in range(4):  # the text as it is, then decoded up to three times (double encoding)
        if any(is_valid_bsn(m.group()) for m in _DIGIT_RUNS.finditer(ascii_digits(text))):
            return True
        decoded = unquote(text)
        if decoded == text:
            return False
        text = decoded
    return False


# A BSN as people write it: nine digits together, or grouped 3-3-3, 4-2-3 or 2-3-4 with single spaces, dots
# or dashes. Not inside a longer number, and not inside a hex string (a UUID or digest a partner uses as
# an id would otherwise be refused now and then); a letter beyond a-f before or after does not hide it.
_WRITTEN_BSN = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9]{9}|[0-9]{3}([ .-])[0-9]{3}\1[0-9]{3}"
                          r"|[0-9]{4}([ .-])[0-9]{2}\2[0-9]{3}|[0-9]{2}([ .-])[0-9]{3}\3[0-9]{4})(?![0-9A-Fa-f])")


def bsn_like(text: str) -> bool:
    """True when the text holds a BSN-like number: nine digits in any script, written together or in the
    usual groups (3-3-3, 4-2-3, 2-3-4) joined by single spaces, dots or dashes, passing the 11-proef."""
    return any(is_valid_bsn(re.sub(r"[ .-]", "", m.group())) for m in _WRITTEN_BSN.finditer(ascii_digits(text)))


def hash_token(token: str) -> str:
    """API tokens are stored and compared as SHA-256 only."""
    return hashlib.sha256(token.encode()).hexdigest()


# Every way a BSN can be written (nine digits together or in the usual groups), 11-proef or not: a log masks
# more than the boundary refuses, since a masked number too many costs nothing there.
_WRITTEN_NINE = re.compile(r"(?<![0-9a-f])(?:[0-9]{9}|[0-9]{3}([ .-])[0-9]{3}\1[0-9]{3}"
                           r"|[0-9]{4}([ .-])[0-9]{2}\2[0-9]{3}|[0-9]{2}([ .-])[0-9]{3}\3[0-9]{4})(?![0-9a-f])")
# A percent-encoded stretch of a URI or a raw request line, up to the next space or quote.
_PERCENT_TOKEN = re.compile(r"""[^\s'"<>]*%[0-9A-Fa-f]{2}[^\s'"<>]*""")


def mask_written_bsns(text: str) -> str:
    """Mask every nine-digit number as people write it — together or grouped 3-3-3, 4-2-3, 2-3-4 with single
    spaces, dots or dashes, in any digit script — and every percent-encoded stretch that hides one once
    decoded. Digits inside a hex string (a person reference, an event id) or a longer number stay."""
    normal = ascii_digits(text)  # one character for one: the positions of a match hold in the original
    spans = [m.span() for m in _WRITTEN_NINE.finditer(normal)]
    spans += [m.span() for m in _PERCENT_TOKEN.finditer(normal)
              if contains_bsn(m.group()) or bsn_like(unquote(unquote(m.group())))]
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "*" * (end - start) + text[end:]
    return text


def uri_holds_bsn(uri: str) -> bool:
    """True when a URI (its raw path and query) holds a BSN-like number in any digit script or grouping, as it
    is or once percent-decoded (up to three times: a leading %20, encoded digits, double encoding; '+' as a
    space). A letter other than a-f beside the digits does not hide them (an invalid escape such as %zz)."""
    for _ in range(4):
        if bsn_like(uri) or contains_bsn(uri):
            return True
        decoded = unquote_plus(uri)
        if decoded == uri:
            return False
        uri = decoded
    return False
