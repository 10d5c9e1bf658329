"""二（四） 城乡社区志愿服务站（点）：“四有”（STN001–STN004）、依托平台（STN005）、社区团体（STN006）。"""

from __future__ import annotations

import pandas as pd

from zyfw_checks.formatting import fmt_num
from zyfw_checks.params import load_params
from zyfw_checks.registry import hits, rule
from zyfw_checks.rules.system import designated_platform
from zyfw_checks.staff.identification import to_count

_FOUR_NOTE = "通知要求“逐步达到”四有，没有规定期限，所以报“提示”而不是“违规”。"
_FOUR_REASON = ("通知二（四）要求各地民政部门指导村（社区）建设站点并“逐步达到”“四有”要求：这是对民政部门的工作要求，"
                "又是逐步达到、没有期限的目标，站点没有违反哪一句“应当”，所以只作提示。")


def _empty(df: pd.DataFrame, name: str) -> pd.Series:
    """Blank, or a word meaning 'none' (无 / 暂无 / 0 …); an absent column is empty everywhere."""
    if name not in df.columns:
        return pd.Series(True, index=df.index)
    t = df[name].astype("string").str.strip()
    words = [str(w) for w in load_params("stations")["empty_words"]]
    return (t.isna() | t.isin(words)).fillna(True).astype(bool)


def _name(df: pd.DataFrame) -> pd.Series:
    return df["站点名称"].astype("string").fillna("（无名称）") if "站点名称" in df.columns else pd.Series(
        "该站点", index=df.index, dtype="string")


def _lacking(df: pd.DataFrame, field: str, what: str, item: str) -> pd.DataFrame:
    """One of 有场所 / 有项目 / 有管理: the stations whose ``field`` is blank or says 'none'."""
    bad = _empty(df, field)
    shown = df.loc[bad, field].astype("string").fillna("空白") if field in df.columns else "空白"
    return hits(df.index[bad], _name(df[bad]) + f"没有{what}（{field}：" + shown + f"）：未达到“{item}”", f"{field}：" + shown)


def _absent_note(df: pd.DataFrame, fields) -> str:
    gone = [f for f in fields if f not in df.columns]
    return f"（表中没有“{'”“'.join(gone)}”列）" if gone else ""


@rule(
    code="STN001",
    judges_blanks=True,
    title="四有：没有人员",
    clause="二（四）-四有",
    severity="提示",
    needs=("负责人|人员数",),
    table="stations",
    explanation="负责人空白、且专兼职人员（骨干志愿者）人数空白或为0的站点，算没有达到“有人员”。" + _FOUR_NOTE,
    compliant="负责人：王某；人员数：12。",
    noncompliant="负责人空白，人员数 0。",
    severity_reason=_FOUR_REASON,
)
def stn001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    no_leader = _empty(df, "负责人")
    count, _ = to_count(df["人员数"]) if "人员数" in df.columns else (pd.Series(float("nan"), index=df.index), None)
    no_people = count.fillna(0) <= 0
    bad = no_leader & no_people
    shown = fmt_num(count[bad]).replace("（空）", "空白")
    return hits(df.index[bad], _name(df[bad]) + "没有负责人，人员数为" + shown + "：未达到“有人员”" + _absent_note(df, ["负责人", "人员数"]),
                "负责人：空白；人员数：" + shown)


@rule(
    code="STN002",
    judges_blanks=True,
    title="四有：没有场所",
    clause="二（四）-四有",
    severity="提示",
    needs=("场所地址",),
    optional=("依托设施",),
    table="stations",
    explanation="没有写明固定服务场所地址的站点，算没有达到“有场所”。可依托城乡社区服务中心、新时代文明实践站、社会工作服务站（室）等设施。" + _FOUR_NOTE,
    compliant="场所地址：雨花区圭塘街道某社区服务中心二楼。",
    noncompliant="场所地址：无（临时借用会议室）。",
    severity_reason=_FOUR_REASON,
)
def stn002(df: pd.DataFrame, ctx) -> pd.DataFrame:
    return _lacking(df, "场所地址", "固定服务场所", "有场所")


@rule(
    code="STN003",
    judges_blanks=True,
    title="四有：没有项目",
    clause="二（四）-四有",
    severity="提示",
    needs=("服务项目",),
    table="stations",
    explanation="没有常态化开展的志愿服务项目的站点，算没有达到“有项目”。" + _FOUR_NOTE,
    compliant="服务项目：助老陪伴、垃圾分类宣传、四点半课堂。",
    noncompliant="服务项目：暂无。",
    severity_reason=_FOUR_REASON,
)
def stn003(df: pd.DataFrame, ctx) -> pd.DataFrame:
    return _lacking(df, "服务项目", "志愿服务项目", "有项目")


