"""Text users bring in and get shown back: the app's four rules for it, each written once here.

1. **Files to text** (``decode``). A text file the app reads (a CSV upload, a model file) is
   UTF-8, with or without a byte-order mark; a file that starts with a UTF-16 or UTF-32
   byte-order mark (Excel's "Unicode text", Windows Notepad) is read in that encoding. Line
   endings CRLF (Windows) and CR (old Mac) become LF. Refused, with one message naming the
   problem: bytes that are not valid in the encoding, a NUL or another control character (only
   tab and the line endings belong in text), and files that are something else entirely (a zip
   archive or an .xlsx workbook, a PDF, an image), named as such.

2. **Numbers** (``number_problem`` / ``parse_number``). A number is written with the ASCII
   digits 0-9, an optional sign, at most one '.' as the decimal point, and an optional exponent:
   ``12``, ``-0.5``, ``.5``, ``3.``, ``1e-3``, ``+2.5E6``; spaces around it are fine. Nothing
   else is read as a number: not ``nan`` or ``inf``, not thousands separators (``1,000``,
   ``1_000``, ``1 000``), not hexadecimal (``0x1F``), not other scripts' digits (``١٢٣``,
   full-width ``１２``), not a unit (``5kg``). Python's ``float`` accepts several of these;
   a user who types them meant something else, so they are refused with a reason. A number
   must lie within +-``MAX_MAGNITUDE``: the network computes in float32 (range about 3.4e38)
   and standardising and a layer's sums need headroom. Typed measurements may also use a
   single decimal comma (``4,5``): a person typing into one box means 4.5 by it; in a CSV file
   and in a link the comma separates values, so there it is not a decimal mark.

3. **Names** (``name_problem``). A name the app shows (a CSV column, a class, a model file's
   input names) is 1 to ``MAX_NAME_CHARS`` characters with no invisible ones: no control
   characters (NUL, newline, tab), no format characters (zero-width spaces and joiners,
   right-to-left overrides, byte-order marks), no lone surrogates, no private-use or
   unassigned code points. Such characters make two different names look the same, reorder
   the text around them, or cannot be sent to the browser at all.

4. **Showing user text** (``md_escape``, ``plotly_escape``). Every piece of text that came from
   a user (file names, column names, cell values, a model file's names, link values) goes
   through ``md_escape`` before it reaches anything that renders Markdown (st.markdown,
   st.caption, st.error/info/warning/success, st.toast, help= tooltips, widget labels), and
   through ``plotly_escape`` before it becomes chart text (titles, axis titles, legend
   names, which Plotly reads as a little HTML). Engine messages are plain text that may
   quote user values: the page escapes the whole message.

Streamlit-free, so the engine's loaders and the pages share it.
"""

from __future__ import annotations

import re
import unicodedata

MAX_MAGNITUDE = 1e30
MAX_NAME_CHARS = 100


class TextError(ValueError):
    """Bytes or text that break one of the rules above; the message names the problem."""


