"""ACT001–ACT005 and REC005 on both sides of every boundary (real loader + engine).

The four kinds are tested on their criterion (notice 二（二）), not only on the notice's example
nouns, and on the severity model: a word match is 存疑; 违规 only where the data itself shows it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import yaml

from tests.conftest import findings, records
from zyfw_checks.engine import check_table
from zyfw_checks.load import load_frame
from zyfw_checks.params import ENV_OVERRIDE, PARAMS_DIR
from zyfw_checks.registry import Context
from zyfw_checks.rules import activities, get_rule
from zyfw_checks.workdays import calendar


def at(day: str, t0: str, t1: str, recorded: str | None = None) -> dict:
    """Service time on ``day`` and a record time a few days later (so REC rules stay quiet)."""
    rec = recorded or day
    return {"开始时间": f"{day} {t0}", "结束时间": f"{day} {t1}", "记录时间": f"{rec} 18:00", "评价日期": rec}


STAFF_VISIT = {"参与者身份": "社区工作人员", "活动名称": "独居老人入户走访", "服务内容": "入户走访辖区独居老人，登记生活状况",
               "服务地点": "辖区小区"}
TUESDAY = at("2024-03-05", "09:00", "11:30")  # an ordinary working day
SATURDAY = at("2024-03-09", "09:00", "11:30", "2024-03-11")


def one(rule: str, **edit) -> list[tuple[str, str, str]]:
    f = findings(edit, rule=rule)
    return list(zip(f["severity"], f["message"], f["evidence"], strict=True))


def sev(rule: str, **edit) -> str | None:
    f = one(rule, **edit)
    return f[0][0] if f else None


def test_four_kinds_are_doubtful_unless_the_data_shows_the_breach():
    """Severity model (issue 9): ① ② are read from words → 存疑; ③ ④ and REC005 may be 违规."""
    for code in ("ACT001", "ACT002", "ACT005"):
        assert get_rule(code).severity == "存疑", code
    for code in ("ACT003", "ACT004", "REC005"):
        assert get_rule(code).severity == "违规", code
    for code in ("ACT001", "ACT002", "ACT003", "ACT004", "ACT005", "REC005"):
        reason = get_rule(code).severity_reason
        assert len(reason) > 30 and ("存疑" in reason or "违规" in reason), code


# ---------------------------------------------------------------- ACT001 ①
def test_act001_staff_own_duty_on_a_working_day_is_flagged_with_evidence():
    [(severity, message, evidence)] = one("ACT001", **STAFF_VISIT, **TUESDAY)
    assert severity == "存疑" and "请核实" in message
    assert "社区工作人员" in message and "独居老人入户走访" in message and "星期二" in message
    assert "命中词：入户走访" in evidence and "2024-03-05" in evidence


def test_act001_same_person_on_weekend_holiday_or_evening_is_not_flagged():
    assert sev("ACT001", **STAFF_VISIT, **SATURDAY) is None
    assert sev("ACT001", **STAFF_VISIT, **at("2024-10-02", "09:00", "11:30", "2024-10-09")) is None  # 国庆 Wednesday
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "19:00", "21:00")) is None  # evening


def test_act001_make_up_working_days_count_as_working_days():
    [(_, message, evidence)] = one("ACT001", **STAFF_VISIT, **at("2024-10-12", "09:00", "11:30", "2024-10-14"))
    assert "星期六，调休上班日" in message and "调休上班日" in evidence
    assert "调休" not in one("ACT001", **STAFF_VISIT, **TUESDAY)[0][1]
    assert sev("ACT001", **STAFF_VISIT, **at("2024-05-11", "09:00", "11:30", "2024-05-13")) == "存疑"  # 调休 Saturday
    assert sev("ACT001", **STAFF_VISIT, **at("2024-05-18", "09:00", "11:30", "2024-05-20")) is None  # ordinary Saturday


def test_act001_working_hours_boundary():
    [(_, message, _)] = one("ACT001", **STAFF_VISIT, **at("2024-03-05", "16:30", "18:30"))  # half inside
    assert "只有部分时段" not in message and "很可能" in message
    [(_, message, _)] = one("ACT001", **STAFF_VISIT, **at("2024-03-05", "17:00", "19:00"))  # a quarter inside
    assert "只有部分时段在工作时间内" in message and "很可能" not in message
    assert sev("ACT001", **STAFF_VISIT, **at("2024-03-05", "17:30", "19:30")) is None  # starts at closing time


def test_act001_unrelated_service_in_working_hours_is_not_flagged():
    edit = dict(参与者身份="网格员", 活动名称="少儿图书整理", 服务内容="在市图书馆少儿阅览室为小读者整理归架图书")
    assert sev("ACT001", **edit, **TUESDAY) is None


def test_act001_only_related_words_is_doubtful():
    edit = dict(参与者身份="社区工作人员", 活动名称="垃圾分类宣传", 服务内容="向居民宣传垃圾分类知识")
    [(severity, message, _)] = one("ACT001", **edit, **TUESDAY)
    assert severity == "存疑" and "只是可能与本职相关" in message


def test_act001_retired_or_ordinary_residents_are_not_staff():
    for who in ("退休教师", "居民", "学生干部"):
        assert sev("ACT001", **{**STAFF_VISIT, "参与者身份": who}, **TUESDAY) is None


def test_act001_teachers_day_starts_earlier():
    edit = dict(参与者身份="中学教师", 活动名称="护学岗", 服务内容="在校门口护学岗护送学生进校")
    assert sev("ACT001", **edit, **at("2024-03-05", "07:30", "08:30")) == "存疑"
    assert sev("ACT001", **edit, **at("2024-03-09", "07:30", "08:30", "2024-03-11")) is None


def test_act001_cadre_sinking_to_community_in_working_hours():
    edit = dict(参与者身份="机关干部", 活动名称="下沉社区", 服务内容="按单位安排下沉社区开展入户宣传")
    assert sev("ACT001", **edit, **TUESDAY) == "存疑"


OFFICE = dict(参与者身份="司法所工作人员", 活动名称="法律援助进社区",
              服务内容="司法所工作人员工作日到社区调解两户邻里纠纷并制作调解协议", 服务地点="社区调解室")


def test_act001_criterion_any_employee_doing_the_units_work_on_duty():
    """Not only the notice's example roles: any employee whose text shows on-duty work of their unit."""
    [(severity, message, evidence)] = one("ACT001", **OFFICE, **TUESDAY)
    assert severity == "存疑" and "在岗或以单位工作人员身份履职" in message and "调解" in evidence
    lines = dict(参与者身份="供电所员工", 活动名称="电力志愿服务队进村", 服务内容="供电所员工上班时间上门为村民检修入户线路")
    assert sev("ACT001", **lines, **TUESDAY) == "存疑"
    assert sev("ACT001", **lines, **SATURDAY) is None
    for role, content in (("城管队员", "城管队员上午在菜市场周边劝导占道摊贩"),
                          ("学校校医", "学校校医为学生测量视力、建立健康档案")):
        assert sev("ACT001", 参与者身份=role, 活动名称="志愿服务", 服务内容=content, **TUESDAY) == "存疑", role
        assert sev("ACT001", 参与者身份=role, 活动名称="志愿服务", 服务内容=content, **SATURDAY) is None, role


