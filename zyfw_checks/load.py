"""Loading: a user's file (.xlsx/.xls/.csv/.parquet) → canonical table with Excel row numbers.

Everything about header spellings, encodings, title rows and cell formats lives here, so the
rules only ever see canonical field names and typed columns. The input file is only read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks import parsing
from zyfw_checks.errors import KitError
from zyfw_checks.params import load_params, threshold
from zyfw_checks.reasons import Reason

ROW = "_row"  # the row number as Excel shows it in the user's own file
SHEET = "_sheet"
NOTES_SHEET = "填写说明"  # the template's sheet of filling notes: never records, skipped without a word
PARQUET = "__parquet__"  # the pseudo-sheet of a Parquet file (headers are its column names)
EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".ods", ".et"}
CSV_EXT = {".csv", ".txt", ".tsv"}
PARQUET_EXT = {".parquet", ".pq"}
_SHEET_ROLES = {"records": "服务记录", "volunteers": "志愿者", "activities": "活动"}
_JOIN_KEYS = {"volunteers": "志愿者编号", "activities": "活动编号"}
_MB = 1024 * 1024

TOTAL_ROW, FOOTER_ROW, BLANK_ROW, NOT_APPROVED, SUMMARY_FILE = (
    Reason.TOTAL_ROW, Reason.FOOTER_ROW, Reason.BLANK_ROW, Reason.NOT_APPROVED, Reason.SUMMARY_FILE)
ENCODING = "ENCODING"  # LoadError.code of a text file in an encoding the loader does not read (Big5, Shift-JIS)
COLUMN_INFO = ["column", "header", "field", "unit", "status"]
SKIPPED = ["row", "reason_code", "reason", "detail"]


class LoadError(KitError):
    """A file that cannot be read: the message says, in Chinese, what is wrong and what to do."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code  # e.g. SUMMARY_FILE for a per-person summary; None for plain read errors


@dataclass
class Table:
    df: pd.DataFrame  # canonical columns + _row (+ _sheet)
    kind: str
    source: str
    sheet: str | None = None
    header_row: int | None = None  # the (last) header row as Excel numbers it
    mapping: dict[str, str] = field(default_factory=dict)  # canonical → header as written
    unknown_headers: list[str] = field(default_factory=list)
    bad_cells: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "field", "header", "value", "type", "hint"])
    )
    notes: list[str] = field(default_factory=list)  # what was skipped or assumed, said to the user
    original: pd.DataFrame | None = None  # the data rows as read (headers as written), for reports
    # one row per source column: Excel letter, header as written, canonical field, unit, status
    columns: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMN_INFO))
    # rows the loader set aside (not checked): Excel row, coded reason, its label, the cell that decided
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SKIPPED))
    units: dict[str, str] = field(default_factory=dict)  # canonical hours field → unit of the source column
    header_rows: int = 1  # 2 when a two-row merged header was combined
    # headers that look like a field but match none of its spellings: canonical field guessed → header as written
    # (the engine makes the rules that need such a field 未评估, never 通过; the user can map it by hand)
    unrecognised: dict[str, str] = field(default_factory=dict)
    # per record, on df's index: start_clock / end_clock (the 开始时间 / 结束时间 cell gave a clock time, not a
    # date alone) and overnight (the end was moved to the next day: clock times only, one date, end < start)
    time_flags: dict[str, pd.Series] = field(default_factory=dict)

    def bad_mask(self, name: str) -> pd.Series:
        """True where the cell of field ``name`` was filled but could not be read."""
        rows = self.bad_cells.loc[self.bad_cells["field"] == name, "row"]
        if not len(rows):
            return pd.Series(np.zeros(len(self.df), dtype=bool), index=self.df.index)
        return self.df[ROW].isin(rows)

    @property
    def ignored_columns(self) -> list[str]:
        """Headers of the source columns that no check reads (unknown, duplicate, or set aside by the user)."""
        c = self.columns
        return c.loc[c["status"] != "已使用", "header"].tolist() if len(c) else list(self.unknown_headers)

    def column_mapping(self) -> list[dict]:
        """Source header → canonical field (with unit and status), for views and JSON output."""
        c = self.columns.astype(object).where(self.columns.notna(), None)
        return c.to_dict("records")

    def skipped_counts(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in self.skipped["reason_code"].astype(str).value_counts().items()}

    def describe(self) -> dict:
        """What the loader found, as plain data (the JSON output carries it)."""
        return {
            "source": self.source, "sheet": self.sheet, "header_row": self.header_row,
            "header_rows": self.header_rows, "records": int(len(self.df)),
            "columns": self.column_mapping(), "ignored_columns": self.ignored_columns,
            "units": dict(self.units), "skipped_rows": self.skipped_counts(),
        }


# ---------------------------------------------------------------- field specs


def field_specs(kind: str) -> dict[str, dict]:
    """The canonical fields of a table kind that the template lists (``fields`` in params/fields/<kind>.yaml)."""
    try:
        return load_params(f"fields/{kind}")["fields"]
    except FileNotFoundError as exc:
        raise LoadError(f"不认识的表类型：{kind}") from exc


def all_fields(kind: str) -> dict[str, dict]:
    """Every field the loader recognises: the template's plus ``extra_fields`` (platform exports, ledgers)."""
    field_specs(kind)
    spec = load_params(f"fields/{kind}")
    return {**spec["fields"], **(spec.get("extra_fields") or {})}


