"""二（二）② 查验记录证明出具（CRT001–CRT005）：以记录为依据、不收费、内容齐全、可通过系统查验。

CRT001/CRT002 compare each certificate with the service records (``ctx.related["records"]``).
Without a records table they cannot run; :func:`check_certificates` then reports them as 未评估.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zyfw_checks.formatting import fmt_dt, fmt_num
from zyfw_checks.params import threshold
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.common import join_flags
from zyfw_checks.rules.system import designated_platform

NEEDS_RECORDS = ("CRT001", "CRT002")
_MATCH_KEYS = ("证件号码", "志愿者编号", "姓名")


def _key_column(cert: pd.DataFrame, rec: pd.DataFrame) -> str | None:
    """The first volunteer key both tables have (证件号码 before 志愿者编号 before 姓名)."""
    for k in _MATCH_KEYS:
        if k in cert.columns and k in rec.columns:
            return k
    return None


def backing_hours(cert: pd.DataFrame, rec: pd.DataFrame) -> tuple[pd.Series, pd.Series, str | None]:
    """(recorded hours that can back each certificate, number of such records, key used).

    A record backs a certificate when it is the same volunteer, ended on or before the issue date
    and, when the certificate states a service period, lies within it. Vectorised: one merge.
    """
    key = _key_column(cert, rec)
    zero = pd.Series(0.0, index=cert.index)
    if key is None or "服务时长(小时)" not in rec.columns:
        return zero, zero.astype("int64"), key
    norm = lambda s: s.astype("string").str.strip().str.upper()  # noqa: E731
    r = pd.DataFrame({"k": norm(rec[key]), "h": rec["服务时长(小时)"].astype("float64")})
    r["end"] = rec["结束时间"] if "结束时间" in rec.columns else pd.NaT
    r["start"] = rec["开始时间"] if "开始时间" in rec.columns else r["end"]
    c = pd.DataFrame({"k": norm(cert[key]), "cid": np.arange(len(cert))})
    c["issued"] = cert["出具日期"].dt.normalize() + pd.Timedelta(days=1) if "出具日期" in cert.columns else pd.NaT
    c["from"] = cert["服务起始日期"].dt.normalize() if "服务起始日期" in cert.columns else pd.NaT
    c["to"] = (cert["服务截止日期"].dt.normalize() + pd.Timedelta(days=1)) if "服务截止日期" in cert.columns else pd.NaT
    m = c.dropna(subset=["k"]).merge(r.dropna(subset=["k"]), on="k", how="inner")
    ok = (m["issued"].isna() | m["end"].isna() | (m["end"] < m["issued"]))
    ok &= m["from"].isna() | m["start"].isna() | (m["start"] >= m["from"])
    ok &= m["to"].isna() | m["end"].isna() | (m["end"] <= m["to"])
    m = m[ok]
    hours = m.groupby("cid")["h"].sum().reindex(range(len(cert)), fill_value=0.0)
    count = m.groupby("cid").size().reindex(range(len(cert)), fill_value=0)
    return pd.Series(hours.to_numpy(), index=cert.index), pd.Series(count.to_numpy(), index=cert.index), key


def _records(ctx):
    return ctx.related.get("records")  # the engine reports the rule as 未评估 when it is absent


def _who(df: pd.DataFrame, ctx) -> pd.Series:
    name = df["姓名"].astype("string") if "姓名" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    idn = ctx.show_id(df["证件号码"]) if "证件号码" in df.columns else pd.Series(pd.NA, index=df.index, dtype="string")
    return name.fillna("（无姓名）") + "（" + idn.fillna("无证件号码") + "）"


@rule(
    code="CRT001",
    title="证明时长超过记录",
    clause="二（二）②-依据记录",
    severity="违规",
    needs=("证明时长", "姓名|证件号码|志愿者编号"),
    optional=("出具日期", "服务起始日期", "服务截止日期"),
    table="certificates",
    related=("records",),
    laws=("条例第十九条", "条例第三十八条"),
    explanation=(
        "记录证明应以志愿服务记录为依据如实出具：证明上的时长不能超过该志愿者在服务记录中的时长合计。"
        "只计算出具日期当天及以前结束的记录；证明写明服务期间的，只计算期间内的记录。"
        "按证件号码对照，没有证件号码时按志愿者编号，再没有时按姓名（同名会合并，结果标“存疑”）。"
        "超出 0.05 小时以内视为四舍五入，不报告。需要用 --records 提供服务记录表。"
    ),
    compliant="证明时长 12 小时；该志愿者出具日前的记录合计 12 小时。",
    noncompliant="证明时长 30 小时；记录合计只有 11.5 小时：多出的 18.5 小时没有记录依据。",
    not_modelled="不判断记录本身是否可认定（四类不予认定的活动由 ACT 规则对记录检查）。",
)
def crt001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rec = _records(ctx)
    if rec is None:
        return hits(df.index[:0], "", "")
    hours, count, key = backing_hours(df, rec.df)
    claimed = df["证明时长"]
    tol = float(threshold("hours_tolerance"))
    bad = (count > 0) & (claimed > hours + tol)
    idx = df.index[bad]
    msg = (_who(df.loc[bad], ctx) + "的证明写" + fmt_num(claimed[bad]) + "小时，服务记录中只有" + count[bad].astype("string")
           + "条、合计" + fmt_num(hours[bad]) + "小时，多出" + fmt_num(claimed[bad] - hours[bad]) + "小时没有记录依据")
    evidence = ("证明时长 " + fmt_num(claimed[bad]) + "；记录合计 " + fmt_num(hours[bad]) + "（" + count[bad].astype("string")
                + " 条，按" + str(key) + "对照，出具日期 " + (fmt_dt(df.loc[bad, "出具日期"], "%Y-%m-%d") if "出具日期" in df.columns
                                                     else "未填") + " 及以前）")
    severity = pd.Series("违规" if key != "姓名" else "存疑", index=idx)
    return hits(idx, msg, evidence, severity)


@rule(
    code="CRT002",
    title="证明没有任何服务记录",
    clause="二（二）②-伪造变造",
    severity="违规",
    needs=("证明时长", "姓名|证件号码|志愿者编号"),
    optional=("出具日期",),
    table="certificates",
    related=("records",),
    laws=("条例第十九条", "条例第三十八条"),
    explanation=(
        "证明所列志愿者在服务记录中找不到任何一条出具日期及以前的记录，却出具了有时长的证明：没有记录依据，"
        "可能存在伪造、变造记录证明的行为，需要调取原始记录核实。需要用 --records 提供服务记录表。"
    ),
    compliant="证明所列志愿者在记录表中有3条记录，合计与证明一致。",
    noncompliant="证明给“赵某”出具20小时，记录表中没有这个人的任何记录。",
)
def crt002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    rec = _records(ctx)
    if rec is None:
        return hits(df.index[:0], "", "")
    hours, count, key = backing_hours(df, rec.df)
    claimed = df["证明时长"]
    bad = (count == 0) & (claimed.fillna(0) > 0)
    idx = df.index[bad]
    scope = "出具日期及以前" if "出具日期" in df.columns else ""
    msg = (_who(df.loc[bad], ctx) + "的证明写" + fmt_num(claimed[bad]) + f"小时，但服务记录中没有该志愿者{scope}的任何记录"
           "：证明没有记录依据，可能伪造、变造，请调取原始记录核实")
    evidence = "证明时长 " + fmt_num(claimed[bad]) + f"；按{key}在记录表中找到 0 条记录"
    severity = pd.Series("违规" if key != "姓名" else "存疑", index=idx)
    return hits(idx, msg, evidence, severity)


@rule(
    code="CRT003",
    title="出具证明收取费用",
    clause="二（二）②-收费",
    severity="违规",
    needs=("收费金额",),
    table="certificates",
    laws=("条例第十九条", "条例第三十九条"),
    explanation="志愿服务记录证明应无偿出具。收费金额大于0元的，不论名目（工本费、手续费），都列出。",
    compliant="收费金额 0（或“免费”“无”）。",
    noncompliant="收费金额 10元（“工本费”）。",
)
def crt003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    fee = df["收费金额"]
    bad = fee > 0
    idx = df.index[bad]
    return hits(idx, "出具证明收取费用" + fmt_num(fee[bad]) + "元：记录证明应无偿出具，不得以出具证明为由收费",
                "收费金额 " + fmt_num(fee[bad]) + " 元")


@rule(
    code="CRT004",
    title="证明缺少必备内容",
    clause="二（二）②-依据记录",
    severity="违规",
    needs=(),
    table="certificates",
    laws=("条例第十九条", "办法第十五条"),
    explanation=(
        "记录证明应写明志愿者（姓名）、服务时间（时长）、服务内容和出具（记录）单位。任何一项空白都列出；"
        "整列缺失时每份证明都列出，并注明“表中没有该列”。"
    ),
    compliant="张三，累计服务12小时，社区敬老院陪护，出具单位：长沙市星城志愿者协会。",
    noncompliant="证明只写了时长，没有服务内容和出具单位。",
    not_modelled="办法第十五条原文未能核实（见 params/laws.yaml），必备内容按通知与条例第十九条的“如实出具”取最少四项。",
)
def crt004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    parts = []
    for name, label in (("姓名", "志愿者姓名"), ("证明时长", "服务时间（时长）"), ("服务内容", "服务内容"), ("出具单位", "出具单位")):
        if name not in df.columns:
            parts.append((pd.Series(True, index=df.index), label + "（表中没有该列）"))
        else:
            blank = df[name].isna() & ~ctx.table.bad_mask(name).to_numpy()
            parts.append((blank, label))
    text = join_flags(parts, sep="、")  # only the rows with at least one flag
    return hits(text.index, "证明缺少：" + text, "空白：" + text)


@rule(
    code="CRT005",
    title="证明无法通过信息系统查验",
    clause="二（二）②-系统查验",
    severity="违规",
    needs=("查验方式",),
    table="certificates",
    laws=("条例第三十八条",),
    explanation=(
        "记录证明应可以通过有其记录的志愿服务信息系统查验。查验方式写明“无”“无法查验”“纸质”的报“违规”；"
        "写了其他说法、看不出是信息系统的报“存疑”；空白的报“提示”。写中国志愿服务网、湖南志愿服务网、志愿汇，"
        "或“平台扫码”“系统查询”等的，视为可查验。"
    ),
    compliant="查验方式：湖南志愿服务网扫码查验。",
    noncompliant="查验方式：无（只有盖章的纸质证明）。",
)
def crt005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    words = ctx.params("certificates")  # the wordings of 查验方式, a dated parameter file
    way = df["查验方式"].astype("string")
    low = way.str.lower()
    platform = designated_platform(way)
    system = platform.notna() | low.str.contains("|".join(words["system_words"]), regex=True).fillna(False)
    none = low.str.contains("|".join(words["none_words"]), regex=True).fillna(False) & ~(platform.notna())
    blank = way.isna()
    other = ~blank & ~system & ~none
    bad = blank | none | other
    idx = df.index[bad]
    msg = pd.Series("查验方式为“", index=idx, dtype="string") + way[bad].fillna("") + "”：证明不能通过志愿服务信息系统查验"
    msg = msg.mask(other[bad], "查验方式为“" + way[bad].fillna("") + "”，看不出能否通过志愿服务信息系统查验，请核实")
    msg = msg.mask(blank[bad], "未填写查验方式，无法确认证明能否通过志愿服务信息系统查验")
    severity = pd.Series("违规", index=idx).mask(other[bad], "存疑").mask(blank[bad], "提示")
    return hits(idx, msg, "查验方式：" + way[bad].fillna("（空）"), severity)
