"""The labelled case sets: ACT001–ACT004 reproduce the labels ①–④ (precision ≥ 0.95, recall ≥ 0.9).

Any finding (违规 or 存疑) counts as "flagged". The figures are printed and written to
data/cases/act_metrics.md for the README.

- ``act_cases.csv`` (development set, written with the lexicons): thresholds asserted.
- ``act_cases_holdout.csv`` (older held-out set): reported only.
- ``act_cases_blind.csv`` (written by a helper who never saw the lexicons, issue 9): the cases with an
  odd number were used for tuning — thresholds and 0 look-alikes flagged asserted; the cases with an even
  number were never looked at while tuning — reported only (their texts are never printed here).
- ``blind_r3/act_cases_r3.csv`` (280 cases by another writer who never saw the lexicons, issue 19): the same
  split — odd numbers tuned (asserted), even numbers unseen (reported only, texts never printed).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from stdnum.cn import ric

from zyfw_checks.engine import check_file

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
MAIN, HOLDOUT, BLIND = CASES / "act_cases.csv", CASES / "act_cases_holdout.csv", CASES / "act_cases_blind.csv"
R3 = CASES / "blind_r3" / "act_cases_r3.csv"
CATEGORY = {"ACT001": "①", "ACT002": "②", "ACT003": "③", "ACT004": "④"}
LOOK_ALIKE = "无"
MIN_PRECISION, MIN_RECALL = 0.95, 0.9
# Measured once on the rules before the blind-set tuning (commit 52b5ed1), by ID half; kept as history.
BEFORE_TUNING = {
    "tuned": "① P 1.00 R 0.48 · ② P 0.90 R 0.47 · ③ P 1.00 R 0.75 · ④ P 0.90 R 1.00 · 易混案例被报 2/50",
    "unseen": "① P 1.00 R 0.29 · ② P 1.00 R 0.63 · ③ P 1.00 R 0.90 · ④ P 0.83 R 1.00 · 易混案例被报 4/50",
}

# blind_r3, measured on the rules before any tuning on it (commit c2d552b, issue 19), whole set and by half.
BEFORE_TUNING_R3 = {
    "whole": "① P 0.92 R 0.75 · ② P 0.80 R 0.89 · ③ P 0.88 R 0.75 · ④ P 1.00 R 1.00 · 易混案例被报 10/116",
    "tuned": "① P 0.84 R 0.67 · ② P 0.71 R 0.77 · ③ P 0.90 R 0.90 · ④ P 1.00 R 1.00 · 易混案例被报 5/58",
    "unseen": "① P 1.00 R 0.83 · ② P 0.88 R 1.00 · ③ P 0.86 R 0.60 · ④ P 1.00 R 1.00 · 易混案例被报 5/58",
}


def _labels(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str)


def score(labels: pd.Series, findings: pd.DataFrame) -> pd.DataFrame:
    """Per category: labelled, flagged (any severity), hits, precision, recall — over ``labels``' records."""
    ids = set(labels.index)
    rows = []
    for code, cat in CATEGORY.items():
        flagged = set(findings.loc[findings["rule"] == code, "record_id"]) & ids
        gold = set(labels.index[labels == cat])
        tp = len(flagged & gold)
        rows.append({"类别": cat, "规则": code, "标注条数": len(gold), "检出条数": len(flagged), "命中": tp,
                     "精确率": tp / len(flagged) if flagged else 1.0, "召回率": tp / len(gold) if gold else 1.0})
    return pd.DataFrame(rows)


def look_alikes_flagged(labels: pd.Series, findings: pd.DataFrame) -> tuple[int, int, list[str]]:
    """(flagged by any of ACT001–ACT004, total, the flagged record numbers) among the legitimate records."""
    legit = set(labels.index[labels == LOOK_ALIKE])
    flagged = set(findings.loc[findings["rule"].isin(CATEGORY), "record_id"])
    return len(legit & flagged), len(legit), sorted(legit & flagged)


def metrics(path: Path) -> pd.DataFrame:
    return score(_labels(path).set_index("记录编号")["标注"], check_file(path).findings)


def blind_halves(path: Path = BLIND) -> dict[str, tuple[pd.DataFrame, tuple[int, int], int]]:
    """A blind set scored by half: "tuned" (odd numbers) and "unseen" (even numbers)."""
    labels = _labels(path).set_index("记录编号")["标注"]
    findings = check_file(path).findings
    odd = labels.index.str.extract(r"(\d+)$", expand=False).astype(int) % 2 == 1
    out = {}
    for name, part in (("tuned", labels[odd]), ("unseen", labels[~odd])):
        out[name] = (score(part, findings), look_alikes_flagged(part, findings), len(part))
    return out


