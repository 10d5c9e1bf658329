"""二（二）② 查验记录证明出具（CRT001–CRT005）：以记录为依据、不收费、内容齐全、可通过系统查验。

CRT001/CRT002 compare each certificate with the service records (``ctx.related["records"]``).
Without a records table the engine reports them as 未评估. An uploaded export may be partial, so a
certificate without backing records is 存疑 unless the user declares the export complete
(``ctx.options["export_complete"]``); certificates whose period lies outside the records' dates
are not assessed (reason OUT_OF_RANGE), said once in the rule status.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from zyfw_checks.formatting import fmt_dt, fmt_num
from zyfw_checks.params import threshold
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import join_flags
from zyfw_checks.rules.system import designated_platform

NEEDS_RECORDS = ("CRT001", "CRT002")
STRONG, LOOSE, NAME = 0, 1, 2  # how a certificate met its records: 编号 or full ID · name + visible digits · name only


def _norm(s: pd.Series) -> pd.Series:
    return s.astype("string[pyarrow]").str.strip().str.upper().replace("", pd.NA)


def _person_keys(df: pd.DataFrame, masked_anywhere: bool) -> dict[str, tuple[int, pd.Series]]:
    """{kind: (tier, key)} for each way a row can say who the volunteer is.

    志愿者编号 (V) and a full 证件号码 (I) are strong. Platform exports mask the ID (the first 6 and the
    last 3–4 digits kept): when either table has masked IDs, the ID is compared as name + first 6 +
    last 3 (M, loose). The name alone (N) is the last resort."""
    out = {}
    name = _norm(df["姓名"]) if "姓名" in df.columns else None
    if "志愿者编号" in df.columns:
        out["V"] = (STRONG, _norm(df["志愿者编号"]))
    if "证件号码" in df.columns:
        ids = _norm(df["证件号码"])
        if not masked_anywhere:
            out["I"] = (STRONG, ids)
        elif name is not None:
            out["M"] = (LOOSE, (name + "|" + ids.str.slice(0, 6) + "|" + ids.str.slice(-3)).where(ids.str.len() >= 9))
    if name is not None:
        out["N"] = (NAME, name)
    return out


def _record_hours(rec_table) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """(hours, start, end, hours unknown) per record from the service-time model: a blank 服务时长 whose
    start and end are known counts the span; overnight rows end the next day."""
    from zyfw_checks.service_time import intervals

    iv = intervals(rec_table)
    hours = iv["hours"].fillna(iv["span_h"])
    end = iv["end"].where(iv["clock"], iv["end_day"])
    start = iv["start"].where(iv["clock"], iv["activity_day"])
    return hours.fillna(0.0), start, end, hours.isna()


def backing(cert: pd.DataFrame, rec_table) -> pd.DataFrame:
    """Per certificate: ``hours`` of the records that can back it, their ``count``, ``unknown`` (records
    whose hours are blank and whose span is unknown), ``tier`` (the best way it met them: STRONG, LOOSE,
    NAME; -1 when none) and ``keyed`` (it had a 编号 or 证件号码 the records could be matched on).

    A record backs a certificate when it is the same volunteer by any 编号/证件号码 key both tables have
    (by the name alone only when the certificate has neither), ended on or before the issue date and,
    when the certificate states a service period, lies within it. One merge per key; a record met by
    several keys is counted once."""
    from zyfw_checks.params import load_params
    from zyfw_checks.parsing import masked_ids

    rec = rec_table.df
    pattern = load_params("fields/layout")["masked_id_pattern"]
    masked_anywhere = any("证件号码" in d.columns and bool(masked_ids(_norm(d["证件号码"]).fillna(""), pattern).any())
                          for d in (cert, rec))
    n = len(cert)
    out = pd.DataFrame({"hours": 0.0, "count": 0, "unknown": 0, "tier": -1, "keyed": False}, index=cert.index)
    c_keys, r_keys = _person_keys(cert, masked_anywhere), _person_keys(rec, masked_anywhere)
    shared = [k for k in c_keys if k in r_keys]
    for k in shared:
        if k != "N":
            out["keyed"] |= c_keys[k][1].notna().to_numpy()
    hours, start, end, unknown = _record_hours(rec_table)
    issued = (cert["出具日期"].dt.normalize() + pd.Timedelta(days=1)) if "出具日期" in cert.columns else pd.NaT
    c_from = cert["服务起始日期"].dt.normalize() if "服务起始日期" in cert.columns else pd.NaT
    c_to = (cert["服务截止日期"].dt.normalize() + pd.Timedelta(days=1)) if "服务截止日期" in cert.columns else pd.NaT
    c = pd.DataFrame({"cid": np.arange(n), "issued": issued, "from": c_from, "to": c_to, "keyed": out["keyed"]},
                     index=cert.index)
    r = pd.DataFrame({"rid": np.arange(len(rec)), "h": hours.to_numpy(), "s": start.to_numpy(), "e": end.to_numpy(),
                      "u": unknown.to_numpy()})
    pieces = []
    for k in shared:
        tier = c_keys[k][0]
        left = c.assign(k=c_keys[k][1].to_numpy())
        if k == "N":
            left = left[~left["keyed"]]
        right = r.assign(k=r_keys[k][1].to_numpy())
        pieces.append(left.dropna(subset=["k"]).merge(right.dropna(subset=["k"]), on="k", how="inner").assign(tier=tier))
    if not pieces:
        return out
    m = pd.concat(pieces, ignore_index=True)
    ok = m["issued"].isna() | m["e"].isna() | (m["e"] < m["issued"])
    ok &= m["from"].isna() | m["s"].isna() | (m["s"] >= m["from"])
    ok &= m["to"].isna() | m["e"].isna() | (m["e"] <= m["to"])
    m = m[ok].sort_values("tier", kind="stable").drop_duplicates(["cid", "rid"])
    g = m.groupby("cid")
    idx = pd.RangeIndex(n)
    out["hours"] = g["h"].sum().reindex(idx, fill_value=0.0).to_numpy()
    out["count"] = g.size().reindex(idx, fill_value=0).to_numpy()
    out["unknown"] = g["u"].sum().reindex(idx, fill_value=0).to_numpy()
    out["tier"] = g["tier"].min().reindex(idx, fill_value=-1).to_numpy()
    return out


_TIER_WORDS = {STRONG: "志愿者编号或证件号码", LOOSE: "姓名加证件号码可见的数字（号码已打码）", NAME: "姓名（同名会合并）", -1: "志愿者编号、证件号码或姓名"}


def _tier_text(tier: pd.Series) -> pd.Series:
    return tier.map(_TIER_WORDS).astype("string[pyarrow]")


def _records(ctx):
    return ctx.related.get("records")  # the engine reports the rule as 未评估 when it is absent


def _who(df: pd.DataFrame, ctx) -> pd.Series:
    name = df["姓名"].astype("string") if "姓名" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    idn = ctx.show_id(df["证件号码"]) if "证件号码" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    return name.fillna("（无姓名）") + "（" + idn.fillna("无证件号码") + "）"


def _date(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].dt.normalize() if name in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")


def records_range(rec_table) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(first day, last day) the uploaded records cover (the service-time model's days); NaT without dates."""
    from zyfw_checks.service_time import intervals

    iv = intervals(rec_table)
    return iv["activity_day"].min(), iv["end_day"].fillna(iv["activity_day"]).max()


