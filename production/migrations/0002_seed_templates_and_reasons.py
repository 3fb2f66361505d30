"""Default T&A templates from trade practice and the delay reason codes. Editable in the admin afterwards.

Offsets are working days before ex-factory. Rules of thumb behind the garment template: fabric in-house
10 days before cutting, trims 7 days before sewing, PP meeting 3 days before cutting, sewing about
quantity ÷ line rate + 2 (10 days for a typical order), finishing 2 days, final inspection +1, ex-factory +1.
"""

from django.db import migrations

GARMENT = [
    # sequence, code, zh, en, offset, depends on, owner, critical
    (10, "materials_booked", "面辅料下单", "Materials booked", 45, None, "purchasing", True),
    (20, "fabric_in_house", "面料到厂", "Fabric in-house", 25, "materials_booked", "purchasing", True),
    (30, "trims_in_house", "辅料到厂", "Trims in-house", 20, "materials_booked", "purchasing", False),
    (40, "pp_meeting", "产前会", "Pre-production (PP) meeting", 18, "fabric_in_house", "merchandiser", False),
    (50, "cutting", "开裁", "Cutting starts", 15, "pp_meeting", "production", True),
    (60, "sewing", "上线车缝", "Sewing starts", 13, "cutting", "production", True),
    (70, "finishing", "后整包装", "Finishing and packing", 3, "sewing", "production", False),
    (80, "final_inspection", "尾期检验", "Final inspection", 1, "finishing", "qa", True),
    (90, "ex_factory", "出厂", "Ex-factory", 0, "final_inspection", "logistics", True),
]
ACCESSORY = [
    (10, "materials_booked", "物料下单", "Materials booked", 30, None, "purchasing", True),
    (20, "materials_in_house", "物料到厂", "Materials in-house", 15, "materials_booked", "purchasing", True),
    (30, "pp_meeting", "产前会", "Pre-production (PP) meeting", 12, "materials_in_house", "merchandiser", False),
    (40, "production_start", "开始生产", "Production starts", 10, "pp_meeting", "production", True),
    (50, "finishing", "后整包装", "Finishing and packing", 3, "production_start", "production", False),
    (60, "final_inspection", "尾期检验", "Final inspection", 1, "finishing", "qa", True),
    (70, "ex_factory", "出厂", "Ex-factory", 0, "final_inspection", "logistics", True),
]
HOME_TEXTILE = [
    (10, "materials_booked", "纱线面料下单", "Yarn and fabric booked", 50, None, "purchasing", True),
    (20, "fabric_in_house", "面料到厂", "Fabric in-house", 28, "materials_booked", "purchasing", True),
    (30, "trims_in_house", "辅料到厂", "Trims in-house", 22, "materials_booked", "purchasing", False),
    (40, "pp_meeting", "产前会", "Pre-production (PP) meeting", 21, "fabric_in_house", "merchandiser", False),
    (50, "cutting", "开裁", "Cutting starts", 18, "pp_meeting", "production", True),
    (60, "sewing", "上线车缝", "Sewing starts", 15, "cutting", "production", True),
    (70, "finishing", "后整包装", "Finishing and packing", 4, "sewing", "production", False),
    (80, "final_inspection", "尾期检验", "Final inspection", 1, "finishing", "qa", True),
    (90, "ex_factory", "出厂", "Ex-factory", 0, "final_inspection", "logistics", True),
]
TEMPLATES = [
    ("default", "默认", "Default", GARMENT),
    ("garment", "服装", "Garment", GARMENT),
    ("accessory", "配饰", "Accessory", ACCESSORY),
    ("home_textile", "家纺", "Home textile", HOME_TEXTILE),
]
REASONS = [
    (10, "material_late", "面辅料延误", "Materials late"),
    (20, "capacity", "产能不足", "Production capacity"),
    (30, "quality_rework", "质量返工", "Quality rework"),
    (40, "customer_change", "客户变更", "Customer change"),
    (90, "other", "其他", "Other"),
]


def load(apps, schema_editor):
    PlanTemplate = apps.get_model("production", "PlanTemplate")
    TemplateMilestone = apps.get_model("production", "TemplateMilestone")
    DelayReason = apps.get_model("production", "DelayReason")
    for product_type, zh, en, steps in TEMPLATES:
        template, created = PlanTemplate.objects.get_or_create(
            product_type=product_type, defaults={"name_zh": zh, "name_en": en}
        )
        if not created:
            continue
        by_code = {}
        for sequence, code, m_zh, m_en, offset, depends_on, owner, critical in steps:
            by_code[code] = TemplateMilestone.objects.create(
                template=template,
                code=code,
                name_zh=m_zh,
                name_en=m_en,
                sequence=sequence,
                offset_days=offset,
                depends_on=by_code.get(depends_on),
                owner_role=owner,
                is_critical=critical,
            )
    for sequence, code, zh, en in REASONS:
        DelayReason.objects.get_or_create(code=code, defaults={"sequence": sequence, "name_zh": zh, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("production", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
