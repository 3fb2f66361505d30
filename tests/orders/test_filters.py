"""orders/filters.py: the list's filters answer any query string with a page, never an error."""

import pytest


@pytest.mark.parametrize("field", ["merchandiser", "customer"])
@pytest.mark.parametrize("value", ["9" * 19, "9" * 30, str(2**63)])
def test_an_id_too_large_for_any_row_is_a_choice_error_not_a_crash(client, management_user, field, value):
    # Found by tests/security/test_fuzz_forms.py: SQLite raised OverflowError while the select drew its choice.
    client.force_login(management_user)

    response = client.get(f"/orders/?{field}={value}")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_chosen_customer_is_still_shown_in_its_select(client, management_user, merchandiser):
    from ..factories import CustomerFactory

    customer = CustomerFactory(name_en="Harbour Apparel Ltd")
    client.force_login(management_user)

    page = client.get(f"/orders/?customer={customer.pk}").content.decode()

    assert f'<option value="{customer.pk}" selected>' in page