def in_records_range(df: pd.DataFrame, ctx) -> pd.Series:
    """True where the certificate's service period overlaps the records' dates (or cannot be placed).

    The period is 服务起始日期–服务截止日期; without a 截止日期 it ends on the 出具日期. Certificates
    outside the range are said once (OUT_OF_RANGE) for the running rule, never as findings.
    """
    def compute() -> pd.Series:
        first, last = records_range(_records(ctx))
        c_from, c_to = _date(df, "服务起始日期"), _date(df, "服务截止日期").fillna(_date(df, "出具日期"))
        outside = pd.Series(False, index=df.index)
        if pd.notna(first):
            outside |= (c_to < first).fillna(False) | (c_from > last).fillna(False)
        return ~outside

    inside = ctx.once("certificates_in_records_range", compute)
    n = int((~inside).sum())
    if n:
        first, last = records_range(_records(ctx))
        ctx.partly_unassessed(
            Reason.OUT_OF_RANGE,
            f"{n} 份证明的服务期间不在服务记录表的时间范围（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}）内，无法对照，未评估",
            rows=n)
    return inside


def _declared(ctx) -> bool:
    """The user declared the uploaded records complete for the certificates' periods (--records-complete)."""
    return bool(ctx.options.get("export_complete"))


_UNDECLARED = "（未声明服务记录表完整：也可能是导出不全，请调取原始记录核实）"


