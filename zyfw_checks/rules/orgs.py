"""二（一） 志愿服务组织标识（ORG001–ORG006）：代码、公告期限、每百万人口标识数、标识结论的落实。"""

from __future__ import annotations

import pandas as pd

from zyfw_checks import identification as ident
from zyfw_checks.formatting import fmt_dt
from zyfw_checks.registry import hits, rule


@rule(
    code="ORG001",
    title="统一社会信用代码无效",
    clause="二（一）-登记地",
    severity="违规",
    needs=("统一社会信用代码",),
    table="orgs",
    explanation=(
        "统一社会信用代码按 GB 32100 校验：18位，前8位是数字，其余不用 I、O、Z、S、V，最后一位校验码正确。"
        "代码第3–8位是登记管理机关所在地的行政区划代码，本工具据此判断组织由哪一级、哪个市州的民政部门负责标识"
        "（“由其登记地的民政部门负责完成”）；代码无效就无法确定登记地。代码空白的也列出。"
    ),
    compliant="51430100MJJ0000000（示意）：校验码正确，登记地 430100 长沙市本级。",
    noncompliant="代码只有17位，或最后一位校验码算出来应为 X 却写成 0。",
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


@rule(
    code="ORG002",
    title="未在6月30日前公告",
    clause="二（一）-公告",
    severity="违规",
    needs=("是否已标识", "公告日期"),
    optional=("标识日期",),
    table="orgs",
    explanation=(
        "已标识的志愿服务组织，应在标识后的第一个6月30日（含当天）前在民政部门官方网站公告："
        "标识日期在当年6月30日及以前的，当年6月30日前公告；之后标识的，次年6月30日前公告。"
        "没有公告日期的报“违规”；没有标识日期、只有公告日期晚于当年6月30日的报“存疑”。期限在 params/orgs.yaml。"
    ),
    compliant="2024-03-15 标识，2024-06-30 公告（6月30日当天仍按期）。",
    noncompliant="2024-03-15 标识，2024-07-01 才公告；或已标识却没有公告日期。",
)
def org002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    identified = ident.yes_no(df["是否已标识"]).fillna(False).astype(bool)
    announced = df["公告日期"]
    if "标识日期" in df.columns:
        marked = df["标识日期"]
    else:
        marked = pd.Series(pd.NaT, index=df.index, dtype="datetime64[us]")
    deadline = ident.announcement_deadline(marked)
    # without an identification date, the announcement must still fall in its own year's window
    own_year = ident.announcement_deadline(announced.dt.year.astype("Int64").astype("string") + "-01-01")
    missing = identified & announced.isna()
    late = identified & announced.notna() & marked.notna() & (announced.dt.normalize() > deadline)
    late_own = identified & announced.notna() & marked.isna() & (announced.dt.normalize() > own_year)
    bad = missing | late | late_own
    idx = df.index[bad]
    msg = pd.Series("已标识为志愿服务组织，但没有公告日期：请核实是否已在官方网站公告", index=idx, dtype="string")
    msg = msg.mask(late[bad], "标识于" + fmt_dt(marked[bad], "%Y-%m-%d") + "，应于" + fmt_dt(deadline[bad], "%Y-%m-%d")
                   + "前公告，实际公告日期" + fmt_dt(announced[bad], "%Y-%m-%d"))
    msg = msg.mask(late_own[bad], "公告日期" + fmt_dt(announced[bad], "%Y-%m-%d") + "晚于当年6月30日；表中没有标识日期，"
                   "请核实是否属于上一年度应公告的组织")
    evidence = ("标识日期 " + fmt_dt(marked[bad], "%Y-%m-%d") + "；公告期限 " + fmt_dt(deadline.where(marked.notna(), own_year)[bad],
                "%Y-%m-%d") + "；公告日期 " + fmt_dt(announced[bad], "%Y-%m-%d"))
    severity = pd.Series("违规", index=idx).where(~late_own[bad], "存疑")
    return hits(idx, msg, evidence, severity)


@rule(
    code="ORG003",
    title="每百万人口标识数不足20个",
    clause="二（一）-密度",
    severity="违规",
    needs=("统一社会信用代码", "是否已标识"),
    table="orgs",
    explanation=(
        "按统一社会信用代码第3–6位确定组织所在市州，统计已标识的志愿服务组织数，除以该市州常住人口"
        "（第七次全国人口普查，params/populations.yaml）。每百万人口20个及以上为达标（“20个以上”含本数），"
        "低于20个的，在该市州第一个组织所在行报告一次，并写明还差几个。全省一行只在文件包含全部14个市州时报告。"
        "文件里没有出现的市州不计算。"
    ),
    compliant="某市州常住人口100万，已标识20个：正好每百万人口20.0个，达标。",
    noncompliant="长沙市常住人口10,047,914，已标识150个：每百万人口14.93个，至少需201个。",
    not_modelled="县级没有人口参数，不计算县级密度；省本级登记的组织只计入全省。",
)
def org003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    table = ident.density(df)
    short = table[~table["达标"]]
    where = ident.jurisdiction_of(df)
    province_code = str(ident.populations()["province"]["code"])
    firsts, msgs, evid = [], [], []
    for r in short.itertuples():  # one line per 市州 (≤ 15), not per record
        if r.区划代码 == province_code:
            if r.说明:
                continue
            rows = where.index[where["登记层级"].isin(["省本级", "市本级", "县级"])]
        else:
            rows = where.index[where["市州代码"] == r.区划代码]
        if not len(rows):
            continue
        firsts.append(rows[0])
        msgs.append(f"{r.地区}已标识志愿服务组织{r.已标识数}个，常住人口{r.常住人口:,}人，每百万人口{r.每百万人口已标识:.2f}个，"
                    f"低于20个；至少需{r.需达到}个，还差{r.缺口}个（本行是该地区在表中的第一个组织）")
        evid.append(f"已标识 {r.已标识数}；常住人口 {r.常住人口}（2020年人口普查）；每百万人口 {r.每百万人口已标识:.2f}；需达到 {r.需达到}")
    return hits(pd.Index(firsts), pd.Series(msgs, index=firsts, dtype="string"), pd.Series(evid, index=firsts, dtype="string"))


def _decisions(df: pd.DataFrame) -> pd.DataFrame:
    return ident.decide(df)


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
        "章程宗旨只按关键词判断（没有填“章程以志愿服务为宗旨”核实结果）的，报“存疑”。"
    ),
    compliant="“岳麓区义工联合会”，章程宗旨“组织义工开展志愿服务活动”，已标识。",
    noncompliant="“芙蓉区志愿者协会”，章程以开展志愿服务为宗旨，但“是否已标识”为否。",
)
def org004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df)
    bad = d["结论"].isin([ident.DIRECT, ident.REVIEW]) & ~d["已标识"]
    idx = df.index[bad]
    msg = "结论为“" + d.loc[bad, "结论"] + "”，但尚未标识：" + d.loc[bad, "理由"]
    severity = pd.Series("违规", index=idx).where(~d.loc[bad, "按关键词判断"].astype(bool), "存疑")
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
)
def org005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df)
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
        "又没有写明章程修改情况的，请核实章程：可能是标识有误，也可能是宗旨摘录不全。"
    ),
    compliant="已标识的“星城义工协会”，章程宗旨“弘扬志愿精神，组织义工开展志愿服务”。",
    noncompliant="已标识的“某某文化传播促进会”，章程宗旨“促进文化交流与传播”。",
)
def org006(df: pd.DataFrame, ctx) -> pd.DataFrame:
    d = _decisions(df)
    bad = d["已标识"] & (d["结论"] == ident.NO)
    return hits(df.index[bad], d.loc[bad, "理由"], "现状：已标识；结论：" + d.loc[bad, "结论"])