def test_act001_role_naming_its_institution_and_an_official_act():
    edit = dict(参与者身份="人社局干部", 活动名称="社保志愿服务", 服务内容="到社区为居民办理社保卡", 服务地点="社区")
    assert sev("ACT001", **edit, **TUESDAY) == "存疑"
    assert sev("ACT001", **{**edit, "服务内容": "到敬老院为老人理发", "服务地点": "敬老院"}, **TUESDAY) is None  # not an official act
    assert sev("ACT001", **{**edit, "参与者身份": "预备党员"}, **TUESDAY) is None  # a membership, not a post
    assert sev("ACT001", **{**edit, "参与者身份": "志愿服务队员"}, **TUESDAY) is None


def test_act001_employee_doing_unrelated_service_or_off_duty_is_not_flagged():
    assert sev("ACT001", **{**OFFICE, "参与者身份": "退休干部"}, **TUESDAY) is None
    assert sev("ACT001", 参与者身份="企业职工", 活动名称="敬老院陪伴", 服务内容="到敬老院陪老人聊天、读报", **TUESDAY) is None
    for said in ("请年休假", "利用午休时间", "下班后", "休息日"):
        content = f"司法所工作人员{said}到社区调解两户邻里纠纷"
        assert sev("ACT001", **{**OFFICE, "服务内容": content}, **TUESDAY) is None, said


def test_act001_teacher_supervising_a_nap_is_on_duty():
    edit = dict(参与者身份="小学教师", 活动名称="午休看管", 服务内容="在教室看管午休学生", 服务地点="本校教室")
    assert sev("ACT001", **edit, **at("2024-05-27", "12:10", "13:40")) == "存疑"
    assert sev("ACT001", **edit, **at("2024-05-25", "12:10", "13:40", "2024-05-27")) is None


def test_act001_years_beyond_the_holiday_data_are_noted_once():
    year = calendar().last_covered.year + 1
    day = pd.Timestamp(f"{year}-03-01")
    day += pd.Timedelta(days=(1 - day.day_of_week) % 7)  # a Tuesday
    d = day.strftime("%Y-%m-%d")
    res = check_table(load_frame(records(dict(STAFF_VISIT, **at(d, "09:00", "11:30")),
                                         dict(STAFF_VISIT, **at(d, "14:00", "16:00")))))
    assert sum("ACT001" in n for n in res.notes) == 1
    assert (res.findings["rule"] == "ACT001").sum() == 2


def test_act001_without_role_column_is_not_assessed():
    res = check_table(load_frame(records(dict(STAFF_VISIT, **TUESDAY), drop=("参与者身份",))))
    assert "ACT001" in {n["rule"] for n in res.not_assessed}


