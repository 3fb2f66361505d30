"""factory_boy factories for the whole suite. Staff are built per role with `staff(role, team=...)`."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from orders.models import Currency, Customer, CustomerContact, Product, Unit
from orders.services import LineInput, OrderInput, order_create

PASSWORD = "pw-for-tests-1"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name_zh = factory.Sequence(lambda n: f"测试组{n}")
    name_en = factory.Sequence(lambda n: f"Test team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    employee_no = factory.Sequence(lambda n: f"T{n:05d}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


def staff(role: str, *, team: Team | None = None, **kwargs) -> User:
    return UserFactory(role=role, team=team, **kwargs)


def team_with_people(**kwargs) -> tuple[Team, User, User]:
    """A team, its supervisor and one merchandiser."""
    team = TeamFactory(**kwargs)
    supervisor = staff(Role.SUPERVISOR)
    team.supervisor = supervisor
    team.save()
    merchandiser = staff(Role.MERCHANDISER, team=team)
    return team, supervisor, merchandiser


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name_zh = factory.Sequence(lambda n: f"客户{n}")
    name_en = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.LazyAttribute(lambda c: f"{c.code.lower()}@customer.example")
    preferred_language = "en"

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        if create:
            CustomerContact.objects.create(customer=self, name="Alice Buyer", email=self.email)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    style_no = factory.Sequence(lambda n: f"ST-{n:04d}")
    name_zh = "测试产品"
    name_en = "Test product"
    unit = factory.LazyFunction(lambda: Unit.objects.get(code="PCS"))


def make_order(*, merchandiser, customer=None, lines: int = 1, actor=None, channel="phone", **overrides):
    """A received order created through the real intake service (so it has its `created` event)."""
    customer = customer or CustomerFactory(merchandiser=merchandiser)
    product = ProductFactory()
    data = OrderInput(
        customer=customer,
        currency=Currency.objects.get(code="USD"),
        delivery_date=overrides.pop("delivery_date", timezone.localdate() + timedelta(days=90)),
        customer_po=overrides.pop("customer_po", ""),
        lines=[
            LineInput(product=product, quantity=Decimal("100"), unit=product.unit, unit_price=Decimal("2.5"))
            for _ in range(lines)
        ],
        **overrides,
    )
    return order_create(data=data, channel=channel, actor=actor or merchandiser, merchandiser=merchandiser)
