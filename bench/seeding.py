"""The job benchmarks' shared seeding: bench people, and in-production orders written straight into their
table with one INSERT … SELECT generate_series (no FSM, no services: bench only). Imported after Django is
set up."""

from django.contrib.auth.models import Group
from django.db import connection

from accounts.models import User
from orders.models import Currency, Customer, Order, OrderState


def insert_select(model, overrides: dict, source: str, params: list) -> None:
    """INSERT INTO model (every concrete column) SELECT overrides-or-defaults FROM source. `overrides` maps
    an attname to (an SQL expression over the source, its parameters); every other column takes the field's
    default, so a column added to the model later does not break the bench."""
    q = connection.ops.quote_name
    columns, values, all_params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        expression, value_params = overrides.get(
            field.attname, ("%s", [field.get_db_prep_save(field.get_default(), connection)])
        )
        columns.append(q(field.column))
        values.append(expression)
        all_params.extend(value_params)
    sql = f"INSERT INTO {q(model._meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608 - bench, fixed SQL
    with connection.cursor() as cursor:
        cursor.execute(sql, [*all_params, *params])


def bench_person(*, username: str, role: str, **defaults) -> User:
    """The bench person of this username with this role, made the first time (`defaults`: team, employee
    number, language...)."""
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.groups.add(Group.objects.get(name=role))
    return user


def bench_customer(*, code: str, name_zh: str, name_en: str, **defaults) -> Customer:
    customer, _ = Customer.objects.get_or_create(
        code=code, defaults={"name_zh": name_zh, "name_en": name_en, **defaults}
    )
    return customer


def orders_in_production(*, prefix: str, first: int, last: int, customer: Customer, merchandisers: list[int]) -> None:
    """Orders `prefix` + first … last (numbered with seven digits), in production, for `customer`, handed
    round `merchandisers` (ids) in turn, delivery 30 to 149 days from today."""
    insert_select(
        Order,
        {
            "number": (f"'{prefix}' || lpad(g::text, 7, '0')", []),
            "status": ("%s", [OrderState.IN_PRODUCTION.value]),
            "channel": ("'system'", []),
            "customer_id": ("%s", [customer.pk]),
            "merchandiser_id": (f"(%s::bigint[])[1 + g %% {len(merchandisers)}]", [merchandisers]),
            "currency_id": ("%s", [Currency.objects.get(code="USD").pk]),
            "delivery_date": ("current_date + 30 + (g %% 120)", []),
            "received_at": ("now()", []),
            "entered_at": ("now()", []),
        },
        "generate_series(%s, %s) AS g",
        [first, last],
    )
