"""Seed the QA spot-check checklist and the policy itself, version 1.0, published.

The Chinese text is the original 跟单员工作管理制度 (shared/policy-original-zh.md) in simplified
characters, each heading on its own line; the English is the article-by-article rendering of
shared/DOMAIN.md. "It takes effect on publication" (ch.6 art.2): effective from the day it is loaded.
"""

from django.db import migrations
from django.utils import timezone

CHECKLIST = [
    # (sequence, code, rule, Chinese, English)
    (
        10,
        "checklist_before_confirmation",
        "checklist_before_confirmation",
        "确认前已完成订单信息核对清单",
        "Verification checklist complete before confirmation",
    ),
    (20, "confirmation_recorded", "confirmation_exists", "有客户确认记录", "A customer confirmation is on record"),
    (30, "checkins_on_time", "checkins_on_time", "每日生产跟进按时完成", "Daily production check-ins done on time"),
    (
        40,
        "customer_notified_on_shipment",
        "customer_notified_on_shipment",
        "发货后已及时通知客户",
        "Customer notified of each shipment",
    ),
    (50, "records_complete", "", "各环节工作记录完整、准确", "Work record complete and accurate at every stage"),
]

TITLE_ZH = "跟单员工作管理制度"
TITLE_EN = "Merchandiser work management rules"

BODY_ZH = """## 第一章 总则
为规范跟单员的工作流程,提高工作效率,确保订单的准确性和及时性,特制定本管理制度。跟单员作为连接客户与生产、物流等各部门的重要角色,其工作质量直接影响客户满意度和公司业绩。因此,制定一套科学合理的管理制度具有重要意义。

## 第二章 目标
1.明确职责:清晰界定跟单员的工作职责,提高工作效率。
2.提升质量:通过标准化流程,确保订单处理的准确性与及时性。
3.增强沟通:加强跟单员与其他部门的沟通与协作,确保信息畅通。
4.客户满意:通过优质的服务提升客户满意度,增强客户黏性。

## 第三章 适用范围
本制度适用于公司所有跟单员及相关部门,涵盖跟单员日常工作、沟通流程及工作评估等方面。

## 第四章 管理规范

### 第1条 工作职责
1.订单接收:跟单员负责接收客户订单,核对订单信息的准确性。
2.订单确认:及时与客户确认订单信息,包括产品规格、数量、交货日期等。
3.生产协调:与生产部门沟通协调,确保生产按时进行。
4.物流安排:负责订单发货的物流协调,确保按时送达客户。
5.售后服务:处理客户的售后问题,及时反馈并解决客户投诉。

### 第2条 工作流程
1.订单处理流程
-接收订单:客户通过电话、邮件或系统提交订单。
-核对信息:跟单员需仔细核对订单信息,确保无误后进行确认。
-订单录入:将确认后的订单信息录入系统,生成订单编号。
-生产协调:每日与生产部门沟通,了解生产进度,确保及时交货。
-物流安排:与物流公司沟通,安排发货事宜,并及时通知客户。
2.沟通流程
-定期会议:每周召开一次跟单员会议,交流工作进展及问题。
-日常沟通:遇到问题时,要及时与相关部门沟通,确保信息畅通。

### 第3条 记录与反馈
1.工作记录:跟单员需记录每个订单的处理过程,包括接收、确认、生产、发货等环节。
2.反馈机制:定期向上级汇报工作进展,提出改进建议,并记录客户反馈意见。

## 第五章 监督机制

### 第1条 责任分工
1.跟单员:负责日常订单处理和客户沟通,确保信息准确传递。
2.部门主管:定期检查跟单员的工作记录,进行绩效评估。
3.质量管理部:对跟单员的工作进行抽查,确保流程执行的规范性。

### 第2条 绩效评估
1.评估指标:根据订单处理的及时性、准确性、客户满意度等制定评估指标。
2.定期评估:每季度进行一次全面的绩效评估,并根据评估结果进行奖惩。

### 第3条 违规处理
1.警告制度:对工作失误或违规行为,初次给予警告,记录在案。
2.惩罚措施:如出现严重失误,视情况给予罚款或岗位调整。

## 第六章 附则
1.制度解释:本制度由人力资源部负责解释。
2.生效日期:本制度自发布之日起实施。
3.修订流程:如需修订,需经过部门主管审核并提交高层管理层审批。"""

BODY_EN = """## Chapter 1 General
These rules standardise the merchandiser's workflow, raise efficiency, and make orders accurate and timely. The merchandiser links the customer with production, logistics and other departments; their work decides customer satisfaction and company results.

## Chapter 2 Goals
1. Clear duties.
2. Quality through standardised process: accurate and timely order handling.
3. Communication between merchandisers and departments.
4. Customer satisfaction and loyalty.

## Chapter 3 Scope
All merchandisers and related departments: daily work, communication, evaluation.

## Chapter 4 Management rules

### Article 1 Duties
1. Order receipt: receive customer orders, check the order information is accurate.
2. Order confirmation: confirm with the customer promptly: product specification, quantity, delivery date, etc.
3. Production coordination: coordinate with production so it runs on time.
4. Logistics: arrange shipment so goods reach the customer on time.
5. After-sales: handle customers' after-sales problems, give feedback, resolve complaints.

### Article 2 Workflow
1. Order processing: receive the order (the customer submits it by phone, email or system) → verify the information carefully, confirm only when it is right → enter the confirmed order into the system, which generates the order number → coordinate with production every day, follow progress, ensure on-time delivery → arrange shipment with the logistics company and notify the customer promptly.
2. Communication: a merchandiser meeting every week to share progress and problems; raise problems with the departments concerned as they arise.

### Article 3 Records and feedback
1. Work records: record the handling of every order at every stage: receipt, confirmation, production, shipment.
2. Feedback: report progress to superiors regularly, make improvement suggestions, and record customer feedback.

## Chapter 5 Supervision

### Article 1 Responsibilities
1. Merchandisers: daily order handling and customer communication, accurate information.
2. Department supervisors: check work records regularly and evaluate performance.
3. QA department: spot-check merchandisers' work for process compliance.

### Article 2 Performance evaluation
1. Indicators built from timeliness, accuracy and customer satisfaction (and others).
2. A full evaluation every quarter, with rewards and penalties by the result.

### Article 3 Violations
1. A first error or violation gets a warning, recorded on file.
2. Serious errors: a fine or a job reassignment, as the case requires.

## Chapter 6 Supplementary provisions
1. HR interprets these rules.
2. They take effect on publication.
3. A revision is reviewed by the department supervisor and approved by senior management."""


def load(apps, schema_editor):
    SpotCheckItem = apps.get_model("supervision", "SpotCheckItem")
    PolicyVersion = apps.get_model("supervision", "PolicyVersion")
    for sequence, code, rule, zh, en in CHECKLIST:
        SpotCheckItem.objects.get_or_create(
            code=code, defaults={"sequence": sequence, "rule": rule, "label_zh": zh, "label_en": en}
        )
    if not PolicyVersion.objects.filter(version="1.0").exists():
        now = timezone.now()
        PolicyVersion.objects.create(
            version="1.0",
            title_zh=TITLE_ZH,
            title_en=TITLE_EN,
            body_zh=BODY_ZH,
            body_en=BODY_EN,
            change_summary="首次发布 / First publication",
            status="published",
            drafted_at=now,
            published_at=now,
            approved_at=now,
            effective_date=timezone.localdate(now),
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
