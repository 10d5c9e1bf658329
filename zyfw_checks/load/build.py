"""Building the canonical table from a sheet's cells: fields and units, typed columns, set-aside rows
(合计, 签字, 未通过审核, 未签退), derived fields (起止时间, 荣誉时长), service-time flags, sheet joins."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks import parsing
from zyfw_checks.load.cells import _foreign_encoding, read_cells
from zyfw_checks.load.header import _first_nonblank_row, _Indexes, _single, find_header
from zyfw_checks.load.table import (
    _JOIN_KEYS,
    _SHEET_ROLES,
    BLANK_ROW,
    ENCODING,
    FOOTER_ROW,
    NOT_APPROVED,
    NOTES_SHEET,
    PARQUET,
    ROW,
    SHEET,
    SUMMARY_FILE,
    TOTAL_ROW,
    LoadError,
    Table,
    _col_letter,
    _limit,
    alias_index,
    all_fields,
    field_specs,
    layout,
)
from zyfw_checks.params import load_params, threshold

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
        st = parsing.regex_replace(df["审核状态"], r"\s+", "")
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
        clock = clock | parsing.regex_contains(raw, _CLOCK_IN_TEXT)
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


# another table of the kit, read as records by mistake: (its own fields that tell it apart, what it is, the command)
_OTHER_TABLES = {
    "orgs": ({"统一社会信用代码", "章程宗旨", "组织类型", "登记管理机关", "是否已标识"}, "社会组织名单",
             "志愿服务组织标识检查（命令 zyfw orgs）"),
    "stations": ({"站点名称", "依托设施", "场所地址", "服务项目", "管理制度"}, "社区志愿服务站（点）名单",
                 "社区站点“四有”检查（命令 zyfw stations）"),
}


def _other_table(headers: list[str]) -> str | None:
    """Which other table of the kit these headers are (at least three of its telling fields), if any."""
    for kind, (telling, _what, _command) in _OTHER_TABLES.items():
        index = alias_index(kind)
        if len({index[h] for h in headers if index.get(h) in telling}) >= 3:
            return kind
    return None


def _refuse_other_table(label: str, headers: list) -> None:
    """Refuse, naming it, a table of another of the kit's checks given where service records belong."""
    other = _other_table([parsing.normalize_header(h) for h in headers if str(h).strip()])
    if other is None:
        return
    _telling, what, command = _OTHER_TABLES[other]
    said = "、".join(f"“{h}”" for h in [h for h in headers if str(h).strip()][:6])
    raise LoadError(f"“{label}”看起来是{what}（有{said}等列），不是志愿服务记录，这里检查的是服务记录。"
                    f"这个表请用{command}；要自查服务记录，请导出逐条的服务记录明细。", code=SUMMARY_FILE)


def _guard_wrong_file(t: Table) -> None:
    """A per-person hours summary or a volunteer roster is not a file of service records: say which
    export to download instead of checking it as if it were one."""
    kind = _wrong_file(t)
    if kind is None:
        return
    shown = [h for h in (t.columns["header"].tolist() if len(t.columns) else t.mapping.values()) if str(h).strip()]
    said = "、".join(f"“{h}”" for h in shown[:6])
    _refuse_other_table(t.source, shown)
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
    ranged = parsing.regex_contains(raw, r"\d\s*(?:至|到|~|～|—|–|－|-\s*\d{4})")
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
        if kind == "records":
            _refuse_other_table(label, found)
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
