"""The floor: the cheapest page this stack can serve, to measure the real pages against.

It is a bare view: one indexed query for 25 rows (the order list's default sort, on order_recv_idx) and a
minimal template. It goes through the same middleware as every page, so the gap between a page and the
floor is what that page itself costs. Mounted only when settings.PERF_FLOOR_ENABLED (the bench sets it).
"""

from django.shortcuts import render

from orders.models import Order

FLOOR_ROWS = 25


def floor(request):
    rows = Order.objects.order_by("-received_at", "-id").values_list("id", "number", "status", "received_at")
    return render(request, "devtools/floor.html", {"rows": rows[:FLOOR_ROWS]})
