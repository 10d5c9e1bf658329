"""二（一） 志愿服务组织标识：每个组织的结论（直接标识 / 审核章程后标识 / 不标识 / 取消标识）与理由，
统一社会信用代码的校验与登记地，每年6月30日公告的应公告年度，每百万人口标识数（按市州和县市区）。

The one home of the organisation decisions: the ORG rules in ``rules/orgs.py``, the ``zyfw orgs``
command and the spot-check plan all read :func:`decide`, :func:`announcement_deadlines` and
:func:`density`. Everything is vectorised over the organisation table (loops run over years or
jurisdictions, never over organisations).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from zyfw_checks.clauses import get_clause
from zyfw_checks.errors import UsageError
from zyfw_checks.params import ParamError, load_params, param_series, threshold, value_on

# ---------------------------------------------------------------- small parsers

_COUNT_RE = r"^\s*([-+]?\d[\d,，]*(?:\.\d+)?)\s*(?:人次|人|次|个|家|场|分|篇|项|平方米|㎡|m2)?\s*$"


def to_count(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """'1,200人' / '35次' / 12 → float; returns (values, unreadable-but-filled mask)."""
    if s is None:
        return pd.Series(dtype="float64"), pd.Series(dtype=bool)
    text = s.astype("string").str.normalize("NFKC").str.strip()
    blank = text.isna() | text.isin(["", "nan", "None", "-", "/", "—"])
    num = text.str.extract(_COUNT_RE)[0].str.replace(r"[,，]", "", regex=True)
    val = pd.to_numeric(num, errors="coerce").astype("float64")
    return val.where(~blank), (~blank & val.isna()).fillna(False)


def _words(key: str) -> list[str]:
    return [str(w).lower() for w in load_params("orgs")[key]]


def yes_no(s: pd.Series) -> pd.Series:
    """是/否 cells → True / False / NA (blank or unrecognised)."""
    t = s.astype("string").str.normalize("NFKC").str.strip().str.lower()
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    no = t.isin(_words("no_words")) | t.str.startswith(("否", "未", "没有", "不")).fillna(False)
    yes = (t.isin(_words("yes_words")) | t.str.startswith(("是", "已")).fillna(False)) & ~no
    out[yes.fillna(False)] = True
    out[no.fillna(False)] = False
    return out


def contains_any(s: pd.Series, words) -> pd.Series:
    pattern = "|".join(re.escape(str(w)) for w in words)
    return s.astype("string").str.contains(pattern, regex=True).fillna(False).astype(bool)


def whole_and_straddled(s: pd.Series, words) -> tuple[pd.Series, pd.Series]:
    """The listed words found in each name as words, and those whose characters only straddle two words
    (“仗义工友”的“义工”): jieba word boundaries (zyfw_checks.wordsplit), once per distinct name."""
    from zyfw_checks.wordsplit import Words

    found = matched_words(s, words)
    whole = found.copy()
    straddled = pd.Series("", index=s.index, dtype="string")
    hit = found.str.len().gt(0).fillna(False).to_numpy(dtype=bool)
    if not hit.any():
        return whole, straddled
    w = Words(compounds=load_params("lexicons/words")["compounds"])
    codes, names = pd.factorize(s[hit].astype("string"))
    keep, cross = [], []
    for name, listed in zip(names, found[hit].groupby(codes).first(), strict=True):  # distinct names only
        parts = str(listed).split("、")
        ok = [x for x in parts if w.whole(str(name), str(name), x)]
        keep.append("、".join(ok))
        cross.append("、".join(x for x in parts if x not in ok))
    whole[hit] = np.asarray(keep, dtype=object)[codes]
    straddled[hit] = np.asarray(cross, dtype=object)[codes]
    return whole, straddled


def matched_words(s: pd.Series, words) -> pd.Series:
    """The listed words found in each cell, joined by '、' ('' when none)."""
    out = pd.Series("", index=s.index, dtype="string")
    text = s.astype("string").fillna("")
    for w in words:
        hit = text.str.contains(w, regex=False).to_numpy(dtype=bool)
        out = out.where(~hit, out + np.where(out.str.len().gt(0), "、", "") + w)
    return out


# ---------------------------------------------------------------- 统一社会信用代码 (GB 32100)

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_LOOKUP = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(_ALPHABET):
    _LOOKUP[ord(_c)] = _i


def clean_uscc(s: pd.Series) -> pd.Series:
    return s.astype("string").str.normalize("NFKC").str.replace(r"[\s-]", "", regex=True).str.upper()


def uscc_problems(codes: pd.Series) -> pd.Series:
    """Why each 统一社会信用代码 is invalid ('' when valid; NA cells give '').

    The same checks as ``stdnum.cn.uscc.validate`` (18 characters, digits 1–8 numeric, the rest from
    the 31-character alphabet without I O Z S V, check character by GB 32100), done with numpy over
    the whole column instead of calling stdnum once per value; the tests compare both.
    """
    s = clean_uscc(codes)
    out = pd.Series("", index=codes.index, dtype="string")
    filled = s.notna()
    length = s.str.len()
    out[filled & (length != 18)] = "应为18位，实际" + length[filled & (length != 18)].astype("string") + "位"
    shaped = filled & (length == 18)
    head_ok = s.str[:8].str.fullmatch(r"\d{8}").fillna(False)
    tail_ok = s.str[8:].str.fullmatch(f"[{_ALPHABET}]{{10}}").fillna(False)
    out[shaped & ~head_ok] = "前8位应全是数字"
    out[shaped & head_ok & ~tail_ok] = "第9–18位含有不允许的字符（不用 I、O、Z、S、V）"
    good = shaped & head_ok & tail_ok
    if good.any():
        g = s[good]
        raw = np.frombuffer("".join(g.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        vals = _LOOKUP[raw]
        expected = np.array(list(_ALPHABET))[(31 - (vals[:, :17] @ _WEIGHTS) % 31) % 31]
        actual = g.str[17].to_numpy(dtype=str)
        wrong = expected != actual
        idx = g.index[wrong]
        out[idx] = "校验码应为" + pd.Series(expected[wrong], index=idx, dtype="string") + "，实际为" + g[idx].str[17]
    return out


# ---------------------------------------------------------------- jurisdiction


def populations() -> dict:
    return load_params("populations")


def with_county_populations(frame: pd.DataFrame, source: str) -> dict:
    """params/populations.yaml plus the 县市区 populations of a user's table (区划代码, 常住人口).

    Raises ValueError with a Chinese message naming the rows that are not a 6-digit county code of the
    province or not a positive whole number.
    """
    p = populations()
    cols = {str(c).strip(): c for c in frame.columns}
    code_col = next((cols[c] for c in ("区划代码", "行政区划代码", "代码") if c in cols), None)
    pop_col = next((cols[c] for c in ("常住人口", "人口", "人口数") if c in cols), None)
    if code_col is None or pop_col is None:
        raise UsageError(f"县市区人口表“{source}”需要“区划代码”和“常住人口”两列，实际列为：{'、'.join(map(str, frame.columns))}。")
    code = frame[code_col].astype("string").str.normalize("NFKC").str.strip().str.replace(r"\.0$", "", regex=True)
    num = pd.to_numeric(frame[pop_col].astype("string").str.replace(r"[,，\s]", "", regex=True), errors="coerce")
    ok_code = code.str.fullmatch(str(p["province"]["code"]) + r"\d{4}").fillna(False) & ~code.str.endswith("00").fillna(True)
    ok_pop = num.notna() & (num > 0) & (num == num.round())
    bad = ~(ok_code & ok_pop)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in frame.index[bad][:10])
        raise UsageError(f"县市区人口表“{source}”第 {rows} 行不对：区划代码应为本省6位县级代码，常住人口应为正整数。")
    return {**p, "county_populations": dict(zip(code.tolist(), num.astype("int64").tolist(), strict=True)),
            "county_populations_source": f"用户提供：{source}"}


def jurisdiction(codes: pd.Series) -> pd.DataFrame:
    """Division code (digits 3–8 of a valid-shaped code) → 市州 code/name, 县 code/name, level.

    level: 省本级 (430000) · 市本级 (xxxx00) · 县级 · 省外 (not 43) · 未知 (no usable code).
    """
    p = populations()
    pref = {str(k): v["name"] for k, v in p["prefectures"].items()}
    counties = {str(k): v for k, v in p.get("counties", {}).items()}
    s = clean_uscc(codes)
    div = s.str[2:8].where(s.str[2:8].str.fullmatch(r"\d{6}").fillna(False))
    pcode = div.str[:4]
    province = p["province"]["code"]
    in_prov = div.str[:2] == province
    level = pd.Series("县级", index=codes.index, dtype="string")
    level = level.mask(div.str[4:] == "00", "市本级").mask(div.str[2:] == "0000", "省本级")
    level = level.mask(~in_prov.fillna(False), "省外").mask(div.isna(), "未知")
    pname = pcode.map(pref).astype("string")
    pname = pname.mask(level == "省本级", p["province"]["name"] + "本级")
    pname = pname.mask((level == "省外") & div.notna(), "省外（" + div.str[:2].fillna("") + "）")
    cname = div.map(counties).astype("string").fillna("代码 " + div.fillna(""))
    cname = cname.mask(level != "县级", pd.NA)
    return pd.DataFrame({
        "区划代码": div, "市州代码": pcode.where(level.isin(["市本级", "县级"])), "市州": pname,
        "县区代码": div.where(level == "县级"), "县区": cname, "登记层级": level,
    }, index=codes.index)


def jurisdiction_of(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`jurisdiction` of the 统一社会信用代码, falling back to a 行政区划代码 column (teams without a code)."""
    j = jurisdiction(_col(df, "统一社会信用代码"))
    if "行政区划代码" in df.columns:
        div = df["行政区划代码"].astype("string").str.normalize("NFKC").str.strip().str.ljust(6, "0")
        pseudo = "00" + div.where(div.str.fullmatch(r"\d{6}").fillna(False)) + "0000000000"
        j = j.where(j["区划代码"].notna().to_numpy()[:, None], jurisdiction(pseudo))
    return j


