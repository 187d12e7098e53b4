import pytest
from tests.e2e.conftest import assert_accessible
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
def test_probe(page):
    page.set_content('<html><body><img src="x.png"><input type="text"><p style="color:#ccc;background:#fff">low</p></body></html>')
    assert_accessible(page)
