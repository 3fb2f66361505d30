import pytest

from orders.models import Customer, Product, Unit


@pytest.mark.django_db
def test_merchandiser_creates_customer_with_contacts(client, merchandiser):
    client.force_login(merchandiser)
    data = {
        "code": "ACME",
        "name_zh": "阿克米",
        "name_en": "Acme Ltd",
        "email": "buy@acme.example",
        "phone": "1",
        "country": "UK",
        "preferred_language": "en",
        "merchandiser": merchandiser.pk,
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "50",
        "contacts-0-name": "Bob",
        "contacts-0-email": "bob@acme.example",
    }
    assert client.post("/orders/customers/new/", data).status_code == 302
    customer = Customer.objects.get(code="ACME")
    assert list(customer.contacts.values_list("name", flat=True)) == ["Bob"]


@pytest.mark.django_db
def test_bad_contact_email_saves_neither_customer_nor_contact(client, merchandiser):
    client.force_login(merchandiser)
    data = {
        "code": "BAD",
        "name_zh": "坏",
        "name_en": "Bad",
        "preferred_language": "en",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "X",
        "contacts-0-email": "nope",
    }
    assert client.post("/orders/customers/new/", data).status_code == 400
    assert not Customer.objects.filter(code="BAD").exists()


@pytest.mark.django_db
def test_product_with_structured_specification(client, merchandiser, qa_user):
    client.force_login(merchandiser)
    data = {
        "style_no": "TS-9",
        "name_zh": "T恤",
        "name_en": "Tee",
        "product_type": "garment",
        "colour": "white",
        "material": "cotton",
        "packing": "polybag",
        "size_breakdown": '{"S": 40, "M": 60}',
        "specification": "",
        "unit": Unit.objects.get(code="PCS").pk,
    }
    assert client.post("/orders/products/new/", data).status_code == 302
    assert Product.objects.get(style_no="TS-9").size_breakdown == {"S": 40, "M": 60}
    assert (
        client.post("/orders/products/new/", {**data, "style_no": "TS-10", "size_breakdown": '{"S": -1}'}).status_code
        == 400
    )
    client.force_login(qa_user)
    assert client.get("/orders/products/").status_code == 200
    assert client.post("/orders/products/new/", {**data, "style_no": "TS-11"}).status_code == 403


@pytest.mark.django_db
def test_product_types_are_shown_and_chosen_by_their_labels(client, merchandiser):
    from ..factories import ProductFactory

    ProductFactory(style_no="TW-1", product_type="home_textile")
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    listed = client.get("/orders/products/").content.decode()
    form = client.get("/orders/products/new/").content.decode()

    assert "家纺" in listed and "home_textile" not in listed.split("<tbody")[1]
    assert '<option value="home_textile">家纺</option>' in form
    assert '<option value="garment" selected>服装</option>' in form
