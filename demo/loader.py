"""Realistic, bilingual demo data, built through the real services so every order has its work record.

Idempotent: people and master data are upserted; orders are made only when the demo customers have
none yet. Later capabilities add a `_load_<capability>` step at the end of `demo_load`.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Department, Team, User
from accounts.roles import Role
from accounts.services import saved_view_save
from orders.models import (
    INTAKE_CHANNELS,
    STAFF_CONFIRMATION_METHODS,
    ChecklistItem,
    Currency,
    Customer,
    CustomerContact,
    Order,
    Product,
    Unit,
)
from orders.services import (
    LineInput,
    OrderInput,
    order_check_item,
    order_create,
    order_record_confirmation,
    order_transition,
)

from . import (
    discussion_demo,
    documents_demo,
    evaluation_demo,
    factory_demo,
    golive_demo,
    inbox_demo,
    logistics_demo,
    portal_demo,
    production_demo,
    reminders_demo,
    robots_demo,
    supervision_demo,
    webhooks_demo,
)

DEMO_PASSWORD = "Gendan-demo-2026"  # noqa: S105 - printed by `make run` and listed in the README


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    last_name: str
    first_name: str
    employee_no: str
    department: str
    team: str | None
    language: str = "zh-hans"


TEAMS = {"A": ("跟单一组", "Merchandising team A"), "B": ("跟单二组", "Merchandising team B")}

LOGINS = [
    DemoLogin("sup.zhao", Role.SUPERVISOR, "赵", "敏", "E1001", Department.MERCHANDISING, "A"),
    DemoLogin("sup.sun", Role.SUPERVISOR, "孙", "强", "E1002", Department.MERCHANDISING, "B", "en"),
    DemoLogin("merch.li", Role.MERCHANDISER, "李", "娜", "E2001", Department.MERCHANDISING, "A"),
    DemoLogin("merch.wang", Role.MERCHANDISER, "王", "磊", "E2002", Department.MERCHANDISING, "A", "en"),
    DemoLogin("merch.zhang", Role.MERCHANDISER, "张", "静", "E2003", Department.MERCHANDISING, "B"),
    DemoLogin("merch.chen", Role.MERCHANDISER, "陈", "浩", "E2004", Department.MERCHANDISING, "B", "en"),
    DemoLogin("qa.zhou", Role.QA, "周", "婷", "E3001", Department.QA, None),
    DemoLogin("hr.wu", Role.HR, "吴", "芳", "E4001", Department.HR, None),
    DemoLogin("mgmt.zheng", Role.MANAGEMENT, "郑", "伟", "E5001", Department.MANAGEMENT, None),
]

CUSTOMERS = [
    ("NORD", "北欧家居有限公司", "Nordic Home AB", "Sweden", "en", "merch.li", "anna.berg@nordichome.example"),
    ("PACI", "太平洋服饰公司", "Pacific Apparel Inc.", "USA", "en", "merch.wang", "buying@pacificapparel.example"),
    ("HANS", "汉斯户外用品", "Hansa Outdoor GmbH", "Germany", "en", "merch.zhang", "einkauf@hansa-outdoor.example"),
    ("SHGM", "上海国贸商行", "Shanghai Guomao Trading", "China", "zh-hans", "merch.chen", "order@guomao.example"),
    ("SAKU", "樱花纺织株式会社", "Sakura Textiles K.K.", "Japan", "en", "merch.li", "po@sakura-tex.example"),
    ("GZBL", "广州百丽鞋业", "Guangzhou Baili Footwear", "China", "zh-hans", "merch.zhang", "caigou@baili.example"),
]

# Each customer's buyer, by name: the name is what the PI's signature block, the confirmation record and the
# customer portal's greeting show.
CONTACT_NAMES = {
    "anna.berg@nordichome.example": "Anna Berg",
    "buying@pacificapparel.example": "Jennifer Brooks",
    "einkauf@hansa-outdoor.example": "Klaus Weber",
    "order@guomao.example": "王丽",
    "po@sakura-tex.example": "Yuki Sato",
    "caigou@baili.example": "黄梅",
}
CONTACT_TITLE = "Buyer / 采购"

PRODUCTS = [
    ("TS-1001", "男士纯棉圆领T恤", "Men's cotton crew-neck T-shirt", "garment", "白/黑/藏青", "精梳棉 180g", "PCS"),
    ("PL-2040", "女士针织Polo衫", "Women's knitted polo shirt", "garment", "粉/白", "95%棉 5%氨纶", "PCS"),
    ("JK-3300", "防水冲锋衣", "Waterproof shell jacket", "garment", "军绿/黑", "涤纶 + TPU 覆膜", "PCS"),
    ("BG-0907", "帆布购物袋", "Canvas tote bag", "accessory", "本白", "12安帆布", "PCS"),
    ("TW-5500", "酒店毛巾套装", "Hotel towel set", "home_textile", "白", "100% 棉 600gsm", "SET"),
    ("SK-1212", "运动袜(三双装)", "Sports socks (3-pack)", "garment", "灰/白", "80%棉 20%锦纶", "SET"),
]

# How far along each demo order goes: (target state, count). Spread over every stage.
PIPELINE = [
    ("received", 4),
    ("confirmed", 3),
    ("entered", 3),
    ("in_production", 6),
    ("shipped", 3),
    ("after_sales", 3),
    ("closed", 2),
    ("cancelled", 2),
]
PATH = ["confirm", "enter", "start_production", "ship", "begin_after_sales", "close"]
STATE_AFTER = dict(
    zip(PATH, ["confirmed", "entered", "in_production", "shipped", "after_sales", "closed"], strict=True)
)


def _people() -> dict[str, User]:
    teams = {
        key: Team.objects.update_or_create(name_en=en, defaults={"name_zh": zh})[0] for key, (zh, en) in TEAMS.items()
    }
    users = {}
    # One hash for every demo login: each hash costs a deliberate fraction of a second (Argon2), and the
    # first `make run` waits for them.
    password = make_password(DEMO_PASSWORD)
    for login in LOGINS:
        user, created = User.objects.get_or_create(username=login.username)
        user.last_name, user.first_name = login.last_name, login.first_name
        user.employee_no, user.department = login.employee_no, login.department
        user.team = teams.get(login.team) if login.team else None
        user.preferred_language = login.language
        user.email = f"{login.username}@gendan.example"
        if created:
            user.password = password
        user.save()
        user.groups.set([Group.objects.get(name=login.role)])
        users[login.username] = user
    teams["A"].supervisor = users["sup.zhao"]
    teams["B"].supervisor = users["sup.sun"]
    for team in teams.values():
        team.save(update_fields=["supervisor"])
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "employee_no": "E0001"}
    )
    if created:
        admin.password = password
        admin.save()
    return users


def _master_data(users) -> tuple[list[Customer], list[Product]]:
    customers = []
    for code, zh, en, country, lang, merch, email in CUSTOMERS:
        customer, _ = Customer.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "country": country,
                "preferred_language": lang,
                "merchandiser": users[merch],
                "email": email,
                "phone": "+86 574 8800 0000" if country == "China" else "+46 8 555 000",
            },
        )
        CustomerContact.objects.get_or_create(
            customer=customer, email=email, defaults={"name": CONTACT_NAMES[email], "title": CONTACT_TITLE}
        )
        customers.append(customer)
    products = []
    for style, zh, en, ptype, colour, material, unit in PRODUCTS:
        product, _ = Product.objects.update_or_create(
            style_no=style,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "product_type": ptype,
                "colour": colour,
                "material": material,
                "packing": "单件胶袋,12件一箱 / single polybag, 12 per carton",
                "size_breakdown": {"S": 20, "M": 30, "L": 30, "XL": 20} if ptype == "garment" else {},
                "unit": Unit.objects.get(code=unit),
            },
        )
        products.append(product)
    return customers, products


def _advance(order: Order, target: str, rng: random.Random) -> None:
    actor = order.merchandiser
    if target == "cancelled":
        order_transition(order_id=order.pk, name="cancel", actor=actor, reason="客户取消 / customer withdrew the PO")
        return
    if target == "received":
        return
    for item in ChecklistItem.objects.filter(active=True):
        order_check_item(order_id=order.pk, item_id=item.pk, actor=actor, checked=True)
    order_record_confirmation(
        order_id=order.pk,
        actor=actor,
        method=rng.choice(STAFF_CONFIRMATION_METHODS),
        contact=order.customer.contacts.first().name,
        confirmed_at=timezone.now() - timedelta(hours=2),
        note="已与客户确认规格、数量与交期 / spec, quantity and date confirmed",
    )
    for name in PATH:
        if name == "ship":  # logistics' guard refuses a bare "ship": shipments move the order on from here
            logistics_demo.advance(order, target)
            return
        if name == "start_production":
            production_demo.record_run(order)  # production's guard needs the factory, line and work order
        order_transition(order_id=order.pk, name=name, actor=actor)
        if STATE_AFTER[name] == target:
            return


def _orders(customers, products, rng: random.Random) -> int:
    if Order.objects.filter(customer__in=customers).exists():
        return 0
    usd, cny = Currency.objects.get(code="USD"), Currency.objects.get(code="CNY")
    made = 0
    for target, count in PIPELINE:
        for _ in range(count):
            customer = rng.choice(customers)
            picks = rng.sample(products, k=rng.randint(1, 3))
            lines = [
                LineInput(
                    product=p,
                    description=p.name_en,
                    colour=p.colour.split("/")[0],
                    quantity=Decimal(rng.choice([500, 1200, 3000, 5000])),
                    unit=p.unit,
                    unit_price=Decimal(rng.choice(["2.35", "4.80", "12.50", "18.90"])),
                )
                for p in picks
            ]
            data = OrderInput(
                customer=customer,
                currency=cny if customer.country == "China" else usd,
                delivery_date=timezone.localdate() + timedelta(days=rng.randint(45, 120)),
                customer_po=f"PO-{customer.code}-{rng.randint(10000, 99999)}",
                trade_terms="FOB Ningbo" if customer.country != "China" else "DDP 上海",
                payment_terms="30% T/T deposit, 70% against B/L copy",
                lines=lines,
            )
            order = order_create(
                data=data, channel=rng.choice(INTAKE_CHANNELS), actor=customer.merchandiser, merchandiser=None
            )
            _advance(order, target, rng)
            made += 1
    return made


# A saved filter or two per role, so the links above each list show what saving one does (docs/lists.md).
DEMO_SAVED_VIEWS = [
    ("merch.li", "orders", "逾期订单", "is_overdue=true"),
    ("merch.li", "orders", "生产中", "status=in_production"),
    ("sup.zhao", "cases", "升级的案例", "scope=escalated"),
    ("sup.zhao", "checkins", "报告了问题", "with_problems=true"),
    ("qa.zhou", "findings", "未处理的问题项", "status=open"),
]


def _saved_views(users) -> None:
    for username, list_key, name, query in DEMO_SAVED_VIEWS:
        saved_view_save(user=users[username], list_key=list_key, name=name, query_string=query)


def demo_load() -> dict:
    """Load everything. Returns what it did, for the command to print."""
    rng = random.Random(20261127)  # the same demo every time  # noqa: S311
    with transaction.atomic():
        users = _people()
        robots_demo.load(rng)  # before the notices: merch.li's factory reports reach team A's WeCom robot
        inbox_demo.load(rng)  # first, so the mentions and cases the others bring are the newest notices
        customers, products = _master_data(users)
        # One packing list shows the capability (documents_demo); one per shipment would slow the first run.
        with override_settings(DOCUMENTS_PACKING_LIST_IN_NOTICE=False):
            made = _orders(customers, products, rng)
            logistics_demo.load(rng)
        production_demo.load(rng)
        factory_demo.load()  # the factory's phone reports, on one of merch.li's orders in production
        golive_demo.load(rng)  # orders under way before go-live, imported in their states
        supervision_demo.load(rng)
        discussion_demo.load(rng)
        documents_demo.load(rng, customer_codes=[code for code, *_rest in CUSTOMERS])
        evaluation_demo.load(rng)  # after the others: it scores the quarter their records fall in
        webhooks_demo.load()  # Pacific Apparel's endpoint at the development receiver, with deliveries
        portal_demo.load(DEMO_PASSWORD)  # Pacific Apparel's buyer signs in to the customer portal
        _saved_views(users)
        reminders_demo.load(rng)  # last: the digest reads what all the others made
    return {"users": len(users) + 1, "customers": len(customers), "orders_created": made}
