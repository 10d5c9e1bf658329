"""ACT001–ACT005 and REC005 on both sides of every boundary (real loader + engine)."""

from __future__ import annotations

import shutil

import yaml

from tests.conftest import findings, records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.params import ENV_OVERRIDE, PARAMS_DIR


def at(day: str, t0: str, t1: str, recorded: str | None = None) -> dict:
    """Service time on ``day`` and a record time a few days later (so REC rules stay quiet)."""
    rec = recorded or day
    return {"开始时间": f"{day} {t0}", "结束时间": f"{day} {t1}", "记录时间": f"{rec} 18:00", "评价日期": rec}


STAFF_VISIT = {"参与者身份": "社区工作人员", "活动名称": "独居老人入户走访", "服务内容": "入户走访辖区独居老人，登记生活状况",
               "服务地点": "辖区小区"}
TUESDAY = at("2024-03-05", "09:00", "11:30")  # an ordinary working day


def one(rule: str, **edit) -> list[tuple[str, str, str]]:
    f = findings(edit, rule=rule)
    return list(zip(f["severity"], f["message"], f["evidence"], strict=True))


def sev(rule: str, **edit) -> str | None:
    f = one(rule, **edit)
    return f[0][0] if f else None


# ---------------------------------------------------------------- ACT001 ①
def test_act001_staff_own_duty_on_a_working_day_is_flagged_with_evidence():
    [(severity, message, evidence)] = one("ACT001", **STAFF_VISIT, **TUESDAY)
    assert severity == "违规"
    assert "社区工作人员" in message and "独居老人入户走访" in message and "星期二" in message
    assert "命中词：入户走访" in evidence and "2024-03-05" in evidence


def test_act001_same_person_on_weekend_holiday_or_evening_is_not_flagged():
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-09", "09:00", "11:30", "2024-03-11")) is None  # Saturday
    assert sev("ACT001", **STAFF_VISIT, **at("2024-10-02", "09:00", "11:30", "2024-10-09")) is None  # 国庆 Wednesday
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "19:00", "21:00")) is None  # evening


def test_act001_make_up_working_saturday_counts_as_working_day():
    assert sev("ACT001", **STAFF_VISIT, **at("2024-10-12", "09:00", "11:30", "2024-10-14")) == "违规"


def test_act001_working_hours_boundary():
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "16:30", "18:30")) == "违规"  # half inside
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "17:00", "19:00")) == "存疑"  # a quarter inside
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "17:30", "19:30")) is None  # starts at closing time


def test_act001_unrelated_service_in_working_hours_is_not_flagged():
    edit = dict(参与者身份="网格员", 活动名称="少儿图书整理", 服务内容="在市图书馆少儿阅览室为小读者整理归架图书")
    assert sev("ACT001", **edit, **TUESDAY) is None


def test_act001_only_related_words_is_doubtful():
    edit = dict(参与者身份="社区工作人员", 活动名称="垃圾分类宣传", 服务内容="向居民宣传垃圾分类知识")
    [(severity, message, _)] = one("ACT001", **edit, **TUESDAY)
    assert severity == "存疑" and "请核实" in message


def test_act001_retired_or_ordinary_residents_are_not_staff():
    for who in ("退休教师", "居民", "学生干部"):
        assert sev("ACT001", **{**STAFF_VISIT, "参与者身份": who}, **TUESDAY) is None


def test_act001_teachers_day_starts_earlier():
    edit = dict(参与者身份="中学教师", 活动名称="护学岗", 服务内容="在校门口护学岗护送学生进校")
    assert sev("ACT001", **edit, **at("2024-03-05", "07:30", "08:30")) == "违规"
    assert sev("ACT001", **edit, **at("2024-03-09", "07:30", "08:30", "2024-03-11")) is None


def test_act001_cadre_sinking_to_community_in_working_hours():
    edit = dict(参与者身份="机关干部", 活动名称="下沉社区", 服务内容="按单位安排下沉社区开展入户宣传")
    assert sev("ACT001", **edit, **TUESDAY) == "违规"


