from orders.models import OrderEvent, OrderState

from .conftest import advance
from .factories import make_order


def test_order_moves_received_to_entered_with_number_and_events(merchandiser):
    order = make_order(merchandiser=merchandiser)
    order = advance(order, merchandiser, "confirm", "enter")
    assert order.status == OrderState.ENTERED
    assert order.number.startswith("SO-")
    types = list(OrderEvent.objects.filter(order=order).values_list("type", flat=True))
    assert types.count("transition") == 2
    assert "number_assigned" in types
