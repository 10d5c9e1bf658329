"""二（二） 年度志愿服务记录与证明抽查计划：抽查对象、抽查小组、时间安排、查验清单。

What the notice fixes (必查, 重点对象, the other types, 不少于10家, 9月前, 10月底前, 同级 departments,
正式人员) is applied as written; what it leaves open (the share of key objects, how the rest is
drawn, the team size, a start date, how "9月前" is read) is a dated parameter in
params/spot_check.yaml that the plan prints as 工具默认（可改） with its name.

Deterministic for a given seed: one ``numpy.random.default_rng(seed)`` drives every draw, units are
visited in sorted order and each pool is sorted by 统一社会信用代码/名称 first, so the input's row
order does not change the result. Loops run over units (县区, 市州) and departments, never over
organisations.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from zyfw_checks import masking
from zyfw_checks.clauses import get_clause
from zyfw_checks.formatting import fmt_num, fmt_pct
from zyfw_checks.load import ROW, Table
from zyfw_checks.params import load_params, threshold
from zyfw_checks.staff import identification as ident

CITY, COUNTY, PENDING = "市级", "县级", "待定"
PARAMS = "spot_check"


@dataclass
class Plan:
    year: int
    seed: int
    selection: pd.DataFrame  # one row per organisation drawn
    units: pd.DataFrame  # one row per 抽查单位 (市级 / 县级): pool size, drawn, shortfall, departments
    teams: pd.DataFrame  # one row per team member
    schedule: pd.DataFrame
    checklist: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    source: str = ""
    defaults: list[str] = field(default_factory=list)  # the 工具默认（可改） lines

    def summary(self) -> dict:
        return {"year": self.year, "seed": self.seed, "单位数": int(len(self.units)),
                "抽查组织数": int(len(self.selection)), "不足10家的单位": int((self.units["不足说明"] != "").sum())}


# ---------------------------------------------------------------- parameters


def _cfg() -> dict:
    return load_params(PARAMS)


def setting(key: str, year: int):
    """A dated spot-check parameter as in force for the plan year (on its 1 January, or the notice's date)."""
    return threshold(key, on=max(dt.date(year, 1, 1), dt.date(2023, 9, 7)), name=PARAMS)


def _value_text(entry: dict, value) -> str:
    unit = entry.get("unit", "")
    if isinstance(value, dict) and "month" in value:
        return f"{value['month']}月{value['day']}日"
    if unit == "比例":
        return fmt_pct(float(value))
    if unit == "是否":
        return "是" if value else "否"
    return f"{value}{unit}"


def default_lines(year: int) -> list[str]:
    """One line per parameter the notice does not fix: 工具默认（可改）：label = value（参数 spot_check.key）."""
    out = []
    for key, entry in _cfg()["values"].items():
        if entry.get("origin") == "工具默认":
            out.append(f"工具默认（可改）：{entry['label']} {_value_text(entry, setting(key, year))}"
                       f"（参数 {PARAMS}.{key}；通知没有规定）")
    return out


# ---------------------------------------------------------------- helpers


def _norm(s: pd.Series) -> pd.Series:
    return s.astype("string").str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.lower()


def _listed(words) -> list[str]:
    return [str(w) for w in _norm(pd.Series([str(w) for w in words], dtype="string")).tolist()]


def complaints(s: pd.Series) -> pd.DataFrame:
    """Parse 投诉或负面舆情: complaint (yes), must (about 记录与证明 → 必查), unclear (a bare 是).

    The template's column asks exactly about 记录与证明 (“因记录与证明出具事宜被投诉或有负面舆情的填“是”…”), so a
    bare 是 is a must (应当列入当年抽查范围) like a description naming records or certificates; ``unclear``
    marks it for the plan's note (the person filling the column may have meant any complaint)."""
    cfg = _cfg()["complaints"]
    t = _norm(s).str.replace(r"[。.，,；;！!、]+$", "", regex=True)
    blank = t.isna() | t.eq("")
    pattern = f"^(?:{'|'.join(map(re.escape, _listed(cfg['no_prefixes'])))})(?:任何)?" \
              f"(?:{'|'.join(map(re.escape, _listed(cfg['no_objects'])))})?$"
    head = t.str.replace(r"\(.*\)$", "", regex=True)  # “否（无投诉）” → 否; a yes keeps its description
    no = t.isin(_listed(cfg["no_words"])) | t.str.match(pattern) | head.isin(_listed(cfg["no_words"])) | head.str.match(pattern)
    bare_yes = t.isin(_listed(cfg["yes_words"]))
    complaint = (~blank & ~no.fillna(False)).fillna(False).astype(bool)
    about = t.str.contains("|".join(map(re.escape, _listed(cfg["about_words"]))), regex=True).fillna(False).astype(bool)
    must = complaint & (bare_yes.fillna(False) | about)
    return pd.DataFrame({"complaint": complaint, "must": must, "unclear": complaint & bare_yes.fillna(False)},
                        index=s.index)


def complaint_flags(s: pd.Series) -> pd.Series:
    """True where 投诉或负面舆情 says there was a complaint or negative publicity (any subject)."""
    return complaints(s)["complaint"]


def org_category(df: pd.DataFrame) -> pd.Series:
    """志愿服务组织 or one of the other types the notice names (by keywords of 组织类型)."""
    cfg = _cfg()["org_types"]
    kind = df["组织类型"].astype("string") if "组织类型" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    out = pd.Series(cfg["main"], index=df.index, dtype="string")
    for cat, words in reversed(list(cfg["others"].items())):  # first listed wins
        out = out.mask(ident.contains_any(kind, words), cat)
    return out


def ranking_score(df: pd.DataFrame) -> tuple[pd.Series, list[str], list[str]]:
    """Mean percentile rank (within the frame) of the ranking columns present; (score, used, unreadable)."""
    weights = _cfg()["ranking"]["weights"]
    parts, used, unread = [], [], []
    for col, w in weights.items():
        if col not in df.columns:
            continue
        val, bad = ident.to_count(df[col])
        if bad.any():
            unread.append(f"{col}（第 {', '.join(map(str, df.loc[bad, ROW].head(5).tolist()))} 行）")
        parts.append(val.fillna(0).rank(pct=True) * float(w))
        used.append(col)
    if not parts:
        return pd.Series(np.nan, index=df.index), used, unread
    total = sum(float(weights[c]) for c in used)
    return sum(parts) / total, used, unread


def last_workday(day: dt.date) -> tuple[dt.date, bool]:
    """The last official working day on or before ``day`` (and whether the calendar covers it)."""
    from zyfw_checks.workdays import calendar

    cal = calendar()
    covered = day <= cal.last_covered
    pos = int((np.datetime64(day) - cal.days[0]).astype(int))
    while pos > 0 and not cal.work[pos]:  # at most a holiday's length, not a loop over records
        pos -= 1
    return pd.Timestamp(cal.days[pos]).date(), covered


# ---------------------------------------------------------------- the draw

MUST = "因记录与证明出具事宜被投诉或有负面舆情：应当列入当年抽查范围（必查）"


def _draw_unit(pool: pd.DataFrame, rng: np.random.Generator, target: int, n_key: int, random_draw: bool) -> pd.DataFrame:
    """Select from one unit's pool; returns the chosen rows with 入选理由 and clause."""
    pool = pool.sort_values(["_code", "_name"], kind="stable")
    chosen: dict[int, tuple[str, str, int]] = {}  # index → (reason, clause id, order)

    def take(idx, reason, clause: str) -> None:
        for i, r in zip(idx, [reason] * len(idx) if isinstance(reason, str) else reason, strict=True):
            if i not in chosen:
                chosen[i] = (r, clause, len(chosen))

    take(list(pool.index[pool["_must"]]), MUST, "二（二）-必查")
    priority = pool["_complaint"] & ~pool["_must"]
    cands = pool[((pool["_category"] == _cfg()["org_types"]["main"]) | priority) & ~pool.index.isin(list(chosen))]
    n_prio = int(priority.loc[cands.index].sum())
    room = max(0, target - len(chosen))
    if (cands["_score"].notna().any() and n_key > 0) or n_prio:
        order = cands.assign(_p=priority.loc[cands.index]).sort_values(["_p", "_score"], ascending=[False, False],
                                                                        kind="stable")
        top = order.head(min(max(n_key, n_prio), room))
        reasons = [
            (f"有投诉或负面舆情（{c}），未写明涉及记录与证明出具：提高为重点抽查对象；如涉及记录与证明出具，应当列入，请核实"
             if p else f"重点抽查对象：{d}；在本单位综合排名第{k}")
            for k, (p, c, d) in enumerate(zip(top["_p"], top["投诉或负面舆情"].astype("string").fillna(""), top["_desc"],
                                               strict=True), 1)
        ]  # at most ``target`` rows per unit
        take(list(top.index), reasons, "二（二）-重点对象")
    for cat in _cfg()["org_types"]["others"]:
        if (pool.loc[list(chosen), "_category"] == cat).any():
            continue
        others = pool.index[(pool["_category"] == cat) & ~pool.index.isin(list(chosen))]
        if len(others):
            take([others[int(rng.integers(len(others)))]], f"其他类型（{cat}）：随机抽取一家", "二（二）-其他类型")
    rest = pool.index[~pool.index.isin(list(chosen))]
    need = max(0, target - len(chosen))
    if need and len(rest) and random_draw:
        picked = rng.choice(np.asarray(rest), size=min(need, len(rest)), replace=False)
        take(list(picked), f"随机抽取（工具默认，参数 {PARAMS}.random_draw）", "二（二）-数量时限")
    out = pool.loc[list(chosen)].copy()
    out["入选理由"] = [chosen[i][0] for i in out.index]
    out["clause_id"] = [chosen[i][1] for i in out.index]
    out["_order"] = [chosen[i][2] for i in out.index]
    return out.sort_values("_order")


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    where = ident.jurisdiction_of(df)
    p = pd.DataFrame(index=df.index)
    p["_row"] = df[ROW]
    p["_name"] = df["名称"].astype("string") if "名称" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    p["_code"] = df["统一社会信用代码"].astype("string") if "统一社会信用代码" in df.columns else pd.Series(
        pd.NA, index=df.index, dtype="string")
    p["_code"] = p["_code"].fillna("")
    p["_name"] = p["_name"].fillna("")
    p = p.join(where)
    p["_category"] = org_category(df)
    c = complaints(df["投诉或负面舆情"]) if "投诉或负面舆情" in df.columns else pd.DataFrame(
        {"complaint": False, "must": False, "unclear": False}, index=df.index)
    p["_complaint"], p["_must"], p["_unclear"] = c["complaint"], c["must"], c["unclear"]
    p["_score"], used, _ = ranking_score(df)
    desc = pd.Series("", index=df.index, dtype="string")
    for col in used:
        val, _ = ident.to_count(df[col])
        sep = pd.Series(np.where(desc.str.len().gt(0), "、", ""), index=df.index, dtype="string")
        desc = desc + sep + col + fmt_num(val)
    p["_desc"] = desc
    for col in ("组织类型", "注册志愿者数", "年活动次数", "影响力", "投诉或负面舆情", "重点抽查对象（数据提示）", "重点依据", "风险分"):
        p[col] = df[col] if col in df.columns else pd.NA
    return p


_PENDING_WHY = {
    "未知": "统一社会信用代码无效或空白，无法确定登记地：请更正代码后由登记地抽查",
    "省本级": "省本级登记：由省级安排抽查",
    "省外": "登记地在省外：请转登记地或由本级决定",
}


def make_plan(table: Table, year: int, seed: int, staff: Table | None = None, mask: bool = True,
              allow_upper_staff: bool | None = None, risk: pd.DataFrame | None = None,
              risk_source: str = "组织风险排序") -> Plan:
    cfg = _cfg()
    target = int(setting("min_per_level", year))
    n_key = int(round(float(setting("key_share", year)) * target))
    random_draw = bool(setting("random_draw", year))
    allow_upper = bool(setting("allow_upper_staff", year)) if allow_upper_staff is None else bool(allow_upper_staff)
    rng = np.random.default_rng(seed)
    risk_notes: list[str] = []
    if risk is not None:  # 注册志愿者数/年活动次数 from the records (zyfw check FOLDER/ → 组织风险排序)
        from zyfw_checks.staff.risk import fill_plan_columns

        filled, risk_notes = fill_plan_columns(table.df, risk, source=risk_source)
        table = replace(table, df=filled)
    p = _prepare(table.df)
    defaults = default_lines(year)
    notes: list[str] = list(risk_notes)
    _, _, unread = ranking_score(table.df)
    if unread:
        notes.append("以下排序字段有无法识别的数字，按0计：" + "；".join(unread))
    missing_rank = [c for c in cfg["ranking"]["weights"] if c not in table.df.columns]
    if missing_rank:
        notes.append(f"名单中没有“{'”“'.join(missing_rank)}”列，重点对象只按其余字段排序" if len(missing_rank) < 3 else
                     "名单中没有注册志愿者数、年活动次数、影响力，无法按排名选重点抽查对象")
    if "投诉或负面舆情" not in table.df.columns:
        notes.append("名单中没有“投诉或负面舆情”列：因记录与证明出具事宜被投诉或有负面舆情的组织应当列入抽查，请补充后重新生成")
    unclear = p[p["_unclear"]]
    if len(unclear):
        notes.append("以下组织的“投诉或负面舆情”只写了“是”：按模板这一栏的含义（因记录与证明出具事宜被投诉或有负面舆情）"
                     "已列为必查（应当列入当年抽查范围）；如投诉与记录证明无关，请在这一栏写明情况后重新生成："
                     + "、".join(unclear["_name"].head(20).tolist()))
    outside = p["登记层级"].isin(["省本级", "省外", "未知"])
    pending = p[outside & p["_must"]].assign(入选理由=MUST, clause_id="二（二）-必查", 抽查单位=lambda x: "待定（"
                                             + x["登记层级"].map(_PENDING_WHY) + "）", 层级=PENDING)
    if outside.any():
        counts = p.loc[outside, "登记层级"].value_counts()
        notes.append("未分到市县两级的组织（不参加本计划的抽取）：" + "、".join(f"{k} {v} 家" for k, v in counts.items())
                     + "。省本级登记的由省级安排；代码无效或空白的请先更正（见 zyfw orgs 的 ORG001）。")
    if len(pending):
        notes.append(f"其中 {len(pending)} 家是必查组织，已列在抽查名单末尾（抽查单位“待定”），不会被漏掉："
                     + "、".join(pending["_name"].head(20).tolist()))
    p = p[~outside]
    parts, units = [], []
    # 县级 first, then 市级 (市本级 pool, topped up from the 市州's county organisations not yet drawn)
    for county, pool in sorted(p[p["登记层级"] == "县级"].groupby("县区代码"), key=lambda kv: kv[0]):
        got = _draw_unit(pool, rng, max(target, int(pool["_must"].sum())), n_key, random_draw)
        got["抽查单位"] = f"{pool['市州'].iloc[0]}{pool['县区'].iloc[0]}"
        got["层级"] = COUNTY
        parts.append(got)
        units.append(_unit_row(COUNTY, got["抽查单位"].iloc[0], county, str(pool["市州"].iloc[0]), len(pool), got, target))
    drawn = pd.concat(parts).index if parts else pd.Index([])
    for city, city_pool in sorted(p.groupby("市州代码"), key=lambda kv: kv[0]):
        own = city_pool[city_pool["登记层级"] == "市本级"]
        pool = own
        topped = 0
        if len(own) < target:
            extra = city_pool[(city_pool["登记层级"] == "县级") & ~city_pool.index.isin(drawn)]
            topped = min(len(extra), target - len(own))
            pool = pd.concat([own, extra.assign(_must=False)])  # a county's 必查 is already on its county's list
        got = _draw_unit(pool, rng, max(target, int(own["_must"].sum())), n_key, random_draw) if len(pool) else \
            pool.iloc[:0].assign(入选理由=[], clause_id=[], _order=[])
        name = f"{city_pool['市州'].iloc[0]}本级"
        got["抽查单位"] = name
        got["层级"] = CITY
        parts.append(got)
        row = _unit_row(CITY, name, str(city), str(city_pool["市州"].iloc[0]), len(own), got, target)
        if topped:
            row["说明"] = (f"市本级登记的组织只有{len(own)}家，从本市州各县区未被县级抽中的组织中补足"
                         f"（可补 {len(pool) - len(own)} 家）")
        units.append(row)
    if len(pending):
        parts.append(pending)
    sel = pd.concat(parts) if parts else p.iloc[:0].assign(入选理由=[], clause_id=[], 抽查单位=[], 层级=[])
    selection = pd.DataFrame({
        "层级": sel["层级"], "抽查单位": sel["抽查单位"], "市州": sel["市州"], "名称": sel["_name"],
        "统一社会信用代码": sel["_code"], "类型": sel["_category"], "注册志愿者数": sel["注册志愿者数"],
        "年活动次数": sel["年活动次数"], "影响力": sel["影响力"], "投诉或负面舆情": sel["投诉或负面舆情"],
        "入选理由": sel["入选理由"], "依据": ident.cite(sel["clause_id"].astype("string")) if len(sel) else pd.Series(
            dtype="string"),
        "原表行号": sel["_row"],
    }).reset_index(drop=True)
    selection.insert(0, "序号", range(1, len(selection) + 1))
    unit_df = pd.DataFrame(units, columns=["层级", "抽查单位", "区划代码", "市州", "可抽组织数", "抽取数", "其中必查", "其中重点",
                                           "其中其他类型", "其中随机", "不足说明", "说明"])
    for u in unit_df.itertuples():
        if u.不足说明:
            notes.append(u.不足说明)
    selected = {u: set(_norm(g["名称"]).dropna()) for u, g in selection.groupby("抽查单位")} if len(selection) else {}
    teams, coverage, team_notes = make_teams(unit_df, staff, rng, mask, year, allow_upper,
                                             org_names=table.df["名称"] if "名称" in table.df.columns else None,
                                             selected=selected)
    unit_df["小组涵盖部门"] = unit_df["抽查单位"].map(lambda n: coverage.get(n, ("（未提供人员名单）", ""))[0])
    unit_df["小组未涵盖部门"] = unit_df["抽查单位"].map(lambda n: coverage.get(n, ("", "（未提供人员名单）"))[1])
    notes += team_notes
    return Plan(year=year, seed=seed, selection=selection, units=unit_df, teams=teams, schedule=schedule(year),
                checklist=checklist(), notes=defaults + notes, source=table.source, defaults=defaults)


def _unit_row(level, name, code, city, pool_size, got, target) -> dict:
    reasons = got["clause_id"] if len(got) else pd.Series(dtype="string")
    short = ""
    if len(got) < target:
        short = (f"{name}（{level}）只有{pool_size}家组织（含其他组织、机构和团队），全部列入，"
                 f"不足通知要求的{target}家；请上报时说明，或由上级统筹") if len(got) == pool_size else (
            f"{name}（{level}）抽取{len(got)}家，不足通知要求的{target}家：其余名额请人工指定")
    return {"层级": level, "抽查单位": name, "区划代码": code, "市州": city, "可抽组织数": int(pool_size),
            "抽取数": int(len(got)), "其中必查": int((reasons == "二（二）-必查").sum()),
            "其中重点": int((reasons == "二（二）-重点对象").sum()), "其中其他类型": int((reasons == "二（二）-其他类型").sum()),
            "其中随机": int((reasons == "二（二）-数量时限").sum()), "不足说明": short, "说明": ""}


# ---------------------------------------------------------------- team


def department_of(units: pd.Series) -> pd.Series:
    """The department the notice names (民政 / 文明办 / 教育 / 团委 / 妇联 / 残联) from a 单位 cell; NA for others."""
    out = pd.Series(pd.NA, index=units.index, dtype="string")
    for dept, words in reversed(list(_cfg()["team"]["departments"].items())):  # six departments
        out = out.mask(ident.contains_any(units, words), dept)
    return out


def listed_org_of(units: pd.Series, org_names: pd.Series | None) -> pd.Series:
    """The listed organisation a person's 单位 names (the cell equals or contains its name); NA otherwise."""
    out = pd.Series(pd.NA, index=units.index, dtype="string")
    if org_names is None or not len(org_names):
        return out
    names = _norm(org_names).dropna()
    names = names[names.str.len() >= 4].drop_duplicates()
    if not len(names):
        return out
    u = _norm(units)
    hit = u.str.extract("(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + ")", expand=False)
    return hit.astype("string")


def eligible_staff(staff: Table, org_names: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(正式人员 with a listed duty, invitees); each with a 4/6-digit area code ``_area`` and ``_dept``.

    人员类别 is matched exactly against the listed categories, so “非正式人员” or “非在编人员（劳务派遣）”
    are never taken for 正式人员. A person whose 单位 is one of the listed organisations (``org_names``,
    the plan's own list) works for an NGO, not for a department: whatever the 人员类别 says, they are
    not 正式人员 of the team but may be invited (通知：可邀请……有经验的志愿服务组织负责人); ``_org``
    names their organisation so they are never invited to check it.
    """
    cfg = _cfg()["team"]
    df = staff.df
    blank = pd.Series(pd.NA, index=df.index, dtype="string")
    # the category itself, without a trailing note in brackets: “正式人员（在编）” → 正式人员; “非在编人员（劳务派遣）” stays 非在编人员
    cat = _norm(df["人员类别"]).str.replace(r"\(.*\)$", "", regex=True) if "人员类别" in df.columns else blank
    duty = df["工作职责"].astype("string") if "工作职责" in df.columns else blank
    unit = df["单位"].astype("string") if "单位" in df.columns else blank
    org = listed_org_of(unit, org_names)
    ngo = org.notna()
    official = cat.isin(_listed(cfg["official_categories"])).fillna(False) & ident.contains_any(duty, cfg["duties"])
    expert = (cat.isin(_listed(cfg["expert_categories"])).fillna(False) | (ngo & official)) & ~(official & ~ngo)
    official = official & ~ngo
    area = blank.copy()
    if "行政区划代码" in df.columns:
        area = df["行政区划代码"].astype("string").str.normalize("NFKC").str.strip()
    if "所属地区" in df.columns:
        names = {}
        for code, v in ident.populations()["prefectures"].items():
            names[v["name"]] = str(code)
            names[v.get("short", v["name"])] = str(code)
        names.update({v: str(k) for k, v in ident.populations().get("counties", {}).items()})
        area = area.fillna(df["所属地区"].astype("string").str.strip().map(names).astype("string"))
    out = df.assign(_area=area.str.replace(r"00$", "", regex=True).where(area.str.len() == 6, area),
                    _dept=department_of(unit), _org=org, _ngo_official=ngo & cat.isin(
                        _listed(cfg["official_categories"])).fillna(False))
    return out[official.astype(bool)], out[expert.astype(bool)]


def _pick_team(local: pd.DataFrame, n_staff: int, rng: np.random.Generator, covered=()) -> list[int]:
    """Positions in ``local``: one person of each named department present (and not yet ``covered``),
    then random people up to ``n_staff``."""
    picked: list[int] = []
    order = [d for d in _cfg()["team"]["departments"] if d not in covered]
    for dept in order:  # six departments at most
        pos = np.flatnonzero(local["_dept"].eq(dept).fillna(False).to_numpy())
        if len(pos):
            picked.append(int(pos[int(rng.integers(len(pos)))]))
    rest = np.setdiff1d(np.arange(len(local)), picked)
    need = max(0, n_staff - len(picked))
    if need and len(rest):
        picked += [int(i) for i in rng.choice(rest, size=min(need, len(rest)), replace=False)]
    return sorted(picked)


def make_teams(units: pd.DataFrame, staff: Table | None, rng: np.random.Generator, mask: bool, year: int | None = None,
               allow_upper: bool = False, org_names: pd.Series | None = None, selected: dict | None = None):
    """(team members, {unit: (departments covered, named departments not covered)}, notes).

    Teams are 同级: a county team takes county staff only, unless ``allow_upper`` lets city staff fill in.
    """
    cfg = _cfg()["team"]
    cols = ["抽查单位", "层级", "角色", "姓名", "单位", "人员类别", "工作职责", "联系电话", "说明"]
    clause = get_clause("二（二）-抽查小组").cite()
    if staff is None:
        return pd.DataFrame(columns=cols), {}, [f"未提供人员名单（--staff）：请按通知组建抽查小组——{clause}"]
    n_staff = int(setting("team_size", year or dt.date.today().year))
    official, experts = eligible_staff(staff, org_names)
    named = list(cfg["departments"])
    rows, notes, coverage = [], [], {}
    moved = experts[experts["_ngo_official"].fillna(False).astype(bool)]
    if len(moved):
        notes.append(f"人员名单中有 {len(moved)} 人的单位是本名单中的志愿服务组织（"
                     + "、".join(moved["_org"].astype(str).drop_duplicates().head(10)) + "）：他们不是部门的正式人员，"
                     "不作为抽查小组组员，只可作为特邀人员（通知：可邀请……有经验的志愿服务组织负责人），"
                     "且不邀请到抽查本组织的小组")
    excluded = len(staff.df) - len(official) - len(experts)
    if excluded:
        notes.append(f"人员名单中有 {excluded} 人不是承担志愿服务、社会组织管理、行政执法职责的正式人员，也不是专家、学者或"
                     "志愿服务组织负责人，未列入抽查小组（人员类别按所列类别整格匹配，如“非正式人员”不算正式人员）")
    for u in units.itertuples():  # one team per unit
        code = str(u.区划代码)
        city = code[:4]
        local = official[official["_area"] == code] if u.层级 == COUNTY else official[official["_area"] == city]
        local = local.sort_values(["姓名"], kind="stable").assign(_note="")
        team = local.iloc[_pick_team(local, n_staff, rng)] if len(local) else local
        if len(local) < n_staff and u.层级 == COUNTY and allow_upper:
            upper = official[official["_area"] == city].sort_values(["姓名"], kind="stable").assign(
                _note="上级（市级）人员：本县区正式人员不足，按设置由市级补充")
            extra = upper.iloc[_pick_team(upper, n_staff - len(team), rng, covered=set(team["_dept"].dropna()))]
            team = pd.concat([team, extra.head(max(n_staff - len(team), 0))]) if len(upper) else team
        elif len(local) < n_staff:
            notes.append(f"{u.抽查单位}：本级符合条件的正式人员只有 {len(local)} 人，不足 {n_staff} 人（工具默认，参数 "
                         f"{PARAMS}.team_size）：请补充本级人员名单"
                         + ("；如需由市级人员补充，设置 allow_upper_staff（命令行 --allow-upper-staff）" if u.层级 == COUNTY
                            else ""))
        covered = [d for d in named if team["_dept"].eq(d).any()]
        coverage[u.抽查单位] = ("、".join(covered) or "无", "、".join(d for d in named if d not in covered) or "无")
        members = pd.DataFrame({c: team[c] if c in team.columns else pd.NA for c in cols[3:8]}).assign(
            抽查单位=u.抽查单位, 层级=u.层级, 角色="组员（正式人员）", 说明=team["_note"])
        rows += members[cols].values.tolist()
        ex = experts[experts["_area"].astype("string").str[:4] == city] if len(experts) else experts
        own = (selected or {}).get(u.抽查单位, set())
        if len(ex) and own:  # nobody is invited to check their own organisation
            ex = ex[~ex["_org"].isin(list(own)).fillna(False).to_numpy()]
        if int(cfg["experts"]) and len(ex):
            r = ex.sort_values("姓名", kind="stable").iloc[int(rng.integers(len(ex)))]
            why = "通知：可邀请专家、学者和有经验的志愿服务组织负责人"
            if pd.notna(r.get("_org")):
                why += f"（所在单位是名单中的志愿服务组织“{r.get('_org')}”，不是部门正式人员）"
            rows.append([u.抽查单位, u.层级, "特邀（可选）", r.get("姓名"), r.get("单位"), r.get("人员类别"), r.get("工作职责"),
                         r.get("联系电话"), why])
    lacking = [n for n, (_, miss) in coverage.items() if miss != "无"]
    if lacking:
        notes.append(f"通知要求民政部门“联合同级文明办、教育、团委、妇联、残联等部门”组建抽查小组：{len(lacking)} 个抽查单位的"
                     "小组没有涵盖全部这些部门（人员名单中没有这些部门的符合条件人员），见“抽查单位”表的“小组未涵盖部门”")
    teams = pd.DataFrame(rows, columns=cols)
    if "联系电话" in teams and mask:
        teams["联系电话"] = masking.mask_phone(teams["联系电话"])
    return teams, coverage, notes


# ---------------------------------------------------------------- schedule and checklist


def _day(year: int, key: str) -> dt.date:
    v = setting(key, year)
    return dt.date(year, int(v["month"]), int(v["day"]))


def schedule(year: int) -> pd.DataFrame:
    start, onsite, report = _day(year, "suggested_start"), _day(year, "onsite_deadline"), _day(year, "report_deadline")
    rows = []
    for what, date, basis, clause in (
        ("制定抽查方案、组建抽查小组、公布抽查事项", f"{start:%Y-%m-%d} 前",
         f"工具默认（可改）：通知没有规定开始日期，建议{start.month}月{start.day}日前完成（参数 {PARAMS}.suggested_start）",
         "二（二）-抽查小组"),
        ("现场抽查（市县两级各不少于10家）", f"{start:%Y-%m-%d} 至 {onsite:%Y-%m-%d}",
         f"通知“每年9月前……进行现场抽查”：“9月前”按{onsite.month}月{onsite.day}日（含）计（参数 {PARAMS}.onsite_deadline，可改）",
         "二（二）-数量时限"),
        ("以市州为单位向省民政厅、省文明办报送抽查工作情况", f"{report:%Y-%m-%d} 前",
         f"通知“10月底前……报送”：按{report.month}月{report.day}日（含）计（参数 {PARAMS}.report_deadline）", "二（二）-数量时限"),
    ):
        rows.append({"事项": what, "时间": date, "依据": basis, "条款": get_clause(clause).cite()})
    out = pd.DataFrame(rows)
    notes = []
    for label, day in (("现场抽查截止", onsite), ("报送截止", report)):
        last, covered = last_workday(day)
        if not covered:
            notes.append(f"{label}：{year}年的放假安排不在节假日数据中，{day:%m月%d日}是否为工作日请按国务院当年通知核对")
        elif last != day:
            notes.append(f"{label}{day:%Y-%m-%d}不是工作日，最后一个工作日是{last:%Y-%m-%d}")
    out["提醒"] = ""
    if notes:
        out.loc[out.index[-1], "提醒"] = "；".join(notes)
    return out


def checklist() -> pd.DataFrame:
    from zyfw_checks.rules import all_rules

    by_clause: dict[str, list[str]] = {}
    for r in all_rules():
        by_clause.setdefault(r.clause_id, []).append(r.code)
    rows = []
    for part, ids in _cfg()["checklist"].items():
        for k, cid in enumerate(ids, 1):
            c = get_clause(cid)
            rows.append({"部分": part, "序号": k, "查验内容（通知原文）": c.text, "条款": c.section,
                         "本工具可预查的规则": "、".join(by_clause.get(cid, [])) or "—（现场核查）",
                         "查验结果（是/否）": "", "问题及证据": ""})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- outputs


def header_lines(plan: Plan) -> list[str]:
    return [
        f"{plan.year}年志愿服务记录与证明抽查计划（湘民发〔2023〕29号 二（二））",
        f"名单：{plan.source}　随机种子：{plan.seed}（同一名单、同一种子可重现同一结果；种子应在抽取前确定并公开）",
        f"抽查单位 {len(plan.units)} 个，抽查组织 {len(plan.selection)} 家",
    ]


def to_xlsx(plan: Plan) -> bytes:
    """The plan as a workbook, through the kit's one safe xlsx writer (text stays text, formula-like
    text carries a quote prefix)."""
    from zyfw_checks.report.excel import workbook_bytes

    info = pd.DataFrame({"项目": ["计划", "名单", "随机种子", "抽查单位", "抽查组织"] + ["说明"] * len(plan.notes),
                         "内容": [*header_lines(plan)[:1], plan.source, str(plan.seed), str(len(plan.units)),
                                str(len(plan.selection)), *plan.notes]})
    return workbook_bytes({"说明": info, "抽查名单": plan.selection, "抽查单位": plan.units, "抽查小组": plan.teams,
                           "时间安排": plan.schedule, "查验清单": plan.checklist})


def _table_html(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.astype(object).where(frame.notna(), "").itertuples(index=False):
        body.append("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(plan: Plan) -> str:
    title, *rest = header_lines(plan)
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in plan.notes)
    sections = [("抽查名单", plan.selection), ("抽查单位", plan.units), ("抽查小组", plan.teams), ("时间安排", plan.schedule),
                ("查验清单（抽查小组现场使用）", plan.checklist)]
    body = "".join(f"<h2>{html.escape(n)}</h2>{_table_html(f)}" for n, f in sections)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "SimSun", sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 10.5pt; margin-bottom: 1.5em; }}
th, td {{ border: 1px solid #444; padding: 3px 5px; vertical-align: top; }}
th {{ background: #eee; }}
h2 {{ page-break-before: auto; border-bottom: 2px solid #333; }}
@media print {{ body {{ margin: 0; }} h2 {{ page-break-before: always; }} h2:first-of-type {{ page-break-before: avoid; }} }}
</style></head><body>
<h1>{html.escape(title)}</h1>
{''.join(f'<p>{html.escape(x)}</p>' for x in rest)}
<ul>{notes}</ul>
{body}
<p>本计划由志愿服务规范自查工具包生成，供民政部门参考；抽查对象、人员以本级正式印发的方案为准。</p>
</body></html>
"""
