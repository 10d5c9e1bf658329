"""Per-organisation risk table for the spot check: one row per organisation of a batch of records.

Figures per organisation (统一社会信用代码 when the records carry it, else 组织单位, else the file):
records, volunteers, activities (and activities per year), findings per 100 records by category
(late records REC002, the four kinds ACT001–ACT004, hours mismatch REC004, remuneration REC005),
the share of records on the designated platforms. Sorted by a risk score that is a tool heuristic
— 工具默认（可改）, weights in ``params/risk.yaml`` (``categories[].weight``, ``platform.weight``) —
with the reasons in Chinese. The score orders the table; it is not a finding.

重点抽查对象: the notice names them — “注册志愿者较多、活动较频繁、社会影响力较大的志愿服务组织”
(二（二）). The records show volunteers and activities, not influence, so an organisation is marked
“重点抽查对象（数据提示）” when its volunteers or activities per year rank in the top share of the
batch (``key_targets.quantile``, tool default); influence stays for a person to judge.
:func:`key_targets` hands these figures to the yearly plan.

Aggregates are built per part (:func:`aggregate`) and summed (:func:`combine`), so the batch run
never holds more than one part: volunteers are counted within a part, which is exact because a
volunteer's rows all fall in one part; activities are counted from distinct (organisation,
activity, year) triples, which are few.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from zyfw_checks.errors import UsageError
from zyfw_checks.load import ROW
from zyfw_checks.params import load_params
from zyfw_checks.rules.common import activity_key, volunteer_key

ORG, NAME, CODE = "组织", "组织单位", "统一社会信用代码"
KEY_MARK = "重点抽查对象（数据提示）"
NO_ORG = "（未写组织单位）"


def params() -> dict:
    return load_params("risk")


def categories() -> list[dict]:
    return params()["categories"]


def _norm(s: pd.Series) -> pd.Series:
    """NFKC, trimmed, blank → NA; computed on the distinct values (a few organisations per file)."""
    codes, uniq = pd.factorize(s)
    u = pd.Series(uniq, dtype="string[pyarrow]").str.normalize("NFKC").str.strip().replace("", pd.NA)
    out = pd.Series(u.to_numpy()[np.where(codes < 0, 0, codes)] if len(u) else pd.NA, index=s.index,
                    dtype="string[pyarrow]")
    return out.where(codes >= 0)


def org_of(df: pd.DataFrame, file_label=None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(key, name, code) per record: 统一社会信用代码 if the records carry it, else the 组织单位, else the file."""
    n = len(df)
    name = _norm(df[NAME]) if NAME in df.columns else pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    if file_label is not None:
        label = pd.Series(np.broadcast_to(np.asarray(file_label, dtype=object), (n,)), index=df.index)
        name = name.fillna("（文件）" + label.astype("string[pyarrow]"))
    name = name.fillna(NO_ORG)
    code = _norm(df[CODE]).str.upper() if CODE in df.columns else pd.Series(pd.NA, index=df.index, dtype="string[pyarrow]")
    return code.fillna(name), name, code


def _year(df: pd.DataFrame) -> pd.Series:
    for col in ("开始时间", "结束时间", "服务日期", "开始日期", "结束日期"):
        if col in df.columns:
            return df[col].dt.year
    return pd.Series(np.nan, index=df.index)