# ---------------------------------------------------------------- ACT002 ②
def test_act002_class_cleaning_is_internal_and_names_the_place():
    [(severity, _, evidence)] = one("ACT002", 活动名称="班级卫生清扫", 服务内容="打扫本班教室", 服务地点="本班教室")
    assert severity == "存疑" and "班级卫生清扫" in evidence and "本班教室" in evidence


def test_act002_cleaning_or_tidying_for_the_public_is_service():
    assert sev("ACT002", 活动名称="福利院清扫", 服务内容="到福利院为老人打扫房间", 服务地点="市社会福利院") is None
    assert sev("ACT002", 活动名称="图书整理", 服务内容="在市图书馆整理归位图书", 服务地点="市图书馆") is None


def test_act002_same_generic_word_inside_the_unit_is_internal():
    assert sev("ACT002", 活动名称="大扫除", 服务内容="打扫办公室", 服务地点="本单位办公楼") == "存疑"
    assert sev("ACT002", 活动名称="大扫除", 服务内容="为孤寡老人家里大扫除", 服务地点="老人家中") is None


def test_act002_named_word_without_context_is_doubtful():
    [(_, message, evidence)] = one("ACT002", 活动名称="资料整理", 服务内容="资料整理", 服务地点="")
    assert "看不出面向公众" in message and "未见面向公众" in evidence
    assert sev("ACT002", 活动名称="资料整理", 服务内容="整理本单位档案资料", 服务地点="档案室") == "存疑"
    assert sev("ACT002", 活动名称="资料整理", 服务内容="为社区老人整理资料", 服务地点="社区") is None


def test_act002_attending_a_meeting_vs_serving_one():
    assert sev("ACT002", 活动名称="季度工作会议", 服务内容="参加志愿服务队季度工作会议", 服务地点="会议室") == "存疑"
    assert sev("ACT002", 活动名称="手语翻译", 服务内容="为市残联工作会议提供手语翻译", 服务地点="市残联会议室") is None
    assert sev("ACT002", 活动名称="大会引导", 服务内容="为全市志愿服务表彰大会引导来宾入场", 服务地点="市民中心") is None
    assert sev("ACT002", 活动名称="表彰大会", 服务内容="参加全市志愿服务表彰大会", 服务地点="市民中心") == "存疑"
    assert sev("ACT002", 活动名称="峰会会务志愿服务", 服务内容="高校青年志愿者为互联网岳麓峰会提供签到引导、会场秩序维护",
               服务地点="国际会展中心") is None


def test_act002_criterion_the_units_own_requirement_whatever_the_activity():
    """② is "内部有明确制度要求": the unit's or school's rule, whatever the activity is called or where."""
    cases = [
        ("办公区环境志愿清洁", "按单位卫生管理制度，各科室每周五下班后轮流打扫办公楼公共区域", "单位办公楼"),
        ("学习强国志愿学习", "单位要求干部每天完成学习任务，周末在单位集中学习并纳入年度考核", "单位会议室"),
        ("校史馆志愿讲解", "学院规定学生党员发展对象须在本校校史馆讲解满20小时方可转正考察", "学校校史馆"),
        ("医院志愿服务排班", "按医院规定，新入职医护人员须在规培期间每月完成导医台轮岗", "医院门诊大厅"),
        ("教室卫生志愿服务", "按班级值日表轮到本组，放学后打扫教室、擦黑板", "本班教室"),
    ]
    for name, content, place in cases:
        [(severity, _, evidence)] = one("ACT002", 参与者身份="职工", 活动名称=name, 服务内容=content, 服务地点=place,
                                        **SATURDAY)
        assert severity == "存疑" and "文字写明制度要求" in evidence, name


def test_act002_the_notices_examples_in_other_words():
    assert sev("ACT002", 活动名称="社团招新", 服务内容="学生会组织新生招新宣传摆摊", 服务地点="学校广场") == "存疑"
    assert sev("ACT002", 活动名称="档案数字化", 服务内容="将本单位历年档案扫描录入系统", 服务地点="单位档案室") == "存疑"
    assert sev("ACT002", 活动名称="档案数字化", 服务内容="为社区老人把老照片扫描存档", 服务地点="社区") is None
    assert sev("ACT002", 活动名称="义务劳动", 服务内容="全体干部职工到单位院内义务劳动", 服务地点="单位院内") == "存疑"
    assert sev("ACT002", 活动名称="义务劳动", 服务内容="到湘江风光带义务劳动、捡拾垃圾", 服务地点="湘江风光带") is None


