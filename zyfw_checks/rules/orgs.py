"""二（一） 志愿服务组织标识（ORG001–ORG006）：代码、每年的公告、每百万人口标识数、标识结论的落实。

Rules only: every decision they report comes from :mod:`zyfw_checks.staff.identification`.
The party checked by these rules is the 民政部门 running ``zyfw orgs`` on its own list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import zyfw_checks.staff.identification as ident
from zyfw_checks.formatting import fmt_dt
from zyfw_checks.reasons import Reason
from zyfw_checks.registry import hits, rule


@rule(
    code="ORG001",
    judges_blanks=True,
    title="统一社会信用代码无效",
    clause="二（一）-登记地",
    severity="存疑",
    needs=("统一社会信用代码",),
    table="orgs",
    explanation=(
        "统一社会信用代码按 GB 32100 校验：18位，前8位是数字，其余不用 I、O、Z、S、V，最后一位校验码正确。"
        "代码第3–8位是登记管理机关所在地的行政区划代码，本工具据此判断组织由哪一级、哪个市州的民政部门负责标识"
        "（“由其登记地的民政部门负责完成”）；代码无效就无法确定登记地。代码空白的也列出。"
    ),
    compliant="51430100MJJ0000000（示意）：校验码正确，登记地 430100 长沙市本级。",
    noncompliant="代码只有17位，或最后一位校验码算出来应为 X 却写成 0。",
    severity_reason="通知没有哪一句对名单中的代码写法规定义务；代码无效多半是录入错误，会使登记地无法确定，需要人工核对（存疑）。",
)
def org001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    code = df["统一社会信用代码"]
    problem = ident.uscc_problems(code)
    blank = code.isna()
    bad = (problem.str.len() > 0) | blank
    shown = code[bad].astype("string").fillna("（空）")
    reason = problem[bad].where(~blank[bad], "代码空白")
    msg = "统一社会信用代码“" + shown + "”无效：" + reason + "；无法确定登记地，也无法在登记管理信息系统中核对"
    return hits(df.index[bad], msg, "代码：" + shown + "；" + reason)


def _date(df: pd.DataFrame, name: str) -> pd.Series:
    return df[name].dt.normalize() if name in df.columns else pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")


def _years_text(flags: dict[int, pd.Series], index) -> pd.Series:
    """Row-wise '2025、2026' of the years whose flag is set (a loop over a handful of years)."""
    out = pd.Series("", index=index, dtype="string")
    for year, flag in flags.items():
        f = flag.reindex(index).fillna(False).to_numpy(dtype=bool)
        sep = pd.Series(np.where(out.str.len().gt(0), "、", ""), index=index, dtype="string")
        out = out.where(~f, out + sep + str(year))
    return out


def _first_due(due: dict, deadlines: dict, marked: pd.Series, index) -> tuple[pd.Series, pd.Series]:
    """The first deadline each organisation (with a 标识日期) had to be announced by, and how many were due."""
    first_due = pd.Series(pd.NaT, index=index, dtype="datetime64[us]")
    n_due = pd.Series(0, index=index)
    for y in sorted(deadlines, reverse=True):
        first_due = first_due.mask(due[y] & marked.notna(), deadlines[y])
        n_due = n_due + due[y].astype(int)
    return first_due, n_due


@rule(
    code="ORG002",
    judges_blanks=("公告日期|公告年度",),
    title="未在每年6月30日前公告",
    clause="二（一）-公告",
    severity="违规",
    needs=("是否已标识", "公告日期|公告年度"),
    optional=("标识日期",),
    table="orgs",
    explanation=(
        "各级民政部门应于每年6月30日前，在官方网站公告本级经过标识的志愿服务组织：每一年的名单都要公告。"
        "通知2023年9月7日起执行（有效期5年），所以从2024年起，凡6月30日已过的年份都要核对；6月30日当天公告仍按期，"
        "还没到期的年份不核对。标识日期在某年6月30日（含）以前的组织，应出现在该年及以后每年的公告中。"
        "有“公告年度”一列（如“2024、2025”）时逐年核对，缺哪一年报“违规”；只有一个“公告日期”时，只能核对标识后"
        "第一个应公告的年度（晚于期限报“违规”），以后各年度说明未评估。公告日期空白、或没有标识日期只能推断的，报“存疑”。"
        "期限是 params/orgs.yaml 中按日期生效的参数 announcement_deadline。"
    ),
    compliant="2024-03-15 标识，2024-06-30 公告（6月30日当天仍按期）；公告年度“2024、2025、2026”。",
    noncompliant="2024-03-15 标识，2024-07-01 才公告；或公告年度只写了“2024”，2025年6月30日已过却不在2025年的名单中。",
    not_modelled="不核对公告是否在“官方网站”发布、公告内容是否完整。",
    severity_reason=(
        "通知二（一）“各级民政部门应于每年6月30日前……进行公告”把逐年公告的义务放在民政部门（运行本检查的一方）："
        "日期表明逾期或漏掉某年的报“违规”；日期空白或只能推断的，需要人工核实（存疑）。"
    ),
)
def org002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    identified = ident.yes_no(df["是否已标识"]).fillna(False).astype(bool)
    deadlines = ident.announcement_deadlines(ctx.options.get("as_of"))
    if not deadlines:
        return hits(df.index[:0], "", "")
    marked, announced = _date(df, "标识日期"), _date(df, "公告日期")
    due = {y: identified & (marked.isna() | (marked <= d)) for y, d in deadlines.items()}
    if "公告年度" in df.columns:
        years = df["公告年度"].astype("string").str.normalize("NFKC")
        listed = {y: years.str.contains(str(y), regex=False).fillna(False).astype(bool) for y in deadlines}
        # without 标识日期 an organisation is due from the first year it was announced
        first_listed = pd.Series(pd.NA, index=df.index, dtype="Int64")
        for y in sorted(deadlines, reverse=True):
            first_listed = first_listed.mask(listed[y], y)
        for y in deadlines:
            due[y] = due[y] & (marked.notna() | (first_listed.notna() & (first_listed <= y)).fillna(False))
        missing = {y: due[y] & ~listed[y] & years.notna() for y in deadlines}
        any_missing = pd.concat(missing.values(), axis=1).any(axis=1)
        blank = identified & years.isna() & pd.concat(due.values(), axis=1).any(axis=1)
        # identified, no 标识日期 and none of the due years listed: which years were due cannot be told
        blank |= identified & marked.isna() & first_listed.isna() & years.notna()
        # a 公告日期 beside the years: the year it fell in was announced late if it is after that year's deadline
        first_due, _ = _first_due(due, deadlines, marked, df.index)
        late = identified & first_due.notna() & announced.notna() & (announced > first_due) & ~any_missing & ~blank
        bad = any_missing | blank | late
        idx = df.index[bad]
        gone = _years_text({y: m[bad] for y, m in missing.items()}, idx)
        should = _years_text({y: d[bad] for y, d in due.items()}, idx)
        msg = ("应出现在" + should + "年的公告中，但公告年度只写了“" + years[bad].fillna("") + "”：" + gone
               + "年6月30日前未公告该组织")
        msg = msg.mask(blank[bad], "已标识，公告年度为“" + years[bad].fillna("空白") + "”：请核实该组织是否已在"
                       + str(min(deadlines)) + "年以来各年度的公告中")
        msg = msg.mask(late[bad], "标识于" + fmt_dt(marked[bad], "%Y-%m-%d") + "，应于" + fmt_dt(first_due[bad], "%Y-%m-%d")
                       + "前公告，实际公告日期" + fmt_dt(announced[bad], "%Y-%m-%d"))
        evidence = "应公告年度 " + should + "；已公告 " + years[bad].fillna("（空）") + "；缺 " + gone.mask(gone == "", "（不明）")
        evidence = evidence.mask(late[bad], "公告期限 " + fmt_dt(first_due[bad], "%Y-%m-%d") + "；公告日期 "
                                 + fmt_dt(announced[bad], "%Y-%m-%d"))
        return hits(idx, msg, evidence, pd.Series("违规", index=idx).mask(blank[bad], "存疑"))
    # one 公告日期 per organisation: the first due year can be checked, later years cannot
    first_due, n_due = _first_due(due, deadlines, marked, df.index)
    own = announced.dt.year.map({y: d for y, d in deadlines.items()}).astype("datetime64[us]")
    missing = identified & marked.notna() & first_due.notna() & announced.isna()
    late = identified & first_due.notna() & announced.notna() & (announced > first_due)
    late_own = identified & marked.isna() & announced.notna() & own.notna() & (announced > own)
    unknown = identified & marked.isna() & announced.isna()
    later = int((identified & (n_due > 1)).sum())
    if later:
        ctx.partly_unassessed(
            Reason.MISSING_FIELD,
            f"表中每个组织只有一个公告日期，只核对了标识后第一个应公告的年度；{later} 个组织以后各年度是否公告未评估，"
            "请增加“公告年度”一列（如“2024、2025”）", rows=later)
    bad = missing | late | late_own | unknown
    idx = df.index[bad]
    d0 = fmt_dt(first_due[bad], "%Y-%m-%d")
    msg = pd.Series("已标识，应于" + d0 + "前公告，但表中没有公告日期：请核实是否已在官方网站公告", index=idx, dtype="string")
    msg = msg.mask(late[bad], "标识于" + fmt_dt(marked[bad], "%Y-%m-%d") + "，应于" + d0 + "前公告，实际公告日期"
                   + fmt_dt(announced[bad], "%Y-%m-%d"))
    msg = msg.mask(late_own[bad], "公告日期" + fmt_dt(announced[bad], "%Y-%m-%d") + "晚于当年6月30日；表中没有标识日期，"
                   "请核实是否属于上一年度应公告的组织")
    msg = msg.mask(unknown[bad], "已标识，但没有标识日期和公告日期：请核实是否已按年在官方网站公告")
    evidence = ("标识日期 " + fmt_dt(marked[bad], "%Y-%m-%d") + "；公告期限 " + fmt_dt(first_due.fillna(own)[bad], "%Y-%m-%d")
                + "；公告日期 " + fmt_dt(announced[bad], "%Y-%m-%d"))
    return hits(idx, msg, evidence, pd.Series("存疑", index=idx).mask(late[bad], "违规"))


@rule(
    code="ORG003",
    title="每百万人口标识数（汇总）",
    clause="二（一）-密度",
    severity="提示",
    needs=("统一社会信用代码", "是否已标识"),
    table="orgs",
    explanation=(
        "按统一社会信用代码第3–8位确定组织所在市州和县市区，分别统计名单中已标识的志愿服务组织数，除以常住人口"
        "（市州为第七次全国人口普查，params/populations.yaml；县市区人口需另行录入，或用 --county-populations 给出）。通知没有说按哪一级计算，"
        "所以市州、县市区都列在“每百万人口标识数”汇总表中（附人口来源和名单中的组织数），低于20个的在说明中提示，"
        "不在任何组织的行上报告。名单必须包含本地区全部组织，数字才有意义。"
    ),
    compliant="某市州常住人口100万，名单中已标识20个：正好每百万人口20.0个。",
    noncompliant="长沙市常住人口10,047,914，名单中已标识150个：每百万人口14.93个，至少需201个（提示）。",
    not_modelled="县市区人口没有录入时，县市区一行只列组织数；省本级登记的组织只计入全省。",
    severity_reason=(
        "“每百万人口标识志愿服务组织须达20个以上”是对各地民政部门的总体目标，通知没有说按哪一级计算，"
        "上传的名单也不一定完整，所以只作为汇总提示，不作为任何组织的违规。"
    ),
)
def org003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    table = ident.density(df, pops=ctx.options.get("populations"), on=ctx.options.get("as_of"))
    if "达标" in table.columns:
        partial_province = table["层级"].eq("全省") & table["说明"].ne("")  # a list of some 市州 only
        short = table[table["达标"].eq(False).fillna(False).astype(bool) & ~partial_province]
        if len(short):
            ctx.note("每百万人口标识数（ORG003，提示）低于20个：" + "；".join(
                f"{r.地区}（{r.层级}）{r.每百万人口已标识:.2f}个，还差{r.缺口}个" for r in short.itertuples()))
    no_pop = int((table["层级"].eq("县市区") & table["常住人口"].isna()).sum())
    ctx.note("每百万人口标识数按上传名单计算：名单必须完整（包含本地区全部已标识的志愿服务组织）才能说明是否达到20个以上"
             + (f"；{no_pop} 个县市区没有录入常住人口，只列组织数" if no_pop else "") + "。详见“每百万人口标识数”汇总表。")
    ctx.partly_unassessed(Reason.SUMMARY_ONLY, "名单是否包含本地区全部组织无法从数据判断：每百万人口标识数只作汇总提示，见汇总表")
    return hits(df.index[:0], "", "")


def _decisions(df: pd.DataFrame, ctx) -> pd.DataFrame:
    return ctx.once("org_decisions", lambda: ident.decide(df))  # one decision table per run, shared by ORG004–ORG006


@rule(
    code="ORG004",
    title="符合条件应标识而未标识",
    clause="二（一）-直接标识",
    severity="违规",
    needs=("名称", "章程宗旨|章程以志愿服务为宗旨", "是否已标识"),
    optional=("是否主动申请标识",),
    table="orgs",
    explanation=(
        "名称含“志愿服务”“志愿者”“义工”等字样、章程以开展志愿服务为宗旨的，应直接标识并公告；名称不含这些字样、"
        "章程以开展志愿服务为宗旨并主动要求标识的，应核准章程后标识并公告。结论为这两种而“是否已标识”为否的，在此列出。"
        "章程宗旨只按关键词判断（没有填“章程以志愿服务为宗旨”核实结果）的，报“存疑”；名称只含“志愿”而不含所列字样的"
        "（如“青年志愿协会”），通知的列举以“等字样”结尾，是否属于同类字样要人来定，也报“存疑”。"
        "已标识的组织“是否主动申请标识”空白的，视为已按申请标识，不再列出。"
    ),
    compliant="“岳麓区义工联合会”，章程宗旨“组织义工开展志愿服务活动”，已标识。",
    noncompliant="“芙蓉区志愿者协会”，章程以开展志愿服务为宗旨，但“是否已标识”为否。",
    laws=("条例第六条",),
    severity_reason=(
        "通知二（一）“应直接进行标识并公告”“应对其章程进行核准后予以标识并公告”是对登记地民政部门的要求：章程经核实、"
        "名称含所列字样（或已主动申请）而未标识的，数据本身说明没有履行（违规）；章程只按关键词判断、或名称字样是否属于"
        "“等字样”要人来定的，需要核实（存疑）。"
    ),
)
def org004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df, ctx)
    bad = d["结论"].isin([ident.DIRECT, ident.REVIEW]) & ~d["已标识"]
    idx = df.index[bad]
    msg = "结论为“" + d.loc[bad, "结论"] + "”，但尚未标识：" + d.loc[bad, "理由"]
    doubt = d.loc[bad, "按关键词判断"].astype(bool) | d.loc[bad, "字样待核实"].astype(bool)
    severity = pd.Series("违规", index=idx).where(~doubt, "存疑")
    return hits(idx, msg, "名称：" + df.loc[bad, "名称"].astype("string").fillna("（空）") + "；结论：" + d.loc[bad, "结论"], severity)


@rule(
    code="ORG005",
    title="章程修改后应取消标识",
    clause="二（一）-取消标识",
    severity="违规",
    needs=("是否已标识", "章程修改情况", "章程宗旨|章程以志愿服务为宗旨"),
    table="orgs",
    explanation=(
        "已标识的志愿服务组织修改章程后，如不再以开展志愿服务为宗旨，应在核准其章程时同步取消志愿服务组织身份标识并公告。"
        "“章程修改情况”写明有修改、现行章程宗旨不是开展志愿服务、而仍为已标识的，在此列出。"
    ),
    compliant="章程修改后宗旨仍为“组织志愿者开展社区志愿服务”，保持标识。",
    noncompliant="章程2024年修改为“开展职业技能培训”，仍标识为志愿服务组织。",
    laws=("条例第六条",),
    severity_reason=(
        "通知二（一）“在核准其章程时同步取消志愿服务组织身份标识并公告”是对民政部门的要求：章程经核实不再以开展志愿服务为宗旨"
        "而仍标识的报“违规”；只按关键词判断章程的需要核实（存疑）。"
    ),
)
def org005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df, ctx)
    bad = d["结论"] == ident.CANCEL
    idx = df.index[bad]
    severity = pd.Series("违规", index=idx).where(~d.loc[bad, "按关键词判断"].astype(bool), "存疑")
    return hits(idx, d.loc[bad, "理由"], "章程修改情况：" + df.loc[bad, "章程修改情况"].astype("string").fillna("（空）"), severity)


@rule(
    code="ORG006",
    title="已标识但不符合标识条件",
    clause="二（一）-定义",
    severity="存疑",
    needs=("是否已标识", "章程宗旨|章程以志愿服务为宗旨"),
    optional=("章程修改情况",),
    table="orgs",
    explanation=(
        "志愿服务组织是以开展志愿服务为宗旨的非营利性组织。已标识、但章程宗旨看不出以开展志愿服务为宗旨、"
        "章程修改情况又没有写明修改（空白，或“无”“未修改宗旨”一类写法）的，请核实章程：可能是标识有误，也可能是宗旨摘录不全。"
    ),
    compliant="已标识的“星城义工协会”，章程宗旨“弘扬志愿精神，组织义工开展志愿服务”。",
    noncompliant="已标识的“某某文化传播促进会”，章程宗旨“促进文化交流与传播”。",
    laws=("条例第六条",),
    severity_reason=(
        "条例第六条、通知二（一）把志愿服务组织定义为以开展志愿服务为宗旨的非营利性组织；宗旨摘录可能不全、章程可能已核准，"
        "需要人工核实章程（存疑）。"
    ),
)
def org006(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df, ctx)
    bad = d["已标识"] & (d["结论"] == ident.NO)
    return hits(df.index[bad], d.loc[bad, "理由"], "现状：已标识；结论：" + d.loc[bad, "结论"])
