from django.db import migrations

CHECKLIST = [
    (10, "specification", "产品规格(款式、颜色、尺码、材质)", "Specification (style, colour, sizes, material)"),
    (20, "quantity", "数量及尺码分配", "Quantities and size breakdown"),
    (30, "delivery_date", "交货期", "Delivery date"),
    (40, "price_terms", "价格、贸易条款与付款方式", "Price, trade terms and payment terms"),
    (50, "packing", "包装与唛头要求", "Packing and shipping marks"),
    (60, "quality_standard", "质量标准与检验要求", "Quality standard and inspection"),
    (70, "ship_to", "收货地址与运输方式", "Ship-to address and transport mode"),
]
CURRENCIES = [("CNY", "人民币", "Chinese yuan"), ("USD", "美元", "US dollar"), ("EUR", "欧元", "Euro")]
UNITS = [("PCS", "件", "pieces"), ("SET", "套", "sets"), ("M", "米", "metres"), ("KG", "千克", "kilograms"), ("CTN", "箱", "cartons")]


def load(apps, schema_editor):
    ChecklistItem = apps.get_model("orders", "ChecklistItem")
    Currency = apps.get_model("orders", "Currency")
    Unit = apps.get_model("orders", "Unit")
    for seq, code, zh, en in CHECKLIST:
        ChecklistItem.objects.get_or_create(code=code, defaults={"sequence": seq, "label_zh": zh, "label_en": en})
    for code, zh, en in CURRENCIES:
        Currency.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})
    for code, zh, en in UNITS:
        Unit.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
