"""Shared fixtures: a compliant base record and helpers to run one rule over edited copies."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"

BASE = {
    "记录编号": "JL1", "志愿者编号": "ZY1", "姓名": "张三", "性别": "男", "证件类型": "居民身份证",
    "证件号码": "11010519491231002X", "联系电话": "13812345678", "参与者身份": "居民",
    "活动编号": "HD1", "活动名称": "敬老院陪伴老人", "服务内容": "陪老人聊天读报", "组织单位": "长沙市星城志愿者协会",
    "活动负责人": "李四", "开始时间": "2024-03-09 09:00", "结束时间": "2024-03-09 11:00", "服务时长(小时)": 2,
    "服务地点": "望城区星城敬老院", "服务评价": "优秀", "评价日期": "2024-03-11", "培训情况": "无", "表彰奖励": "无",
    "记录时间": "2024-03-11 10:00", "记录方式": "系统", "录入系统时间": "2024-03-11 10:00",
    "补贴类型": None, "补贴金额": None, "参与费用": 0, "记录平台": "湖南志愿服务网",
}


def records(*edits: dict, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """One row per edit, each the compliant base record with the edit applied."""
    rows = []
    for i, e in enumerate(edits or ({},)):
        r = dict(BASE, 记录编号=f"JL{i + 1}")
        r.update(e)
        rows.append(r)
    return pd.DataFrame(rows).drop(columns=list(drop))


def findings(*edits: dict, rule: str | None = None, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    t = load_frame(records(*edits, drop=drop))
    res = check_table(t)
    f = res.findings
    return f[f["rule"] == rule] if rule else f


@pytest.fixture
def samples() -> Path:
    return SAMPLES