@rule(
    code="STN004",
    judges_blanks=True,
    title="四有：没有管理",
    clause="二（四）-四有",
    severity="提示",
    needs=("管理制度",),
    table="stations",
    explanation="没有写明任何管理制度（如志愿者招募注册、服务记录、培训、激励保障）的站点，算没有达到“有管理”。" + _FOUR_NOTE,
    compliant="管理制度：志愿者注册制度、服务记录制度、星级评定制度。",
    noncompliant="管理制度：未建立。",
    severity_reason=_FOUR_REASON,
)
def stn004(df: pd.DataFrame, ctx) -> pd.DataFrame:
    return _lacking(df, "管理制度", "管理制度", "有管理")


@rule(
    code="STN005",
    judges_blanks=True,
    title="站点未依托指定平台",
    clause="二（四）-依托平台",
    severity="存疑",
    needs=("注册平台",),
    table="stations",
    laws=("办法第四条",),
    explanation=(
        "通知要求民政部门指导社区志愿服务站点依托中国志愿服务网或湖南志愿服务网做志愿服务记录和证明出具。"
        "办法第四条第三款允许用其他志愿服务信息系统或纸质载体记录，只要按统一标准录入指定的信息系统，"
        "所以写其他系统或纸质台账的报“存疑”（请核实记录是否已录入指定系统）；写志愿汇的报“提示”"
        "（志愿汇已与两者互联互通，请确认站点已在两者之一注册）；空白的报“提示”。"
    ),
    compliant="注册平台：湖南志愿服务网。",
    noncompliant="注册平台：街道自建小程序（存疑：请核实记录是否已录入指定系统）。",
    severity_reason=(
        "“依托中国志愿服务网或湖南志愿服务网”是通知对民政部门指导工作的要求，办法第四条第三款又允许先用其他系统或纸质记录、"
        "再录入指定系统，所以站点写其他平台不能说明违反了哪项义务，只能请人核实（存疑），也不对应处罚条文。"
    ),
)
def stn005(df: pd.DataFrame, ctx) -> pd.DataFrame:
    way = df["注册平台"].astype("string")
    platform = designated_platform(way)
    required = load_params("stations")["platforms"]["required"]
    ok = platform.isin(required).fillna(False)
    zyh = platform.notna() & ~ok
    blank = way.isna()
    bad = ~ok
    idx = df.index[bad]
    msg = (_name(df[bad]) + "的注册平台为“" + way[bad].fillna("") + "”，不是中国志愿服务网或湖南志愿服务网：办法第四条第三款"
           "允许先用其他系统或纸质载体记录，但应录入指定的志愿服务信息系统，请核实该站点的记录是否已录入")
    msg = msg.mask(zyh[bad], _name(df[bad]) + "注册在志愿汇：通知要求站点依托中国志愿服务网或湖南志愿服务网，"
                   "志愿汇已与两者互联互通，请确认站点已在两者之一注册")
    msg = msg.mask(blank[bad], _name(df[bad]) + "未填写注册平台，无法确认是否依托中国志愿服务网或湖南志愿服务网")
    severity = pd.Series("存疑", index=idx).mask(zyh[bad] | blank[bad], "提示")
    return hits(idx, msg, "注册平台：" + way[bad].fillna("（空）"), severity)


@rule(
    code="STN006",
    judges_blanks=True,
    title="社区团体未写明同意成立的组织",
    clause="二（四）-社区团体",
    severity="提示",
    needs=("同意成立单位",),
    table="stations",
    explanation=(
        "城乡社区、单位内部的团体，须经基层群众性自治组织（村、居委会）或本单位同意成立，才可以在本社区、本单位内部开展"
        "志愿服务活动。“同意成立单位”空白的列出，请补充。"
    ),
    compliant="同意成立单位：某某社区居民委员会。",
    noncompliant="同意成立单位：空白。",
    severity_reason=(
        "通知引用的条例规定是社区、单位内部团体经同意成立后“可以”在内部开展活动；表中空白只说明没有填写，"
        "不说明没有经过同意，所以只提示补充。"
    ),
)
def stn006(df: pd.DataFrame, ctx) -> pd.DataFrame:
    bad = _empty(df, "同意成立单位")
    return hits(df.index[bad], _name(df[bad]) + "没有写明经哪个基层群众性自治组织或本单位同意成立",
                "同意成立单位：" + df.loc[bad, "同意成立单位"].astype("string").fillna("空白"))