@rule(
    code="CRT001",
    hazards=('before_in_force', 'incomplete_export', 'masked_id'),
    in_force="measures_in_force",
    title="证明时长超过记录",
    clause="二（二）②-依据记录",
    severity="存疑",
    needs=("证明时长", "姓名|证件号码|志愿者编号"),
    optional=("出具日期", "服务起始日期", "服务截止日期"),
    table="certificates",
    related=("records",),
    laws=("条例第十九条", "办法第十四条", "条例第三十八条"),
    explanation=(
        "记录证明应以志愿服务记录为依据如实出具：证明上的时长不能超过该志愿者在服务记录中的时长合计。"
        "只计算出具日期当天及以前结束的记录；证明写明服务期间的，只计算期间内的记录。"
        "按志愿者编号或证件号码对照，任一相同即是同一人；平台导出打码的证件号码（只留前6位和后3–4位）按姓名加可见的数字对照；"
        "证明上既没有编号也没有号码时才按姓名（同名会合并）。记录的服务时长空白、起止时间齐全的，按起止时间计算。"
        "只有按编号或完整号码对上、且声明记录完整时才报“违规”。"
        "超出 0.05 小时以内视为四舍五入，不报告。需要用 --records 提供服务记录表。"
        "上传的记录可能不全，所以默认报“存疑”；用 --records-complete 声明记录表是证明所涉期间的全部记录后，报“违规”。"
        "服务期间完全在记录表时间范围之外的证明不评估。"
    ),
    compliant="证明时长 12 小时；该志愿者出具日前的记录合计 12 小时。",
    noncompliant="证明时长 30 小时；记录合计只有 11.5 小时：多出的 18.5 小时没有记录依据。",
    not_modelled="不判断记录本身是否可认定（四类不予认定的活动由 ACT 规则对记录检查）。",
    severity_reason=(
        "条例第十九条第二款、办法第十四条要求志愿服务组织“依据志愿服务记录”如实出具证明；上传的记录只有在用户声明完整时"
        "才足以说明证明没有依据（违规），否则可能只是导出不全，需要人工核实（存疑）。"
    ),
)
def crt001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rec = _records(ctx)
    if rec is None:
        return hits(df.index[:0], "", "")
    inside = in_records_range(df, ctx)
    b = ctx.once("certificate_backing", lambda: backing(df, rec))  # shared by CRT001 and CRT002
    hours, count = b["hours"], b["count"]
    claimed = df["证明时长"]
    tol = float(threshold("hours_tolerance"))
    bad = inside & (count > 0) & (claimed > hours + tol)
    idx = df.index[bad]
    unknown = b.loc[bad, "unknown"]
    hard = pd.Series(_declared(ctx), index=idx) & (b.loc[bad, "tier"] == STRONG) & (unknown == 0)
    tail = pd.Series("" if _declared(ctx) else _UNDECLARED, index=idx, dtype="string[pyarrow]")
    tail = tail.where(b.loc[bad, "tier"] == STRONG, "（按" + _tier_text(b.loc[bad, "tier"]) + "对照，请核实是否同一人）")
    tail = tail.where(unknown == 0, "（其中" + unknown.astype("string[pyarrow]") + "条记录没有时长、起止时间也不全，合计可能偏少）")
    msg = (_who(df.loc[bad], ctx) + "的证明写" + fmt_num(claimed[bad]) + "小时，服务记录中只有" + count[bad].astype("string")
           + "条、合计" + fmt_num(hours[bad]) + "小时，多出" + fmt_num(claimed[bad] - hours[bad]) + "小时没有记录依据" + tail)
    evidence = ("证明时长 " + fmt_num(claimed[bad]) + "；记录合计 " + fmt_num(hours[bad]) + "（" + count[bad].astype("string")
                + " 条，按" + _tier_text(b.loc[bad, "tier"]) + "对照，时长空白的按起止时间计算，出具日期 "
                + (fmt_dt(df.loc[bad, "出具日期"], "%Y-%m-%d") if "出具日期" in df.columns else "未填") + " 及以前）")
    return hits(idx, msg, evidence, pd.Series("违规", index=idx).where(hard, "存疑"))