# ---------------------------------------------------------------- decisions

DIRECT, REVIEW, NO, CANCEL, UNKNOWN, NA = "直接标识", "审核章程后标识", "不标识", "取消标识", "无法判断", "不适用"
DECISIONS = (DIRECT, REVIEW, NO, CANCEL, UNKNOWN, NA)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")


def charter_is_volunteer(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(is volunteer purpose: boolean with NA, basis text, judged by keywords only)."""
    cfg = load_params("orgs")["charter_keywords"]
    charter = _col(df, "章程宗旨").astype("string")
    found = matched_words(charter, cfg["words"])
    negated = contains_any(charter, cfg.get("negations", []))
    by_words = (found.str.len() > 0) & ~negated
    verdict = pd.Series(by_words, index=df.index, dtype="boolean").mask(charter.isna())
    basis = pd.Series("章程宗旨中没有“开展志愿服务”一类表述（按关键词判断）", index=df.index, dtype="string")
    basis = basis.where(~by_words, "章程宗旨含“" + found + "”（按关键词判断，需核实章程）")
    basis = basis.where(~negated, "章程宗旨写明不以开展志愿服务为宗旨（按关键词判断）")
    basis = basis.mask(charter.isna(), "章程宗旨空白")
    keywords_only = pd.Series(True, index=df.index)
    if "章程以志愿服务为宗旨" in df.columns:
        staff = yes_no(df["章程以志愿服务为宗旨"])
        given = staff.notna()
        verdict = verdict.where(~given, staff)
        basis = basis.where(~given, pd.Series("经核实章程：", index=df.index, dtype="string") + np.where(
            staff.fillna(False), "以开展志愿服务为宗旨", "不以开展志愿服务为宗旨"))
        keywords_only = ~given
    return verdict, basis, keywords_only


def amended_charter(amend: pd.Series) -> pd.Series:
    """True where 章程修改情况 says the charter was amended; '无', '未修改宗旨', '没有修改章程' … are not."""
    cfg = load_params("orgs")["unamended"]
    t = amend.astype("string").str.normalize("NFKC").str.strip().str.lower()
    prefixes = "|".join(re.escape(str(w)) for w in cfg["prefixes"])
    unamended = t.isin([str(w).lower() for w in cfg["words"]]) | t.str.match(f"(?:{prefixes})")
    return (t.notna() & (t != "") & ~unamended.fillna(False)).fillna(False).astype(bool)


def decide(df: pd.DataFrame) -> pd.DataFrame:
    """One decision per organisation with its reason and clause id; indexed like ``df``."""
    cfg = load_params("orgs")
    name = _col(df, "名称").astype("string")
    name_found, straddled = whole_and_straddled(name, cfg["name_words"]["words"])
    name_has = name_found.str.len() > 0
    similar = matched_words(name, cfg["name_words"].get("similar", []))
    # a listed word whose characters only straddle two words of the name is not plainly the 字样: a person decides
    cross = straddled.str.len().gt(0).fillna(False) & ~name_has
    similar = similar.mask(cross, straddled + "（只是跨两个词出现）")
    name_like = ~name_has & (similar.str.len() > 0)  # e.g. 青年志愿协会: is it one of the "等字样"? a person decides
    vol, basis, keywords_only = charter_is_volunteer(df)
    vol_true = vol.fillna(False).astype(bool)
    vol_false = (vol == False).fillna(False).astype(bool)  # noqa: E712 (nullable boolean)
    identified = yes_no(_col(df, "是否已标识")).fillna(False).astype(bool)
    applied_cell = yes_no(_col(df, "是否主动申请标识"))
    # an organisation already identified with the cell left blank was identified at some request: not a finding
    applied = (applied_cell.fillna(False) | (applied_cell.isna() & identified)).astype(bool)
    amend = _col(df, "章程修改情况").astype("string").str.strip()
    amended = amended_charter(amend)

    name_txt = pd.Series("名称含“", index=df.index, dtype="string") + name_found + "”"
    name_txt = name_txt.where(name_has, "名称不含“志愿服务”“志愿者”“义工”等字样")
    decision = pd.Series(NO, index=df.index, dtype="string")
    clause = pd.Series("二（一）-定义", index=df.index, dtype="string")
    reason = name_txt + "；" + basis + "，不属于以开展志愿服务为宗旨的组织"

    no_apply = ~name_has & vol_true & ~applied
    reason = reason.mask(no_apply, name_txt + "；" + basis + "；但未主动要求标识，按通知只对主动要求的组织核准后标识")
    clause = clause.mask(no_apply, "二（一）-核准标识")
    review = ~name_has & vol_true & applied
    decision = decision.mask(review, REVIEW)
    reason = reason.mask(review, name_txt + "；" + basis + "；已主动要求标识：应对其章程进行核准后予以标识并公告")
    clause = clause.mask(review, "二（一）-核准标识")
    direct = name_has & vol_true
    decision = decision.mask(direct, DIRECT)
    reason = reason.mask(direct, name_txt + "；" + basis + "：应直接进行标识并公告")
    clause = clause.mask(direct, "二（一）-直接标识")
    like = name_like & vol_true & ~applied
    decision = decision.mask(like, DIRECT)
    reason = reason.mask(like, "名称含“" + similar + "”，但不含所列“志愿服务”“志愿者”“义工”；通知列举以“等字样”结尾，"
                         "是否属于同类字样请核实：属于的，" + basis + "，应直接标识并公告；不属于的，须本组织主动要求、核准章程后标识")
    clause = clause.mask(like, "二（一）-直接标识")
    words_only = name_has & vol_false
    reason = reason.mask(words_only, name_txt + "，但" + basis + "：名称有字样而章程不以开展志愿服务为宗旨的，不能直接标识")
    clause = clause.mask(words_only, "二（一）-直接标识")
    cancel = identified & amended & vol_false
    decision = decision.mask(cancel, CANCEL)
    reason = reason.mask(cancel, "已标识；章程修改（" + amend.fillna("") + "）后" + basis
                         + "：在核准章程时同步取消志愿服务组织身份标识并公告")
    clause = clause.mask(cancel, "二（一）-取消标识")
    kept_no = identified & ~amended & vol_false
    reason = reason.mask(kept_no, "目前已标识，但" + basis + "，章程修改情况未写明修改：请核实章程；如章程已修改，应取消标识")
    unknown = vol.isna()
    decision = decision.mask(unknown, UNKNOWN)
    reason = reason.mask(unknown, name_txt + "；章程宗旨空白，无法判断是否以开展志愿服务为宗旨：请补充章程宗旨或核实结果")
    clause = clause.mask(unknown, "二（一）-信息采集")
    kind = _col(df, "组织类型").astype("string").str.strip()
    not_org = kind.isin([str(t) for t in load_params("orgs")["not_social_org_types"]["types"]]).fillna(False).astype(bool)
    decision = decision.mask(not_org, NA)
    reason = reason.mask(not_org, "组织类型为“" + kind.fillna("") + "”，不是登记的社会组织：志愿服务组织标识只针对社会组织")
    clause = clause.mask(not_org, "二（一）-登记地")

    status = pd.Series("未标识", index=df.index, dtype="string").where(~identified, "已标识")
    todo = pd.Series("无需操作", index=df.index, dtype="string")
    todo = todo.mask(decision.isin([DIRECT, REVIEW]) & ~identified, "应标识，尚未标识")
    todo = todo.mask(decision.isin([DIRECT, REVIEW]) & identified, "已标识，保持")
    todo = todo.mask(decision == CANCEL, "应取消标识并公告")
    todo = todo.mask((decision == NO) & identified, "已标识但不符合条件，请核实")
    todo = todo.mask(decision == UNKNOWN, "补充章程宗旨后再判断")
    todo = todo.mask((decision == NA) & identified, "不是社会组织却已标识，请核实")
    return pd.DataFrame({
        "结论": decision, "理由": reason, "clause": clause, "现状": status, "待办": todo,
        "名称含字样": name_has, "字样待核实": like & (decision == DIRECT), "章程为志愿服务": vol,
        "按关键词判断": keywords_only & vol.notna(),
        "主动申请": applied, "已标识": identified, "章程已修改": amended,
    }, index=df.index)


def cite(clause_ids: pd.Series) -> pd.Series:
    """Clause id → one-line citation (vectorised over the few distinct ids)."""
    return clause_ids.map({c: get_clause(c).cite() for c in clause_ids.dropna().unique()}).astype("string")


# ---------------------------------------------------------------- yearly announcement (每年6月30日前)


def day_of(value=None) -> dt.date:
    """A date from a date, a timestamp or 'YYYY-MM-DD' text; today when None."""
    return dt.date.today() if value is None else pd.Timestamp(str(value)[:10]).date()


def announcement_deadlines(as_of=None) -> dict[int, pd.Timestamp]:
    """{year: that year's announcement deadline} for every year whose deadline has passed by ``as_of``
    (default today) and on which the notice is in force, read from the dated series
    ``announcement_deadline`` in params/orgs.yaml (first 2024: the notice dates from 2023-09-07;
    none after its five years). A deadline day itself is still on time, so it has passed only after it."""
    series = param_series("announcement_deadline", "orgs")
    day = day_of(as_of)
    first = day_of(series[0]["since"]).year
    out = {}
    for year in range(first, day.year + 1):  # a handful of years
        for item in series:
            v = item["value"]
            if not v:
                continue
            deadline = dt.date(year, int(v["month"]), int(v["day"]))
            try:
                in_force = value_on(series, deadline, "announcement_deadline")
            except ParamError:
                continue
            if in_force == v and deadline < day:
                out[year] = pd.Timestamp(deadline)
                break
    return out


# ---------------------------------------------------------------- density


DENSITY_COLUMNS = ["层级", "地区", "区划代码", "名单中组织数", "已标识数", "按结论应标识数", "常住人口", "人口来源",
                   "每百万人口已标识", "需达到", "达标", "缺口", "说明"]


def density(df: pd.DataFrame, pops: dict | None = None, on=None) -> pd.DataFrame:
    """Identified organisations per million people: one row per 市州 and per 县市区 in the table, and the province.

    The notice does not say at which level the 20 per million applies, so both are shown (a summary,
    never a finding on an organisation's row). A 市州 counts its 市本级 and county organisations; a
    县市区 counts the organisations registered there; 省本级 counts for the province only. The numbers
    mean something only if the list holds every organisation of the area. ``pops`` overrides
    params/populations.yaml (tests); a 县市区 without a population in that file shows the counts only.
    """
    p = pops or populations()
    per_million = threshold("density_per_million", on, name="orgs")
    where = jurisdiction_of(df)
    ident = yes_no(_col(df, "是否已标识")).fillna(False).astype(bool)
    should = decide(df)["结论"].isin([DIRECT, REVIEW]) if len(df) else pd.Series(False, index=df.index)
    frame = pd.DataFrame({"city": where["市州代码"], "county": where["县区代码"], "ident": ident, "should": should})
    agg = {"名单中组织数": ("ident", "size"), "已标识数": ("ident", "sum"), "按结论应标识数": ("should", "sum")}
    by_city = frame.dropna(subset=["city"]).groupby("city").agg(**agg)
    by_county = frame.dropna(subset=["county"]).groupby("county").agg(**agg)
    pref = {str(k): v for k, v in p["prefectures"].items()}
    names = {str(k): v for k, v in p.get("counties", {}).items()}
    county_pop = {str(k): v for k, v in (p.get("county_populations") or {}).items()}
    city_source = str(p.get("source_short") or p.get("source") or "")
    county_source = str(p.get("county_populations_source") or "未录入（params/populations.yaml 的 county_populations）")
    rows = []
    for code, g in by_city.iterrows():  # ≤ 14 市州 and their 县市区: loops over jurisdictions, not organisations
        info = pref.get(str(code))
        if info is None:
            continue
        rows.append({"层级": "市州", "地区": info["name"], "区划代码": str(code), **{k: int(v) for k, v in g.items()},
                     "常住人口": int(info["population"]), "人口来源": city_source, "说明": "含市本级和各县市区登记的组织"})
        for ccode, cg in by_county[by_county.index.str[:4] == str(code)].iterrows():
            pop = county_pop.get(str(ccode))
            rows.append({"层级": "县市区", "地区": names.get(str(ccode), f"代码 {ccode}"), "区划代码": str(ccode),
                         **{k: int(v) for k, v in cg.items()}, "常住人口": int(pop) if pop else pd.NA,
                         "人口来源": county_source if pop else "未录入，无法计算",
                         "说明": "只含在本县市区登记的组织"})
    in_prov = where["登记层级"].isin(["省本级", "市本级", "县级"])
    covered = sorted(by_city.index.intersection(list(pref)))
    rows.append({"层级": "全省", "地区": p["province"]["name"], "区划代码": p["province"]["code"],
                 "名单中组织数": int(in_prov.sum()), "已标识数": int((ident & in_prov).sum()),
                 "按结论应标识数": int((should & in_prov).sum()), "常住人口": int(p["province"]["population"]),
                 "人口来源": city_source,
                 "说明": "" if len(covered) == len(pref) else
                 f"名单只含 {len(covered)} 个市州的组织（共 {len(pref)} 个），全省数字只反映本名单"})
    out = pd.DataFrame(rows, columns=DENSITY_COLUMNS)
    pop = out["常住人口"].astype("Int64")
    out["常住人口"] = pop
    if per_million is None:  # the notice is no longer in force on ``on``
        out["说明"] = out["说明"] + "；通知在该日期已不适用，不计算是否达标"
        return out
    out["每百万人口已标识"] = (out["已标识数"] * 1_000_000 / pop.astype("Float64")).round(2)
    # exact integer comparison: count × 1,000,000 ≥ 20 × population (no rounding at the boundary)
    out["需达到"] = (pop * int(per_million) + 999_999) // 1_000_000
    out["达标"] = (out["已标识数"].astype("Int64") * 1_000_000 >= pop * int(per_million)).astype("boolean")
    out["缺口"] = (out["需达到"] - out["已标识数"]).clip(lower=0)
    return out
