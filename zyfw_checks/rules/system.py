"""二（三） 规范志愿服务信息系统使用（SYS001）。"""

from __future__ import annotations

import pandas as pd

from zyfw_checks.params import load_params
from zyfw_checks.parsing import normalize_header
from zyfw_checks.registry import hits, rule


def designated_platform(platform: pd.Series) -> pd.Series:
    """Canonical name of a designated platform for each cell, NA when it is none of them."""
    spec = load_params("platforms")["platforms"]
    codes, uniques = pd.factorize(platform)  # a handful of distinct platform names per file
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=platform.index, dtype="string[pyarrow]")
    norm = pd.Series([normalize_header(u) for u in uniques], dtype="string[pyarrow]")
    found = pd.Series(pd.NA, index=norm.index, dtype="string[pyarrow]")  # per distinct name, then spread
    for name, entry in spec.items():
        keys = [normalize_header(a) for a in [name, *entry.get("aliases", [])]]
        exact = norm.isin(keys)
        # "湖南志愿服务网（hn-vs.cn）" and the like: the full name inside a longer cell
        inside = norm.str.contains(normalize_header(name), regex=False).fillna(False)
        found = found.where(~(exact | inside) | found.notna(), name)
    out = found.array.take(codes, allow_fill=True)  # code -1 (blank cell) → NA
    return pd.Series(out, index=platform.index, dtype="string[pyarrow]")


@rule(
    code="SYS001",
    hazards=('before_in_force',),
    judges_blanks=True,
    in_force="notice_in_force",
    title="记录平台不是指定信息平台",
    clause="二（三）-统一平台",
    severity="存疑",
    needs=("记录平台",),
    laws=("办法第四条",),
    explanation=(
        "志愿服务记录最终应进入中国志愿服务网、湖南志愿服务网或志愿汇平台（三者已互联互通；名单见 params/platforms.yaml）。"
        "办法第四条第三款允许先用其他系统或纸质记录，只要再录入指定系统，所以记录平台写的是其他系统的只报“存疑”，"
        "请核实这些记录是否已录入指定平台；一栏空白的报“提示”，请补填以便核对。"
    ),
    compliant="记录平台：湖南志愿服务网（或“志愿汇”“中国志愿服务网”）。",
    noncompliant="记录平台：某区自建志愿者管理系统 / 微信群接龙 / Excel 台账，且没有录入指定平台。",
    not_modelled="通知二（三）“统一使用”的要求是对各级民政部门、文明办提出的；本规则只看记录有没有进入指定平台。",
    severity_reason=(
        "二（三）统一平台的要求针对的是部门；办法第四条第三款允许用其他系统或纸质载体记录，再录入指定系统，"
        "所以其他平台只说明需要核实是否已录入（存疑），空白只是提示补填。"
    ),
)
def sys001(df: pd.DataFrame, ctx) -> pd.DataFrame:
    platform = df["记录平台"].astype("string[pyarrow]")
    known = designated_platform(platform)
    other = platform.notna() & known.isna()
    blank = platform.isna()
    bad = other | blank
    idx = df.index[bad]
    msg = ("记录平台为“" + platform[bad].fillna("") + "”，不是指定的中国志愿服务网、湖南志愿服务网或志愿汇；"
           "请核实这条记录是否已录入指定平台").where(
        other[bad], "未填写记录平台，无法确认是否录入了指定信息平台"
    )
    evidence = "记录平台：" + platform[bad].fillna("（空）")
    severity = pd.Series("存疑", index=idx).where(other[bad], "提示")
    return hits(idx, msg, evidence, severity)
