"""Reading a file's bytes into cell grids: CSV/text (any encoding the kit reads), Excel (calamine), HTML
tables and XML Spreadsheet 2003 saved as .xls; the format is decided from the bytes, not the name."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks import parsing
from zyfw_checks.load.table import (
    _MB,
    CSV_EXT,
    EXCEL_EXT,
    PARQUET,
    PARQUET_EXT,
    LoadError,
    _limit,
)

# ---------------------------------------------------------------- reading cells


class Sheets(dict):
    """Sheet name → raw cells, plus what the reader learnt: hidden sheets, the real format, notes."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.hidden: set = set()
        self.notes: list[str] = []
        self.fmt: str = ""
        self.data: bytes | None = None  # the bytes of a text file, kept to name its encoding if no header is found


def _utf16(data: bytes) -> str | None:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return "utf-16"
    head = data[:400]
    half = len(head) // 2
    if half >= 4:  # ASCII (tabs, digits, newlines) in UTF-16 has a zero byte on one side only; CJK has none
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd > 0.1 * half and even < 0.02 * half:
            return "utf-16-le"
        if even > 0.1 * half and odd < 0.02 * half:
            return "utf-16-be"
    return None


def _decode(data: bytes, name: str) -> str:
    enc = _utf16(data)
    if enc:
        return data.decode(enc, errors="replace")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"无法识别文件“{name}”的文字编码（既不是 UTF-8 也不是 GBK）。请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx 后再试。")


def _sniff(data: bytes) -> str:
    """What the bytes really are, whatever the file is called: zip (xlsx), ole (xls), parquet, xml2003,
    html or text. Many Chinese web systems save an HTML table or XML Spreadsheet 2003 as ``.xls``."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if data[:4] == b"PAR1":
        return "parquet"
    enc = _utf16(data)
    head = data[:65536].decode(enc or "utf-8", errors="ignore")
    if not head.strip() and not enc:
        head = data[:65536].decode("gb18030", errors="ignore")
    low = head.lstrip("\ufeff \t\r\n").lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in low and "<workbook" in low:
        return "xml2003"
    if low.startswith("<") and ("<table" in low or "<html" in low):
        return "html"
    return "text"


def _guess_sep(lines: list[str]) -> str:
    """The separator that splits the first lines most consistently (',' wins ties)."""
    lines = [ln for ln in lines if ln.strip()][:30]
    best, best_score = ",", 0.0
    for sep in (",", "\t", ";", "|"):
        counts = sorted(ln.count(sep) for ln in lines)
        if not counts:
            continue
        median = counts[len(counts) // 2]
        if median > best_score:
            best, best_score = sep, median
    return best


def _too_many_rows(n: int, name: str) -> None:
    limit = int(_limit("max_rows"))
    if n > limit:
        raise LoadError(
            f"“{name}”有 {n:,} 行以上，超过 Excel 工作表最多 {limit:,} 行的上限，不像是平台或 Excel 导出的记录表，"
            "已拒绝读取。请确认文件，或把记录分成几个文件分别检查。"
        )



def _head(data: bytes, encoding: str) -> str | None:
    """The first 64 KB as text in ``encoding`` (a character cut at the end is fine); None if it is not."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data[:65536], final=len(data) <= 65536)
    except UnicodeDecodeError:
        return None


def _read_csv(data: bytes, name: str) -> Sheets:
    # UTF-8, or else GBK/GB18030 (what Excel on Chinese Windows saves), goes to pyarrow as bytes: it checks
    # or transcodes the encoding itself, block by block. UTF-16 and anything odd are decoded here first.
    if not _utf16(data):
        bom = data.startswith(codecs.BOM_UTF8)
        body = memoryview(data)[3:] if bom else memoryview(data)
        for enc in ("utf-8", "gb18030"):
            head = _head(body, enc)
            if head is None or not head.strip():
                continue
            out = _csv_sheets(head, name, lambda skip, sep, width, head=head, enc=enc: _arrow_csv(
                body[len(head[:skip].encode(enc)):], sep, width, encoding=enc))
            if out is not None:
                return out
            break
    text = _decode(data, name)
    if not text.strip():
        raise LoadError(f"文件“{name}”是空的：没有任何内容。")
    out = _csv_sheets(text[:65536], name,
                      lambda skip, sep, width: _arrow_csv(text[skip:].lstrip("\ufeff").encode("utf-8"), sep, width))
    if out is not None:
        return out
    out = Sheets()
    sep, width, skip = _declared(text, out)
    text = text[skip:]
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=None, names=range(width), dtype=str, keep_default_na=False,
            skip_blank_lines=False, sep=sep, engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))  # ragged rows: slow path, still exact
        frame = pd.DataFrame(rows)
    out[None] = frame.replace("", None)
    return out


