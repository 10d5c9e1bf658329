"""Large worksheets built column-wise: the ``<sheetData>`` rows of an xlsx sheet as Arrow string
arrays (no per-cell Python), streamed into the package that xlsxwriter wrote for the rest.

xlsxwriter writes the workbook — styles, the small sheets, each big sheet's header row, column
widths, frozen panes and filters. The rows of the big sheets are then built here in chunks,
column by column (text XML-escaped with Arrow kernels, numbers and dates as ``<v>`` values, each
cell's style chosen from a small table), and written into the sheet's XML while the zip is copied
once (deflate level 1: the XML is larger than the data and the default level triples the time).
Text is always an inline string (``t="inlineStr"``), never a formula; text that starts like a
formula carries the quote-prefix style, as xlsxwriter's own cells do.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zyfw_checks.formatting import column_letter  # noqa: F401  (excel.py reads it here)

MAX_CHARS = 32_767  # characters an Excel cell can hold
_XML_SPECIAL = r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f]"
_CONTROL = [c for c in range(0x20) if chr(c) not in "\n\r\t"]
_EPOCH = np.datetime64("1899-12-30T00:00:00", "ns")
_DAY_NS = 86_400 * 10**9




def style_attr(fmt) -> str:
    """`` s="N"`` for an xlsxwriter format ('' for none). Asking for the index registers the format
    with the workbook, which then writes it into styles.xml at close."""
    return "" if fmt is None else f' s="{fmt._get_xf_index()}"'


def arrow_text(values) -> pa.Array:
    """A pandas Series, Arrow array or sequence of str/None as one Arrow string array."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        return values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
    if isinstance(values, pd.Series):
        arr = values.array
        if hasattr(arr, "_pa_array"):
            return arrow_text(arr._pa_array)
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        values = values.to_numpy(dtype=object, na_value=None)
    return pa.array(values, type=pa.string(), from_pandas=True)


def xml_text(arr: pa.Array) -> pa.Array:
    """Text as XML character data: ``& < >`` escaped, control characters as Excel's ``_xHHHH_``,
    cut at Excel's cell limit. Only the values that need it are rewritten."""
    arr = pc.utf8_slice_codeunits(arr, 0, MAX_CHARS)
    need = pc.fill_null(pc.match_substring_regex(arr, _XML_SPECIAL), False)
    if not pc.any(need).as_py():
        return arr
    sub = pc.filter(arr, need)
    for old, new in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        sub = pc.replace_substring(sub, old, new)
    if pc.any(pc.fill_null(pc.match_substring_regex(sub, r"[\x00-\x1f]"), False)).as_py():
        for c in _CONTROL:
            sub = pc.replace_substring(sub, chr(c), f"_x{c:04X}_")
    return pc.replace_with_mask(arr, need, sub.cast(arr.type))


@dataclass
class Styles:
    """The style attribute of each kind of cell, by severity code (0..len-1, len = none)."""

    text: list[str]  # by severity code; the last is a plain cell
    quoted: list[str]  # text that starts like a formula
    number: list[str]
    date: list[str]
    blank: list[str | None]  # None: an empty cell is not written


def _pick(table: list, codes: np.ndarray) -> pa.Array:
    return pc.take(pa.array(table, type=pa.string()), pa.array(codes.astype("int8")))