def aggregate(df: pd.DataFrame, findings: pd.DataFrame, file_label=None) -> dict:
    """Summable per-organisation counts of one table (or one part of a batch), on integer codes."""
    from zyfw_checks.rules.system import designated_platform

    key, name, code = org_of(df, file_label)
    kc, keys = pd.factorize(key)
    n = len(keys)
    counts = pd.DataFrame({"记录数": np.bincount(kc, minlength=n)}, index=pd.Index(keys, dtype=object))
    vc = pd.factorize(volunteer_key(df))[0].astype("int64")
    ok = vc >= 0
    pairs = np.unique(kc[ok].astype("int64") * (int(vc.max()) + 1 if len(vc) else 1) + vc[ok])
    counts["志愿者数"] = np.bincount(pairs // (int(vc.max()) + 1 if len(vc) else 1), minlength=n) if len(pairs) \
        else np.zeros(n, dtype="int64")
    has_platform = "记录平台" in df.columns
    if has_platform:
        on = designated_platform(df["记录平台"].astype("string[pyarrow]")).notna().to_numpy()
        counts["指定平台记录"] = np.bincount(kc, weights=on, minlength=n).astype("int64")
    labels = [c["label"] for c in categories()]
    for lab in labels:
        counts[lab] = 0
    if len(findings):
        pos = pd.Index(df[ROW].to_numpy()).get_indexer(findings["row"].to_numpy())
        rule_cat = {r: i for i, c in enumerate(categories()) for r in c["rules"]}
        rc, rules = pd.factorize(np.asarray(findings["rule"], dtype=object))
        cat = np.array([rule_cat.get(r, -1) for r in rules], dtype="int64")[rc]  # a handful of rule codes
        sel = (pos >= 0) & (cat >= 0)
        if sel.any():
            m = np.bincount(kc[pos[sel]] * len(labels) + cat[sel], minlength=n * len(labels)).reshape(n, len(labels))
            for i, lab in enumerate(labels):
                counts[lab] = m[:, i]
    first = np.unique(kc, return_index=True)[1]
    names = pd.DataFrame({"key": np.asarray(keys, dtype=object), NAME: name.to_numpy(dtype=object)[first],
                          CODE: code.to_numpy(dtype=object)[first]})
    ac, acts_u = pd.factorize(activity_key(df))
    year = _year(df).fillna(-1).to_numpy().astype("int64")
    trip = pd.DataFrame({"k": kc, "a": ac, "y": year})[ac >= 0].drop_duplicates()
    acts = pd.DataFrame({"key": np.asarray(keys, dtype=object)[trip["k"].to_numpy()],
                         "act": np.asarray(acts_u, dtype=object)[trip["a"].to_numpy()],
                         "year": trip["y"].where(trip["y"] >= 0).to_numpy()})
    return {"counts": counts, "names": names, "acts": acts, "has_platform": has_platform}


def combine(parts: list[dict]) -> dict:
    """Sum the parts' aggregates into one per-organisation frame."""
    counts = pd.concat([p["counts"] for p in parts]).groupby(level=0).sum()
    names = pd.concat([p["names"] for p in parts]).drop_duplicates("key").set_index("key")
    acts = pd.concat([p["acts"] for p in parts]).drop_duplicates()
    counts["活动数"] = acts.groupby("key")["act"].nunique().reindex(counts.index, fill_value=0)
    years = acts.dropna(subset=["year"]).groupby("key")["year"].nunique().reindex(counts.index)
    per_year = acts.dropna(subset=["year"]).groupby("key").size().reindex(counts.index)
    counts["年均活动数"] = (per_year / years).round(1)
    counts[NAME] = names[NAME].reindex(counts.index)
    counts[CODE] = names[CODE].reindex(counts.index)
    return {"frame": counts, "has_platform": any(p["has_platform"] for p in parts)}


def _fmt(x: float) -> str:
    return f"{x:,.1f}".rstrip("0").rstrip(".")


def risk_table(agg: dict) -> pd.DataFrame:
    """One row per organisation, sorted by the risk score (tool default), with reasons and 重点 marks."""
    p = params()
    f = agg["frame"]
    recs = f["记录数"].astype(float)
    out = pd.DataFrame(index=f.index)
    out[ORG] = f[NAME]
    out[CODE] = f[CODE]
    out["记录数"] = f["记录数"].astype("int64")
    out["志愿者数"] = f["志愿者数"].astype("int64")
    out["活动数"] = f["活动数"].astype("int64")
    out["年均活动数"] = f["年均活动数"]
    score = pd.Series(0.0, index=f.index)
    reasons = pd.Series("", index=f.index, dtype=object)
    min_rate = float(p["reasons"]["min_rate"])
    for cat in categories():
        col = f"{cat['label']}（每百条）"
        rate = (f[cat["label"]] / recs * 100).round(2)
        out[col] = rate
        score += rate * float(cat["weight"])
        hit = rate >= min_rate
        reasons = reasons.where(~hit, reasons + np.where(reasons.eq(""), "", "；") + cat["label"] + "每百条"
                                + rate.map(_fmt) + "条")
    if agg["has_platform"]:
        share = (f["指定平台记录"] / recs * 100).round(1)
        out["指定平台记录占比（%）"] = share
        score += (100 - share) * float(p["platform"]["weight"])
        low = share < 100
        reasons = reasons.where(~low, reasons + np.where(reasons.eq(""), "", "；") + "非指定平台或未填平台的记录占"
                                + (100 - share).map(_fmt) + "%")
    else:
        out["指定平台记录占比（%）"] = np.nan
    few = recs < float(p["reasons"]["few_records"])
    reasons = reasons.where(~few, reasons + np.where(reasons.eq(""), "", "；") + "记录较少，比率仅供参考")
    out["风险分"] = score.round(1)
    out["排序理由"] = reasons.replace("", "各类问题均少于每百条" + _fmt(min_rate) + "条")
    mark, why = _key_marks(out)
    out[KEY_MARK] = mark
    out["重点依据"] = why
    out = out.sort_values(["风险分", "记录数", ORG], ascending=[False, False, True], kind="stable")
    out.insert(0, "排序", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def _key_marks(t: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    cfg = params()["key_targets"]
    q, n = float(cfg["quantile"]), len(t)
    if n < int(cfg["min_orgs"]):
        return (pd.Series("", index=t.index, dtype=object),
                pd.Series(f"本批只有 {n} 家组织，不按排名标注；社会影响力需人工判断", index=t.index, dtype=object))
    why = pd.Series("", index=t.index, dtype=object)
    places = pd.Series("", index=t.index, dtype=object)
    mark = pd.Series(False, index=t.index)
    for col, label in (("志愿者数", "志愿者较多"), ("年均活动数", "活动较频繁")):
        val = t[col].fillna(0)
        pct = val.rank(pct=True, method="min")  # a tie shared by many is not “较多”
        place = val.rank(ascending=False, method="min").astype("int64")
        hit = (pct >= q) & (val > 0)
        figure = col + val.map(_fmt) + "，本批第" + place.astype(str) + f"/{n}位"
        why = why.where(~hit, why + np.where(why.eq(""), "", "；") + label + "（" + figure + "）")
        places = places + np.where(places.eq(""), "", "；") + figure
        mark |= hit
    top = f"{(1 - q) * 100:g}%"
    why = why.where(~mark, why + "；社会影响力需人工判断")
    why = why.where(mark, "志愿者数、年均活动数都不在本批前" + top + "（" + places + "）；社会影响力需人工判断")
    return mark.map({True: "是", False: ""}), why


def notes() -> list[str]:
    """What the table's figures and marks mean (said in every output of it)."""
    p = params()
    weights = "、".join(f"{c['label']}×{c['weight']:g}" for c in categories())
    return [
        "风险分是本工具的排序办法（工具默认（可改）），通知没有规定：风险分 = 各类“每百条记录问题数”×权重之和"
        f"（{weights}）+（100 − 指定平台记录占比%）×{p['platform']['weight']:g}。权重在 params/risk.yaml 的 "
        "categories[].weight 和 platform.weight 中，可改。风险分只决定先后顺序，不是违规结论；问题是否成立请看问题明细。",
        "每百条记录问题数按规则统计：逾期记录 REC002，四类活动 ACT001–ACT004，时长不符 REC004，发放报酬 REC005；"
        "其中含“存疑”的条目（需人工核实）。",
        "重点抽查对象：通知二（二）“各地要将本区域内注册志愿者较多、活动较频繁、社会影响力较大的志愿服务组织列为重点抽查对象”。"
        f"本表按服务记录里出现的志愿者数、年均活动数在本批组织中的排名标注（前{(1 - float(p['key_targets']['quantile'])) * 100:g}%，"
        "工具默认（可改），params/risk.yaml 的 key_targets.quantile）。记录里出现的志愿者不等于注册志愿者；"
        "社会影响力记录里没有，需人工判断。",
        "组织按统一社会信用代码区分；记录里没有代码时按“组织单位”名称，没有组织单位时按文件。",
    ]


def to_xlsx(table: pd.DataFrame) -> bytes:
    from zyfw_checks.report.excel import workbook_bytes

    return workbook_bytes({"组织风险排序": table, "说明": pd.DataFrame({"说明": notes()})})


def to_dict(table: pd.DataFrame) -> dict:
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    for r in rows:
        for k, v in r.items():
            if hasattr(v, "item"):
                r[k] = v.item()
    return {"organisations": rows, "notes": notes(), "parameters": {
        "categories": [{k: c[k] for k in ("label", "rules", "weight", "source")} for c in categories()],
        "platform": params()["platform"], "key_targets": params()["key_targets"]}}


def to_json(table: pd.DataFrame) -> str:
    return json.dumps(to_dict(table), ensure_ascii=False, indent=2, default=str)


def from_result(result, file_label=None) -> pd.DataFrame:
    """The risk table of one in-memory check (a single file)."""
    return risk_table(combine([aggregate(result.table.df, result.findings, file_label)]))


def read_risk(path) -> pd.DataFrame:
    """A risk table saved by ``zyfw check FOLDER/`` (.json or .xlsx)."""
    path = Path(path)
    wrong = UsageError(f"“{path.name}”不是 zyfw check 文件夹/ 生成的组织风险排序（…_组织风险排序.json 或 .xlsx）。")
    try:
        if path.suffix.lower() == ".json":
            out = pd.DataFrame(json.loads(path.read_text(encoding="utf-8"))["organisations"])
        else:
            out = pd.read_excel(path, sheet_name="组织风险排序", dtype={CODE: str}, engine="calamine")
    except (KeyError, TypeError, ValueError) as exc:
        raise wrong from exc
    if not {ORG, "志愿者数", "年均活动数", KEY_MARK} <= set(out.columns):
        raise wrong
    return out


def key_targets(risk: pd.DataFrame, orgs: pd.DataFrame) -> pd.DataFrame:
    """For each organisation of the plan's list (名称, 统一社会信用代码): the figures from the records.

    Returns a frame indexed like ``orgs``: 志愿者数（记录）, 年均活动数（记录）, 重点抽查对象（数据提示）
    (bool), 重点依据, 风险分, 匹配 (统一社会信用代码 / 名称 / 未找到). Matching is by code first, then name.
    """
    out = pd.DataFrame(index=orgs.index)
    r = risk.copy()
    r["_code"] = _norm(r[CODE].astype("string")).str.upper() if CODE in r.columns else pd.NA
    r["_name"] = _norm(r[ORG].astype("string"))
    by_code = r.dropna(subset=["_code"]).drop_duplicates("_code").set_index("_code")
    by_name = r.dropna(subset=["_name"]).drop_duplicates("_name").set_index("_name")
    code = _norm(orgs[CODE]).str.upper() if CODE in orgs.columns else pd.Series(pd.NA, index=orgs.index, dtype="string")
    name = _norm(orgs["名称"]) if "名称" in orgs.columns else pd.Series(pd.NA, index=orgs.index, dtype="string")
    cols = {"志愿者数": "志愿者数（记录）", "年均活动数": "年均活动数（记录）", KEY_MARK: KEY_MARK, "重点依据": "重点依据",
            "风险分": "风险分"}
    got_code = code.isin(by_code.index).fillna(False).to_numpy(dtype=bool)
    got_name = ~got_code & name.isin(by_name.index).fillna(False).to_numpy(dtype=bool)
    for src, dst in cols.items():
        v = pd.Series(np.nan, index=orgs.index, dtype=object)
        if src in r.columns:
            v[got_code] = by_code[src].reindex(code[got_code].to_numpy()).to_numpy()
            v[got_name] = by_name[src].reindex(name[got_name].to_numpy()).to_numpy()
        out[dst] = v
    out[KEY_MARK] = out[KEY_MARK].eq("是")
    out["匹配"] = np.where(got_code, "统一社会信用代码", np.where(got_name, "名称", "未找到"))
    return out


PLAN_COLUMNS = {"注册志愿者数": "志愿者数（记录）", "年活动次数": "年均活动数（记录）"}


def fill_plan_columns(orgs: pd.DataFrame, risk: pd.DataFrame, source: str = "组织风险排序") -> tuple[pd.DataFrame, list[str]]:
    """The plan's list with 注册志愿者数 / 年活动次数 taken from the records where the list has no such
    figures (a hand-filled column is kept), plus the 重点 mark and score; and notes saying which figures
    were used. For ``plan.make_plan(..., risk=...)``."""
    kt = key_targets(risk, orgs)
    out = orgs.copy()
    used, kept = [], []
    for col, src in PLAN_COLUMNS.items():
        hand = col in out.columns and out[col].notna().any()
        if hand:
            kept.append(col)
        else:
            out[col] = pd.to_numeric(kt[src], errors="coerce")
            used.append(f"{col}←服务记录中的{src.replace('（记录）', '')}")
    out[KEY_MARK] = kt[KEY_MARK]
    out["重点依据"] = kt["重点依据"]
    out["风险分"] = kt["风险分"]
    found = int((kt["匹配"] != "未找到").sum())
    notes = [f"重点抽查对象排序用了“{source}”中的服务记录数据：{'；'.join(used) or '无（名单已有相应列）'}。"
             f"名单 {len(orgs)} 家中 {found} 家在记录数据中找到（按统一社会信用代码，其次按名称），其余按0计。"
             "记录里出现的志愿者不等于注册志愿者；社会影响力需人工判断。"]
    if kept:
        notes.append(f"名单已填写{'、'.join(kept)}，这几列沿用名单的数字，未用记录数据。")
    return out, notes
