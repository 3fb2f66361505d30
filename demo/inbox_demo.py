"""Something in every demo person's inbox (issue #21 item 1). The @mentions of discussion_demo and the
after-sales cases of logistics_demo reach theirs through notify(); each person also gets one notice, the
oldest, that points at their notification preferences, so HR and management see the bell at work too."""

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from notifications.services import notify


def load(rng=None) -> int:
    """One welcome notice per active person with a role; running the demo again adds nothing."""
    made = 0
    people = User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("pk")
    with transaction.atomic():
        for person in people:
            item = notify(
                user=person,
                kind="welcome",  # not offered on the preferences page: never emailed
                link=reverse("notifications:preferences"),
                reference=f"user:{person.pk}",
                template="demo_welcome",
                context={"recipient": person},
                dedupe_key=f"demo-welcome:{person.username}",
            )
            made += item is not None
    return made