def test_act002_voluntary_sign_up_or_a_volunteer_teams_own_rota_is_not_internal():
    assert sev("ACT002", 活动名称="清洁家园志愿行动", 服务内容="公司员工自愿报名周六到附近老旧小区清理卫生死角",
               服务地点="老旧小区") is None
    assert sev("ACT002", 活动名称="献血屋志愿服务排班", 服务内容="志愿服务队队员按队内自愿认领的排班表在献血屋做引导登记",
               服务地点="中心献血屋") is None
    assert sev("ACT002", 活动名称="线上答疑", 服务内容="在公益项目线上客服群为捐赠人解答疑问，按排班实际在线时间记录",
               服务地点="线上") is None
    assert sev("ACT002", 活动名称="防疫值守", 服务内容="按防疫要求在小区门口为居民测温登记", 服务地点="小区门口") is None
    assert sev("ACT002", 活动名称="助老保洁", 服务内容="按社区安排到独居老人家中打扫卫生", 服务地点="老人家中") is None
    # the same rota, set by the unit, is internal
    assert sev("ACT002", 活动名称="食堂帮厨", 服务内容="按机关事务中心轮值安排，各处室每月派人到机关食堂帮厨",
               服务地点="机关食堂") == "存疑"


def test_act002_fee_charging_conference_is_kind_four_not_also_kind_two():
    paid = dict(活动名称="志愿者年会", 服务内容="志愿服务联合会年会暨表彰大会，参会志愿者每人缴纳餐费会务费300元",
                服务地点="酒店宴会厅", 参与费用=300)
    assert sev("ACT002", **paid) is None and sev("ACT004", **paid) == "存疑"  # 年会 is only like 会议
    free = dict(paid, 服务内容="志愿服务联合会年会暨表彰大会", 参与费用=0)
    assert sev("ACT002", **free) == "存疑" and sev("ACT004", **free) is None


def test_act002_an_employees_own_job_in_working_hours_is_kind_one_not_also_two():
    edit = dict(参与者身份="小学教师", 活动名称="课后服务志愿活动", 服务内容="小学教师按学校课后服务安排看护学生完成作业",
                服务地点="学校教室")
    weekday = at("2024-04-30", "15:30", "17:00")
    assert sev("ACT001", **edit, **weekday) == "存疑" and sev("ACT002", **edit, **weekday) is None
    assert sev("ACT001", **edit, **SATURDAY) is None and sev("ACT002", **edit, **SATURDAY) == "存疑"


# ---------------------------------------------------------------- ACT003 ③
def test_act003_donation_converted_to_hours_vs_sorting_donations():
    [(severity, _, evidence)] = one("ACT003", 活动名称="爱心捐款", 服务内容="捐款50元记录1小时")
    assert severity == "违规" and "50元记录1" in evidence
    assert sev("ACT003", 活动名称="衣物分拣", 服务内容="在慈善超市分拣、整理市民捐赠的旧衣物，共计4小时") is None


def test_act003_donation_amount_without_conversion_is_doubtful():
    [(severity, message, _)] = one("ACT003", 活动名称="慈善一日捐", 服务内容="参加慈善一日捐，捐款200元")
    assert severity == "存疑" and "只写了捐赠数额" in message


def test_act003_online_repost_vs_offline_stall_and_helping_elders_online():
    assert sev("ACT003", 活动名称="转发", 服务内容="在朋友圈转发文明创建公益宣传海报") == "存疑"
    assert sev("ACT003", 活动名称="转发", 服务内容="在朋友圈转发文明创建公益宣传海报，每次记0.5小时") == "违规"
    assert sev("ACT003", 活动名称="宣传摊位", 服务内容="在社区广场设宣传摊位发放宣传单") is None
    assert sev("ACT003", 活动名称="转发", 服务内容="转发反诈宣传链接") == "存疑"
    assert sev("ACT003", 活动名称="助老用网", 服务内容="帮助老年人下载反诈APP、关注社区公众号") is None


def test_act003_awarded_hours_vs_hours_spent_for_goods():
    assert sev("ACT003", 活动名称="积分兑换", 服务内容="使用志愿积分兑换志愿时长1小时") == "违规"
    assert sev("ACT003", 活动名称="答题", 服务内容="完成线上知识答题，满分奖励2小时") == "违规"
    assert sev("ACT003", 活动名称="积分超市", 服务内容="为居民按积分兑换生活用品") is None


def test_act003_criterion_anything_converted_into_hours():
    """③ is "违反志愿服务时间记录规定": money spent, counts, invitations, uploads turned into hours."""
    for content in ("在消费帮扶专柜购买扶贫农产品满200元，折算志愿服务2小时",
                    "在义卖活动中购买学生手工作品，消费满50元计1小时",
                    "收集塑料瓶送到回收站，每50个记1小时",
                    "每邀请1名好友在平台注册为志愿者，记1小时志愿时长",
                    "填写文明城市测评问卷1份记0.5小时",
                    "捐旧衣服3件，按每件1小时记录时长",
                    "上传一条防溺水宣传短视频，不论时长均记2小时志愿服务",
                    "参加无偿献血400毫升，按献血量给予4小时志愿时长"):
        [(severity, _, evidence)] = one("ACT003", 活动名称="活动", 服务内容=content)
        assert severity == "违规" and "换算：" in evidence, content