@rule(
    code="CRT002",
    hazards=('before_in_force', 'incomplete_export', 'masked_id'),
    in_force="measures_in_force",
    title="证明没有任何服务记录",
    clause="二（二）②-伪造变造",
    severity="存疑",
    needs=("证明时长", "姓名|证件号码|志愿者编号"),
    optional=("出具日期", "服务起始日期", "服务截止日期"),
    table="certificates",
    related=("records",),
    laws=("条例第十九条", "办法第十四条", "条例第三十八条"),
    explanation=(
        "证明所列志愿者在服务记录中找不到任何一条出具日期及以前的记录，却出具了有时长的证明。上传的记录可能不全，"
        "所以默认报“存疑”：请调取原始记录核实证明是否有记录依据、是否存在伪造、变造记录证明的行为。"
        "对照方法同 CRT001：志愿者编号、证件号码，打码的号码按姓名加可见数字；只按姓名对照找不到的只报“存疑”。"
        "用 --records-complete 声明记录表是证明所涉期间的全部记录后，报“违规”（没有记录依据）。"
        "服务期间完全在记录表时间范围之外的证明不评估。需要用 --records 提供服务记录表。"
    ),
    compliant="证明所列志愿者在记录表中有3条记录，合计与证明一致。",
    noncompliant="证明给“赵某”出具20小时，记录表中没有这个人的任何记录。",
    not_modelled="是否“伪造、变造”要看证明原件和原始记录，本工具只指出没有记录依据。",
    severity_reason=(
        "找不到记录是关于导出文件的证据，不是伪造、变造的证明：只有用户声明记录表完整时，才能认定证明违反"
        "条例第十九条第二款、办法第十四条“依据志愿服务记录”出具的要求（违规），否则需要人工核实（存疑）。"
    ),
)
def crt002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rec = _records(ctx)
    if rec is None:
        return hits(df.index[:0], "", "")
    inside = in_records_range(df, ctx)
    b = ctx.once("certificate_backing", lambda: backing(df, rec))  # shared by CRT001 and CRT002
    claimed = df["证明时长"]
    bad = inside & (b["count"] == 0) & (claimed.fillna(0) > 0)
    idx = df.index[bad]
    # 没有记录依据 only when no record meets it by 编号 / 证件号码 and the records are declared complete
    hard = pd.Series(_declared(ctx), index=idx) & b.loc[bad, "keyed"]
    scope = "出具日期及以前" if "出具日期" in df.columns else ""
    where = "服务记录（已声明完整）" if _declared(ctx) else "上传的服务记录"
    tail = pd.Series("：证明没有记录依据（办法第十四条），是否伪造、变造请调取原始记录核实", index=idx, dtype="string[pyarrow]")
    tail = tail.where(hard, "：证明上没有志愿者编号或证件号码可以对照，只按姓名找不到，请调取原始记录核实")
    if not _declared(ctx):
        tail = pd.Series("：可能是导出不全，也可能证明没有记录依据，是否伪造、变造请调取原始记录核实", index=idx,
                         dtype="string[pyarrow]")
    msg = (_who(df.loc[bad], ctx) + "的证明写" + fmt_num(claimed[bad]) + f"小时，但{where}中没有该志愿者{scope}的任何记录"
           + tail)
    how = pd.Series("志愿者编号、证件号码（打码的按姓名加可见数字）或姓名", index=idx, dtype="string[pyarrow]")
    evidence = "证明时长 " + fmt_num(claimed[bad]) + "；按" + how + "在记录表中找到 0 条记录"
    return hits(idx, msg, evidence, pd.Series("违规", index=idx).where(hard, "存疑"))


