"""Facts every report view shows the same way: who, which period, a rule's outcome in words,
and the original rows as a person may see them (personal columns masked once, here)."""

from __future__ import annotations

import pandas as pd

from zyfw_checks import masking
from zyfw_checks.load import ROW


def organisation(result) -> str:
    """The organisation named in the file's 组织单位 column ('' when the column is absent or blank)."""
    df = result.table.df
    if "组织单位" not in df.columns:
        return ""
    names = df["组织单位"].dropna().astype(str).str.strip()
    names = names[names.ne("")]
    if names.empty:
        return ""
    counts = names.value_counts()
    if len(counts) == 1:
        return str(counts.index[0])
    return "、".join(map(str, counts.index[:3])) + f" 等 {len(counts)} 个单位"


def period(result) -> tuple[str, str]:
    """(first, last) service date from 开始时间 as YYYY-MM-DD, ('', '') when unknown."""
    df = result.table.df
    col = "开始时间" if "开始时间" in df.columns else ("服务日期" if "服务日期" in df.columns else None)
    if col is None or not pd.api.types.is_datetime64_any_dtype(df[col]):
        return "", ""
    s = df[col].dropna()
    if s.empty:
        return "", ""
    return s.min().strftime("%Y-%m-%d"), s.max().strftime("%Y-%m-%d")


def status_text(row) -> str:
    """A rule's outcome in words, from one row of ``CheckResult.rule_status()``."""
    if row.status == "未评估":
        return f"未评估：{row.reason}"
    if row.status == "部分未评估":  # never “通过”: some rows, or part of the check, were not looked at
        return f"部分未评估：{row.reason}"
    head = "通过" if row.count == 0 else f"{row.count} 处"
    if row.reason:
        return f"{head}（部分未评估：{row.reason}）"
    return head


def shown_original(result, positions=None) -> pd.DataFrame:
    """The user's rows as read (only those at ``positions``, when given), masked when the result
    is (the one place the original is masked)."""
    t = result.table
    mask = result.masked
    orig = t.original if t.original is not None else t.df.drop(columns=[ROW], errors="ignore")
    orig = orig.iloc[positions].copy() if positions is not None else orig.copy()
    if not mask:
        return orig
    by_header = {h: c for c, h in t.mapping.items()}
    for col in orig.columns:
        canon = by_header.get(col)
        if canon in masking.ID_FIELDS:
            orig[col] = masking.mask_id(orig[col].map(_text, na_action="ignore"))
        elif canon in masking.PHONE_FIELDS:
            orig[col] = masking.mask_phone(orig[col].map(_text, na_action="ignore"))
        elif pd.api.types.is_string_dtype(orig[col].dtype) and pd.api.types.infer_dtype(orig[col]) in ("string", "empty"):
            orig[col] = masking.mask_text(orig[col])  # free text can carry an ID or phone number too
        elif orig[col].dtype == object:
            is_str = orig[col].map(lambda v: isinstance(v, str))
            if is_str.any():
                orig.loc[is_str, col] = masking.mask_text(orig.loc[is_str, col]).astype(object)
    return orig


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def mapping_rows(table) -> list[dict]:
    """Source header → canonical field (with the unit read from the header, when the loader says one)."""
    units = getattr(table, "units", {}) or {}
    return [{"header": header, "field": canon, "unit": units.get(canon, "")} for canon, header in table.mapping.items()]


def mapping_text(table) -> str:
    parts = []
    for m in mapping_rows(table):
        label = m["field"] if m["header"] == m["field"] else f"{m['header']}→{m['field']}"
        converted = m["unit"] and m["unit"] not in m["field"]  # e.g. minutes read into an hours field
        parts.append(label + (f"（按{m['unit']}换算）" if converted else ""))
    return "、".join(parts)