def test_act003_hours_for_a_promise_task_or_reward():
    for content in ("承诺在一个月内完成10次垃圾分类打卡，完成后一次性给予5小时志愿时长",
                    "被评为年度优秀志愿者，额外奖励志愿时长8小时",
                    "新注册志愿者签订服务承诺书即赠送2小时起始时长",
                    "扫码关注区志愿服务公众号并完成注册，送0.5小时志愿时长",
                    "禁毒知识问答，全部答对可获1小时志愿时长"):
        assert sev("ACT003", 活动名称="活动", 服务内容=content) == "违规", content
    [(severity, message, _)] = one("ACT003", 活动名称="评优", 服务内容="被评为年度优秀志愿者，额外奖励志愿时长")
    assert severity == "存疑" and "未写记了几小时" in message


def test_act003_hours_that_measure_real_service_are_not_flagged():
    for content in ("在中心献血屋为献血者引导填表、发放饮品，按签到签退记录3小时",
                    "每周六到敬老院服务，每次记3小时",
                    "为50名老人理发，记录4小时",
                    "通过视频通话为留守儿童辅导数学作业，按平台记录的实际通话时长1.5小时记录",
                    "在社区积分超市值守，为居民核对积分、兑换生活用品",
                    "为独居老人送餐2小时",
                    "为灾区搬运、装车捐赠物资4小时",
                    "在线撰写原创公益文章并发布到社区公众号，按实际写作时间记录"):
        assert sev("ACT003", 活动名称="活动", 服务内容=content) is None, content


# ---------------------------------------------------------------- ACT004 ④
STUDY = dict(活动名称="红色研学", 服务内容="组织韶山红色研学")


def test_act004_fee_column_for_a_listed_kind_is_a_breach():
    [(severity, _, evidence)] = one("ACT004", **STUDY, 参与费用=380)
    assert severity == "违规" and "参与费用：380元" in evidence and "研学" in evidence


def test_act004_fee_only_in_the_text_or_a_similar_kind_is_doubtful():
    [(severity, message, _)] = one("ACT004", 活动名称="红色研学", 服务内容="组织韶山红色研学，每人收费380元", 参与费用=0)
    assert severity == "存疑" and "收费只见于文字" in message
    [(severity, message, _)] = one("ACT004", 活动名称="英语游学营", 服务内容="暑期英语游学", 参与费用=4800)
    assert severity == "存疑" and "相近" in message


def test_act004_free_study_tour_or_no_fee_is_service():
    assert sev("ACT004", **STUDY, 参与费用=0) is None
    assert sev("ACT004", 活动名称="免费研学", 服务内容="带领留守儿童开展免费科普研学，负责看护讲解", 参与费用=0) is None
    assert sev("ACT004", 活动名称="收费站疏导", 服务内容="在高速收费站疏导车辆", 参与费用=0) is None


def test_act004_weak_signals_are_doubtful():
    assert sev("ACT004", 活动名称="环保活动", 服务内容="捡拾垃圾", 参与费用=60) == "存疑"  # fee, kind not listed
    assert sev("ACT004", 活动名称="研学", 服务内容="全程免费的研学", 参与费用=200) == "存疑"  # says free, charges


def test_act004_fee_per_head_in_words():
    assert sev("ACT004", 活动名称="志愿者自驾游", 服务内容="志愿者自驾游，人均800元", 参与费用=0) == "存疑"
    assert sev("ACT004", 活动名称="慰问", 服务内容="慰问环卫工人，人均发放补贴50元", 参与费用=0) is None


def test_act004_volunteers_paying_their_own_way_is_not_a_fee():
    for content in ("志愿者交通自理，到乡镇敬老院为老人表演花鼓戏", "志愿者自驾、油费自理，把募集的学习用品送到偏远小学",
                    "赴韶山参观学习，食宿费用自理"):
        assert sev("ACT004", 活动名称="活动", 服务内容=content, 参与费用=0) is None, content
    assert sev("ACT004", 活动名称="活动", 服务内容="赴韶山参观学习，每人交费1200元", 参与费用=0) == "存疑"


def test_act004_someone_elses_fee_where_volunteers_serve_free_is_not_kind_four():
    race = dict(活动名称="马拉松赛道志愿服务", 服务内容="为城市马拉松在赛道沿线维持秩序，参赛选手报名费150元由赛事公司收取，志愿者不交费")
    assert sev("ACT004", **race, 参与费用=150) is None
    expo = "为收费的国际农博会提供英语翻译，展位费由主办方向参展商收取，志愿者不交费"
    assert sev("ACT004", 活动名称="博览会翻译", 服务内容=expo, 参与费用=0) is None
    assert sev("ACT004", 活动名称="展会服务", 服务内容="为车展提供观众引导，门票由观众向主办方购买", 参与费用=60) is None
    # the same fee column, with nothing saying whose fee it is, is still a question
    assert sev("ACT004", 活动名称="马拉松赛道志愿服务", 服务内容="为城市马拉松在赛道沿线维持秩序", 参与费用=150) == "存疑"