def test_act001_without_role_column_is_not_assessed():
    res = check_table(load_frame(records(dict(STAFF_VISIT, **TUESDAY), drop=("参与者身份",))))
    assert "ACT001" in {n["rule"] for n in res.not_assessed}


# ---------------------------------------------------------------- ACT002 ②
def test_act002_class_cleaning_is_internal_and_names_the_place():
    [(severity, _, evidence)] = one("ACT002", 活动名称="班级卫生清扫", 服务内容="打扫本班教室", 服务地点="本班教室")
    assert severity == "违规" and "班级卫生清扫" in evidence and "本班教室" in evidence


def test_act002_cleaning_or_tidying_for_the_public_is_service():
    assert sev("ACT002", 活动名称="福利院清扫", 服务内容="到福利院为老人打扫房间", 服务地点="市社会福利院") is None
    assert sev("ACT002", 活动名称="图书整理", 服务内容="在市图书馆整理归位图书", 服务地点="市图书馆") is None


def test_act002_same_generic_word_inside_the_unit_is_internal():
    assert sev("ACT002", 活动名称="大扫除", 服务内容="打扫办公室", 服务地点="本单位办公楼") == "违规"
    assert sev("ACT002", 活动名称="大扫除", 服务内容="为孤寡老人家里大扫除", 服务地点="老人家中") is None


def test_act002_named_word_without_context_is_doubtful():
    assert sev("ACT002", 活动名称="资料整理", 服务内容="资料整理", 服务地点="") == "存疑"
    assert sev("ACT002", 活动名称="资料整理", 服务内容="整理本单位档案资料", 服务地点="档案室") == "违规"
    assert sev("ACT002", 活动名称="资料整理", 服务内容="为社区老人整理资料", 服务地点="社区") is None


def test_act002_attending_a_meeting_vs_serving_one():
    assert sev("ACT002", 活动名称="季度工作会议", 服务内容="参加志愿服务队季度工作会议", 服务地点="会议室") == "违规"
    assert sev("ACT002", 活动名称="手语翻译", 服务内容="为市残联工作会议提供手语翻译", 服务地点="市残联会议室") is None


# ---------------------------------------------------------------- ACT003 ③
def test_act003_donation_converted_to_hours_vs_sorting_donations():
    [(severity, _, evidence)] = one("ACT003", 活动名称="爱心捐款", 服务内容="捐款50元记录1小时")
    assert severity == "违规" and "捐" in evidence and "记录1小时" in evidence
    assert sev("ACT003", 活动名称="衣物分拣", 服务内容="在慈善超市分拣、整理市民捐赠的旧衣物，共计4小时") is None


def test_act003_donation_amount_without_conversion_is_doubtful():
    assert sev("ACT003", 活动名称="慈善一日捐", 服务内容="参加慈善一日捐，捐款200元") == "存疑"


def test_act003_online_repost_vs_offline_stall_and_helping_elders_online():
    assert sev("ACT003", 活动名称="转发", 服务内容="在朋友圈转发文明创建公益宣传海报") == "违规"
    assert sev("ACT003", 活动名称="宣传摊位", 服务内容="在社区广场设宣传摊位发放宣传单") is None
    assert sev("ACT003", 活动名称="转发", 服务内容="转发反诈宣传链接") == "存疑"
    assert sev("ACT003", 活动名称="助老用网", 服务内容="帮助老年人下载反诈APP、关注社区公众号") is None


def test_act003_awarded_hours_vs_hours_spent_for_goods():
    assert sev("ACT003", 活动名称="积分兑换", 服务内容="使用志愿积分兑换志愿时长1小时") == "违规"
    assert sev("ACT003", 活动名称="答题", 服务内容="完成线上知识答题，满分奖励2小时") == "违规"
    assert sev("ACT003", 活动名称="积分超市", 服务内容="为居民按积分兑换生活用品") is None


# ---------------------------------------------------------------- ACT004 ④
STUDY = dict(活动名称="红色研学", 服务内容="组织韶山红色研学")


