"""Region settings: declared with a default, overridden as data, checked on the way in."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haard.core import region_settings
from haard.core.models import RegionSetting

pytestmark = pytest.mark.django_db

WINDOW = region_settings.declare(
    "test.window_months",
    kind=int,
    default=12,
    description="Test window in months",
    source="test default",
    minimum=1,
    maximum=120,
)


def test_default_until_overridden() -> None:
    assert region_settings.value("test.window_months") == 12
    RegionSetting.objects.create(key="test.window_months", value=6)
    assert region_settings.value("test.window_months") == 6
    assert region_settings.describe("test.window_months") == "Test window in months (6; test default)"


@pytest.mark.parametrize("bad", [0, 500, "twelve", True, 1.5])
def test_bad_overrides_are_refused_with_the_setting_named(bad: object) -> None:
    setting = RegionSetting(key="test.window_months", value=bad)
    with pytest.raises(ValidationError) as error:
        setting.full_clean()
    assert "test.window_months" in str(error.value)


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError):
        RegionSetting(key="nope", value=1).full_clean()


def test_conflicting_declarations_are_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        region_settings.declare("test.window_months", kind=int, default=3, description="other")


def test_a_request_reads_the_overrides_once(django_assert_num_queries: Any) -> None:
    # What the request_started and request_finished receivers do (sending the signals here
    # would also close the test's database connection).
    RegionSetting.objects.create(key="test.window_months", value=6)
    region_settings.start_request()
    try:
        with django_assert_num_queries(1):
            assert region_settings.value("test.window_months") == 6
            assert region_settings.value("test.window_months") == 6
            assert region_settings.value("insight.suppress_below") >= 1  # a default: no query
        # A change within the request is seen at once.
        RegionSetting.objects.filter(key="test.window_months").get().delete()
        assert region_settings.value("test.window_months") == 12
    finally:
        region_settings.end_request()
    # Outside a request every read goes to the database.
    RegionSetting.objects.create(key="test.window_months", value=7)
    with django_assert_num_queries(1):
        assert region_settings.value("test.window_months") == 7