def _first_line(text: str) -> tuple[str, int]:
    nl = text.find("\n")
    return text[: nl if nl >= 0 else len(text)], nl


def _declared(text: str, out: Sheets) -> tuple[str, int, int]:
    """Separator, column count and how many characters to skip (Excel's ``sep=;`` hint line)."""
    first, nl = _first_line(text)
    declared = re.fullmatch(r'\s*"?sep=(.)"?\s*', first.lstrip("\ufeff"), flags=re.I)
    if declared:  # Excel's own hint line: Excel does not show it, so Excel row 1 is the next line
        out.notes.append(f"文件第一行“{first.strip()}”声明了分隔符，已按它读取（Excel 打开时不显示这一行）。")
        skip = nl + 1 if nl >= 0 else len(text)
        sep, width = _sep_width(text, skip, declared.group(1))
        return sep, width, skip
    sep, width = _sep_width(text, 0)
    if sep in (";", "|"):
        out.notes.append(f"文件用“{sep}”分隔各列，已按此读取。")
    return sep, width, 0


def _sep_width(text: str, skip: int, sep: str | None = None) -> tuple[str, int]:
    head = text[skip: skip + 20000].splitlines()[:60]
    sep = sep or _guess_sep(head)
    return sep, max((len(r) for r in csv.reader(head, delimiter=sep)), default=1)


def _csv_sheets(head: str, name: str, read) -> Sheets | None:
    """The fast read (pyarrow) after the hint line is dealt with; None when it cannot read the file."""
    out = Sheets()
    sep, width, skip = _declared(head, out)
    frame = read(skip, sep, width)
    if frame is None:
        return None
    out[None] = frame
    return out


def _may_quote_newlines(data) -> bool:
    """Whether a cell may hold a line break. Only a quoted cell can, so bytes without a quote byte cannot
    (in UTF-8 and GB18030 the byte 0x22 is only ever the quote); the reader then splits the file into
    blocks at any line end, about twice as fast. A stray 0x22 (UTF-16) only keeps the careful way."""
    src = data.obj if isinstance(data, memoryview) else data
    try:
        return src.find(b'"') >= 0
    except (AttributeError, TypeError):
        return True