# -- 1. files to text -------------------------------------------------------------------------
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_MAGIC = (  # files people pick by mistake, by their first bytes
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word document"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\x80\x04", "a Python pickle"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def decode(data: bytes, *, save_as: str = "UTF-8") -> str:
    """The text of a file's bytes by rule 1, line endings made LF; TextError otherwise.

    ``save_as`` names the format to suggest in the message (e.g. "CSV UTF-8").
    """
    data = bytes(data)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise TextError(f"this is {what}, not a text file; save it as {save_as}")
    encoding, body = "utf-8", data
    for mark, name in _BOMS:
        if data.startswith(mark):
            encoding, body = name, data[len(mark):]
            break
    nul = data.find(b"\0") if encoding == "utf-8" else -1
    if nul >= 0:  # valid UTF-8, but no text file holds one
        raise TextError(f"the file holds a NUL byte at byte offset {nul}: it is a binary file "
                        f"(or UTF-16 text without a byte-order mark), not a text file; save it as "
                        f"{save_as}")
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as err:
        where = f"byte 0x{body[err.start]:02x} at byte offset {err.start + len(data) - len(body)}"
        if encoding == "utf-8":
            line = body.count(b"\n", 0, err.start) + 1
            raise TextError(f"the file is not UTF-8 text: {where} (line {line}) cannot be "
                            f"decoded; save it as {save_as}") from None
        raise TextError(f"the file starts with a {encoding.upper()} byte-order mark but "
                        f"{where} is not valid {encoding.upper()}; save it as {save_as}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        what = "a NUL byte" if bad.group() == "\0" else f"the control character {_code(bad.group())}"
        raise TextError(f"the file holds {what} on line {line}: it is a binary file, not a "
                        "text file; "
                        f"save it as {save_as}")
    return text


def _code(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


# -- 2. numbers -------------------------------------------------------------------------------
NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*")
"""Rule 2's spelling of a number (ASCII only), spaces around it allowed: use ``fullmatch``.

Written so that a string matches in one way only: ``[0-9]+[.]?[0-9]*`` (the same numbers) can
split "12" as "1" + "2", and a failed match then tries every split: 20,000 digits and an 'x'
took seconds, and the CSV loader's one match over a whole column (cells joined by NUL) took
time exponential in its rows when a late cell was not a number (40 rows: days)."""

MISSING_WORDS = frozenset({"nan", "na", "n/a", "#n/a", "null", "none", "-nan", "<na>"})
INFINITE_WORDS = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})


def number_problem(text: str, *, decimal_comma: bool = False) -> str | None:
    """Why ``text`` is not a number by rule 2 (a short phrase), or None if it is one."""
    cleaned = text.strip()
    if decimal_comma and re.fullmatch(r"[+-]?[0-9]{1,3},[0-9]{3}", cleaned):
        return ("could mean a thousands separator or a decimal comma; write it with '.' as the "
                "decimal point and no separator")
    if decimal_comma and cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if NUMBER.fullmatch(cleaned):
        value = float(cleaned)
        if abs(value) > MAX_MAGNITUDE:
            return (f"is beyond ±{MAX_MAGNITUDE:g}: the network computes only with numbers "
                    f"from {-MAX_MAGNITUDE:g} to {MAX_MAGNITUDE:g}")
        return None
    lower = cleaned.lower()
    if not cleaned:
        return "is empty"
    if lower in MISSING_WORDS:
        return "is not a finite number (it marks a missing value)"
    if lower in INFINITE_WORDS:
        return "is not a finite number"
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in cleaned):
        return "uses digits other than 0-9"
    if re.fullmatch(r"[+-]?0[xXoObB][0-9a-fA-F_]+", cleaned):
        return "is written in another base; write it in decimal"
    if re.fullmatch(r"[+-]?[0-9]+(?:[,_ '][0-9]{3})+(?:\.[0-9]*)?", cleaned):
        return "has a thousands separator; write it without one"
    if re.fullmatch(r"[+-]?[0-9]*,[0-9]+", cleaned):
        return "has a decimal comma; write the decimal point as '.'"
    return "is not a number"


def parse_number(text: str, *, decimal_comma: bool = False) -> float:
    """The float ``text`` spells by rule 2; TextError("'<text>' <why not>") otherwise."""
    problem = number_problem(text, decimal_comma=decimal_comma)
    if problem:
        raise TextError(f"{quote(text)} {problem}")
    cleaned = text.strip()
    return float(cleaned.replace(",", ".") if decimal_comma and "." not in cleaned else cleaned)


def quote(text: str, limit: int = 40) -> str:
    """A user's value as a message quotes it: in quotes, invisible characters shown as
    \\u escapes (repr), cut to ``limit`` characters."""
    text = str(text)
    return repr(text if len(text) <= limit else text[:limit] + "…")


# -- 3. names ---------------------------------------------------------------------------------
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be shown as a name by rule 3 (a short phrase), or None."""
    if not isinstance(name, str):
        return "is not text"
    if not name.strip():
        return "is empty"
    if len(name) > MAX_NAME_CHARS:
        return f"is {len(name):,} characters long; at most {MAX_NAME_CHARS}"
    problem = invisible_problem(name)
    return problem and problem + "; remove it"


def invisible_problem(text: str) -> str | None:
    """Rule 3's characters in ``text`` (the first one named), or None: a link value or a name
    holding one is refused whole, not read around it."""
    for position, ch in enumerate(text):
        if unicodedata.category(ch) in _INVISIBLE:
            return f"holds the invisible character {_code(ch)} at position {position + 1}"
    return None


# -- 4. showing user text ---------------------------------------------------------------------
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# GFM turns bare addresses into links after escapes are read (http://..., www.x, a@b.c): a
# zero-width space after the scheme, the 'www' or the '@' keeps them text.
NO_LINK = "\u200b"
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|@)")


def md_escape(text) -> str:
    """``text`` as literal characters in Streamlit Markdown.

    Every ASCII punctuation character gets a backslash (CommonMark allows that for all of
    them), so no link, image, emphasis, HTML tag, LaTeX ``$``, ``:red[...]`` directive or
    code span can start; line breaks and other control characters become spaces, so no
    heading or list can start either; a zero-width space (``NO_LINK``) after ``http``,
    ``www`` and ``@`` stops GFM's links of bare addresses.
    """
    flat = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", str(text))
    flat = _AUTOLINK.sub("\\1" + NO_LINK, flat)
    return _MD_PUNCTUATION.sub(r"\\\1", flat)


def plotly_escape(text) -> str:
    """``text`` as literal characters in Plotly chart text (titles, axis titles, names):
    Plotly reads ``<b>``, ``<a href>``, ``<br>`` and entities in them."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun that goes with it: "1 bias", "3 biases", "1 path point"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"
