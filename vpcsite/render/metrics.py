"""Text widths without a font engine: fixed advance widths, so the canvas drawing wraps
its text the same way on every machine and the SVG is byte-identical everywhere.

The advances are those of DejaVu Sans (Book and Bold) for printable ASCII, in 1/2048 em,
copied from the font's hmtx table (numbers only; DejaVu is under the Bitstream Vera
licence). The drawing names "DejaVu Sans", then Verdana (whose advances are within a few
per cent: Vera was drawn to Verdana's proportions), then the generic sans-serif: any of
them sets a line no wider than measured here, or narrower (Arial, Helvetica), so a line
never crosses its box. Other characters get a generous estimate: Latin letters the
widest capital's advance, wide scripts (CJK, emoji) a full em.
"""

from __future__ import annotations

from functools import lru_cache

_ASCII = range(32, 127)
# fmt: off
_REGULAR = (
    651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
    1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716,
    1087, 2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767,
    1532, 1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690,
    799, 1716, 1024, 1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186,
    569, 1995, 1298, 1253, 1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075,
    1303, 690, 1303, 1716,
)
_BOLD = (
    713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
    1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716,
    1188, 2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038,
    1714, 1741, 1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748,
    936, 1716, 1024, 1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362,
    702, 2134, 1458, 1407, 1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192,
    1458, 748, 1458, 1716,
)
# fmt: on
_EM = 2048.0
_WIDE_LATIN = 2048  # the widest Latin capitals (Æ, Œ) are near a full em
_REGULAR_TABLE = {chr(c): w / _EM for c, w in zip(_ASCII, _REGULAR)}
_BOLD_TABLE = {chr(c): w / _EM for c, w in zip(_ASCII, _BOLD)}
#: The sans-serif stack whose advances are measured here.
FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"


def _other(char: str) -> float:
    """An estimate for a character outside ASCII, in em: never narrower than the fonts."""
    code = ord(char)
    if code >= 0x2E80 or 0x1100 <= code < 0x1200:
        return 1.0  # CJK, Hangul, emoji: a full em
    return _WIDE_LATIN / _EM


@lru_cache(maxsize=65536)
def word_width(word: str, bold: bool = False) -> float:
    """The advance of a word at 1 unit of font size (multiply by the size)."""
    table = _BOLD_TABLE if bold else _REGULAR_TABLE
    total = 0.0
    for char in word:
        width = table.get(char)
        total += width if width is not None else _other(char) * (1.1 if bold else 1.0)
    return total


SPACE = _REGULAR_TABLE[" "]


def wrap(words: tuple[str, ...], widths: tuple[float, ...], size: float, limit: float, force: bool = False) -> list[str] | None:
    """Greedy line breaking of words (with their advances at size 1) into lines at most
    `limit` wide at `size`. A word wider than a line gives None, so the caller tries a
    smaller size first; with `force` it is broken between characters instead (the text
    stays whole, never cut with an ellipsis)."""
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    room = limit / size
    if force and any(width > room for width in widths):
        words, widths = _broken(words, widths, room)
    for word, width in zip(words, widths):
        if width > room:
            return None
        if current and used + SPACE + width > room:
            lines.append(" ".join(current))
            current, used = [word], width
        else:
            used = used + SPACE + width if current else width
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _broken(words: tuple[str, ...], widths: tuple[float, ...], room: float) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Words wider than `room` split into pieces that fit (a long URL, say)."""
    out_words: list[str] = []
    out_widths: list[float] = []
    for word, width in zip(words, widths):
        if width <= room:
            out_words.append(word)
            out_widths.append(width)
            continue
        piece = ""
        for char in word:
            if piece and word_width(piece + char) > room:
                out_words.append(piece)
                out_widths.append(word_width(piece))
                piece = ""
            piece += char
        if piece:
            out_words.append(piece)
            out_widths.append(word_width(piece))
    return tuple(out_words), tuple(out_widths)