def _split(values: pd.Series) -> tuple[pa.Array | None, np.ndarray | None, np.ndarray | None]:
    """A column as (text, numbers, date serials), each null/NaN where the value is another kind."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return arrow_text(values), None, None
    dtype = values.dtype
    n = len(values)
    if pd.api.types.is_bool_dtype(dtype):
        return arrow_text(values.map({True: "TRUE", False: "FALSE"}, na_action="ignore")), None, None
    if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
        num = values.to_numpy(dtype="float64", na_value=np.nan)
        inf = np.isinf(num)
        if inf.any():
            text = pa.array(np.where(inf, np.where(num > 0, "inf", "-inf"), None).astype(object), type=pa.string())
            return text, np.where(inf, np.nan, num), None
        return None, num, None
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return None, None, _serial(values)
    if not pd.api.types.is_object_dtype(dtype):
        return arrow_text(values), None, None
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind in ("string", "empty"):
        return arrow_text(values), None, None
    # mixed values (an Excel column of numbers, dates and text): classify once per value
    obj = values.to_numpy(dtype=object)
    types = pd.Series(obj).map(type).to_numpy()
    is_num = np.isin(types, [int, float, np.float64, np.int64])
    is_date = np.isin(types, [pd.Timestamp, dt.datetime, dt.date, np.datetime64])
    num = np.full(n, np.nan)
    if is_num.any():
        num[is_num] = obj[is_num].astype("float64")
        bad = is_num & (np.isinf(num) | np.isnan(num))
        is_num &= ~bad
        num[bad] = np.nan
    dates = None
    if is_date.any():
        try:
            dates = np.full(n, np.nan)
            dates[is_date] = _serial(pd.Series(list(obj[is_date])))
        except (TypeError, ValueError):
            is_date[:] = False
            dates = None
    is_text = ~(is_num | is_date) & pd.notna(obj)
    if dates is not None:
        is_text &= np.isnan(dates) | ~is_date
    text = np.where(is_text, pd.Series(obj).map(_as_text, na_action="ignore").to_numpy(dtype=object), None)
    return (pa.array(text, type=pa.string()) if is_text.any() else None,
            num if is_num.any() else None, dates)


def _as_text(v) -> str:
    return v if isinstance(v, str) else ("TRUE" if v is True else "FALSE" if v is False else str(v))


def _serial(values: pd.Series) -> np.ndarray:
    """Excel date serials (days since 1899-12-30), NaN for blanks; time zones dropped."""
    ts = pd.to_datetime(values, errors="coerce")
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)
    ns = ts.to_numpy(dtype="datetime64[ns]")
    out = (ns - _EPOCH).astype("int64") / _DAY_NS
    return np.where(np.isnat(ns), np.nan, out)


def column_cells(letter: str, rn: pa.Array, values: pd.Series, sev: np.ndarray, styles: Styles) -> pa.Array:
    """The ``<c>`` elements of one column; ``sev`` holds each cell's severity code. Cells carry no
    reference (``r`` is optional in SpreadsheetML), so a cell with nothing in it is written as an
    empty ``<c/>`` to keep the next cell in its column; ``letter`` and ``rn`` are kept for callers
    that name cells."""
    text, num, date = _split(values)
    ref = "<c"  # no cell reference: cells follow one another (a blank is an empty <c/> with no value)
    cells = None
    if text is not None:
        text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)  # an empty text is a blank cell
        esc = xml_text(text)
        quoted = np.asarray(pc.fill_null(pc.match_substring_regex(text, r"^[=+\-@\t\r]"), False)
                            .to_numpy(zero_copy_only=False), dtype=bool)
        style = pc.if_else(pa.array(quoted), _pick(styles.quoted, sev), _pick(styles.text, sev))
        space = pc.if_else(pc.fill_null(pc.match_substring_regex(text, r"^\s|\s$"), False),
                           ' xml:space="preserve"', "")
        cells = pc.binary_join_element_wise(ref, style, ' t="inlineStr"><is><t', space, ">", esc, "</t></is></c>", "")
    for vals, table in ((num, styles.number), (date, styles.date)):
        if vals is None:
            continue
        v = pa.array(vals, from_pandas=True)  # NaN → null
        c = pc.binary_join_element_wise(ref, _pick(table, sev), "><v>", pc.cast(v, pa.string()), "</v></c>", "")
        cells = c if cells is None else pc.coalesce(cells, c)
    blank = pc.take(pa.array([b or "" for b in styles.blank], type=pa.string()), pa.array(sev.astype("int8")))
    empty = pc.binary_join_element_wise(ref, blank, "/>", "")
    return empty if cells is None else pc.coalesce(cells, empty)


def shared_cells(codes: np.ndarray, base: int, sev: np.ndarray, styles: Styles) -> pa.Array:
    """Cells that point into the shared-string table (``base + code``; code -1 is blank): for
    columns with few distinct texts (rule, severity, title, clause), written once in the table."""
    idx = pc.cast(pa.array(codes.astype("int64") + base, mask=codes < 0), pa.string())
    style = _pick(styles.text, sev)
    cells = pc.binary_join_element_wise("<c", style, ' t="s"><v>', idx, "</v></c>", "")
    blank = pc.take(pa.array([b or "" for b in styles.blank], type=pa.string()), pa.array(sev.astype("int8")))
    return pc.coalesce(cells, pc.binary_join_element_wise("<c", blank, "/>", ""))


def shared_strings(texts: list[str]) -> str:
    """``<si>`` items for the shared-string table."""
    arr = xml_text(pa.array(texts, type=pa.string()))
    return "".join(f'<si><t xml:space="preserve">{t}</t></si>' for t in arr.to_pylist())


def rows_xml(row_numbers: np.ndarray, columns: list[pa.Array]) -> memoryview:
    """``<row>`` elements for the cells of each column; the text of the whole chunk, as is."""
    rn = pc.cast(pa.array(row_numbers.astype("int64")), pa.string())
    lines = pc.binary_join_element_wise('<row r="', rn, '">', *columns, "</row>", "")
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    _, off_buf, data = lines.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int32)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


@dataclass
class BigSheet:
    """Rows to stream into sheet ``index`` (1-based, in the order the sheets were added)."""

    index: int
    chunks: Callable[[], Iterable[memoryview]]
    last_row: int  # 0-based, header included
    last_col: int


def inject(content: bytes, sheets: list[BigSheet], shared: list[str] | None = None, progress=None) -> bytes:
    """The package xlsxwriter wrote, with each big sheet's rows streamed in after its header row and
    ``shared`` appended to its shared-string table (their indices follow xlsxwriter's own)."""
    by_name = {f"xl/worksheets/sheet{s.index}.xml": s for s in sheets}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            big = by_name.get(info.filename)
            if info.filename == "xl/sharedStrings.xml" and shared:
                data = _append_shared(data.decode("utf-8"), shared).encode("utf-8")
            if big is None:
                dst.writestr(info.filename, data)
                continue
            xml = data.decode("utf-8")
            if "<sheetData/>" in xml:
                xml = xml.replace("<sheetData/>", "<sheetData></sheetData>", 1)
            start = xml.index("<sheetData>") + len("<sheetData>")
            first = xml.find("</row>", start)  # after the header row; a note row below the data stays below
            cut = first + len("</row>") if first >= 0 and first < xml.index("</sheetData>") else xml.index("</sheetData>")
            head, tail = xml[:cut], xml[cut:]
            ref = f"A1:{column_letter(big.last_col)}{big.last_row + 1}"
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>', head, count=1)
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                fh.write(head.encode("utf-8"))
                for chunk in big.chunks():
                    fh.write(chunk)
                    if progress is not None:
                        progress()
                fh.write(tail.encode("utf-8"))
    return out.getvalue()


def shared_base(content: bytes) -> int:
    """How many strings xlsxwriter put in the shared-string table (the next index)."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        if "xl/sharedStrings.xml" not in z.namelist():
            return 0
        head = z.read("xl/sharedStrings.xml")[:400].decode("utf-8", "replace")
    m = re.search(r'uniqueCount="(\d+)"', head)
    return int(m.group(1)) if m else 0


def _append_shared(xml: str, texts: list[str]) -> str:
    m = re.search(r'<sst [^>]*count="(\d+)" uniqueCount="(\d+)"[^>]*>', xml)
    count, unique = int(m.group(1)), int(m.group(2))
    # ``count`` is the number of cells that use the table; readers treat it as a hint
    head = (xml[:m.start(1)] + str(count + len(texts)) + xml[m.end(1):m.start(2)] + str(unique + len(texts))
            + xml[m.end(2):m.end()])
    body = xml[m.end():]
    return head + body.replace("</sst>", shared_strings(texts) + "</sst>")