def layout() -> dict:
    return load_params("fields/layout")


def _limit(key: str):
    return threshold(key, name="limits")


def alias_index(kind: str, which: str = "aliases") -> dict[str, str]:
    """normalized header → canonical field. ``which``: aliases (canonical names included),
    fallback_aliases (used only when no other column gives the field) or sub_aliases (2nd header row)."""
    index: dict[str, str] = {}
    for name, spec in all_fields(kind).items():
        words = [name, *spec.get("aliases", [])] if which == "aliases" else spec.get(which, [])
        for alias in words:
            index.setdefault(parsing.normalize_header(alias), name)
    return index


def match_header(cell: object, index: dict[str, str]) -> str | None:
    norm = parsing.normalize_header(cell)
    if not norm:
        return None
    return index.get(norm) or index.get(parsing.strip_units(norm))


def _col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


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
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
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


# ---------------------------------------------------------------- header detection


def _text(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    t = str(v)
    return "" if t.strip() in ("", "nan", "None", "NaT") else t  # kept as written (spaces and all)


@dataclass
class _Header:
    pos: int  # row position of the (first) header row
    rows: int  # 1, or 2 for a two-row merged header
    labels: list[str]  # header as shown per column ("服务时间/开始" for a combined one)
    strong: list[str | None]  # field by alias (or sub-header) per column
    weak: list[str | None]  # field by fallback alias per column
    hits: int


class _Indexes:
    def __init__(self, kind: str):
        self.strong = alias_index(kind)
        self.weak = alias_index(kind, "fallback_aliases")
        self.sub = alias_index(kind, "sub_aliases")


def _single(vals: list, ix: _Indexes, pos: int) -> _Header:
    labels = [_text(v) for v in vals]
    strong = [match_header(x, ix.strong) for x in labels]
    weak = [match_header(x, ix.weak) if s is None else None for x, s in zip(labels, strong, strict=True)]
    return _Header(pos, 1, labels, strong, weak, len(set(strong + weak) - {None}))


def _double(top_vals: list, sub_vals: list, ix: _Indexes, pos: int) -> _Header:
    """Two header rows: a group label merged across columns above its sub-headers (服务时间 → 日期/开始/结束)."""
    labels, strong, weak = [], [], []
    group = ""
    for t, s in zip((_text(v) for v in top_vals), (_text(v) for v in sub_vals), strict=False):
        if t:
            group = t if s else ""
        elif not s:
            group = ""
        if not s:  # a header merged down over both rows, or an empty column
            labels.append(t)
            strong.append(match_header(t, ix.strong))
            weak.append(match_header(t, ix.weak) if strong[-1] is None else None)
            continue
        g = t or group
        labels.append(f"{g.strip()}/{s.strip()}" if g else s)
        c = (match_header(g + s, ix.strong) if g else None) or match_header(s, ix.strong) or match_header(s, ix.sub)
        strong.append(c)
        weak.append(match_header(s, ix.weak) if c is None else None)
    return _Header(pos, 2, labels, strong, weak, len(set(strong + weak) - {None}))


def find_header(cells: pd.DataFrame, ix: _Indexes) -> _Header | None:
    """The header among the first rows: the row with the most recognised headers, or a pair of rows
    (a two-row merged header) when combining them recognises strictly more."""
    n = int(threshold("max_header_scan_rows"))
    vals = cells.head(n + 1).to_numpy(dtype=object).tolist()
    best: _Header | None = None
    for pos in range(min(len(vals), n)):
        h = _single(vals[pos], ix, pos)
        if best is None or h.hits > best.hits:
            best = h
    if best is None:
        return None
    for pos in range(min(len(vals) - 1, n)):
        h = _double(vals[pos], vals[pos + 1], ix, pos)
        if h.hits > best.hits:
            best = h
    return best if best.hits >= 2 else None


def _first_nonblank_row(cells: pd.DataFrame) -> list[str]:
    for pos in range(min(len(cells), 30)):
        vals = [str(v) for v in cells.iloc[pos].tolist() if v is not None and str(v).strip() and str(v) != "nan"]
        if vals:
            return vals
    return []


# ---------------------------------------------------------------- building the table


def _frame_from_sheet(
    cells: pd.DataFrame, kind: str, name: str, sheet: str | None, overrides: dict[str, str] | None = None
) -> Table | None:
    ix = _Indexes(kind)
    overrides = overrides or {}
    if sheet == PARQUET:
        h = _single([str(c) for c in cells.columns], ix, -1)
        data, rows = cells, pd.RangeIndex(2, len(cells) + 2)  # as if the header were row 1
    else:
        h = find_header(cells, ix)
        if h is None:
            return None
        data = cells.iloc[h.pos + h.rows :]
        rows = data.index + 1
    data = data.set_axis(range(data.shape[1]), axis=1)
    width = data.shape[1]
    labels = (h.labels + [""] * width)[:width]
    strong, weak = (h.strong + [None] * width)[:width], (h.weak + [None] * width)[:width]
    mapping: dict[str, str] = {}
    cols: dict[str, int] = {}
    fields: list[str | None] = [None] * width
    status = ["未识别" if x else "空表头" for x in labels]
    unknown: list[str] = []
    notes: list[str] = []
    chosen = [(pos, overrides[h]) for pos, h in enumerate(labels) if h in overrides and overrides[h]]
    twice = pd.Series([c for _, c in chosen]).value_counts() if chosen else pd.Series(dtype="int64")
    if (twice > 1).any():
        field = twice.index[twice > 1][0]
        where = "、".join(f"“{labels[p]}”（{_col_letter(p)}列）" for p, c in chosen if c == field)
        raise LoadError(f"字段“{field}”被选给了多个列：{where}。请每个字段只对应一列。")
    # the user's own mapping (app dropdowns) goes first and wins; "" means "do not use this column"
    order = [p for p, _ in chosen] + [p for p in range(width) if labels[p] not in overrides]
    for pos in order:
        header = labels[pos]
        canon = overrides[header] if header in overrides else strong[pos]
        if canon is None:
            continue
        if canon in cols:
            status[pos] = "重复，未使用"
            fields[pos] = canon
            first = cols[canon]
            notes.append(
                f"表头“{header}”（{_col_letter(pos)}列）与“{mapping[canon]}”（{_col_letter(first)}列）都对应字段“{canon}”："
                f"检查使用{_col_letter(first)}列，{_col_letter(pos)}列未参与检查。"
            )
        else:
            cols[canon], mapping[canon], fields[pos], status[pos] = pos, header, canon, "已使用"
    for pos, header in enumerate(labels):
        if header in overrides and not overrides[header]:
            status[pos] = "按设置不使用"
    for pos, header in enumerate(labels):  # fallback headers, only for fields no other column gives
        canon = weak[pos]
        if canon and status[pos] == "未识别" and header not in overrides and canon not in cols:
            cols[canon], mapping[canon], fields[pos], status[pos] = pos, header, canon, "已使用"
            why = ("它可能是整个项目的时间，不一定是这位志愿者这一次服务的时间" if canon in ("开始时间", "结束时间")
                   else "这是最接近的一列，请核对它的含义")
            notes.append(f"表中没有“{canon}”列，已用“{header}”代替；{why}。")
    unknown = [labels[p] for p in range(width) if status[p] == "未识别"]
    unrecognised = _guess_unrecognised(labels, status, set(cols), kind)
    df = pd.DataFrame({canon: data[pos].reset_index(drop=True) for canon, pos in cols.items()})
    df[ROW] = pd.Series(rows).to_numpy()
    shown = []
    for i, x in enumerate(labels):
        label = x or f"第{i + 1}列"
        shown.append(f"{label}({_col_letter(i)}列)" if label in shown else label)  # later duplicates get the letter
    original = data.set_axis(shown, axis=1).reset_index(drop=True)
    columns = pd.DataFrame({
        "column": [_col_letter(i) for i in range(width)], "header": labels, "field": fields,
        "unit": [None] * width, "status": status,
    })
    columns = columns[(columns["header"] != "") | (columns["status"] != "空表头")].reset_index(drop=True)
    return Table(df=df, kind=kind, source=name, sheet=None if sheet == PARQUET else sheet,
                 header_row=None if h.pos < 0 else h.pos + h.rows, mapping=mapping,
                 unknown_headers=unknown, notes=notes, original=original, columns=columns, header_rows=h.rows,
                 unrecognised=unrecognised)


UNRECOGNISED = "未识别，可手动指定"


def _guess_unrecognised(labels: list[str], status: list[str], mapped: set[str], kind: str) -> dict[str, str]:
    """Headers that end like a field (…时长, …日期, …时间) but match no spelling: the field each most likely is
    (fields/layout.yaml ``unrecognised``), for the fields no other column gives. Marks their status."""
    spec = layout().get("unrecognised") or {}
    if kind != "records" or not spec:
        return {}
    endings = tuple(spec.get("endings", []))
    out: dict[str, str] = {}
    for pos, header in enumerate(labels):
        if status[pos] != "未识别":
            continue
        norm = parsing.strip_units(parsing.normalize_header(header))
        if not norm.endswith(endings):
            continue
        guess = next((g["field"] for g in spec.get("guesses", []) if norm.endswith(tuple(g["endings"]))
                      and (not g.get("words") or any(w in norm for w in g["words"]))), None)
        if guess and guess not in mapped and guess not in out:
            out[guess] = header
            status[pos] = UNRECOGNISED
    return out


def _row_list(rows, limit: int = 10) -> str:
    rows = [int(r) for r in rows]
    return "、".join(map(str, rows[:limit])) + (f" 等 {len(rows)} 行" if len(rows) > limit else "")


def _cells_matching(t: Table, candidates: pd.Series, pattern: str) -> pd.Series:
    """Per row (only the ``candidates``), the first cell of any source column matching ``pattern``
    (after NFKC and removing spaces), else NA. Matched per distinct value with RE2."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = pd.Series(pd.NA, index=t.df.index, dtype="string[pyarrow]")
    if t.original is None or not candidates.any():
        return out
    sub = t.original[candidates.to_numpy()]
    for col in sub.columns:
        codes, uniques = pd.factorize(sub[col], use_na_sentinel=True)
        texts = [u if isinstance(u, str) and len(u) <= 200 else None for u in uniques]
        if not any(texts):
            continue
        arr = pc.replace_substring_regex(pc.utf8_normalize(pa.array(texts, type=pa.string()), "NFKC"), r"\s+", "")
        hit = pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        rows = np.flatnonzero((codes >= 0) & hit[np.where(codes < 0, 0, codes)])
        idx = sub.index[rows]
        cells = pd.Series(np.asarray(arr.to_pylist(), dtype=object)[codes[rows]], index=idx, dtype="string[pyarrow]")
        out.loc[idx] = out.loc[idx].fillna(cells)
    return out


def _set_aside(t: Table) -> None:
    """Take out rows that are not records: blank rows, 合计/小计 rows, the signature footer and rows
    whose 审核状态 says they were rejected, revoked or are still pending; each is counted with a reason."""
    df = t.df
    names = [c for c in df.columns if c != ROW]
    lay = layout()
    blank = df[names].isna().all(axis=1) if names else pd.Series(True, index=df.index)
    ident = [c for c in ("志愿者编号", "证件号码", "联系电话") if c in df.columns]
    anon = ~df[ident].notna().any(axis=1) if ident else pd.Series(True, index=df.index)
    cand = anon & ~blank
    words = "|".join(re.escape(w) for w in lay["total_words"])
    total_cell = _cells_matching(t, cand, rf"^(?:{words})(?:[:：].*)?$")
    total = total_cell.notna()
    foot = "|".join(re.escape(w) for w in lay["footer_words"])
    footer_cell = _cells_matching(t, cand & ~total, rf"^(?:{foot})(?:[(（](?:签字|签名|盖章)[)）])?[:：]|^(?:签字|签名|盖章)$")
    footer = footer_cell.notna()
    parts = [(blank, BLANK_ROW, pd.Series("", index=df.index)), (total, TOTAL_ROW, total_cell),
             (footer, FOOTER_ROW, footer_cell)]
    if total.any():
        t.notes.append(f"第 {_row_list(df.loc[total, ROW])} 行是合计/小计行，未作为记录检查。")
    if footer.any():
        t.notes.append(f"第 {_row_list(df.loc[footer, ROW])} 行是表尾的签字、制表人等内容，未作为记录检查。")
    if "审核状态" in df.columns:
        st = df["审核状态"].astype("string[pyarrow]").str.replace(r"\s+", "", regex=True)
        ap = lay["approval"]

        def has(words):
            return st.str.contains("|".join(map(re.escape, words)), regex=True).fillna(False).astype(bool)

        rejected = has(ap["rejected"]) & ~blank
        pending = has(ap["pending"]) & ~rejected & ~blank
        approved = has(ap["approved"]) & ~rejected & ~pending
        aside = rejected | pending
        parts.append((aside, NOT_APPROVED, st))
        if aside.any():
            counts = st[aside].value_counts()
            said = "、".join(f"“{k}”{v} 条" for k, v in counts.items())
            t.notes.append(
                f"审核状态为{said}的记录（第 {_row_list(df.loc[aside, ROW])} 行）没有通过审核、已撤销或尚待审核，"
                f"不是有效的志愿服务记录，已放在一边、没有检查。"
            )
        other = st.notna() & ~aside & ~approved
        if other.any():
            vals = "、".join(f"“{v}”" for v in st[other].unique()[:5])
            t.notes.append(f"审核状态有本工具不认识的写法{vals}，这些记录照常检查；如果它们不是有效记录，请先删去。")
    unsigned = _unsigned_out(t) & ~blank
    if unsigned.any():
        parts.append((unsigned, NOT_APPROVED, pd.Series("未签退（信用时数为0）", index=df.index)))
        t.notes.append(f"第 {_row_list(df.loc[unsigned, ROW])} 行的“{t.mapping['服务时长(小时)']}”为 0、没有签退时间：是未签退、"
                       "平台没有发放时长的记录，已放在一边、没有检查。")
    drop = pd.Series(False, index=df.index)
    skipped = []
    for flag, code, detail in parts:
        flag = flag & ~drop
        if flag.any():
            skipped.append(pd.DataFrame({
                "row": df.loc[flag, ROW].astype("int64").to_numpy(), "reason_code": code.value,
                "reason": code.label, "detail": detail[flag].astype(object).to_numpy(),
            }))
        drop |= flag
    if skipped:
        t.skipped = pd.concat([t.skipped, *skipped], ignore_index=True) if len(t.skipped) else pd.concat(
            skipped, ignore_index=True)
    if not drop.any():
        return
    keep = ~drop
    t.df = df[keep].reset_index(drop=True)
    t.time_flags = {k: v[keep].reset_index(drop=True) for k, v in t.time_flags.items()}
    if t.original is not None:
        t.original = t.original[keep.to_numpy()].reset_index(drop=True)
    if len(t.bad_cells):
        t.bad_cells = t.bad_cells[t.bad_cells["row"].isin(t.df[ROW])].reset_index(drop=True)


def _unsigned_out(t: Table) -> pd.Series:
    """志愿汇 rows with 信用时数 0 and no sign-out time: the volunteer never signed out, no hours were given."""
    df = t.df
    words = (layout().get("unsigned_out") or {}).get("headers") or []
    header = parsing.normalize_header(t.mapping.get("服务时长(小时)", ""))
    if "服务时长(小时)" not in df.columns or not any(parsing.normalize_header(w) == parsing.strip_units(header)
                                                   for w in words):
        return pd.Series(False, index=df.index)
    zero = (df["服务时长(小时)"] == 0).fillna(False).astype(bool)
    no_end = df["结束时间"].isna() if "结束时间" in df.columns else pd.Series(True, index=df.index)
    return zero & no_end


def _drop_blank_rows(t: Table) -> None:  # kept for callers of the old name
    _set_aside(t)


def _unit(t: Table, name: str, spec: dict) -> float:
    """Units per hour of an hours column, from its header: 60 when the header says 分钟."""
    header = parsing.normalize_header(t.mapping.get(name, ""))
    units = (load_params(f"fields/{t.kind}").get("units") or {}).get(name) or {}
    for unit, words in units.items():
        if any(parsing.normalize_header(w) in header for w in words):
            t.units[name] = unit
            return 60.0 if unit == "分钟" else 1.0
    t.units[name] = "小时"
    return 1.0


_CLOCK_IN_TEXT = r"\d\s*[:：时点]"


def _has_clock(raw: pd.Series, val: pd.Series) -> pd.Series:
    """True where a parsed date-time came with a clock time (not a date alone, read as 00:00)."""
    got = val.notna()
    if not got.any():
        return got.astype(bool)
    clock = val != val.dt.normalize()
    if parsing._kind(raw) in ("string", "mixed", "empty"):
        text = raw.astype("string[pyarrow]")
        clock = clock | text.str.contains(_CLOCK_IN_TEXT, regex=True).fillna(False).astype(bool)
    return (got & clock).astype(bool)


def _parse(t: Table, units: dict[str, str] | None = None) -> None:
    specs = all_fields(t.kind)
    bad_parts = []
    _dates_written_as_ranges(t, specs)
    index = t.df.index
    flags = {k: pd.Series(False, index=index) for k in ("start_clock", "end_clock", "overnight")}
    joined_to_day: dict[str, pd.Series] = {}
    for name in [c for c in t.df.columns if c in specs]:
        kind = specs[name]["type"]
        raw = t.df[name]
        if kind in ("datetime", "date"):
            val, bad = parsing.parse_datetime(raw)
            if bad.any() and "服务日期" in t.df.columns and name != "服务日期":
                day, _ = parsing.parse_datetime(t.df["服务日期"])
                tod = parsing.parse_time_of_day(raw.where(bad))
                joined = day + tod
                fixed = bad & joined.notna()
                val = val.where(~fixed, joined)
                bad = bad & ~fixed
                joined_to_day[name] = fixed
            if name in ("开始时间", "结束时间"):
                flags["start_clock" if name == "开始时间" else "end_clock"] = _has_clock(raw, val) | joined_to_day.get(name, False)
        elif kind == "time":
            val = parsing.parse_time_of_day(raw)
            bad = raw.notna() & val.isna()
        elif kind == "hours":
            per_hour = _unit(t, name, specs[name])
            if units and units.get(name):  # the user's choice in the app wins over the header
                t.units[name] = units[name]
                per_hour = 60.0 if units[name] == "分钟" else 1.0
            val, bad = parsing.parse_hours(raw, per_hour)
            if per_hour != 1.0:
                t.notes.append(f"服务时长按分钟换算为小时（表头“{t.mapping.get(name, name)}”）。")
        elif kind == "money":
            val, bad = parsing.parse_money(raw)
        elif kind == "id":
            val, bad = parsing.parse_code(raw)
        elif kind == "span":
            continue  # needs 服务日期 parsed first: see _derive
        else:
            val, bad = parsing.parse_text(raw), None
        if bad is not None and bad.any():
            bad_parts.append(_bad_frame(t, name, raw, bad, kind))
        t.df[name] = val
    if "开始时间" in joined_to_day and "结束时间" in joined_to_day:
        # 服务日期 + 22:00 / 01:00: one date and two clock times, the end before the start: the next day
        both = joined_to_day["开始时间"] & joined_to_day["结束时间"]
        late = both & (t.df["结束时间"] < t.df["开始时间"]).fillna(False).astype(bool)
        if late.any():
            t.df["结束时间"] = t.df["结束时间"].where(~late, t.df["结束时间"] + pd.Timedelta(days=1))
            flags["overnight"] = late
            t.notes.append(f"第 {_row_list(t.df.loc[late, ROW])} 行的结束时刻早于开始时刻，按跨夜服务读作次日结束。")
    t.time_flags = flags
    if bad_parts:
        t.bad_cells = pd.concat(bad_parts, ignore_index=True)
    else:
        t.bad_cells = pd.DataFrame(columns=["row", "field", "header", "value", "type", "hint"])
    if len(t.columns):
        t.columns["unit"] = t.columns["field"].map(t.units)


def _bad_frame(t: Table, name: str, raw: pd.Series, bad: pd.Series, kind: str) -> pd.DataFrame:
    return pd.DataFrame({
        "row": t.df.loc[bad, ROW].to_numpy(), "field": name, "header": t.mapping.get(name, name),
        "value": raw[bad].astype(str).to_numpy(), "type": kind, "hint": parsing.HINTS.get(kind, ""),
    })


def _derive(t: Table) -> None:
    """Fields read from other columns: a 起止时间 cell split into start and end, date-only start/end
    columns kept as dates, 信用时长 + 荣誉时长, and which records are later entries (补录)."""
    df = t.df
    if "起止时间" in df.columns:
        header = t.mapping.pop("起止时间")
        day = df["服务日期"] if "服务日期" in df.columns else None
        span_flags: dict = {}
        start, end, has_time, bad = parsing.parse_span(df["起止时间"], day, flags=span_flags)
        if bad.any():
            part = _bad_frame(t, "起止时间", df["起止时间"], bad, "datetime")
            part["hint"] = "请写成“2024-03-09 8:30-11:30”，或日期另起一列、这里写“8:30-11:30”"
            t.bad_cells = pd.concat([t.bad_cells, part], ignore_index=True)
        made = []
        if has_time.any():
            for canon, v in (("开始时间", start), ("结束时间", end)):
                if canon not in df.columns:
                    df[canon] = v.where(has_time)
                    t.mapping[canon] = header
                    made.append(canon)
                    t.time_flags["start_clock" if canon == "开始时间" else "end_clock"] = has_time.astype(bool)
            if "开始时间" in made:
                t.time_flags["overnight"] = span_flags["overnight"] & has_time
        dated = start.notna() & ~has_time
        if dated.any():
            for canon, v in (("开始日期", start), ("结束日期", end)):
                if canon not in df.columns:
                    df[canon] = v.dt.normalize()
                    t.mapping[canon] = header
                    made.append(canon)
        df = df.drop(columns="起止时间")
        if made:
            t.notes.append(f"“{header}”一列同时写了日期和时段，已拆成{'、'.join(made)}。")
            t.columns.loc[t.columns["field"] == "起止时间", "field"] = "起止时间→" + "、".join(made)
    moved = []
    for canon, dated_name in (("开始时间", "开始日期"), ("结束时间", "结束日期")):
        if canon in df.columns and dated_name not in df.columns:
            v = df[canon].dropna()
            if len(v) and (v == v.dt.normalize()).all():
                t.time_flags[{"开始时间": "start_clock", "结束时间": "end_clock"}[canon]] = pd.Series(False, index=df.index)
                df[dated_name] = df.pop(canon)
                t.mapping[dated_name] = t.mapping.pop(canon)
                t.columns.loc[t.columns["field"] == canon, "field"] = dated_name
                moved.append(t.mapping[dated_name])
    if moved:
        t.notes.append(
            f"“{'”“'.join(moved)}”只有日期、没有时刻：按日期核对10个工作日的记录时限；"
            "服务时长与起止时间是否相符、是否时间重叠（REC004）无法核对。"
        )
    if "荣誉时长(小时)" in df.columns:
        honor = df["荣誉时长(小时)"]
        later = honor.fillna(0) > 0
        if "服务时长(小时)" in df.columns:
            credit = df["服务时长(小时)"]
            both = credit.notna() | honor.notna()
            df["服务时长(小时)"] = (credit.fillna(0) + honor.fillna(0)).where(both)
            t.notes.append(
                f"服务时长按“{t.mapping['服务时长(小时)']}”与“{t.mapping['荣誉时长(小时)']}”相加计算；"
                "有荣誉时长的记录是组织事后补录的。"
            )
        else:
            df["服务时长(小时)"] = honor
            t.mapping["服务时长(小时)"] = t.mapping["荣誉时长(小时)"]
        if "时长类型" not in df.columns:
            df["时长类型"] = pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]").where(~later, "荣誉时长")
    t.df = df


def _wrong_file(t: Table) -> str | None:
    """"summary" for a per-person hours summary, "roster" for a volunteer list, None for service records."""
    lay = layout()
    present = set(t.mapping)
    if present & set(lay["service_fields"]):
        return None
    headers = [parsing.normalize_header(h) for h in t.columns["header"]] if len(t.columns) else []
    if present & {"服务时长(小时)", "荣誉时长(小时)"} or any(
            parsing.normalize_header(w) in h for w in lay["summary_headers"] for h in headers):
        return "summary"
    if present & {"姓名", "证件号码", "联系电话", "志愿者编号"} or any(
            parsing.normalize_header(w) in h for w in lay["roster_headers"] for h in headers):
        return "roster"
    return None


def _guard_wrong_file(t: Table) -> None:
    """A per-person hours summary or a volunteer roster is not a file of service records: say which
    export to download instead of checking it as if it were one."""
    kind = _wrong_file(t)
    if kind is None:
        return
    shown = [h for h in (t.columns["header"].tolist() if len(t.columns) else t.mapping.values()) if str(h).strip()]
    said = "、".join(f"“{h}”" for h in shown[:6])
    fix = (
        "请在平台上导出逐条的服务记录明细（每行是一位志愿者参加一次活动，带服务日期或起止时间、活动或项目名称、"
        "服务时长），而不是按人统计的表；手工台账请每次服务写一行。"
    )
    if kind == "summary":
        raise LoadError(
            f"“{t.source}”看起来是按志愿者汇总的时长统计表（有{said}等列，却没有服务日期、起止时间或活动名称），"
            f"不是逐条的服务记录，无法检查每次服务是否记录完整、及时。" + fix, code=SUMMARY_FILE)
    raise LoadError(
        f"“{t.source}”看起来是志愿者名单（有{said}等列，却没有任何服务时间、时长或活动），不是服务记录。" + fix
        + "如果想同时核对志愿者信息，可把名单放在同一工作簿的“志愿者”工作表里，按志愿者编号与服务记录合并。",
        code=SUMMARY_FILE)


def _finish(t: Table, units: dict[str, str] | None = None) -> None:
    _parse(t, units)
    _derive(t)
    _set_aside(t)
    t.unrecognised = {f: h for f, h in t.unrecognised.items() if f not in t.df.columns}
    if len(t.columns):
        gone = ~t.columns["header"].isin(list(t.unrecognised.values())) & (t.columns["status"] == UNRECOGNISED)
        t.columns.loc[gone, "status"] = "未识别"


def _dates_written_as_ranges(t: Table, specs: dict) -> None:
    """A 服务日期 column (活动日期) whose cells are ranges (2024-03-01 至 2024-03-05) is a 起止时间 column; beside
    a 起止时间 column, a range in 服务日期 fills that row's blank 起止时间."""
    if "服务日期" not in t.df.columns or "起止时间" not in specs:
        return
    raw = t.df["服务日期"]
    if parsing._kind(raw) not in ("string", "mixed"):
        return
    _, bad = parsing.parse_datetime(raw)
    if not bad.any():
        return
    text = raw.astype("string[pyarrow]")
    ranged = text.str.contains(r"\d\s*(?:至|到|~|～|—|–|－|-\s*\d{4})", regex=True).fillna(False).astype(bool)
    _, _, _, span_bad = parsing.parse_span(raw.where(bad & ranged))
    move = bad & ranged & ~span_bad
    if not move.any():
        return
    if "起止时间" in t.df.columns:
        empty = parsing._is_blank(t.df["起止时间"])
        move = move & empty
        if move.any():
            t.df["起止时间"] = t.df["起止时间"].astype(object).where(~move, raw)
            t.df["服务日期"] = raw.where(~move)
            t.notes.append(f"第 {_row_list(t.df.loc[move, ROW])} 行的“{t.mapping['服务日期']}”写的是起止日期，"
                           f"按“{t.mapping['起止时间']}”读取。")
        return
    header = t.mapping.pop("服务日期")
    t.df["起止时间"] = t.df.pop("服务日期")
    t.mapping["起止时间"] = header
    if len(t.columns):
        t.columns.loc[t.columns["field"] == "服务日期", "field"] = "起止时间"


def _role(t: Table) -> str:
    specs = all_fields(t.kind)
    counts = {role: 0 for role in _SHEET_ROLES}
    for canon in t.mapping:
        counts[specs[canon].get("sheet", "records")] += 1
    if t.sheet:
        for role, word in _SHEET_ROLES.items():
            if word in t.sheet and counts[role] >= 1:
                return role
    if counts["records"] >= 2:
        return "records"
    return max(counts, key=counts.get)


def _join(tables: list[Table]) -> Table:
    """Join 志愿者 / 活动 sheets onto the 服务记录 sheet by 志愿者编号 / 活动编号."""
    by_role: dict[str, Table] = {}
    for t in tables:
        by_role.setdefault(_role(t), t)
    main = by_role.get("records")
    if main is None:
        raise LoadError("工作簿里有多张表，但没有一张像“服务记录”表（需要 开始时间、结束时间、服务时长 等列）。")
    for role, key in _JOIN_KEYS.items():
        side = by_role.get(role)
        if side is None or side is main:
            continue
        if key not in main.df.columns or key not in side.df.columns:
            main.notes.append(f"“{side.sheet}”表与“{main.sheet}”表没有共同的“{key}”列，未合并。")
            continue
        extra = [c for c in side.df.columns if c not in main.df.columns and c not in (ROW, SHEET)]
        lookup = side.df[[key, *extra]]
        dup = lookup[key].duplicated()
        if dup.any():
            main.notes.append(f"“{side.sheet}”表中 {int(dup.sum())} 个{key}重复，合并时取第一次出现的一行。")
            lookup = lookup[~dup]
        merged = main.df.merge(lookup, on=key, how="left", indicator=True)
        missing = (merged["_merge"] == "left_only") & merged[key].notna()
        if missing.any():
            rows = merged.loc[missing, ROW].head(10).tolist()
            main.notes.append(
                f"{int(missing.sum())} 条记录的{key}在“{side.sheet}”表中找不到（如第 {', '.join(map(str, rows))} 行）。"
            )
        main.df = merged.drop(columns="_merge")
        for c in extra:
            main.mapping[c] = f"{side.sheet}!{side.mapping[c]}"
        if len(side.columns):
            more = side.columns.copy()
            more["header"] = f"{side.sheet}!" + more["header"].astype(str)
            more.loc[more["field"].isin([key]), "status"] = "用于合并"
            main.columns = pd.concat([main.columns, more], ignore_index=True)
        if len(side.bad_cells):
            # a bad cell in the 志愿者/活动 sheet is reported on every record that uses that row's key
            keyed = side.bad_cells.merge(side.df[[ROW, key]], left_on="row", right_on=ROW).drop(columns=[ROW, "row"])
            moved = keyed.merge(main.df[[ROW, key]], on=key).rename(columns={ROW: "row"}).drop(columns=key)
            moved["header"] = f"{side.sheet}!" + moved["header"].astype(str)
            main.bad_cells = pd.concat([main.bad_cells, moved], ignore_index=True)
        main.notes.append(f"已按{key}合并“{side.sheet}”表的 {len(extra)} 列。")
    return main


def _check_choices(kind: str, overrides: dict[str, str] | None, units: dict[str, str] | None) -> None:
    """The user's column choices name known fields, and units are 小时 or 分钟 of an hours field."""
    specs = all_fields(kind)
    bad = sorted({v for v in (overrides or {}).values() if v and v not in specs})
    if bad:
        raise LoadError(f"不认识的字段：{'、'.join(bad)}")
    for f, unit in (units or {}).items():
        if specs.get(f, {}).get("type") != "hours":
            raise LoadError(f"只有时长字段可以设置单位，“{f}”不是时长字段。")
        if unit and unit not in ("小时", "分钟"):
            raise LoadError(f"时长单位只能是“小时”或“分钟”，不认识“{unit}”。")


def load_table(
    source, kind: str = "records", sheet: str | None = None, name: str | None = None,
    overrides: dict[str, str] | None = None, units: dict[str, str] | None = None,
) -> Table:
    """Read a file (path or bytes) into a canonical :class:`Table`; raises :class:`LoadError`.

    ``overrides`` maps a header as written to a canonical field chosen by the user ("" = ignore it);
    ``units`` sets the unit of an hours field ({"服务时长(小时)": "分钟"}) when the header does not say.
    Hidden sheets are read only when no visible sheet holds a table (or when named in ``sheet``).
    """
    _check_choices(kind, overrides, units)
    sheets = read_cells(source, name=name, sheet=sheet)
    label = name or (Path(source).name if isinstance(source, (str, Path)) else "上传的文件")
    hidden = sheets.hidden - {sheet}
    order = [n for n in sheets if n not in hidden]
    tables, skipped, hidden_used = [], [], []
    max_cols = int(_limit("max_columns"))
    for pass_names in (order, [n for n in sheets if n in hidden]):
        if tables:
            break
        for sheet_name in pass_names:
            cells = sheets[sheet_name]
            if cells.shape[1] > max_cols:
                raise LoadError(f"“{label}”有 {cells.shape[1]:,} 列，超过 Excel 最多 {max_cols:,} 列的上限，已拒绝读取。")
            t = _frame_from_sheet(cells, kind, label, sheet_name, overrides)
            if t is None:
                skipped.append((sheet_name, cells))
                continue
            _finish(t, units)
            tables.append(t)
            if sheet_name in hidden:
                hidden_used.append(sheet_name)
    if not tables:
        foreign = _foreign_encoding(sheets.data)
        if foreign:
            raise LoadError(
                f"“{label}”的文字编码是 {foreign}，本工具只读 UTF-8、GBK/GB18030 和 UTF-16 编码的文本文件，"
                "按中文简体编码读出来是乱码、找不到表头。请用 Excel/WPS 打开它（或用记事本“另存为”选择 UTF-8 编码），"
                "另存为“CSV UTF-8”或 .xlsx 后再试。", code=ENCODING)
        found = _first_nonblank_row(skipped[0][1]) if skipped else []
        needed = "、".join(field_specs(kind))
        raise LoadError(
            f"在“{label}”里找不到表头行。"
            + (f"找到的第一行内容是：{'、'.join(found[:10])}。" if found else "文件里没有内容。")
            + f"可识别的列名有：{needed}（及其常见写法）。请确认表头在前 {threshold('max_header_scan_rows')} 行内，"
            + ("或下载空白记录表模板（自查应用页面上的“下载空白记录表模板”，或命令 zyfw template）对照表头填写。"
               if kind == "records" else f"或用命令 zyfw template --table {kind} 生成空白模板，对照表头填写。")
        )
    summaries = []
    if kind == "records" and len(tables) > 1:  # a per-person summary sheet beside the detail is not a record sheet
        summaries = [t for t in tables if _wrong_file(t) == "summary"]
        if len(summaries) < len(tables):
            tables = [t for t in tables if all(t is not x for x in summaries)]
        else:
            summaries = []
    table = tables[0] if len(tables) == 1 or kind != "records" else _join(tables)
    for t in summaries:
        table.notes.append(f"工作表“{t.sheet}”是按志愿者汇总的时长统计，不是逐条记录，没有检查。")
    table.notes[:0] = sheets.notes
    if len(tables) > 1 and kind != "records":
        table.notes.append(f"工作簿有多张表，只检查了第一张“{table.sheet}”；可用 --sheet 指定。")
    for sheet_name, _ in skipped:
        if len(sheets) > 1 and sheet_name not in (None, PARQUET, NOTES_SHEET) and sheet_name not in hidden:
            table.notes.append(f"工作表“{sheet_name}”里没有找到可识别的表头，已跳过。")
    unused_hidden = [n for n in sheets if n in hidden and n not in hidden_used]
    if unused_hidden:
        table.notes.append(f"隐藏的工作表{'、'.join(f'“{n}”' for n in unused_hidden)}没有检查（只检查看得见的工作表）。")
    if hidden_used:
        table.notes.append(f"工作簿里看得见的工作表都没有记录，检查的是隐藏的工作表“{hidden_used[0]}”。")
    if kind == "records":
        _guard_wrong_file(table)
    if table.df.empty:
        if len(table.skipped) and (table.skipped["reason_code"] != BLANK_ROW.value).any():
            raise LoadError(f"“{label}”里没有可检查的记录：" + "".join(table.notes[-3:]))
        raise LoadError(f"“{label}”的表头下面没有任何数据行。请确认导出的文件包含记录。")
    if table.sheet:
        table.df[SHEET] = table.sheet
    return table


def load_frame(frame: pd.DataFrame, kind: str = "records", name: str = "表格") -> Table:
    """A DataFrame already in memory (headers as columns, as if row 1 of a sheet) → :class:`Table`."""
    cells = pd.concat([pd.DataFrame([list(frame.columns)]), pd.DataFrame(frame.to_numpy(dtype=object))],
                      ignore_index=True)
    t = _frame_from_sheet(cells, kind, name, None)
    if t is None:
        raise LoadError(f"“{name}”的列名里找不到可识别的字段。")
    _finish(t)
    return t