@pytest.fixture(scope="module")
def main_metrics() -> pd.DataFrame:
    return metrics(MAIN)


def _table(m: pd.DataFrame) -> str:
    lines = ["| 类别 | 规则 | 标注条数 | 检出条数 | 命中 | 精确率 | 召回率 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {r.类别} | {r.规则} | {r.标注条数} | {r.检出条数} | {r.命中} | {r.精确率:.2f} | {r.召回率:.2f} |"
              for r in m.itertuples()]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def blind() -> dict:
    return blind_halves()


@pytest.fixture(scope="module")
def blind_r3() -> dict:
    return blind_halves(R3)


def test_case_set_precision_and_recall(main_metrics, blind, blind_r3):
    hold = metrics(HOLDOUT)
    n_main, n_hold = len(_labels(MAIN)), len(_labels(HOLDOUT))
    tuned, unseen = blind["tuned"], blind["unseen"]
    r3_tuned, r3_unseen = blind_r3["tuned"], blind_r3["unseen"]

    def alike(half, show_ids: bool = True) -> str:
        n, total, ids = half[1]
        return f"易混案例（标注“无”）被四类规则报出：{n} / {total} 条" + (
            f"（{'、'.join(ids)}）。" if ids and show_ids else "。")

    text = (
        "# 四类活动规则在标注案例集上的表现\n\n"
        "由 `tests/test_case_set.py` 生成，请勿手改。违规和存疑都算“检出”。\n\n"
        f"## 第三轮盲写案例集·调整用的一半 `data/cases/blind_r3/act_cases_r3.csv` 中编号为奇数的（{r3_tuned[2]} 条）\n\n"
        "另一位没有看过词表的作者按通知的标准写成（issue 19，280 条，其中易混案例 116 条）；词表只按这一半调整。\n\n"
        + _table(r3_tuned[0]) + "\n\n" + alike(r3_tuned) + "\n\n"
        f"调整前：{BEFORE_TUNING_R3['tuned']}（全集：{BEFORE_TUNING_R3['whole']}）。\n\n"
        f"## 第三轮盲写案例集·未看过的一半（编号为偶数的，{r3_unseen[2]} 条）\n\n"
        "调整时没有打开过这一半的案例，只用汇总数字；这里的数字是对陌生写法的估计，不作为测试门槛。\n\n"
        + _table(r3_unseen[0]) + "\n\n" + alike(r3_unseen, show_ids=False) + "\n\n"
        f"调整前：{BEFORE_TUNING_R3['unseen']}。\n\n"
        "注意：第③类“文字写明的时长超过记录的起止时间”这一条，是在看过这一半漏检案例的汇总特征（只有计数，没有文字）"
        "之后加入的；加入前在调整用的一半上核对过（20 条③都具备，其他标注 0 条），加入前这一半的第③类召回率为 0.70。"
        "同样，第①类的“社会工作者”身份（issue 19 点名的社工站社工）是在看到这一半的漏检汇总（两条身份不在词表中）之后"
        "加入的，加入前这一半的第①类召回率为 0.83。所以这一半第①、③类的数字不再是完全陌生的估计。\n\n"
        f"## 盲写案例集·调整用的一半 `data/cases/act_cases_blind.csv` 中编号为奇数的（{tuned[2]} 条）\n\n"
        "案例由没有看过词表的人按通知的标准写成；词表只按这一半调整。\n\n"
        + _table(tuned[0]) + "\n\n" + alike(tuned) + "\n\n"
        f"调整前：{BEFORE_TUNING['tuned']}。\n\n"
        f"## 盲写案例集·未看过的一半（编号为偶数的，{unseen[2]} 条）\n\n"
        "调整词表时没有打开过这一半的案例，这里的数字是对陌生写法的估计；不作为测试门槛。\n\n"
        + _table(unseen[0]) + "\n\n" + alike(unseen) + "\n\n"
        f"调整前：{BEFORE_TUNING['unseen']}。\n\n"
        f"## 开发集 `data/cases/act_cases.csv`（{n_main} 条）\n\n" + _table(main_metrics) + "\n\n"
        f"## 留出集 `data/cases/act_cases_holdout.csv`（{n_hold} 条，写好后未据此调整词表）\n\n"
        + _table(hold) + "\n\n"
        "开发集与词表出自同一作者之手，数字偏乐观。开发集的第二批（36 条）写成后第一次测得的召回率只有"
        " ① 0.17、② 0.50、③ 0.67、④ 0.75（精确率均为 1.00），据此把词表改得更通用后才达到上表的数字。"
        "2026-11-29 按 issue 9 改写了开发集中 3 条与通知标准不符的 ④ 标注（“费用自理”“AA制”不是组织者收费）。\n"
    )
    (CASES / "act_metrics.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    for name, m in (("开发集", main_metrics), ("盲写·调整用的一半", tuned[0]), ("第三轮盲写·调整用的一半", r3_tuned[0])):
        bad = m[(m["精确率"] < MIN_PRECISION) | (m["召回率"] < MIN_RECALL)]
        assert bad.empty, f"{name}\n" + _table(bad)
    assert tuned[1][0] == 0, alike(tuned)
    assert r3_tuned[1][0] == 0, alike(r3_tuned)


def test_dev_set_labels_follow_the_criterion_of_kind_four():
    """④ is an organiser's fee: volunteers paying their own way (自理, AA) is never labelled ④ (issue 9)."""
    df = _labels(MAIN)
    four = df[df["标注"] == "④"]
    assert not four["服务内容"].str.contains("自理|AA制|自费").any()
    own_way = df[df["服务内容"].str.contains("自理")]
    assert len(own_way) and own_way["标注"].eq("无").all()


def test_blind_halves_each_hold_every_kind_and_look_alikes(blind, blind_r3):
    for sets in (blind, blind_r3):
        for name in ("tuned", "unseen"):
            m, (_, legit, _), n = sets[name]
            assert n >= 120 and legit >= 40, name
            assert (m["标注条数"] >= 15).all(), name



def test_case_set_is_large_varied_and_has_look_alikes():
    df = _labels(MAIN)
    assert len(df) >= 200
    assert (df["标注"].eq("无") & df["标注理由"].str.startswith("易混")).sum() >= 60
    assert set(df["标注"]) == {"无", "①", "②", "③", "④"}
    assert df["标注理由"].str.len().gt(0).all()
    cities = ("长沙", "株洲", "湘潭", "衡阳", "邵阳", "岳阳", "常德", "张家界", "益阳", "郴州", "永州", "怀化", "娄底", "湘西")
    assert all(df["组织单位"].str.contains(c).any() or df["服务地点"].str.contains(c).any() for c in cities)


@pytest.mark.parametrize("path", [MAIN, HOLDOUT], ids=["main", "holdout"])
def test_case_records_are_otherwise_compliant(path):
    """Only the four-kind rules may fire: IDs valid, recorded in time, platforms designated, etc."""
    df = _labels(path)
    assert df["证件号码"].map(ric.is_valid).all()
    res = check_file(path)
    others = res.findings[~res.findings["rule"].isin(CATEGORY)]
    assert others.empty, others[["rule", "record_id", "message"]].to_string()
    assert not res.not_assessed


def test_every_finding_names_its_evidence():
    f = check_file(MAIN).findings
    assert len(f) and f["evidence"].str.len().gt(0).all() and f["message"].notna().all()
    assert f["evidence"].str.contains("：").all()


def test_case_files_are_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("build_cases", CASES / "build_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    df = mod.build()
    main, hold = df.iloc[: mod.HOLDOUT_START], df.iloc[mod.HOLDOUT_START:]
    for part, path in ((main, MAIN), (hold, HOLDOUT)):
        out = tmp_path / path.name
        part.to_csv(out, index=False, encoding="utf-8-sig")
        assert out.read_bytes() == path.read_bytes(), f"{path.name} 与 build_cases.py 不一致，请重新生成"


def test_blind_generator_refuses_an_unfilled_placeholder():
    """A ``{c}`` left in a column that is not templated (BL0121 once had one in 服务地点) stops the generator,
    and the committed blind set holds none."""
    spec = importlib.util.spec_from_file_location("write_blind_cases", CASES / "write_blind_cases.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.expand(mod.parse_cases())
    mod.validate(rows)
    rows[0]["服务地点"] = "{c}青少年营地"
    with pytest.raises(ValueError, match="placeholder"):
        mod.validate(rows)
    blind = pd.read_csv(CASES / "act_cases_blind.csv", dtype=str, encoding="utf-8-sig")
    assert not blind.apply(lambda c: c.str.contains(r"\{\w+\}", na=False)).any().any()