@rule(
    code="CRT003",
    hazards=('before_in_force',),
    in_force="measures_in_force",
    title="出具证明收取费用",
    clause="二（二）②-收费",
    severity="违规",
    needs=("收费金额",),
    table="certificates",
    laws=("条例第十九条", "办法第十四条", "条例第三十八条"),
    explanation="志愿服务记录证明应无偿出具。收费金额大于0元的，不论名目（工本费、手续费），都列出。",
    compliant="收费金额 0（或“免费”“无”）。",
    noncompliant="收费金额 10元（“工本费”）。",
    severity_reason=(
        "条例第十九条第二款、办法第十四条要求志愿服务组织“无偿”出具记录证明；登记表写明收了费，数据本身就说明没有履行这项义务。"
    ),
)
def crt003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    fee = df["收费金额"]
    bad = fee > 0
    idx = df.index[bad]
    return hits(idx, "出具证明收取费用" + fmt_num(fee[bad]) + "元：记录证明应无偿出具，不得以出具证明为由收费",
                "收费金额 " + fmt_num(fee[bad]) + " 元")


_CONTENTS = (("姓名", "志愿者姓名"), ("证明时长", "服务时间（时长）"), ("服务内容", "服务内容"), ("出具单位", "出具单位（记录单位）"))


@rule(
    code="CRT004",
    hazards=('before_in_force',),
    in_force="measures_in_force",
    judges_blanks=True,
    title="证明缺少必备内容",
    clause="二（二）②-依据记录",
    severity="存疑",
    needs=(),
    table="certificates",
    laws=("条例第十九条", "办法第十五条"),
    explanation=(
        "办法第十五条：记录证明应当载明志愿者的志愿服务时间、服务内容和记录单位（本工具另查志愿者姓名）。"
        "登记表中任何一项空白的列出，请对照证明原件核实；整列缺失的，只说一次“这一项未评估”，不逐份列出。"
    ),
    compliant="张三，累计服务12小时，社区敬老院陪护，出具单位：长沙市星城志愿者协会。",
    noncompliant="登记表中这份证明的服务内容、出具单位空白。",
    severity_reason=(
        "办法第十五条要求证明“应当载明”服务时间、服务内容和记录单位；但登记表空白不等于证明原件缺项，需要对照原件核实。"
    ),
)
def crt004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    absent = [label for name, label in _CONTENTS if name not in df.columns]
    if absent:
        ctx.partly_unassessed(Reason.MISSING_FIELD, f"表中没有{'、'.join(absent)}列，这几项未核对")
    parts = [(df[name].isna() & ~ctx.table.bad_mask(name).to_numpy(), label)
             for name, label in _CONTENTS if name in df.columns]
    if not parts:
        return hits(df.index[:0], "", "")
    text = join_flags(parts, sep="、")  # only the rows with at least one flag
    return hits(text.index, "登记表中这份证明的" + text + "空白，请对照证明原件核实是否缺少必备内容", "空白：" + text)


