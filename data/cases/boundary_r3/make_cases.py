"""Write the fresh boundary cases (issue 19 §6) as one YAML file per case.

Written from the text of 湘民发〔2023〕29号, 《志愿服务条例》 and 《志愿服务记录与证明出具办法（试行）》
(params/laws.yaml) and the rule titles, without reading the rules' code. Deterministic; run from the
repository root:

    python data/cases/boundary_r3/make_cases.py

Each case: id, rule, hazard, law (verbatim), table, rows (canonical column names), related_records,
options, expect, why. See run.py for what each expect key means.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar as cc
import yaml
from stdnum.cn import ric, uscc

HERE = Path(__file__).parent

# ------------------------------------------------------------------ law sentences (verbatim)
L_COMPLETE = "志愿服务组织记录的志愿者基本信息、服务时间、服务内容、服务评价、技能培训、表彰奖励情况是否完整准确"
L_ART7 = "志愿者的志愿服务情况，包括志愿者参加志愿服务活动的名称、日期、地点、服务内容、服务时间、活动组织单位和活动负责人。"
L_10D = "其中志愿服务情况和评价情况，应当在志愿服务活动结束后10个工作日内完成记录。"
L_PAPER = "是否及时按规定将纸质记录录入志愿服务信息系统等"
L_ART4 = ("其他志愿服务信息系统或者纸质载体等形式记录的志愿者个人基本信息、志愿服务情况等信息，志愿服务组织应当按照统一的"
          "信息数据标准录入国务院民政部门指定的志愿服务信息系统，实现数据互联互通。")
L_TIME = "前款的服务时间是指志愿者参与志愿服务实际付出的时间，以小时为计量单位。"
L_PAY = "是否向志愿者发放了除必要补贴之外的报酬"
L_K1 = "①参与者在工作时间内参加与本职工作密切相关的活动。如社区工作人员在工作日参与社区日常服务活动、党员干部工作时间下沉社区开展本职工作。"
L_K2 = "②单位或学校内部有明确制度要求的活动。如内部团建、资料整理、日常值班、工作会议、班级卫生清扫、主题班会、实验室清洁、学生会工作等。"
L_K3 = "③违反志愿服务时间记录规定的活动。例如捐款50元或捐衣服1件记录1小时，以及承诺完成某项任务给予记录时长、奖励时长等。"
L_K3B = "例如通过微博、朋友圈等方式转发公益宣传内容等。"
L_K4 = "④以志愿服务名义组织的收费旅游、参观、会议、研学、夏令营等活动。"
L_PROFIT = "是否存在假冒志愿服务名义开展营利性活动的行为。"
L_ACTUAL = "重点检查志愿服务时间、志愿服务内容等是否与志愿服务活动实际情况相一致"
L_ART14 = "志愿服务组织应当根据志愿者的需要，以志愿服务记录信息为依据，为志愿者无偿、如实出具志愿服务记录证明。"
L_CERT_FEE = "是否以出具记录证明为由向志愿者收取费用或者开展营利性活动。"
L_ART15 = "志愿服务记录证明应当载明志愿者的志愿服务时间、服务内容和记录单位，也可以包含记录的其他信息。"
L_ART17 = "志愿服务记录证明可以通过志愿服务信息系统查验。"
L_VERIFY = "是否可以通过有其记录的志愿服务信息系统进行查验等。"
L_SYS = ("全省未建系统的文明办、民政部门、教育（体）局、团委、妇联、残联应统一使用中国志愿服务网、湖南志愿服务网、志愿汇平台作为"
         "信息平台，已建系统的原则上应改用该平台进行统一技术支撑。")
L_4YOU = "并逐步达到有人员、有场所、有项目、有管理的“四有”要求。"
L_STN_PF = "并指导社区志愿服务站点依托中国志愿服务网或湖南志愿服务网，积极推动社区居民、志愿服务团体与志愿服务组织登记注册"
L_STN_TEAM = "城乡社区、单位内部经基层群众性自治组织或者本单位同意成立的团体，可以在本社区、本单位内部开展志愿服务活动。"
L_ORG_MARK = "社会组织登记管理局（科、股）根据同级慈社科（股、室）确认的志愿服务组织名单在社会组织登记管理信息系统及时对其进行标识。"
L_ORG_630 = "各级民政部门应于每年6月30日前，对本级经过标识的志愿服务组织在官方网站进行公告"
L_ORG_NAME = "对于名称中含有“志愿服务”“志愿者”“义工”等字样、其章程以开展志愿服务为宗旨的社会组织，应直接进行标识并公告"
L_ORG_ASK = ("对于名称中不含有“志愿服务”“志愿者”“义工”等字样，其章程以开展志愿服务为宗旨，主动要求标识为志愿服务组织的社会组织，"
             "应对其章程进行核准后予以标识并公告。")
L_ORG_CANCEL = "志愿服务组织章程修改后，如不再以开展志愿服务为宗旨的，在核准其章程时同步取消志愿服务组织身份标识并公告。"
L_ORG_DEF = "志愿服务组织是指依法成立，以开展志愿服务为宗旨的非营利性组织。"
L_ART5 = "志愿者的个人基本信息，包括姓名、性别、出生日期、身份证件号码、居住区域、联系方式、专业技能和服务类别等。"
L_PLAN = "因志愿服务记录与证明出具事宜被志愿者投诉或产生负面舆情的志愿服务组织，应当列入当年抽查范围。"


# ------------------------------------------------------------------ helpers
def rid(region: str, birth: str, seq: str) -> str:
    body = region + birth + seq
    return body + ric.calc_check_digit(body + "0")


def code(prefix: str, region: str, org: str) -> str:
    body = prefix + region + org
    return body + uscc.calc_check_digit(body)


def workdays_after(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        if cc.is_workday(day):
            n -= 1
    return day


ID1 = rid("430105", "19880312", "452")  # female (even 17th digit)
ID2 = rid("430121", "19751103", "331")  # male
ID3 = rid("430105", "20010520", "118")
assert all(ric.is_valid(i) for i in (ID1, ID2, ID3))
BAD_ID = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
MASK1 = ID1[:6] + "********" + ID1[-4:]
MASK2 = ID2[:6] + "*********" + ID2[-3:]


HOURS = "服务时长(小时)"  # keyword arguments cannot carry the parentheses


def rec(n: int = 1, **over) -> dict:
    """A complete, compliant service record; overrides use canonical column names, None = blank."""
    row = {
        "记录编号": f"B-{n:03d}", "志愿者编号": f"ZYH100000{n:02d}", "姓名": "张敏", "性别": "女", "证件类型": "居民身份证",
        "证件号码": ID1, "联系电话": "13807310000", "参与者身份": "居民", "活动编号": f"HD24{n:04d}",
        "活动名称": "望月湖社区“银龄陪伴”上门探访", "服务内容": "上门陪伴独居老人聊天、读报、整理房间",
        "组织单位": "望月湖社区志愿服务站", "活动负责人": "李强", "开始时间": "2024-05-11 09:00",
        "结束时间": "2024-05-11 11:00", "服务日期": "2024-05-11", "服务时长(小时)": "2", "服务地点": "望月湖社区",
        "服务评价": "良好", "评价日期": "2024-05-11", "培训情况": "已参加岗前培训", "表彰奖励": "无",
        "记录时间": "2024-05-13 10:00", "记录方式": "系统", "录入系统时间": "2024-05-13 10:00", "补贴类型": "无",
        "补贴金额": "0", "参与费用": "0", "记录平台": "湖南志愿服务网",
    }
    for k, v in over.items():
        row[HOURS if k == "服务时长" else k] = "" if v is None else str(v)
    return row


def person2(row: dict) -> dict:
    row.update({"志愿者编号": "ZYH20000001", "姓名": "王军", "性别": "男", "证件号码": ID2, "联系电话": "13907310001"})
    return row


def cert(n: int = 1, **over) -> dict:
    row = {
        "证明编号": f"ZM-2024-{n:03d}", "姓名": "张敏", "志愿者编号": "ZYH10000001", "证件号码": ID1, "出具日期": "2024-06-20",
        "服务起始日期": "2024-05-01", "服务截止日期": "2024-05-31", "证明时长": "4", "服务内容": "社区助老探访",
        "出具单位": "望月湖社区志愿服务站", "收费金额": "0", "查验方式": "湖南志愿服务网扫码查验",
    }
    for k, v in over.items():
        row[k] = "" if v is None else str(v)
    return row


ORG_CODE1 = code("52", "430105", "MJJ123456")
ORG_CODE2 = code("51", "430302", "MJK234567")


def org(n: int = 1, **over) -> dict:
    row = {
        "名称": "长沙市开福区阳光助老服务中心", "统一社会信用代码": code("52", "430105", f"MJJ{100000 + n:06d}"),
        "组织类型": "社会服务机构", "登记管理机关": "长沙市开福区民政局", "业务主管单位": "长沙市开福区民政局",
        "法定代表人": "刘芳", "联系人": "陈静", "联系电话": "13607310002",
        "章程宗旨": "以开展志愿服务为宗旨，组织志愿者为辖区老年人提供陪伴、助餐等志愿服务", "章程以志愿服务为宗旨": "是",
        "是否主动申请标识": "是", "是否已标识": "是", "标识日期": "2024-04-10", "公告日期": "2024-06-20", "公告年度": "2024、2025、2026",
        "章程修改情况": "无",
    }
    for k, v in over.items():
        row[k] = "" if v is None else str(v)
    return row


def stn(n: int = 1, **over) -> dict:
    row = {
        "站点编号": f"ZD{n:03d}", "站点名称": "望月湖社区志愿服务站", "所属社区": "望月湖社区", "行政区划代码": "430104",
        "依托设施": "城乡社区服务中心", "负责人": "李强", "人员数": "12", "场所地址": "岳麓区望月湖社区党群服务中心一楼",
        "服务项目": "银龄陪伴、四点半课堂", "管理制度": "志愿者招募注册、服务记录、培训、激励制度", "注册平台": "湖南志愿服务网",
        "同意成立单位": "望月湖社区居民委员会", "联系电话": "13707310003",
    }
    for k, v in over.items():
        row[k] = "" if v is None else str(v)
    return row


CASES: list[dict] = []


def case(id_, rule, hazard, law, table, rows, expect, why, related=None, options=None):
    c = {"id": id_, "rule": rule, "hazard": hazard, "law": law, "table": table, "rows": rows}
    if related is not None:
        c["related_records"] = related
    if options is not None:
        c["options"] = options
    c["expect"] = expect
    c["why"] = why
    CASES.append(c)


# ================================================================== REC001 完整
case("B01-REC001-blank-place", "REC001", "blank field", L_ART7, "records",
     [rec(1), rec(2, 服务地点=None)], {"severity": "违规", "rows_flagged": [3]},
     "服务地点是办法第七条列举的志愿服务情况，第3行空白即记录不完整")
case("B02-REC001-wu-is-a-value", "REC001", "blank field", L_COMPLETE, "records",
     [rec(1, 培训情况="无", 表彰奖励="无"), rec(2, 补贴类型="无")], {"none": True},
     "“无”是填写了的内容（没有培训、没有表彰），不是空白")
case("B03-REC001-masked-id", "REC001", "masked ID", L_COMPLETE, "records",
     [rec(1, 证件号码=MASK1), person2(rec(2, 证件号码=MASK2))], {"not_severity": "违规", "rows_flagged": [2, 3]},
     "平台导出把证件号码打码（前6后3–4位可见），号码已记录，不能据此说记录不完整")
# ================================================================== REC002 10个工作日
END = dt.date(2024, 9, 27)  # Friday before the 2024 National Day holiday (9-29 and 10-12 are make-up workdays)
D10 = workdays_after(END, 10)
D11 = workdays_after(END, 11)
case("B04-REC002-day10-over-holiday", "REC002", "working days", L_10D, "records",
     [rec(1, 开始时间="2024-09-27 14:00", 结束时间="2024-09-27 16:00", 服务日期="2024-09-27", 评价日期="2024-09-27",
          记录时间=f"{D10} 17:00", 录入系统时间=f"{D10} 17:00")], {"none": True},
     f"国庆放假与调休后，{D10} 是活动结束后第10个工作日，仍在期限内")
case("B05-REC002-day11-over-holiday", "REC002", "working days", L_10D, "records",
     [rec(1, 开始时间="2024-09-27 14:00", 结束时间="2024-09-27 16:00", 服务日期="2024-09-27", 评价日期="2024-09-27",
          记录时间=f"{D11} 09:00", 录入系统时间=f"{D11} 09:00")], {"severity": "违规", "rows_flagged": [2]},
     f"{D11} 是结束后第11个工作日，超过10个工作日")
case("B06-REC002-all-blank", "REC002", "absent / blank field", L_10D, "records",
     [rec(1, 记录时间=None, 录入系统时间=None), rec(2, 记录时间=None, 录入系统时间=None)], {"not_passed": True},
     "记录时间全部空白，无法判断是否在10个工作日内，不能说通过")
ONEND = dt.date(2024, 6, 4)  # Tuesday; the overnight shift starts Monday 2024-06-03 22:00
case("B07-REC002-overnight-end-next-day", "REC002", "overnight", L_10D, "records",
     [rec(1, 开始时间="22:00", 结束时间="01:00", 服务日期="2024-06-03", 服务时长="3", 评价日期="2024-06-04",
          活动名称="社区夜间平安巡逻", 服务内容="小区周边夜间巡逻、检查楼道照明",
          记录时间=f"{workdays_after(ONEND, 10)} 16:00", 录入系统时间=f"{workdays_after(ONEND, 10)} 16:00")],
     {"none": True}, "22:00–01:00 的活动在6月4日结束，从4日起算第10个工作日记录仍在期限内")
case("B08-REC002-recorded-in-advance", "REC002", "service-time model", L_10D, "records",
     [rec(1), rec(2, 记录时间="2024-05-10 18:00", 录入系统时间="2024-05-10 18:00")], {"severity": "存疑", "rows_flagged": [3]},
     "记录时间早于活动开始，是提前登记的时长，需要核实是否如实")
case("B09-REC002-before-banfa", "REC002", "before the text took effect", L_10D, "records",
     [rec(1, 开始时间="2020-12-12 09:00", 结束时间="2020-12-12 11:00", 服务日期="2020-12-12", 评价日期="2020-12-12",
          记录时间="2021-01-20 10:00", 录入系统时间="2021-01-20 10:00")],
     {"not_passed": True, "not_severity": "违规", "rows_flagged": [2]},
     "办法自2021年2月1日起施行，2020年12月的活动不受10个工作日的约束")
case("B10-REC002-evaluation-late", "REC002", "service-time model", L_10D, "records",
     [rec(1), rec(2, 评价日期=str(workdays_after(dt.date(2024, 5, 11), 20)))], {"severity": "违规", "rows_flagged": [3]},
     "评价情况也须在10个工作日内完成记录，第3行评价日期在结束后第20个工作日")
case("B11-REC002-unparsed-time", "REC002", "unparsed field", L_10D, "records",
     [rec(1, 记录时间="上周五", 录入系统时间=None)], {"not_passed": True},
     "记录时间写成“上周五”无法识别，这一行没有检查，不能说通过")
# ================================================================== REC003 纸质
case("B12-REC003-paper-entered-soon", "REC003", "paper record inside default period", L_PAPER, "records",
     [rec(1, 记录方式="纸质", 录入系统时间="2024-05-15 10:00")], {"none": True},
     "纸质签到表两个工作日后已录入系统，属及时录入")
case("B13-REC003-paper-entered-late", "REC003", "paper record, tool default", L_PAPER, "records",
     [rec(1, 记录方式="纸质", 录入系统时间="2024-08-20 10:00")], {"not_severity": "违规", "rows_flagged": [2]},
     "通知只说“及时”没有天数，超过工具默认期限只能存疑，不能定违规")
case("B14-REC003-paper-not-entered", "REC003", "paper record", L_ART4, "records",
     [rec(1), rec(2, 记录方式="纸质（未录入系统）", 录入系统时间=None, 记录平台="无")], {"severity": "违规", "rows_flagged": [3]},
     "记录本身写明纸质记录没有录入信息系统，违反办法第四条应当录入的规定")
# ================================================================== REC004 时长
case("B15-REC004-12-hour-clock", "REC004", "12-hour times", L_TIME, "records",
     [rec(1, 开始时间="2024-05-11 11:00 AM", 结束时间="2024-05-11 1:00 PM", 服务时长="2")], {"none": True},
     "上午11点到下午1点是2小时，12小时制写法与记录的2小时一致")
case("B16-REC004-overnight", "REC004", "overnight", L_TIME, "records",
     [rec(1, 开始时间="22:00", 结束时间="01:00", 服务日期="2024-06-03", 服务时长="3", 评价日期="2024-06-04",
          记录时间="2024-06-05 10:00", 录入系统时间="2024-06-05 10:00")], {"none": True},
     "22:00至次日01:00共3小时，不是结束早于开始")
case("B17-REC004-flood-watch-3-days", "REC004", "several days", L_TIME, "records",
     [rec(1, 活动名称="汛期堤段三日值守", 服务内容="分班巡查堤段、记录水位，三天共值守30小时", 开始时间="2024-07-01 08:00",
          结束时间="2024-07-03 18:00", 服务日期="2024-07-01", 服务时长="30", 评价日期="2024-07-03",
          记录时间="2024-07-05 10:00", 录入系统时间="2024-07-05 10:00")], {"none": True},
     "3天跨度58小时，记录30小时（每天约10小时）没有超过实际")
case("B18-REC004-more-than-span", "REC004", "service-time model", L_TIME, "records",
     [rec(1), rec(2, 服务时长="5")], {"severity": "违规", "rows_flagged": [3]},
     "09:00–11:00 只有2小时，记录5小时超过实际付出的时间")
case("B19-REC004-date-only-row", "REC004", "date-only", L_TIME, "records",
     [rec(1), rec(2, 开始时间="2024-05-12", 结束时间="2024-05-12", 服务日期="2024-05-12", 服务时长="3",
                 评价日期="2024-05-12", 记录时间="2024-05-14 10:00", 录入系统时间="2024-05-14 10:00")],
     {"not_passed": True, "not_severity": "违规", "rows_flagged": [3]},
     "第3行只有日期没有时刻，是缺少时刻而不是“起止只有0小时”")
case("B20-REC004-hours-column-unmapped", "REC004", "absent field", L_TIME, "records",
     [{**{k: v for k, v in rec(1).items() if k != "服务时长(小时)"}, "折合时数": "2"},
      {**{k: v for k, v in rec(2).items() if k != "服务时长(小时)"}, "折合时数": "9"}], {"not_passed": True},
     "唯一的时长列名工具不认识，时长没有被检查，不能说通过")
# ================================================================== REC005 报酬
case("B21-REC005-meal-subsidy", "REC005", "awards vs pay", L_PAY, "records",
     [rec(1, 补贴类型="误餐补贴", 补贴金额="20")], {"none": True}, "20元误餐补贴是必要补贴")
case("B22-REC005-paid-by-hour", "REC005", "awards vs pay", L_PAY, "records",
     [rec(1), rec(2, 补贴类型="服务补助", 补贴金额="30", 服务内容="陪伴老人聊天、读报，补助按每小时15元发放")],
     {"severity": "违规", "rows_flagged": [3]}, "按每小时15元发放是按服务时间计酬，属于必要补贴以外的报酬")
case("B23-REC005-award-bonus", "REC005", "awards vs pay", L_PAY, "records",
     [rec(1, 补贴类型="年度优秀志愿者奖金", 补贴金额="500", 表彰奖励="2024年度优秀志愿者")],
     {"not_severity": "违规", "rows_flagged": [2]}, "优秀志愿者奖金是表彰奖励，是否属报酬需要核实，不能直接定违规")
case("B24-REC005-festival-red-packet", "REC005", "awards vs pay", L_PAY, "records",
     [rec(1, 补贴类型="春节慰问红包", 补贴金额="200")], {"not_severity": "违规", "rows_flagged": [2]},
     "慰问红包是慰问品性质，不是按服务付酬，需要人核实")
# ================================================================== ACT001 ①
case("B25-ACT001-community-worker-workday", "ACT001", "criterion", L_K1, "records",
     [rec(1, 参与者身份="社区工作人员", 开始时间="2024-05-14 10:00", 结束时间="2024-05-14 11:30", 服务日期="2024-05-14",
          服务时长="1.5", 评价日期="2024-05-14", 记录时间="2024-05-15 10:00", 录入系统时间="2024-05-15 10:00",
          活动名称="社区日常便民服务", 服务内容="在社区服务大厅为居民代办居住证明、解答社保业务")],
     {"severity": "存疑", "rows_flagged": [2]}, "社区工作人员在工作日工作时间参与社区日常服务")
case("B26-ACT001-community-worker-saturday", "ACT001", "criterion", L_K1, "records",
     [rec(1, 参与者身份="社区工作人员", 活动名称="周末河道清漂", 服务内容="休息日沿河捡拾漂浮垃圾")], {"none": True},
     "2024-05-11是周六，社区工作人员休息日做与本职无关的服务")
case("B27-ACT001-makeup-workday", "ACT001", "working days", L_K1, "records",
     [rec(1, 参与者身份="社区工作人员", 开始时间="2024-09-29 10:00", 结束时间="2024-09-29 11:30", 服务日期="2024-09-29",
          服务时长="1.5", 评价日期="2024-09-29", 记录时间="2024-09-30 10:00", 录入系统时间="2024-09-30 10:00",
          活动名称="社区日常便民服务", 服务内容="在社区服务大厅为居民代办居住证明")],
     {"severity": "存疑", "rows_flagged": [2]}, "2024-09-29是周日但为国庆调休上班日，属工作日")
case("B28-ACT001-before-notice", "ACT001", "before the text took effect", L_K1, "records",
     [rec(1, 参与者身份="社区工作人员", 开始时间="2023-08-15 10:00", 结束时间="2023-08-15 11:30", 服务日期="2023-08-15",
          服务时长="1.5", 评价日期="2023-08-15", 记录时间="2023-08-16 10:00", 录入系统时间="2023-08-16 10:00",
          活动名称="社区日常便民服务", 服务内容="在社区服务大厅为居民代办居住证明")],
     {"none": True, "not_passed": True}, "通知2023年9月7日印发执行，此前的活动不按通知的四类认定")
case("B29-ACT001-cadre-sent-down-own-work", "ACT001", "criterion", L_K1, "records",
     [rec(1, 参与者身份="区医保局干部", 开始时间="2024-05-14 14:00", 结束时间="2024-05-14 16:00", 服务日期="2024-05-14",
          评价日期="2024-05-14", 记录时间="2024-05-15 10:00", 录入系统时间="2024-05-15 10:00",
          活动名称="在职党员下沉社区医保服务", 服务内容="按单位安排，工作日下沉社区为居民办理医保参保登记、讲解医保政策")],
     {"severity": "存疑", "rows_flagged": [2]}, "党员干部工作时间下沉社区做本部门（医保）的工作")
# ================================================================== ACT002 ②
case("B30-ACT002-cadre-not-internal", "ACT002", "criterion", L_K2, "records",
     [rec(1, 参与者身份="区医保局干部", 开始时间="2024-05-14 14:00", 结束时间="2024-05-14 16:00", 服务日期="2024-05-14",
          评价日期="2024-05-14", 记录时间="2024-05-15 10:00", 录入系统时间="2024-05-15 10:00",
          活动名称="在职党员下沉社区医保服务", 服务内容="按单位安排，工作日下沉社区为居民办理医保参保登记、讲解医保政策")],
     {"none": True}, "“按单位安排”下沉社区服务居民，不是单位内部活动（属①不属②）")
case("B31-ACT002-class-meeting", "ACT002", "criterion", L_K2, "records",
     [rec(1, 参与者身份="学生", 活动名称="高一（2）班“珍爱生命”主题班会", 服务内容="参加本班主题班会并发言",
          组织单位="长沙市第一中学团委", 服务地点="长沙市第一中学")], {"severity": "存疑", "rows_flagged": [2]},
     "主题班会是学校内部有制度要求的活动")
case("B32-ACT002-school-visit-nursing-home", "ACT002", "criterion", L_K2, "records",
     [rec(1, 参与者身份="学生", 活动名称="学校组织走进敬老院慰问", 服务内容="按学校社会实践要求到敬老院为老人打扫房间、表演节目",
          组织单位="长沙市第一中学团委", 服务地点="黎托街道敬老院")], {"none": True},
     "虽是学校要求，服务对象是校外老人，不是“内部”活动")
case("B33-ACT002-helpline-duty", "ACT002", "listed word, other meaning", L_K2, "records",
     [rec(1, 活动名称="12345市民热线志愿值班", 服务内容="在市民热线志愿岗接听群众咨询、登记诉求", 组织单位="长沙12345热线志愿服务队",
          服务地点="长沙12345热线中心")], {"none": True}, "公共求助热线值班服务于公众，不是本单位内部日常值班")
case("B34-ACT002-word-across-boundary", "ACT002", "a listed word inside another word", L_K2, "records",
     [rec(1, 活动名称="社会议事厅邻里调解", 服务内容="为邻里纠纷当事人调解、记录调解结果", 组织单位="东塘社区社会议事志愿服务队",
          服务地点="东塘社区社会议事厅")], {"none": True}, "“社会议事”中的“会议”是跨词的字，不是工作会议")
# ================================================================== ACT003 ③
case("B35-ACT003-donation-rate", "ACT003", "criterion", L_K3, "records",
     [rec(1, 活动名称="“99公益日”爱心捐款", 服务内容="捐款100元，按每50元记1小时记录志愿时长", 开始时间="2024-05-11 10:00",
          结束时间="2024-05-11 10:10", 服务时长="2")], {"severity": "违规", "rows_flagged": [2]},
     "捐款按金额折算时长，正是通知所举的例子")
case("B36-ACT003-one-day-donation-site", "ACT003", "listed word, setting", L_K3, "records",
     [rec(1, 活动名称="慈善一日捐现场服务", 服务内容="在一日捐现场引导群众、维持秩序（本人未捐款）")],
     {"not_severity": "违规", "rows_flagged": [2]}, "在捐款现场服务2小时、记录2小时，是付出的时间，不是折算")
case("B37-ACT003-blood-house-guide", "ACT003", "listed word, setting", L_K3, "records",
     [rec(1, 活动名称="献血屋爱心引导", 服务内容="在献血屋引导献血者填表、发放饮水")],
     {"not_severity": "违规", "rows_flagged": [2]}, "引导献血者的服务时长等于在场时间")
case("B38-ACT003-douyin-post-rate", "ACT003", "criterion", L_K3B, "records",
     [rec(1, 活动名称="抖音短视频宣传", 服务内容="在抖音发布垃圾分类宣传短视频，每发布一条记1小时", 开始时间="2024-05-11 20:00",
          结束时间="2024-05-11 20:10", 服务时长="1")], {"severity": "违规", "rows_flagged": [2]},
     "按发布条数给时长，时长不是付出的时间（发布与转发同理）")
case("B39-ACT003-lecture-granted", "ACT003", "criterion", L_K3, "records",
     [rec(1, 活动名称="文明城市知识讲座", 服务内容="参加讲座，参会即认定志愿时长2小时", 开始时间="2024-05-11 14:30",
          结束时间="2024-05-11 16:30")], {"severity": "违规", "rows_flagged": [2]},
     "听讲座不是提供服务，为出席“认定”时长属奖励时长")
case("B40-ACT003-wanjuanqiao", "ACT003", "a listed word inside another word", L_K3, "records",
     [rec(1, 活动名称="万捐桥社区清洁楼道", 服务内容="清理楼道杂物、张贴消防提示", 组织单位="万捐桥社区志愿服务站",
          服务地点="万捐桥社区")], {"none": True}, "“万捐桥”是地名，活动是付出时间的清洁服务")
case("B41-ACT003-street-talk-wechat-scam", "ACT003", "listed word, setting", L_K3B, "records",
     [rec(1, 活动名称="谨防朋友圈诈骗街头宣讲", 服务内容="在步行街向居民讲解朋友圈虚假投资诈骗手法、发放宣传单")],
     {"not_severity": "违规", "rows_flagged": [2]}, "讲朋友圈诈骗的线下宣讲，不是转发")
# ================================================================== ACT004 ④
case("B42-ACT004-paid-study-tour", "ACT004", "criterion", L_K4, "records",
     [rec(1, 活动名称="“红色研学”韶山一日行", 服务内容="组织志愿者参观故居和纪念馆，每人收取交通餐饮费168元", 参与费用="168",
          开始时间="2024-05-11 08:00", 结束时间="2024-05-11 16:00", 服务时长="8")], {"severity": "违规", "rows_flagged": [2]},
     "组织者以志愿服务名义向参加者收费的研学参观")
case("B43-ACT004-others-paid-expo", "ACT004", "fee that belongs to someone else", L_K4, "records",
     [rec(1, 活动名称="车展观众引导", 服务内容="在车展入口引导观众，门票由主办公司向观众收取，志愿者不交费")],
     {"not_severity": "违规", "rows_flagged": [2]}, "收费的是别人的展会，组织者没有向参加的志愿者收费")
case("B44-ACT004-self-bought-insurance", "ACT004", "fee that belongs to someone else", L_K4, "records",
     [rec(1, 活动名称="山林防火巡护", 服务内容="巡护林区入口、劝导游客不带火种；志愿者自行购买意外险10元", 参与费用="10")],
     {"not_severity": "违规", "rows_flagged": [2]}, "保险是志愿者自己向保险公司买的，不是组织者收费")
case("B45-ACT004-toll-station", "ACT004", "a listed word inside another word", L_K4, "records",
     [rec(1, 活动名称="高速收费站春运暖冬服务", 服务内容="在收费站广场为返乡司机提供热水、指路", 服务地点="长沙高速收费站")],
     {"none": True}, "“收费站”是地点，没有人被收费")
# ================================================================== ACT005 营利
case("B46-ACT005-selling-in-name", "ACT005", "criterion", L_PROFIT, "records",
     [rec(1, 活动名称="关爱老人健康讲座", 服务内容="讲座后向老人推销保健品，按销售额提成")],
     {"severity": "存疑", "rows_flagged": [2]}, "以志愿服务名义推销商品赚取提成，疑似营利性活动")
case("B47-ACT005-charity-sale", "ACT005", "listed word, other meaning", L_PROFIT, "records",
     [rec(1, 活动名称="爱心义卖", 服务内容="协助摆摊义卖学生手工品，所得善款全部捐给儿童福利院并公示")],
     {"none": True}, "义卖所得全部用于公益并公示，志愿者付出的是摆摊时间，不是营利")
# ================================================================== CRT001/CRT002
RECS_10 = [rec(1, 开始时间="2024-05-11 09:00", 结束时间="2024-05-11 15:00", 服务时长="6"),
           rec(2, 开始时间="2024-05-18 09:00", 结束时间="2024-05-18 13:00", 服务日期="2024-05-18", 服务时长="4",
               评价日期="2024-05-18", 记录时间="2024-05-20 10:00", 录入系统时间="2024-05-20 10:00")]
case("B48-CRT001-equal", "CRT001", "criterion", L_ART14, "certificates", [cert(1, 证明时长="10")], {"none": True},
     "证明10小时与记录合计10小时一致", related=RECS_10)
case("B49-CRT001-more", "CRT001", "criterion", L_ART14, "certificates", [cert(1, 证明时长="12")],
     {"severity": "存疑", "rows_flagged": [2]}, "证明12小时超过记录合计10小时", related=RECS_10)
MASKED_RECS = [{**r, "证件号码": MASK1} for r in RECS_10]
case("B50-CRT001-masked-ids-by-volunteer-no", "CRT001", "masked ID", L_ART14, "certificates",
     [cert(1, 证明时长="10", 证件号码=MASK1)], {"none": True},
     "两表证件号码都打码，按志愿者编号仍能对上，记录合计10小时与证明一致", related=MASKED_RECS)
NO_VOLNO = [{k: v for k, v in r.items() if k != "志愿者编号"} for r in MASKED_RECS]
case("B51-CRT002-masked-name-and-digits", "CRT002", "masked ID", L_ART14, "certificates",
     [{k: v for k, v in cert(1, 证明时长="10", 证件号码=MASK1).items() if k != "志愿者编号"}], {"none": True},
     "没有志愿者编号，姓名加可见的前6后4位能对上记录，不是“没有记录依据”", related=NO_VOLNO,
     options={"export_complete": True})
case("B52-CRT002-none-declared-complete", "CRT002", "an export that may be incomplete", L_ART14, "certificates",
     [cert(1), cert(2, 姓名="赵磊", 志愿者编号="ZYH30000009", 证件号码=ID3)], {"severity": "违规", "rows_flagged": [3]},
     "声明记录已全部导出，第3行的人在记录里找不到任何服务记录，证明没有以记录为依据", related=RECS_10, options={"export_complete": True})
case("B53-CRT002-none-not-declared", "CRT002", "an export that may be incomplete", L_ART14, "certificates",
     [cert(1), cert(2, 姓名="赵磊", 志愿者编号="ZYH30000009", 证件号码=ID3)], {"not_severity": "违规"},
     "没有声明记录完整，找不到记录可能只是导出不全，不能说证明没有依据", related=RECS_10)
case("B54-CRT001-blank-record-hours-use-span", "CRT001", "blank field", L_ART14, "certificates",
     [cert(1, 证明时长="10")], {"none": True}, "记录的时长空白但起止已知（6小时），合计仍为10小时，证明不超",
     related=[{**RECS_10[0], "服务时长(小时)": ""}, RECS_10[1]])
# ================================================================== CRT003–CRT005
case("B55-CRT003-fee", "CRT003", "criterion", L_CERT_FEE, "certificates", [cert(1), cert(2, 收费金额="10")],
     {"severity": "违规", "rows_flagged": [3]}, "出具证明收取10元工本费，违反无偿出具")
case("B56-CRT003-blank-fee", "CRT003", "blank field", L_CERT_FEE, "certificates",
     [cert(1, 收费金额=None), cert(2, 收费金额=None)], {"not_passed": True}, "收费金额全部空白，无法确认是否收费，不能说通过")
case("B57-CRT004-no-unit", "CRT004", "blank field", L_ART15, "certificates", [cert(1), cert(2, 出具单位=None)],
     {"severity": "存疑", "rows_flagged": [3]}, "证明没有载明记录单位")
case("B58-CRT004-complete", "CRT004", "criterion", L_ART15, "certificates", [cert(1)], {"none": True},
     "证明载明了时间、内容和记录单位")
case("B59-CRT005-cannot-verify", "CRT005", "criterion", L_VERIFY, "certificates", [cert(1), cert(2, 查验方式="无")],
     {"severity": "存疑", "rows_flagged": [3]}, "第3行的证明不能通过信息系统查验")
case("B60-CRT005-blank", "CRT005", "blank field", L_ART17, "certificates", [cert(1, 查验方式=None)], {"not_passed": True},
     "查验方式空白，不知道能否查验，不能说通过")
# ================================================================== SYS001
case("B61-SYS001-zyh", "SYS001", "criterion", L_SYS, "records", [rec(1, 记录平台="志愿汇")], {"none": True},
     "志愿汇是通知指定的三个平台之一")
case("B62-SYS001-other-system", "SYS001", "criterion", L_SYS, "records", [rec(1), rec(2, 记录平台="某区自建志愿者管理系统")],
     {"severity": "存疑", "rows_flagged": [3]}, "自建系统不是指定平台，需核实是否已申请保留并互联互通")
case("B63-SYS001-blank", "SYS001", "blank field", L_SYS, "records",
     [rec(1, 记录平台=None), rec(2, 记录平台=None)], {"not_passed": True}, "记录平台全部空白，无法检查")
# ================================================================== STN
case("B64-STN001-no-people", "STN001", "criterion", L_4YOU, "stations", [stn(1), stn(2, 站点名称="桂花坪社区志愿服务站",
     所属社区="桂花坪社区", 负责人=None, 人员数="0")], {"severity": "提示", "rows_flagged": [3]},
     "没有负责人、人员数为0，未达到“有人员”（通知写的是逐步达到的目标）")
case("B65-STN002-no-place", "STN002", "blank field", L_4YOU, "stations", [stn(1), stn(2, 场所地址=None)],
     {"severity": "提示", "rows_flagged": [3]}, "没有场所地址")
case("B66-STN003-no-project", "STN003", "blank field", L_4YOU, "stations", [stn(1, 服务项目="无")],
     {"severity": "提示", "rows_flagged": [2]}, "服务项目写“无”，未达到“有项目”")
case("B67-STN004-complete", "STN004", "criterion", L_4YOU, "stations", [stn(1)], {"none": True}, "写明了管理制度")
case("B68-STN005-zyh-for-station", "STN005", "criterion", L_STN_PF, "stations", [stn(1), stn(2, 注册平台="志愿汇")],
     {"severity": "提示", "rows_flagged": [3]},
     "二（四）是民政部门“指导”站点依托中国志愿服务网或湖南志愿服务网，志愿汇不在这两个之列；义务在民政部门，属提示")
case("B69-STN005-hnvs", "STN005", "criterion", L_STN_PF, "stations", [stn(1, 注册平台="湖南志愿服务网")], {"none": True},
     "依托湖南志愿服务网")
case("B70-STN006-no-consent-unit", "STN006", "blank field", L_STN_TEAM, "stations", [stn(1), stn(2, 同意成立单位=None)],
     {"severity": "提示", "rows_flagged": [3]}, "社区团体没有写明经哪个组织同意成立")
# ================================================================== ORG
case("B71-ORG001-bad-check-char", "ORG001", "criterion", L_ORG_MARK, "orgs",
     [org(1), org(2, 名称="长沙市岳麓区爱心义工协会", 统一社会信用代码=ORG_CODE2[:-1] + ("0" if ORG_CODE2[-1] != "0" else "1"))],
     {"severity": "存疑", "rows_flagged": [3]}, "第3行统一社会信用代码校验位不对，需核实名单")
case("B72-ORG002-before-630", "ORG002", "criterion", L_ORG_630, "orgs", [org(1, 公告日期="2024-06-28")], {"none": True},
     "6月28日公告，在6月30日前")
case("B73-ORG002-after-630", "ORG002", "criterion", L_ORG_630, "orgs",
     [org(1), org(2, 标识日期="2024-03-01", 公告日期="2024-07-05")], {"severity": "违规", "rows_flagged": [3]},
     "2024年3月已标识，公告拖到7月5日，超过6月30日")
case("B74-ORG002-before-notice", "ORG002", "before the text took effect", L_ORG_630, "orgs",
     [org(1, 标识日期="2023-03-01", 公告日期="2023-07-05", 公告年度="2023、2024、2025、2026")], {"not_severity": "违规", "rows_flagged": [2]},
     "通知2023年9月7日才印发，2023年6月30日的期限当时还不存在")
case("B75-ORG004-name-word-not-marked", "ORG004", "criterion", L_ORG_NAME, "orgs",
     [org(1), org(2, 名称="湘潭市雨湖区义工联合会", 统一社会信用代码=ORG_CODE2, 是否已标识="否", 是否主动申请标识="否",
                 标识日期=None, 公告日期=None, 公告年度=None)], {"severity": "违规", "rows_flagged": [3]},
     "名称含“义工”、章程以志愿服务为宗旨，应直接标识而未标识")
case("B76-ORG004-yigong-across-boundary", "ORG004", "a listed word inside another word", L_ORG_NAME, "orgs",
     [org(1, 名称="湘潭市大义工坊文化传播中心", 章程宗旨="传承湘绣等传统手工技艺，开展技艺培训和文化交流", 章程以志愿服务为宗旨="否",
          是否已标识="否", 是否主动申请标识="否", 标识日期=None, 公告日期=None, 公告年度=None)], {"none": True},
     "“大义工坊”里的“义工”是跨词的字，且章程不以志愿服务为宗旨")
case("B77-ORG004-no-word-not-asked", "ORG004", "criterion", L_ORG_ASK, "orgs",
     [org(1, 名称="长沙市开福区邻里互助服务中心", 是否已标识="否", 是否主动申请标识="否", 标识日期=None, 公告日期=None,
          公告年度=None)], {"none": True}, "名称不含这些字样，没有主动要求标识，不属应标识")
case("B78-ORG005-charter-changed", "ORG005", "criterion", L_ORG_CANCEL, "orgs",
     [org(1), org(2, 章程修改情况="2024-03 修改宗旨为开展职业技能培训", 章程宗旨="开展职业技能培训和就业指导服务",
                 章程以志愿服务为宗旨="否")], {"severity": "违规", "rows_flagged": [3]},
     "章程修改后不再以志愿服务为宗旨，仍保留标识")
case("B79-ORG005-other-change", "ORG005", "criterion", L_ORG_CANCEL, "orgs",
     [org(1, 章程修改情况="2024-03 修改住所")], {"none": True}, "只改了住所，宗旨仍是志愿服务")
case("B80-ORG006-marked-not-volunteer", "ORG006", "criterion", L_ORG_DEF, "orgs",
     [org(1), org(2, 名称="长沙市天心区美食文化促进会", 章程宗旨="推广本地餐饮文化、组织美食节", 章程以志愿服务为宗旨="否")],
     {"severity": "存疑", "rows_flagged": [3]}, "已标识但章程不以开展志愿服务为宗旨")
case("B91-STN004-no-rules", "STN004", "criterion", L_4YOU, "stations", [stn(1), stn(2, 管理制度="无")],
     {"severity": "提示", "rows_flagged": [3]}, "管理制度写“无”，未达到“有管理”（逐步达到的目标）")
case("B92-ORG001-valid", "ORG001", "criterion", L_ORG_MARK, "orgs", [org(1), org(2, 名称="长沙市岳麓区爱心义工协会",
     统一社会信用代码=ORG_CODE2)], {"none": True}, "两个统一社会信用代码校验位都正确")
case("B93-SYS001-platform-long-name", "SYS001", "listed name, other wording", L_SYS, "records",
     [rec(1, 记录平台="中国志愿服务网（全国志愿服务信息系统）"), rec(2, 记录平台="湖南志愿服务网 hn-vs.cn")], {"none": True},
     "写法带了全称或网址，仍是指定平台")
# ================================================================== DAT
case("B81-DAT001-bad-check-digit", "DAT001", "criterion", L_ART5, "records", [rec(1), rec(2, 证件号码=BAD_ID)],
     {"severity": "违规", "rows_flagged": [3]}, "第3行证件号码校验位错误")
case("B82-DAT001-masked", "DAT001", "masked ID", L_ART5, "records",
     [rec(1, 证件号码=MASK1), person2(rec(2, 证件号码=MASK2))], {"not_severity": "违规", "not_passed": True},
     "打码的号码无法校验，不能说无效，也没有检查过")
case("B83-DAT001-passport", "DAT001", "criterion", L_ART5, "records",
     [rec(1, 证件类型="护照", 证件号码="E12345678")], {"none": True}, "证件类型是护照，不按居民身份证校验")
case("B84-DAT002-same-org-duplicate", "DAT002", "criterion", L_ACTUAL, "records", [rec(1), rec(2, 志愿者编号="ZYH10000001", 活动编号="HD240001")],
     {"severity": "违规", "rows_flagged": [2, 3], "rows_match": "any"}, "同一组织对同一人同一时段记录了两次")
case("B85-DAT002-two-orgs-overlap", "DAT002", "another organisation's record", L_ACTUAL, "records",
     [rec(1), rec(2, 志愿者编号="ZYH10000001", 组织单位="岳麓区红十字志愿服务队", 活动编号="HD990001",
                 开始时间="2024-05-11 10:00", 结束时间="2024-05-11 12:00", 活动名称="应急救护知识宣传")],
     {"not_severity": "违规", "rows_flagged": [2, 3]},
     "两个组织的记录重叠，无法从数据看出是哪一方记错，只能存疑")
case("B86-DAT002-long-contains-short", "DAT002", "several days", L_ACTUAL, "records",
     [rec(1, 活动名称="汛期堤段三日值守", 服务内容="分班巡查堤段，三天共值守30小时", 开始时间="2024-07-01 08:00",
          结束时间="2024-07-03 18:00", 服务日期="2024-07-01", 服务时长="30", 评价日期="2024-07-03",
          记录时间="2024-07-05 10:00", 录入系统时间="2024-07-05 10:00", 组织单位="望城区防汛志愿服务队"),
      rec(2, 志愿者编号="ZYH10000001", 开始时间="2024-07-02 19:00", 结束时间="2024-07-02 21:00", 服务日期="2024-07-02",
          评价日期="2024-07-02", 记录时间="2024-07-04 10:00", 录入系统时间="2024-07-04 10:00")],
     {"not_severity": "违规", "rows_flagged": [2, 3]}, "三天值守记录包含另一组织的2小时记录，分班值守间隙可能在别处，不能证明同时在两地")
case("B87-DAT002-overnight-then-morning", "DAT002", "overnight", L_ACTUAL, "records",
     [rec(1, 开始时间="22:00", 结束时间="01:00", 服务日期="2024-06-03", 服务时长="3", 评价日期="2024-06-04",
          记录时间="2024-06-05 10:00", 录入系统时间="2024-06-05 10:00"),
      rec(2, 志愿者编号="ZYH10000001", 开始时间="08:00", 结束时间="10:00", 服务日期="2024-06-04", 评价日期="2024-06-04",
          记录时间="2024-06-05 10:00", 录入系统时间="2024-06-05 10:00")], {"none": True},
     "夜班到次日01:00结束，次日08:00的记录不重叠")
case("B88-DAT003-12-hour-chinese", "DAT003", "12-hour times", L_COMPLETE, "records",
     [rec(1, 开始时间="2024-05-11 下午2:00", 结束时间="2024-05-11 下午4:00")], {"none": True},
     "“下午2:00”是常见写法，可以识别为14:00")
case("B89-DAT003-hours-in-words", "DAT003", "unparsed field", L_COMPLETE, "records", [rec(1), rec(2, 服务时长="两个半钟头")],
     {"severity": "存疑", "rows_flagged": [3]}, "时长写成文字无法识别，需要人核对")
# ================================================================== plan
PLAN_ORGS = [org(i, 名称=f"长沙市开福区第{i}志愿服务队", 统一社会信用代码=code("52", "430105", f"MJL{200000 + i:06d}"),
                 投诉或负面舆情="是，因出具志愿服务记录证明被志愿者投诉" if i <= 11 else "无") for i in range(1, 15)]
case("B90-PLAN-complaints-beyond-10", "PLAN", "complaint → must enter the plan", L_PLAN, "orgs", PLAN_ORGS,
     {"selected_rows": list(range(2, 13))}, "11家因记录证明被投诉的组织都应当列入当年抽查，即使超过每级10家")


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("B*.yaml"):
        old.unlink()
    for c in CASES:
        (HERE / f"{c['id']}.yaml").write_text(yaml.safe_dump(c, allow_unicode=True, sort_keys=False, width=200),
                                            encoding="utf-8")
    print(f"wrote {len(CASES)} cases")


if __name__ == "__main__":
    main()
