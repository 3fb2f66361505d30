"""The factory reports from its phone, in the demo: one of merch.li's orders in production has a link for
its factory and two reports with photos, one confirmed as today's check-in and one with a problem that
waits for the merchandiser (and shows on sup.zhao's production board). The photos are drawn with Pillow
here, nothing is downloaded. Built through the production services, once: a second load finds the reports
and changes nothing."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from orders.models import Order, OrderState
from production.models import FactoryReport, PlanMilestone
from production.services import (
    FactoryReportInput,
    factory_link_create,
    factory_report_confirm,
    factory_report_submit,
)


def _photo(name: str, colour: tuple, label: str) -> SimpleUploadedFile:
    """A picture that looks like a shop-floor snapshot from a distance: a bench, stacked pieces, a label."""
    image = Image.new("RGB", (1200, 900), (222, 218, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 560, 1120, 640), fill=(120, 90, 60))  # the bench
    for i in range(6):
        top = 520 - i * 55
        draw.rectangle((220 + i * 8, top, 980 - i * 8, top + 45), fill=colour, outline=(60, 60, 60))
    draw.text((100, 80), label, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def load() -> dict:
    order = (
        Order.objects.filter(
            status=OrderState.IN_PRODUCTION,
            is_on_hold=False,
            merchandiser__username="merch.li",
            production_run__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    if order is None:
        return {"factory_reports": "no order in production"}
    if FactoryReport.objects.filter(order=order).exists():
        return {"factory_reports": "already loaded"}
    merchandiser = order.merchandiser
    link = factory_link_create(order_id=order.pk, actor=merchandiser)
    today = timezone.localdate()
    cutting = (
        PlanMilestone.objects.filter(plan__order=order, actual_date__isnull=True, planned_date__lte=today)
        .order_by("sequence")
        .first()
    )
    first = factory_report_submit(
        link_id=link.pk,
        data=FactoryReportInput(
            reporter_name="王组长 Wang (line leader)",
            quantity_done=640,
            milestones={cutting.pk: today} if cutting else {},
            photos=(
                _photo("cutting-table.jpg", (70, 110, 170), "Line 3 - cutting / 3号线 裁床"),
                _photo("bundles.jpg", (170, 70, 70), "Bundles ready for sewing"),
            ),
        ),
    )
    factory_report_confirm(order_id=order.pk, report_id=first.pk, actor=merchandiser)
    factory_report_submit(
        link_id=link.pk,
        data=FactoryReportInput(
            reporter_name="王组长 Wang (line leader)",
            quantity_done=720,
            problems="两台平车坏了，今天维修 / two lockstitch machines are down, repaired today",
            photos=(_photo("machine.jpg", (90, 90, 90), "Machine 12 waiting for the mechanic"),),
        ),
    )
    return {"factory_reports": order.display_number}