# ---------------------------------------------------------------- REC005 报酬
def test_rec005_is_a_record_rule_in_its_own_module():
    assert get_rule("REC005").fn.__module__ == "zyfw_checks.rules.remuneration"
    assert "办法第十九条" in get_rule("REC005").laws


def test_rec005_remuneration_vs_necessary_subsidy():
    [(severity, message, _)] = one("REC005", 补贴类型="劳务费", 补贴金额=200)
    assert severity == "违规" and "劳务费" in message
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) is None
    assert sev("REC005", 补贴类型="误餐补贴", 补贴金额=20) is None


def test_rec005_remuneration_type_without_an_amount_is_doubtful():
    assert sev("REC005", 补贴类型="劳务费", 补贴金额=None) == "存疑"
    assert sev("REC005", 补贴类型="劳务费", 补贴金额=0) is None


def test_rec005_subsidy_cap_boundary():
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=100) is None
    [(severity, message, _)] = one("REC005", 补贴类型="交通补贴", 补贴金额=100.5)
    assert severity == "存疑" and "100.5" in message


def test_rec005_remuneration_in_text_and_its_negation():
    [(severity, message, _)] = one("REC005", 服务内容="陪老人聊天，每人发放课时费100元")
    assert severity == "存疑" and "可能" in message and "课时费" in message
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
    assert sev("ACT005", 活动名称="家电课", 服务内容="工程师为社区老人讲解防范电信诈骗，不推销业务") is None


# ---------------------------------------------------------------- one run, distinct texts
def test_rules_share_the_joined_text_through_the_run_context():
    t = load_frame(records(dict(STAFF_VISIT, **TUESDAY), dict(STAFF_VISIT, **SATURDAY)))
    ctx = Context(table=t)
    get_rule("ACT003").fn(t.df, ctx)
    key = "activities.text:活动名称+服务内容"
    shared = ctx.cache[key]
    get_rule("ACT005").fn(t.df, ctx)
    get_rule("REC005").fn(t.df, ctx)
    get_rule("ACT001").fn(t.df, ctx)
    assert ctx.cache[key] is shared and len(shared.u) == 1
    # ACT003 reads ACT004's fee reading (hours for a paid camp are ④), ACT001 ACT002's (own unit's meetings are ②)
    assert {"activities.on_duty", "activities.fees", "activities.internal"} <= set(ctx.cache)
    internal_reading = ctx.cache["activities.internal"]
    get_rule("ACT002").fn(t.df, ctx)  # reads ACT004's fee reading and ACT001's on-duty reading
    assert ctx.cache["activities.internal"] is internal_reading


def test_rules_on_an_empty_table_or_without_text_columns_find_nothing():
    t = load_frame(records(dict(STAFF_VISIT, **TUESDAY), {"补贴类型": "劳务费", "补贴金额": 80}))
    for code in ("ACT001", "ACT002", "ACT003", "ACT004", "ACT005", "REC005"):
        assert get_rule(code).fn(t.df.iloc[:0], Context(table=t)).empty, code
    no_text = t.df.drop(columns=["活动名称", "服务内容"])
    assert len(get_rule("REC005").fn(no_text, Context(table=t))) == 1  # the 补贴类型 column still speaks


def test_no_module_level_caches_or_private_joins():
    src = Path(activities.__file__).read_text(encoding="utf-8")
    assert "id(df)" not in src and "weakref" not in src and "hasattr(ctx" not in src
    assert "def _join(" not in src and "join_flags" in src


def test_every_question_is_asked_once_per_distinct_text(monkeypatch):
    seen: list[int] = []
    real = activities.regex_extract

    def spy(text, pattern):
        seen.append(len(text))
        return real(text, pattern)

    monkeypatch.setattr(activities, "regex_extract", spy)
    rows = [dict(STAFF_VISIT, **TUESDAY), dict(OFFICE, **TUESDAY), dict(STAFF_VISIT, **SATURDAY)] * 400
    res = check_table(load_frame(records(*rows)))
    assert (res.findings["rule"] == "ACT001").sum() == 800
    assert seen and max(seen) <= 3  # two distinct texts (+ one fill value), never 1,200 rows


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
    assert sev("ACT001", **STAFF_VISIT, **evening) == "存疑"


def test_changing_the_subsidy_cap_changes_rec005(tmp_path, monkeypatch):
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) is None
    root = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, root)
    path = root / "thresholds.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["values"]["subsidy_cap_yuan"]["series"][-1]["value"] = 20
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv(ENV_OVERRIDE, str(root))
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=30) == "存疑"


def test_adding_a_word_to_the_lexicon_changes_act002(tmp_path, monkeypatch):
    edit = dict(活动名称="网点早讲评", 服务内容="在营业网点内参加早讲评", 服务地点="营业网点")
    assert sev("ACT002", **edit) is None
    _params_copy(tmp_path, monkeypatch, "internal", lambda d: d["strong"].update({"早讲评": "单位每日早讲评"}))
    assert sev("ACT002", **edit) == "存疑"


