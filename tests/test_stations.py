"""二（四） 社区志愿服务站（点）：四有的每一项缺失与不缺失、依托平台、社区团体。"""

from __future__ import annotations

import pandas as pd
import pytest

from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame, load_table

BASE = {"站点编号": "ZD1", "站点名称": "圭塘社区志愿服务站", "所属社区": "圭塘社区", "负责人": "王某", "人员数": 12,
        "场所地址": "圭塘社区服务中心二楼", "服务项目": "助老陪伴", "管理制度": "志愿者注册制度", "注册平台": "湖南志愿服务网",
        "同意成立单位": "圭塘社区居民委员会"}


def findings(*edits: dict, drop=()) -> pd.DataFrame:
    rows = [dict(BASE, 站点编号=f"ZD{i}", **e) for i, e in enumerate(edits)]
    return check_table(load_frame(pd.DataFrame(rows).drop(columns=list(drop)), kind="stations")).findings


def test_complete_station_passes():
    assert findings({}).empty


@pytest.mark.parametrize(("edit", "rule"), [
    ({"负责人": None, "人员数": 0}, "STN001"),
    ({"场所地址": "无"}, "STN002"),
    ({"服务项目": "暂无"}, "STN003"),
    ({"管理制度": None}, "STN004"),
])
def test_each_of_four_missing(edit, rule):
    f = findings({}, edit)
    assert f["rule"].tolist() == [rule] and f["row"].tolist() == [3]
    assert f.iloc[0]["severity"] == "提示"
    assert "四有" in f.iloc[0]["clause"]


def test_people_either_leader_or_count_is_enough():
    assert findings({"负责人": None, "人员数": 3}, {"人员数": 0}).empty


def test_absent_column_is_not_assessed():
    res = check_table(load_frame(pd.DataFrame([BASE]).drop(columns=["管理制度"]), kind="stations"))
    assert "STN004" in {n["rule"] for n in res.not_assessed}


def test_platform_sides():
    f = findings({}, {"注册平台": "街道小程序"}, {"注册平台": "志愿汇"}, {"注册平台": "中国志愿服务网"})
    assert f[["row", "rule", "severity"]].values.tolist() == [[3, "STN005", "存疑"], [4, "STN005", "提示"]]


def test_other_platform_is_never_a_breach_nor_article_38():
    from zyfw_checks import penalties
    from zyfw_checks.rules import get_rule

    f = findings({"注册平台": "街道自建小程序"}, {"注册平台": "纸质台账"})
    assert set(f["severity"]) == {"存疑"} and "违规" not in set(f["severity"])
    assert "办法第四条" in f.iloc[0]["message"]  # other systems or paper are allowed if entered into the designated one
    r = get_rule("STN005")
    assert r.severity != "违规" and "条例第三十八条" not in r.laws
    assert penalties.reference(f) == []


def test_every_station_rule_states_why_its_severity():
    from zyfw_checks.rules import rules_for

    for r in rules_for("stations"):
        assert len(r.severity_reason) > 10, r.code


def test_sample_stations_find_planted(samples):
    res = check_table(load_table(samples / "stations.xlsx", kind="stations"))
    exp = pd.read_csv(samples / "stations_expected.csv", keep_default_na=False)
    got = set(res.findings["record_id"] + "/" + res.findings["rule"])
    assert got == {f"{i}/{r}" for i, r in zip(exp["站点编号"], exp["rule"], strict=True) if r}