def _words(key: str, ctx) -> list[str]:
    return [str(w).lower() for w in threshold(key, ctx.options.get("as_of"), name="certificates")]


def _has(low: pd.Series, words: list[str]) -> pd.Series:
    if not words:
        return pd.Series(False, index=low.index)
    return low.str.contains("|".join(map(re.escape, words)), regex=True).fillna(False).astype(bool)


@rule(
    code="CRT005",
    hazards=('before_in_force',),
    judges_blanks=True,
    in_force="measures_in_force",
    title="证明无法通过信息系统查验",
    clause="二（二）②-系统查验",
    severity="存疑",
    needs=("查验方式",),
    table="certificates",
    laws=("办法第十七条", "办法第十五条"),
    explanation=(
        "通知要求查验证明“是否可以通过有其记录的志愿服务信息系统进行查验”。办法第十七条规定记录证明“可以”通过信息系统查验，"
        "加盖印章的纸质证明也是合法的（办法第十五条），所以本规则最多报“存疑”：查验方式写了中国志愿服务网、湖南志愿服务网、"
        "志愿汇，或“系统”“平台”“扫码”“二维码”等的，视为可以查验（即使同一格里有“无需登录”“无误”“纸质”等字）；"
        "写明“无法查验”，或只写“无”“纸质”“盖章”的，报“存疑”，请核实证明所依据的记录是否已录入信息系统；"
        "写了其他说法的报“存疑”；空白的报“提示”。词表在 params/certificates.yaml。"
    ),
    compliant="查验方式：湖南志愿服务网扫码查验；或“纸质证明，可在系统查询”。",
    noncompliant="查验方式：无（只有盖章的纸质证明）——存疑，请核实记录是否在系统中。",
    severity_reason=(
        "办法第十七条只说证明“可以”通过信息系统查验，纸质盖章证明合法（办法第十五条），没有一句话规定不能在线查验即违法，"
        "所以只能请人核实（存疑），不对应任何处罚条文。"
    ),
)
def crt005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    way = df["查验方式"].astype("string")
    low = way.str.normalize("NFKC").str.strip().str.lower()
    refused = _has(low, _words("verify_refusal_words", ctx))
    system = (designated_platform(way).notna() | _has(low, _words("verify_system_words", ctx))) & ~refused
    bare = low.str.replace(r"[\s，,。.;；、（）()]", "", regex=True)
    none = bare.isin(_words("verify_none_words", ctx)).fillna(False) | refused
    paper = _has(low, _words("verify_paper_words", ctx)) & ~system & ~none
    blank = way.isna() | bare.eq("").fillna(False)
    other = ~blank & ~system & ~none & ~paper
    bad = blank | none | paper | other
    idx = df.index[bad]
    shown = way[bad].fillna("")
    msg = pd.Series("查验方式为“", index=idx, dtype="string") + shown + (
        "”：写明不能在信息系统中查验。办法第十七条规定证明“可以”通过信息系统查验，请核实证明所依据的记录是否已录入信息系统")
    msg = msg.mask(paper[bad], "查验方式为“" + shown + "”：加盖印章的纸质证明合法（办法第十五条）；证明“可以”通过信息系统查验"
                   "（办法第十七条），请核实其记录能否在信息系统中查到")
    msg = msg.mask(other[bad], "查验方式为“" + shown + "”，看不出能否通过志愿服务信息系统查验，请核实")
    msg = msg.mask(blank[bad], "未填写查验方式，无法确认证明能否通过志愿服务信息系统查验")
    severity = pd.Series("存疑", index=idx).mask(blank[bad], "提示")
    return hits(idx, msg, "查验方式：" + way[bad].fillna("（空）"), severity)
