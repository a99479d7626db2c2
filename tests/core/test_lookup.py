"""Large choices as a searchable input served by one scoped endpoint (issue 21, item 9): the
asset detail page stays small at a school of 500 rooms and 500 people, the endpoint offers
only the active school's rows, and the forms take a typed name or number without JS."""

import pytest
from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.models import Person, Room
from tests.assets.factories import AssetFactory
from tests.factories import BuildingFactory, PersonFactory, RoomFactory


def _many(school, n):
    building = BuildingFactory(school=school, name="大楼")
    Room.objects.bulk_create(Room(school=school, building=building, name=f"房{i}", number=str(i)) for i in range(n))
    Person.objects.bulk_create(Person(school=school, name=f"人{i}") for i in range(n))


def test_the_asset_detail_page_stays_small_with_500_rooms_and_500_people(world):
    school = world.schools["a"]
    _many(school, 500)
    asset = AssetFactory(school=school, by=world.user(Role.DIRECTOR))
    response = world.client(Role.DIRECTOR).get(asset.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="move-room"' in html and 'name="lend-borrower"' in html  # the forms are there
    assert html.count("<option") < 100, html.count("<option")
    assert len(response.content) < 60_000, len(response.content)


def _lookup(client, kind, text):
    response = client.get(reverse("core:lookup", args=[kind]), {"q": text})
    return response.status_code, response.content.decode()


def test_the_lookup_offers_only_the_active_schools_rows(world):
    mine = RoomFactory(school=world.schools["a"], name="多媒体教室")
    other = RoomFactory(school=world.schools["c"], name="多媒体教室")
    PersonFactory(school=world.schools["b"], name="王老师")
    client = world.client(Role.DIRECTOR)
    status, html = _lookup(client, "rooms", "多媒体")
    assert status == 200
    assert f"[#{mine.pk}]" in html and f"[#{other.pk}]" not in html
    assert "王老师" not in _lookup(client, "people", "王")[1]
    assert _lookup(client, "nothing", "x")[0] == 404


def test_the_lookup_needs_a_sign_in(world):
    from django.test import Client

    assert _lookup(Client(), "rooms", "a")[0] == 302


@pytest.mark.parametrize("typed", ["{pk}", "{name} [#{pk}]", "{name}"])
def test_a_move_takes_the_room_typed_or_picked(world, typed):
    school = world.schools["a"]
    asset = AssetFactory(school=school, by=world.user(Role.DIRECTOR))
    room = RoomFactory(school=school, name="独一无二室")
    value = typed.format(pk=room.pk, name=room)
    value = value if "{name}" not in typed or "[#" in value else room.name
    response = world.client(Role.DIRECTOR).post(reverse("assets:asset_move", args=[asset.pk]), {"move-room": value})
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.room == room


def test_another_schools_room_typed_by_name_is_refused(world):
    asset = AssetFactory(school=world.schools["a"], by=world.user(Role.DIRECTOR))
    RoomFactory(school=world.schools["c"], name="别校的房间")
    before = asset.room_id
    world.client(Role.DIRECTOR).post(reverse("assets:asset_move", args=[asset.pk]), {"move-room": "别校的房间"})
    asset.refresh_from_db()
    assert asset.room_id == before