# ---------------------------------------------------------------- issue 19 §4–§5: the classes, both sides
def test_word_lists_match_words_not_characters_across_a_word_boundary():
    """A listed word whose characters only straddle two words, or sit in a place name, is no match."""
    assert sev("ACT002", 活动名称="班会坪村“文明交通”劝导", 服务内容="在路口劝导电动车佩戴头盔", 服务地点="班会坪村路口") is None
    assert sev("ACT002", 活动名称="值班岭村“文明交通”劝导", 服务内容="在路口劝导电动车佩戴头盔", 服务地点="值班岭村路口") is None
    assert sev("ACT002", 活动名称="主题班会", 服务内容="在本班教室召开主题班会", 服务地点="本班教室") == "存疑"
    assert sev("ACT003", 活动名称="防暑物资中转发放", 服务内容="将爱心企业捐赠的防暑药品中转发放到独居老人家中") is None
    assert sev("ACT003", 活动名称="转发", 服务内容="在朋友圈转发文明创建公益宣传海报") == "存疑"
    assert sev("ACT003", 活动名称="万捐桥社区助老", 服务内容="为万捐桥社区老人理发", 服务地点="万捐桥社区") is None
    # inside one word still counts: “无偿献血”的“献血”
    assert sev("ACT003", 活动名称="无偿献血记时长", 服务内容="参加无偿献血400毫升，记4小时志愿服务时长") == "违规"
    # 会议塘社区 names no 会议: a fee there is only 存疑, a 会议 with a fee is 违规
    assert sev("ACT004", 活动名称="会议塘社区文艺汇演", 服务内容="文艺汇演志愿服务", 服务地点="会议塘社区", 参与费用=20) == "存疑"
    assert sev("ACT004", 活动名称="行业年度会议", 服务内容="组织志愿者参加行业会议", 参与费用=300) == "违规"


def test_a_donation_or_platform_word_that_names_the_setting_is_not_a_conversion():
    assert sev("ACT003", 活动名称="慈善一日捐现场服务", 服务内容="在慈善一日捐活动现场引导市民排队、维持秩序，记2小时") is None
    assert sev("ACT003", 活动名称="献血屋志愿服务", 服务内容="在献血屋引导献血者填写登记表") is None
    assert sev("ACT003", 活动名称="防诈骗宣讲", 服务内容="在社区广场向居民讲解朋友圈诈骗套路") is None
    assert sev("ACT003", 活动名称="爱心捐款", 服务内容="捐款50元记录1小时") == "违规"  # a stated rate
    # a gift "记2小时" with hours equal to the time given is 存疑; more hours than the span given is 违规
    assert sev("ACT003", 活动名称="爱心捐赠", 服务内容="参加爱心捐赠，记2小时", **at("2024-03-09", "09:00", "11:00")) == "存疑"
    assert sev("ACT003", 活动名称="爱心捐赠", 服务内容="参加爱心捐赠，记2小时", **at("2024-03-09", "09:00", "09:20")) == "违规"


def test_posting_on_short_video_platforms_and_hours_for_attending_are_kind_three():
    post = dict(活动名称="短视频发布", 服务内容="在抖音发布一条垃圾分类宣传短视频，发布即记2小时")
    assert sev("ACT003", **post, **at("2024-03-09", "19:00", "19:10")) == "违规"
    assert sev("ACT003", 活动名称="宣传片拍摄", 服务内容="为社区剪辑制作垃圾分类宣传视频") is None
    assert sev("ACT003", 活动名称="文明城市知识讲座", 服务内容="参加讲座，参会即认定志愿时长2小时") == "违规"
    assert sev("ACT003", 活动名称="讲座会务", 服务内容="为文明城市知识讲座布置会场、签到引导") is None


def test_awards_and_gifts_are_not_proven_pay_but_pay_by_the_hour_is():
    [(s, m, _)] = one("REC005", 补贴类型="年度优秀志愿者奖金", 补贴金额=500, 表彰奖励="2024年度优秀志愿者")
    assert s == "存疑" and "条例第三十二条" in m and "办法第九条" in m
    assert sev("REC005", 补贴类型="春节慰问红包", 补贴金额=200) == "存疑"
    assert sev("REC005", 补贴类型="纪念品", 补贴金额=30) == "存疑"
    [(s, m, _)] = one("REC005", 补贴类型="服务补助", 补贴金额=30, 服务内容="陪伴老人聊天，补助按每小时15元发放")
    assert s == "违规" and "按服务时间" in m
    assert sev("REC005", 补贴类型="交通补贴", 补贴金额=20, 服务内容="交通补贴按每天20元发放") is None
    assert sev("REC005", 服务内容="为环卫工人发放慰问品") is None  # the volunteers give it, they are not paid