def test_act004_fee_in_column_or_in_text():
    [(severity, _, evidence)] = one("ACT004", **STUDY, 参与费用=380)
    assert severity == "违规" and "参与费用：380元" in evidence and "研学" in evidence
    assert sev("ACT004", 活动名称="红色研学", 服务内容="组织韶山红色研学，每人收费380元", 参与费用=0) == "违规"


def test_act004_free_study_tour_or_no_fee_is_service():
    assert sev("ACT004", **STUDY, 参与费用=0) is None
    assert sev("ACT004", 活动名称="免费研学", 服务内容="带领留守儿童开展免费科普研学，负责看护讲解", 参与费用=0) is None
    assert sev("ACT004", 活动名称="收费站疏导", 服务内容="在高速收费站疏导车辆", 参与费用=0) is None


def test_act004_weak_signals_are_doubtful():
    assert sev("ACT004", 活动名称="环保活动", 服务内容="捡拾垃圾", 参与费用=60) == "存疑"  # fee, kind not listed
    assert sev("ACT004", 活动名称="研学", 服务内容="全程免费的研学", 参与费用=200) == "存疑"  # says free, charges


# ---------------------------------------------------------------- REC005 报酬
def test_rec005_remuneration_vs_necessary_subsidy():
    [(severity, message, _)] = one("REC005", 补贴类型="劳务费", 补贴金额=200)
    assert severity == "违规" and "劳务费" in message
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) is None
    assert sev("REC005", 补贴类型="误餐补贴", 补贴金额=20) is None


def test_rec005_subsidy_cap_boundary():
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=100) is None
    [(severity, message, _)] = one("REC005", 补贴类型="交通补贴", 补贴金额=100.5)
    assert severity == "存疑" and "100.5" in message


def test_rec005_remuneration_in_text_and_its_negation():
    assert sev("REC005", 服务内容="陪老人聊天，每人发放课时费100元") == "违规"
    assert sev("REC005", 服务内容="陪老人聊天，不计报酬") is None


def test_rec005_untyped_or_unknown_subsidy_is_doubtful():
    assert sev("REC005", 补贴类型=None, 补贴金额=50) == "存疑"
    assert sev("REC005", 补贴类型="慰问金", 补贴金额=50) == "存疑"


# ---------------------------------------------------------------- ACT005 营利
def test_act005_selling_vs_warning_against_it():
    assert sev("ACT005", 活动名称="进社区", 服务内容="在社区现场推销保健品") == "存疑"
    assert sev("ACT005", 活动名称="防骗宣传", 服务内容="宣传防范保健品推销骗局") is None
    assert sev("ACT005", 活动名称="爱心义卖", 服务内容="组织爱心义卖，所得善款捐赠福利院") is None
    assert sev("ACT005", 活动名称="助农", 服务内容="志愿者每购买一份助农包记1小时") == "存疑"


# ---------------------------------------------------------------- parameters, not code
def _params_copy(tmp_path, monkeypatch, name: str, edit) -> None:
    root = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, root)
    path = root / "lexicons" / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(ENV_OVERRIDE, str(root))


def test_changing_working_hours_in_the_lexicon_changes_act001(tmp_path, monkeypatch):
    evening = at("2024-03-05", "19:00", "21:00")
    assert sev("ACT001", **STAFF_VISIT, **evening) is None
    _params_copy(tmp_path, monkeypatch, "roles", lambda d: d["working_hours"].update(end="21:00"))
    assert sev("ACT001", **STAFF_VISIT, **evening) == "违规"


def test_changing_the_subsidy_cap_changes_rec005(tmp_path, monkeypatch):
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) is None
    _params_copy(tmp_path, monkeypatch, "remuneration", lambda d: d["subsidy_cap"].update(value=20))
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) == "存疑"


def test_adding_a_word_to_the_lexicon_changes_act002(tmp_path, monkeypatch):
    edit = dict(活动名称="网点晨会", 服务内容="在营业网点内参加晨会", 服务地点="营业网点")
    assert sev("ACT002", **edit) is None
    _params_copy(tmp_path, monkeypatch, "internal", lambda d: d["strong"].update({"晨会": "单位每日晨会"}))
    assert sev("ACT002", **edit) == "违规"
