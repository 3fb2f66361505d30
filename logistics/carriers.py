"""Carriers a Chinese exporter commonly books, with their tracking links: the demo's and the benchmark's."""

from .models import ShipmentMode

COMMON_CARRIERS = [
    # code, 中文, English, usual mode, tracking link
    (
        "cosco",
        "中远海运",
        "COSCO Shipping Lines",
        ShipmentMode.SEA,
        "https://elines.coscoshipping.com/ebusiness/cargoTracking?trackingNumber={tracking}",
    ),
    ("maersk", "马士基", "Maersk", ShipmentMode.SEA, "https://www.maersk.com/tracking/{tracking}"),
    (
        "sf",
        "顺丰速运",
        "SF Express",
        ShipmentMode.EXPRESS,
        "https://www.sf-express.com/chn/sc/waybill/waybill-detail/{tracking}",
    ),
    (
        "dhl",
        "敦豪快递",
        "DHL Express",
        ShipmentMode.EXPRESS,
        "https://www.dhl.com/cn-en/home/tracking.html?tracking-id={tracking}",
    ),
    ("ca-cargo", "国航货运", "Air China Cargo", ShipmentMode.AIR, ""),
    ("zj-truck", "浙江陆运", "Zhejiang Road Freight", ShipmentMode.TRUCK, ""),
]