def test_whose_fee_another_events_fee_own_insurance_and_charging_the_people_served():
    [(s, m, _)] = one("ACT004", 活动名称="车展志愿服务", 服务内容="为国际车展参观者提供引导服务", 参与费用=80)
    assert s == "存疑" and "别人的活动" in m
    [(s, m, _)] = one("ACT004", 活动名称="研学营志愿服务", 服务内容="为研学营学生看护，志愿者自行购买意外险50元", 参与费用=50)
    assert s == "存疑" and "保险" in m
    [(s, m, _)] = one("ACT004", 活动名称="上门理发", 服务内容="为老人理发，向老人每人收取10元")
    assert s == "存疑" and "条例第二十一条" in m and "不得向志愿服务对象收取" in m and "不是向参加者收费" in m
    assert sev("ACT004", 活动名称="红色研学", 服务内容="组织韶山红色研学", 参与费用=380) == "违规"


def test_kinds_one_and_two_read_the_structure_of_the_record():
    nurse = dict(参与者身份="黄兴镇敬老院护理员", 活动名称="日常照护", 服务内容="本院护理员为在院老人喂饭、整理床铺",
                 服务地点="黄兴镇敬老院", **at("2024-03-05", "14:00", "16:00"))
    assert sev("ACT001", **nurse) == "存疑" and sev("ACT002", **nurse) is None
    assert sev("ACT001", **dict(nurse, 服务地点="望城区星城敬老院", 服务内容="为老人喂饭")) is None  # not their own home
    minutes = dict(参与者身份="社区工作人员", 活动名称="社区“两委”例会会议记录整理", 服务内容="整理社区“两委”例会会议记录并归档",
                   服务地点="社区居委会办公室", **at("2024-03-05", "10:00", "11:00"))
    assert sev("ACT002", **minutes) == "存疑" and sev("ACT001", **minutes) is None
    sent_down = dict(参与者身份="党员干部", 活动名称="下沉社区", 服务内容="按单位安排下沉社区开展入户宣传", 服务地点="辖区小区",
                     **at("2024-03-05", "09:00", "11:00"))
    assert sev("ACT001", **sent_down) == "存疑" and sev("ACT002", **sent_down) is None
    school = dict(参与者身份="学生", 活动名称="学校组织走进敬老院慰问", 服务内容="按学校社会实践要求到敬老院为老人打扫房间",
                  服务地点="黎托街道敬老院")
    assert sev("ACT002", **school) is None
    assert sev("ACT002", **dict(school, 活动名称="迎检卫生整治", 服务内容="学校迎接验收，要求各班清理校园内卫生死角",
                                服务地点="校园")) == "存疑"


def test_stated_hours_beyond_the_records_own_span_are_not_time_given():
    """The structure, not a word: the text says 记3小时 and the record's own start–end is half an hour."""
    over = dict(活动名称="社区服务", 服务内容="在社区帮忙，记3小时", **{"服务时长(小时)": 3})
    [(s, m, e)] = one("ACT003", **over, **at("2024-03-09", "09:00", "09:30"))
    assert s == "存疑" and "超过记录的起止时间" in m and "起止时间：0.5小时" in e
    assert sev("ACT003", **over, **at("2024-03-09", "09:00", "12:00")) is None


def test_a_social_workers_casework_in_working_time_is_kind_one_whatever_the_job():
    case = dict(参与者身份="黄兴镇社工站社工", 活动名称="困境儿童关爱", 服务内容="为困境儿童开展个案辅导、家庭探访", 服务地点="黄兴镇")
    assert sev("ACT001", **case, **at("2024-03-05", "10:00", "12:00")) == "存疑"
    assert sev("ACT001", **case, **SATURDAY) is None
    assert sev("ACT001", **dict(case, 参与者身份="社工专业学生"), **at("2024-03-05", "10:00", "12:00")) is None


def test_gap_classes_stop_at_the_ascii_forms_the_loader_turns_full_width_marks_into():
    """The loader's NFKC turns “，” into “,” and “；” into “;”: a lexicon gap such as ``[^，。；]`` (within one
    clause) must stop there too (issue 19 §4), and at a “.” ending a sentence, but not inside 2.5小时."""
    from zyfw_checks.params import load_params

    entry = "打卡[^，。；]{0,12}(时长|小时)"
    assert entry in load_params("lexicons/time_rules")["award"]  # a real entry of the word lists
    loaded = load_frame(records({"服务内容": "完成打卡，获得时长"})).df["服务内容"].iloc[0]
    assert loaded == "完成打卡,获得时长"  # the premise: the comma arrives in its ASCII form
    text = pd.Series([loaded, "打卡；记时长", "打卡完成.记时长", "打卡21天获得志愿时长", "打卡2.5小时", "打卡，记时长"])
    got = activities.find(text, [entry]).tolist()
    assert [g if isinstance(g, str) else None for g in got] == [None, None, None, "打卡21天获得志愿时长", "打卡2.5小时", None]
    assert activities.gaps(activities.gaps(entry)) == activities.gaps(entry)
    assert activities.gaps("[^次天日]") == "[^次天日]"  # classes without punctuation are left alone
