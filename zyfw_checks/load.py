"""Loading: a user's file (.xlsx/.xls/.csv/.parquet) → canonical table with Excel row numbers.

Everything about header spellings, encodings, title rows and cell formats lives here, so the
rules only ever see canonical field names and typed columns. The input file is only read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zyfw_checks import parsing
from zyfw_checks.params import load_params, threshold

ROW = "_row"  # the row number as Excel shows it in the user's own file
SHEET = "_sheet"
PARQUET = "__parquet__"  # the pseudo-sheet of a Parquet file (headers are its column names)
EXCEL_EXT = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_EXT = {".csv", ".txt", ".tsv"}
PARQUET_EXT = {".parquet", ".pq"}
_SHEET_ROLES = {"records": "服务记录", "volunteers": "志愿者", "activities": "活动"}
_JOIN_KEYS = {"volunteers": "志愿者编号", "activities": "活动编号"}


class LoadError(Exception):
    """A file that cannot be read: the message says, in Chinese, what is wrong and what to do."""


@dataclass
class Table:
    df: pd.DataFrame  # canonical columns + _row (+ _sheet)
    kind: str
    source: str
    sheet: str | None = None
    header_row: int | None = None
    mapping: dict[str, str] = field(default_factory=dict)  # canonical → header as written
    unknown_headers: list[str] = field(default_factory=list)
    bad_cells: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["row", "field", "header", "value", "type", "hint"])
    )
    notes: list[str] = field(default_factory=list)  # what was skipped or assumed, said to the user
    original: pd.DataFrame | None = None  # the data rows as read (headers as written), for reports

    def bad_mask(self, name: str) -> pd.Series:
        """True where the cell of field ``name`` was filled but could not be read."""
        rows = self.bad_cells.loc[self.bad_cells["field"] == name, "row"]
        return self.df[ROW].isin(rows)


# ---------------------------------------------------------------- field specs


def field_specs(kind: str) -> dict[str, dict]:
    try:
        return load_params(f"fields/{kind}")["fields"]
    except FileNotFoundError as exc:
        raise LoadError(f"不认识的表类型：{kind}") from exc


def alias_index(kind: str) -> dict[str, str]:
    """normalized header → canonical field (canonical names are aliases of themselves)."""
    index: dict[str, str] = {}
    for name, spec in field_specs(kind).items():
        for alias in [name, *spec.get("aliases", [])]:
            index.setdefault(parsing.normalize_header(alias), name)
    return index


def match_header(cell: object, index: dict[str, str]) -> str | None:
    norm = parsing.normalize_header(cell)
    if not norm:
        return None
    return index.get(norm) or index.get(parsing.strip_units(norm))


# ---------------------------------------------------------------- reading cells


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"无法识别文件“{name}”的文字编码（既不是 UTF-8 也不是 GBK）。请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx 后再试。")


def _read_csv(data: bytes, name: str) -> dict[str, pd.DataFrame]:
    text = _decode(data, name)
    if not text.strip():
        raise LoadError(f"文件“{name}”是空的：没有任何内容。")
    head = text[:20000].splitlines()[:60]
    sep = "\t" if sum(line.count("\t") for line in head) > sum(line.count(",") for line in head) else ","
    width = max((len(r) for r in csv.reader(head, delimiter=sep)), default=1)
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=None, names=range(width), dtype=str, keep_default_na=False,
            skip_blank_lines=False, sep=sep, engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))  # ragged rows: slow path, still exact
        frame = pd.DataFrame(rows)
    return {None: frame.replace("", None)}


def _read_excel(data: bytes, name: str, sheet: str | None) -> dict[str, pd.DataFrame]:
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
        out = {}
        for n in [sheet] if sheet is not None else names:
            rows = book.get_sheet_by_name(n).to_python(skip_empty_area=False)
            out[n] = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame(dtype=object)
        return out
    except LoadError:
        raise
    except Exception as exc:  # calamine raises its own error types for broken zips and encrypted files
        raise LoadError(
            f"无法读取 Excel 文件“{name}”（{type(exc).__name__}）：文件可能已损坏、加了密码，或其实不是 Excel 格式。"
            "请用 Excel/WPS 打开后另存为 .xlsx 再试。"
        ) from exc


def read_cells(source, name: str | None = None, sheet: str | None = None) -> dict[str, pd.DataFrame]:
    """Every sheet of the file as a frame of raw cells, index 0 = Excel row 1. Nothing is written."""
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
    if ext in PARQUET_EXT:
        try:
            frame = pd.read_parquet(io.BytesIO(data))
        except Exception as exc:
            raise LoadError(f"无法读取 Parquet 文件“{name}”：{exc}") from exc
        return {PARQUET: frame}  # headers are the column names; typed columns take the parsers' fast paths
    if ext in EXCEL_EXT:
        return _read_excel(data, name, sheet)
    if ext in CSV_EXT or not ext:
        if data[:4] == b"PK\x03\x04":
            return _read_excel(data, name, sheet)  # an xlsx saved under another name
        return _read_csv(data, name)
    raise LoadError(
        f"不支持的文件类型“{ext}”（文件“{name}”）。请上传 .xlsx、.xls、.csv 或 .parquet 文件。"
    )


# ---------------------------------------------------------------- header detection


def find_header(cells: pd.DataFrame, index: dict[str, str]) -> tuple[int, int]:
    """(row position, matches) of the row with the most recognised headers in the first rows."""
    scan = cells.head(int(threshold("max_header_scan_rows")))
    best, best_hits = -1, 0
    for pos in range(len(scan)):
        hits = len({match_header(v, index) for v in scan.iloc[pos].tolist()} - {None})
        if hits > best_hits:
            best, best_hits = pos, hits
    return best, best_hits


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
    index = alias_index(kind)
    overrides = overrides or {}
    if sheet == PARQUET:
        header_pos, data, rows = -1, cells, pd.RangeIndex(2, len(cells) + 2)  # as if the header were row 1
        headers = [str(c) for c in cells.columns]
    else:
        header_pos, hits = find_header(cells, index)
        if hits < 2:
            return None
        headers = ["" if v is None or str(v) == "nan" else str(v) for v in cells.iloc[header_pos].tolist()]
        data = cells.iloc[header_pos + 1 :]
        rows = data.index + 1
    data = data.set_axis(range(data.shape[1]), axis=1)
    mapping: dict[str, str] = {}
    cols: dict[str, int] = {}
    unknown: list[str] = []
    notes: list[str] = []
    for pos, header in enumerate(headers):
        # the user's own mapping (app dropdowns) wins; "" means "do not use this column"
        canon = overrides[header] or None if header in overrides else match_header(header, index)
        if canon is None:
            if header.strip():
                unknown.append(header)
        elif canon in cols:
            notes.append(f"表头“{header}”与“{mapping[canon]}”都对应字段“{canon}”，已使用前者“{mapping[canon]}”。")
        else:
            cols[canon] = pos
            mapping[canon] = header
    df = pd.DataFrame({canon: data[pos].reset_index(drop=True) for canon, pos in cols.items()})
    df[ROW] = pd.Series(rows).to_numpy()
    original = data.set_axis([h or f"第{i + 1}列" for i, h in enumerate(headers)], axis=1).reset_index(drop=True)
    return Table(df=df, kind=kind, source=name, sheet=None if sheet == PARQUET else sheet,
                 header_row=None if header_pos < 0 else header_pos + 1, mapping=mapping,
                 unknown_headers=unknown, notes=notes, original=original)


def _drop_blank_rows(t: Table) -> None:
    """Drop rows with no value in any recognised column, and 合计 rows; runs on parsed columns."""
    fields = [c for c in t.df.columns if c != ROW]
    blank = t.df[fields].isna().all(axis=1)
    first = t.df[fields[0]] if fields else None
    total = first.isin(["合计", "总计", "小计"]).fillna(False).astype(bool) if first is not None else blank & False
    if total.any():
        t.notes.append(f"第 {', '.join(map(str, t.df.loc[total, ROW].tolist()))} 行是合计行，未作为记录检查。")
    keep = ~(blank | total)
    if keep.all():
        return
    t.df = t.df[keep].reset_index(drop=True)
    if t.original is not None:
        t.original = t.original[keep.to_numpy()].reset_index(drop=True)
    if len(t.bad_cells):
        t.bad_cells = t.bad_cells[t.bad_cells["row"].isin(t.df[ROW])].reset_index(drop=True)


def _parse(t: Table) -> None:
    specs = field_specs(t.kind)
    bad_parts = []
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
        elif kind == "time":
            val = parsing.parse_time_of_day(raw)
            bad = raw.notna() & val.isna()
        elif kind == "hours":
            val, bad = parsing.parse_hours(raw)
        elif kind == "money":
            val, bad = parsing.parse_money(raw)
        elif kind == "id":
            val, bad = parsing.parse_code(raw)
        else:
            val, bad = parsing.parse_text(raw), None
        if bad is not None and bad.any():
            bad_parts.append(pd.DataFrame({
                "row": t.df.loc[bad, ROW].to_numpy(), "field": name, "header": t.mapping.get(name, name),
                "value": raw[bad].astype(str).to_numpy(), "type": kind, "hint": parsing.HINTS.get(kind, ""),
            }))
        t.df[name] = val
    # A date column plus time-only 开始/结束 columns: fill the times that parsed as nothing.
    if bad_parts:
        t.bad_cells = pd.concat(bad_parts, ignore_index=True)
    else:
        t.bad_cells = pd.DataFrame(columns=["row", "field", "header", "value", "type", "hint"])


def _role(t: Table) -> str:
    specs = field_specs(t.kind)
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
        if len(side.bad_cells):
            # a bad cell in the 志愿者/活动 sheet is reported on every record that uses that row's key
            keyed = side.bad_cells.merge(side.df[[ROW, key]], left_on="row", right_on=ROW).drop(columns=[ROW, "row"])
            moved = keyed.merge(main.df[[ROW, key]], on=key).rename(columns={ROW: "row"}).drop(columns=key)
            moved["header"] = f"{side.sheet}!" + moved["header"].astype(str)
            main.bad_cells = pd.concat([main.bad_cells, moved], ignore_index=True)
        main.notes.append(f"已按{key}合并“{side.sheet}”表的 {len(extra)} 列。")
    return main


def load_table(
    source, kind: str = "records", sheet: str | None = None, name: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Table:
    """Read a file (path or bytes) into a canonical :class:`Table`; raises :class:`LoadError`.

    ``overrides`` maps a header as written to a canonical field chosen by the user ("" = ignore it).
    """
    sheets = read_cells(source, name=name, sheet=sheet)
    label = name or (Path(source).name if isinstance(source, (str, Path)) else "上传的文件")
    tables, skipped = [], []
    for sheet_name, cells in sheets.items():
        t = _frame_from_sheet(cells, kind, label, sheet_name, overrides)
        if t is None:
            skipped.append((sheet_name, cells))
            continue
        _parse(t)
        _drop_blank_rows(t)
        tables.append(t)
    if not tables:
        found = _first_nonblank_row(skipped[0][1]) if skipped else []
        needed = "、".join(field_specs(kind))
        raise LoadError(
            f"在“{label}”里找不到表头行。"
            + (f"找到的第一行内容是：{'、'.join(found[:10])}。" if found else "文件里没有内容。")
            + f"可识别的列名有：{needed}（及其常见写法）。请确认表头在前 {threshold('max_header_scan_rows')} 行内，"
            + ("或使用 data/samples/template.xlsx 模板。" if kind == "records" else "或参照 data/samples/ 里的示例表。")
        )
    table = tables[0] if len(tables) == 1 or kind != "records" else _join(tables)
    if len(tables) > 1 and kind != "records":
        table.notes.append(f"工作簿有多张表，只检查了第一张“{table.sheet}”；可用 --sheet 指定。")
    for sheet_name, _ in skipped:
        if len(sheets) > 1 and sheet_name not in (None, PARQUET):
            table.notes.append(f"工作表“{sheet_name}”里没有找到可识别的表头，已跳过。")
    if table.df.empty:
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
    _parse(t)
    _drop_blank_rows(t)
    return t
