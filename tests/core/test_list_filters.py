"""The list filters read as people expect: the blank choice is 全部, a yes/no filter offers
全部 / 是 / 否 (not django-filter's 未知), and the query values stay true / false for links
and the API."""

from django.urls import reverse

from houqin.core.choices import Role

from ..api_contracts import api_client
from ..procurement.factories import SupplierFactory


def test_yes_no_filter(world):
    school = world.schools["a"]
    canteen, stationer = SupplierFactory(school=school, food=True), SupplierFactory(school=school)
    client = world.client(Role.DIRECTOR)
    url = reverse("procurement:supplier_list")
    page = client.get(url).content.decode()
    assert '<option value="" selected>全部</option>' in page
    assert '<option value="true">是</option>' in page and '<option value="false">否</option>' in page
    assert "未知" not in page and "---------" not in page

    def listed(query):
        return {s.pk for s in client.get(url, query).context["object_list"]}

    assert listed({"food": "true"}) == {canteen.pk}
    assert listed({"food": "false"}) == {stationer.pk}
    assert listed({"food": ""}) == listed({}) == {canteen.pk, stationer.pk}
    api = api_client(world, Role.DIRECTOR)
    assert [s["id"] for s in api.get("/api/v1/suppliers/", {"food": "true"}).json()["results"]] == [canteen.pk]
