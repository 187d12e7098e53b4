"""The "my work" pages in the URL walk (tests/security/test_url_walk.py). The case manager's
work list shows the measure of world.case's safety plan (see tests/cases/url_policy.py)."""

from __future__ import annotations

from django.urls import reverse

from tests.security.policy import Spec

# The notifications name only the kind of work, a reference and a date; never a person.
NO_PERSONAL_DATA = {"work:notifications", "work:notification_read"}

PAGES = {
    "work:my_work": Spec(lambda w: reverse("work:my_work"), lambda w: w.case_manager, kind="list"),
}