def _arrow_csv(data, sep: str, width: int, encoding: str = "utf-8") -> pd.DataFrame | None:
    """Read CSV bytes with pyarrow's multi-threaded C++ reader: every cell as text, blanks as missing.
    None when the rows are ragged, quoted oddly or not in ``encoding``; the caller then takes a slower path."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(i) for i in range(width)]
    try:
        tbl = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20,
                                           encoding="utf8" if encoding == "utf-8" else encoding),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=_may_quote_newlines(data),
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    frame = tbl.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    frame.columns = range(width)
    return frame


def _guard_zip(data: bytes, name: str) -> None:
    """Refuse a decompression bomb from the zip directory alone: nothing is inflated except the first
    few KB of each worksheet, which holds its declared size (``<dimension ref="A1:AB4000000"/>``)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: the Excel reader gives its own clear message
    total = sum(i.file_size for i in infos)
    cap = float(_limit("max_uncompressed_mb"))
    refuse = (
        f"“{name}”解压后的内容异常庞大，已拒绝读取（为保护本机，没有解压）。"
        "正常的记录表不会这样；如果确实是导出的记录，请在 Excel/WPS 中打开后另存为 .xlsx，或分成几个文件再试。"
    )
    if total > cap * _MB:
        raise LoadError(refuse + f"（压缩包声明解压后共 {total / _MB:,.0f} MB，上限 {cap:g} MB）")
    ratio, floor = float(_limit("max_inflate_ratio")), float(_limit("max_ratio_check_mb")) * _MB
    for i in infos:
        if i.file_size > floor and i.file_size > ratio * max(i.compress_size, 1):
            raise LoadError(refuse + f"（“{i.filename}”压缩比 {i.file_size / max(i.compress_size, 1):,.0f} 倍，"
                            f"上限 {ratio:g} 倍）")
    for i in infos:
        if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml"):
            try:
                with zf.open(i) as fh:
                    head = fh.read(4096)
            except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
                continue
            m = re.search(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"', head)
            if m and m.group(2):
                _too_many_rows(int(m.group(2)), name)


def _read_excel(data: bytes, name: str, sheet: str | None) -> Sheets:
    """Every sheet (or the named one) as raw cells from A1, read by calamine (python-calamine).

    Called directly rather than through ``pd.read_excel(engine="calamine")``: same reader, ~30 % faster
    because pandas' per-cell type handling is skipped (the parsers below do that, vectorised).
    """
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise LoadError(f"工作簿“{name}”里没有名为“{sheet}”的工作表（有：{'、'.join(names)}）。")
        out = Sheets()
        try:
            out.hidden = {m.name for m in book.sheets_metadata if "visible" not in str(m.visible).lower()
                          or "hidden" in str(m.visible).lower()}
        except AttributeError:  # older calamine: no visibility, every sheet counts as visible
            pass
        for n in [sheet] if sheet is not None else names:
            rows = book.get_sheet_by_name(n).to_python(skip_empty_area=False)
            _too_many_rows(len(rows), name)
            out[n] = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
        return out
    except LoadError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken zips and encrypted files
        raise LoadError(
            f"无法读取 Excel 文件“{name}”（{type(exc).__name__}）：文件可能已损坏、加了密码，或其实不是 Excel 格式。"
            "请用 Excel/WPS 打开后另存为 .xlsx 再试。"
        ) from exc


_NOT_CONTENT = re.compile(r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>", re.S | re.I)
_TABLE_RE = re.compile(r"<table\b.*?</table\s*>", re.S | re.I)
_HTML_TOKENS = re.compile(r"(<tr\b[^>]*>|<t[dh]\b[^>]*>)", re.I)
_XML_TOKENS = re.compile(r"(<(?:ss:)?Row\b[^>]*>|<(?:ss:)?Cell\b[^>]*>)")
_XDATA = r'(?s)<(?:ss:)?Data\b[^>]*?Type="(?P<t>\w+)"[^>]*>(?P<v>.*?)</(?:ss:)?Data\s*>'


def _int(v) -> int:
    try:
        return max(1, min(int(str(v).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _attr(markers: pd.Series, word: str, pattern: str) -> np.ndarray:
    """A numeric attribute of each tag (NaN where absent): RE2 over all tags, skipped when no tag has ``word``.
    ``pattern`` has one named group ``n``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(markers.array)
    if not pc.any(pc.match_substring(arr, word, ignore_case=True)).as_py():
        return np.full(len(markers), np.nan)
    res = pc.extract_regex(arr, pattern)
    found = pd.Series(pd.arrays.ArrowStringArray(res.field("n")))
    found = found.where(res.is_valid().to_numpy(zero_copy_only=False))
    return parsing.to_float(found).to_numpy()


def _positions(group: np.ndarray, width: np.ndarray, explicit: np.ndarray) -> np.ndarray:
    """0-based positions of items laid out in order within each group: each item starts where the
    previous one ended, unless it names its own 1-based position (ss:Index), which moves it forward."""
    ends = pd.Series(width).groupby(group).cumsum().to_numpy()
    base = ends - width
    offset = pd.Series(np.where(np.isnan(explicit), np.nan, explicit - 1 - base)).groupby(group).ffill()
    return (base + offset.fillna(0).to_numpy()).astype("int64")


def _clean_markup(values: np.ndarray) -> np.ndarray:
    """Cell markup → text, per distinct value: tags dropped (<br> as a space), entities decoded,
    spaces collapsed, empty → None."""
    import html as _html

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object).astype("string[pyarrow]")
    u = u.str.replace(r"(?i)<br\s*/?>", " ", regex=True).str.replace(r"<[^>]*>", "", regex=True)
    amp = u.str.contains("&", regex=False).fillna(False).astype(bool)
    if amp.any():
        u[amp] = u[amp].map(_html.unescape)
    u = u.str.replace("[\\s\u00a0\u3000]+", " ", regex=True).str.strip()
    u = u.mask(u == "")
    vals = u.astype(object).where(u.notna(), None).to_numpy()
    out = np.empty(len(codes), dtype=object)
    out[:] = None
    hit = codes >= 0
    out[hit] = vals[codes[hit]]
    return out


def _grid_rows(cells: pd.DataFrame) -> list[list]:
    """Rows with rowspans (rare, usually the header): laid out cell by cell; a merged cell's text sits
    in its top-left cell only, as in Excel."""
    grid: list[list] = []
    pending: set[tuple[int, int]] = set()
    for r, part in cells.groupby("row", sort=True):
        while len(grid) < r:
            grid.append([])
        row: list = []
        for value, cs, rs in zip(part["value"], part["colspan"], part["rowspan"], strict=True):
            while (r, len(row)) in pending:
                pending.discard((r, len(row)))
                row.append(None)
            c = len(row)
            row.append(value)
            row.extend([None] * (int(cs) - 1))
            pending.update((r + dr, c + dc) for dr in range(1, int(rs)) for dc in range(int(cs)))
        grid.append(row)
    return grid


def _place(nrows: int, rows: np.ndarray, cols: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    width = int(cols.max()) + 1 if len(cols) else 0
    grid = np.empty((nrows, width), dtype=object)
    grid[:] = None
    grid[rows, cols] = values
    return pd.DataFrame(grid, dtype=object)


def _html_table(body: str) -> pd.DataFrame:
    toks = _HTML_TOKENS.split(body)
    markers = pd.Series(toks[1::2], dtype="string[pyarrow]")
    texts = np.array(toks[2::2], dtype=object)
    is_row = markers.str.match(r"(?i)<tr").fillna(False).to_numpy(dtype=bool)
    row = np.cumsum(is_row) - 1
    cell = ~is_row & (row >= 0)
    nrows = int(row.max()) + 1 if len(row) else 0
    if not cell.any():
        return pd.DataFrame(dtype=object)
    cm = markers[cell]
    colspan = np.nan_to_num(_attr(cm, "colspan", r"(?i)colspan\s*=\s*[\"']?\s*(?P<n>\d+)"), nan=1).clip(1, 1000).astype("int64")
    rowspan = np.nan_to_num(_attr(cm, "rowspan", r"(?i)rowspan\s*=\s*[\"']?\s*(?P<n>\d+)"), nan=1).clip(1, 1000).astype("int64")
    values = _clean_markup(texts[cell])
    r = row[cell]
    if (rowspan > 1).any():
        grid = _grid_rows(pd.DataFrame({"row": r, "value": values, "colspan": colspan, "rowspan": rowspan}))
        grid += [[] for _ in range(nrows - len(grid))]
        width = max(map(len, grid), default=0)
        return pd.DataFrame([g + [None] * (width - len(g)) for g in grid], dtype=object)
    cols = _positions(r, colspan, np.full(len(r), np.nan))
    return _place(nrows, r, cols, values)


def _read_html(data: bytes, name: str) -> Sheets:
    """Every <table> of an HTML page (what many web systems save as .xls). The page is cut into tags
    by one regular expression and laid out with array operations; cell text is cleaned per distinct value."""
    text = _decode(data, name)
    m = re.search(r'<meta[^>]+charset=["\']?([\w-]+)', text[:4000], flags=re.I)
    if m and m.group(1).lower() in ("gbk", "gb2312", "gb18030") and not _utf16(data):
        text = data.decode("gb18030", errors="replace")
    text = _NOT_CONTENT.sub(" ", text)  # comments, scripts and styles may hold "<table" text of their own
    _too_many_rows(len(re.findall(r"<tr\b", text, flags=re.I)), name)
    tables = [f for f in (_html_table(tm.group(0)) for tm in _TABLE_RE.finditer(text)) if f.size]
    if not tables:
        raise LoadError(f"“{name}”是网页（HTML）文件，里面没有表格。请从平台重新导出 Excel 或 CSV 格式的记录。")
    out = Sheets()
    for i, frame in enumerate(tables, start=1):
        out[f"表{i}" if len(tables) > 1 else None] = frame
    return out


def _xml_table(body: str, name: str) -> pd.DataFrame:
    toks = _XML_TOKENS.split(body)
    markers = pd.Series(toks[1::2], dtype="string[pyarrow]")
    texts = pd.Series(toks[2::2], dtype="string[pyarrow]")
    is_row = markers.str.match(r"<(?:ss:)?Row\b").fillna(False).to_numpy(dtype=bool)
    seq = np.cumsum(is_row) - 1
    if not is_row.any():
        return pd.DataFrame(dtype=object)
    rm = markers[is_row]
    row_pos = _positions(np.zeros(int(is_row.sum()), dtype="int64"), np.ones(int(is_row.sum()), dtype="int64"),
                         _attr(rm, "Index=", r'Index="(?P<n>\d+)"'))
    _too_many_rows(int(row_pos.max()) + 1, name)
    cell = ~is_row & (seq >= 0)
    if not cell.any():
        return pd.DataFrame(dtype=object)
    cm = markers[cell]
    across = np.nan_to_num(_attr(cm, "MergeAcross=", r'MergeAcross="(?P<n>\d+)"'), nan=0).clip(0, 1000).astype("int64")
    cols = _positions(seq[cell], across + 1, _attr(cm, "Index=", r'Index="(?P<n>\d+)"'))
    try:
        import pyarrow as pa
        import pyarrow.compute as pc

        res = pc.extract_regex(pa.array(texts[cell].array), _XDATA)
        typ = pd.Series(pd.arrays.ArrowStringArray(res.field("t"))).where(res.is_valid().to_numpy(zero_copy_only=False))
        raw = pd.Series(pd.arrays.ArrowStringArray(res.field("v"))).where(res.is_valid().to_numpy(zero_copy_only=False))
    except (ImportError, ValueError, TypeError):  # pragma: no cover
        parts = texts[cell].reset_index(drop=True).str.extract(_XDATA)
        typ, raw = parts["t"], parts["v"]
    values = pd.Series(_clean_markup(raw.to_numpy(dtype=object)), dtype=object)
    num = (typ == "Number").fillna(False).to_numpy(dtype=bool)
    if num.any():
        values[num] = pd.to_numeric(values[num], errors="coerce").to_numpy()
    when = (typ == "DateTime").fillna(False).to_numpy(dtype=bool)
    if when.any():
        values[when] = pd.to_datetime(values[when], errors="coerce").astype(object).to_numpy()
    vals = values.to_numpy(dtype=object, copy=True)
    vals[pd.isna(vals)] = None
    return _place(int(row_pos.max()) + 1, row_pos[seq[cell]], cols, vals)


_WS_SPLIT = re.compile(r"<(?:ss:)?Worksheet\b")


def _read_xml2003(data: bytes, name: str, sheet: str | None) -> Sheets:
    """XML Spreadsheet 2003 (what some systems save as .xls): <Worksheet><Table><Row><Cell><Data>,
    cut into tags by one regular expression; Number and DateTime cells typed, text cleaned per distinct value."""
    text = _decode(data, name)
    out = Sheets()
    for piece in _WS_SPLIT.split(text)[1:]:
        head, _, body = piece.partition(">")
        nm = re.search(r'Name="([^"]*)"', head)
        title = nm.group(1) if nm else f"Sheet{len(out) + 1}"
        body = body.split("</Worksheet", 1)[0].split("</ss:Worksheet", 1)[0]
        if re.search(r"<(?:x:)?Visible>\s*Sheet(?:Very)?Hidden", body):
            out.hidden.add(title)
        if sheet is not None and sheet != title:
            continue
        out[title] = _xml_table(body, name)
    if sheet is not None and sheet not in out:
        raise LoadError(f"工作簿“{name}”里没有名为“{sheet}”的工作表。")
    if not out:
        raise LoadError(f"“{name}”像是 XML 电子表格（Excel 2003 格式），但里面没有工作表。请用 Excel/WPS 打开后另存为 .xlsx 再试。")
    return out


def read_cells(source, name: str | None = None, sheet: str | None = None) -> Sheets:
    """Every sheet of the file as a frame of raw cells, index 0 = Excel row 1. Nothing is written.

    The format is decided from the bytes, not the name: an HTML table, XML Spreadsheet 2003 or UTF-16
    tab-separated text saved as ``.xls`` is read as what it is (and said so in the notes).
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        if not path.exists():
            raise LoadError(f"找不到文件：{path}")
        if path.is_dir():
            raise LoadError(f"“{path}”是一个文件夹，请给出记录文件（.xlsx/.xls/.csv）。")
        data = path.read_bytes()
    else:
        data = bytes(source)
        name = name or "上传的文件"
    ext = Path(name).suffix.lower()
    if not data:
        raise LoadError(f"文件“{name}”是空的（0 字节）。请重新导出后再试。")
    if ext and ext not in EXCEL_EXT | CSV_EXT | PARQUET_EXT:
        raise LoadError(
            f"不支持的文件类型“{ext}”（文件“{name}”）。请上传 .xlsx、.xls、.csv 或 .parquet 文件。"
        )
    fmt = _sniff(data)
    if ext in PARQUET_EXT:
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as exc:
            raise LoadError(f"无法读取 Parquet 文件“{name}”：{exc}") from exc
        out = Sheets({PARQUET: frame})  # no Excel row cap: Parquet is the format for millions of records  # headers are the column names; typed columns take the fast paths
    elif fmt == "zip":
        _guard_zip(data, name)
        out = _read_excel(data, name, sheet)
    elif fmt == "ole" or (ext in EXCEL_EXT and fmt == "text" and not _utf16(data) and _binary(data)):
        out = _read_excel(data, name, sheet)
    elif fmt == "html":
        out = _read_html(data, name)
        if ext in EXCEL_EXT:
            out.notes.append(f"“{name}”的扩展名是 {ext}，内容其实是网页表格（HTML，很多网上系统这样导出），已按网页表格读取。")
    elif fmt == "xml2003":
        out = _read_xml2003(data, name, sheet)
        if ext in EXCEL_EXT:
            out.notes.append(f"“{name}”是 XML 电子表格（Excel 2003 格式），已按此格式读取。")
    else:
        out = _read_csv(data, name)
        if ext in EXCEL_EXT:
            enc = "UTF-16 " if _utf16(data) else ""
            out.notes.append(f"“{name}”的扩展名是 {ext}，内容其实是{enc}文本表格（制表符或逗号分隔），已按文本读取。")
    out.fmt = fmt
    if fmt in ("text", "html") and ext not in PARQUET_EXT:
        out.data = data
    return out


_READ_ENCODINGS = {"utf_8", "utf_8_sig", "gb18030", "gbk", "gb2312", "ascii", "utf_16", "utf_16_le", "utf_16_be"}
_ENCODING_NAMES = {"big5": "Big5（繁体中文，台湾、香港常用）", "big5hkscs": "Big5-HKSCS（繁体中文，香港）",
                   "cp950": "Big5（繁体中文）", "cp932": "Shift-JIS（日文）", "shift_jis": "Shift-JIS（日文）",
                   "euc_jp": "EUC-JP（日文）", "euc_kr": "EUC-KR（韩文）", "cp949": "EUC-KR（韩文）"}


def _foreign_encoding(data: bytes | None) -> str | None:
    """The name of a text file's encoding when it is not one the loader reads (UTF-8, GBK/GB18030, UTF-16):
    asked only after no header was found, so the usual file never pays for the detection."""
    if not data or _utf16(data):
        return None
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency; without it the plain message stands
        return None
    best = from_bytes(data[:65536]).best()
    if best is None:
        return None
    enc = best.encoding.lower().replace("-", "_")
    if enc in _READ_ENCODINGS:
        return None
    return _ENCODING_NAMES.get(enc, best.encoding)


def _binary(data: bytes) -> bool:
    """Bytes that are not text (control characters other than tab/newline in the first KB)."""
    head = data[:1024]
    return sum(b < 9 or 13 < b < 32 for b in head) > 0.05 * len(head)
