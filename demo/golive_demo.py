"""Demo: four orders that were under way before the company went live, brought in by sup.zhao through the
go-live import (golive.services), the way a newcomer's own orders would be. Each says so on its work
record; its history stays out of the quarter's KPIs."""

import csv
import io
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from golive.services import COLUMNS, golive_job_run, golive_job_start
from logistics.models import Carrier
from orders.models import Channel, Order

FILE_NAME = "上线导入-一组.csv"


def _rows(carrier: str) -> list[dict]:
    today = timezone.localdate()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    common = {"currency": "USD", "trade_terms": "FOB Ningbo", "unit": "PCS"}
    return [
        common
        | {
            "customer_code": "NORD",
            "customer_po": "NH-2026-0588",
            "state": "confirmed",
            "received_date": day(-20),
            "confirmed_date": day(-17),
            "delivery_date": day(75),
            "style_no": "TS-1001",
            "quantity": "2400",
            "unit_price": "2.85",
        },
        common
        | {
            "customer_code": "NORD",
            "customer_po": "NH-2026-0512",
            "state": "in_production",
            "received_date": day(-70),
            "confirmed_date": day(-66),
            "delivery_date": day(30),
            "factory": "宁波第二服装厂",
            "milestones_done": "materials_booked, fabric_in_house, trims_in_house",
            "style_no": "PL-2040",
            "quantity": "1800",
            "unit_price": "4.60",
            "shipped_quantity": "600",
            "carrier": carrier,
            "ship_date": day(-3),
        },
        common
        | {
            "customer_code": "SAKU",
            "customer_po": "SK-PO-7781",
            "state": "shipped",
            "received_date": day(-110),
            "confirmed_date": day(-105),
            "delivery_date": day(-10),
            "factory": "绍兴针织厂",
            "style_no": "SK-1212",
            "quantity": "3000",
            "unit": "SET",
            "unit_price": "1.95",
            "carrier": carrier,
            "ship_date": day(-25),
        },
        common
        | {
            "customer_code": "SAKU",
            "customer_po": "SK-PO-7604",
            "state": "after_sales",
            "received_date": day(-150),
            "confirmed_date": day(-146),
            "delivery_date": day(-45),
            "factory": "绍兴针织厂",
            "style_no": "TS-1001",
            "quantity": "1500",
            "unit_price": "2.70",
            "carrier": carrier,
            "ship_date": day(-60),
        },
    ]


def load(rng=None) -> int:
    if Order.objects.filter(channel=Channel.GOLIVE).exists():
        return 0  # loaded before: the same file again would be refused as orders already in the system
    carrier = Carrier.objects.filter(active=True).order_by("pk").first()
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([aliases[-1] for aliases in COLUMNS.values()])  # the Chinese headers, as sup.zhao's file
    for row in _rows(carrier.code):
        writer.writerow([row.get(key, "") for key in COLUMNS])
    # As sup.zhao's page does it: the file kept with a job, then the job run (here at once, not by a worker;
    # the queued delivery that follows finds it done). The import page lists it among the earlier imports.
    data = buffer.getvalue().encode("utf-8-sig")
    job = golive_job_start(data=data, name=FILE_NAME, actor=User.objects.get(username="sup.zhao"))
    return golive_job_run(job_id=job.pk).orders_imported
