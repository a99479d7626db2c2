"""The management commands: demo (idempotent), tick (idempotent), gendata, serve."""

import datetime
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from houqin.core import demo as demo_data
from houqin.core.choices import SCHOOL_ROLES, CertificateKind, Role, RoomKind
from houqin.core.models import (
    Certificate,
    Membership,
    Notification,
    Person,
    Room,
    School,
    SchoolClass,
    User,
)

from ..conftest import built_once_per_module

pytestmark = pytest.mark.django_db


def run(*args, **kwargs):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def row_counts():
    """Rows of every model, change-history tables included."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


_demo = built_once_per_module(lambda: run("demo"))


@pytest.fixture
def demo(_demo, db):
    return _demo


def test_demo_twice_changes_nothing(demo):
    before = row_counts()
    history = {label: n for label, n in before.items() if ".Historical" in label}
    assert sum(history.values()) > 0
    out = run("demo")
    assert row_counts() == before
    assert "未作改动" in out


def test_demo_builds_the_two_schools(demo):
    esyx, styx = School.objects.get(code="esyx"), School.objects.get(code="styx")
    assert (esyx.name, styx.name) == ("恩施市实验小学", "石台实验小学")
    assert esyx.district.code == styx.district.code == "demo"
    for school in (esyx, styx):
        assert SchoolClass.objects.filter(school=school).count() == 18
        six_three = SchoolClass.objects.get(school=school, grade=6, number=3)
        assert six_three.head_teacher.user.username == f"{school.code}.teacher"
        assert six_three.room.kind == RoomKind.CLASSROOM
        kinds = set(Room.objects.filter(school=school).values_list("kind", flat=True))
        assert kinds >= set(RoomKind) - {RoomKind.DORMITORY}
        assert Person.objects.filter(school=school, employment="contract", user__isnull=True).exists()
        for role in SCHOOL_ROLES:
            user = User.objects.get(username=f"{school.code}.{role}")
            assert Membership.objects.filter(user=user, school=school, role=role).exists()
            assert Person.objects.filter(school=school, user=user).exists()
    assert styx.boarding and Room.objects.filter(school=styx, kind=RoomKind.DORMITORY).exists()
    assert Membership.objects.filter(user__username="district.officer", role=Role.DISTRICT_OFFICER,
                                     district__code="demo").exists()
    assert User.objects.get(username="admin").is_superuser


def test_expired_elevator_operator_certificate(demo):
    today = timezone.localdate()
    cert = Certificate.objects.get(school__code="esyx", person__position="电梯司机",
                                   kind=CertificateKind.SPECIAL_EQUIPMENT)
    assert cert.expires_on < today - datetime.timedelta(days=365)  # 已过期一年多
    assert cert.state == "expired"
    in_30_days = today + datetime.timedelta(days=30)
    soon = Certificate.objects.filter(expires_on__gte=today, expires_on__lte=in_30_days)
    assert soon.exists()
    assert Certificate.objects.filter(expires_on__gt=in_30_days).count() > soon.count()
    assert Certificate.objects.filter(kind=CertificateKind.HEALTH, person__position="厨师").exists()


def test_demo_users_log_in_and_land_on_home(demo):
    usernames = [f"{code}.{role}" for code in ("esyx", "styx") for role in SCHOOL_ROLES]
    for username in [*usernames, "district.officer", "admin"]:
        client = Client()
        response = client.post("/login/", {"username": username, "password": demo_data.DEMO_PASSWORD},
                                follow=True)
        assert response.status_code == 200, username
        assert response.redirect_chain and response.redirect_chain[-1][0] == "/", username
        page = response.content.decode()
        if username == "admin":
            continue
        role = Role.DISTRICT_OFFICER if username == "district.officer" else Role(username.split(".")[1])
        assert role.label in page, username


@pytest.mark.heavy
def test_demo_prints_the_logins(db):
    out = run("demo")
    assert "esyx.director" in out and "总务主任" in out and "恩施市实验小学" in out
    assert "district.officer" in out and demo_data.DEMO_PASSWORD in out


def test_tick_twice_notifies_once(demo):
    out = run("tick")
    first = Notification.objects.count()
    assert first > 0
    assert "certificates" in out
    run("tick")
    assert Notification.objects.count() == first
    elevator = Notification.objects.filter(title__contains="卢德顺")
    # The director and the principal of esyx, once each.
    recipients = sorted(elevator.values_list("recipient__username", flat=True))
    assert recipients == ["esyx.director", "esyx.principal"]


def test_tick_date_and_only(demo):
    before = Notification.objects.count()  # the demo's approvals already notified their signers
    run("tick", "--date", (timezone.localdate() + datetime.timedelta(days=3650)).isoformat(),
        "--only", "certificates")
    later = Notification.objects.count()
    # Ten years on every certificate has expired: one notification per certificate and manager.
    assert later - before == Certificate.objects.count() * 2
    with pytest.raises(CommandError):
        run("tick", "--only", "no-such-task")
    with pytest.raises(CommandError):
        run("tick", "--date", "2026-13-01")


# The modules' own steps default to 100,000 rows a school (for the benchmarks): a few here, and
# tests/<app>/test_gendata.py test those steps.
FEW = ("-o", "assets=12", "-o", "stock_movements=40")


def test_gendata_creates_the_requested_counts(db):
    out = run("gendata", "--schools", "2", "--rooms-per-school", "30", "--people-per-school", "20", *FEW)
    schools = School.objects.filter(district__code="gen")
    assert schools.count() == 2
    for school in schools:
        assert Room.objects.filter(school=school).count() == 30
        assert Person.objects.filter(school=school).count() == 20
        assert Certificate.objects.filter(school=school).count() == 20
        assert SchoolClass.objects.filter(school=school).exists()
        director = User.objects.get(username=f"{school.code}.director")
        assert director.check_password(demo_data.DEMO_PASSWORD)
        assert Membership.objects.filter(user=director, school=school, role=Role.DIRECTOR).exists()
        assert apps.get_model("assets", "Asset").objects.filter(school=school).count() == 12
        assert apps.get_model("stock", "Movement").objects.filter(school=school).count() == 40
    assert "行/秒" in out
    # A second run skips the existing schools and adds only the new one.
    run("gendata", "--schools", "3", "--rooms-per-school", "5", "--people-per-school", "5", *FEW)
    assert School.objects.filter(district__code="gen").count() == 3
    assert Room.objects.filter(school__code="gen3").count() == 5


def test_gendata_director_sees_his_rooms(db):
    run("gendata", "--schools", "1", "--rooms-per-school", "60", "--people-per-school", "10", *FEW)
    client = Client()
    client.force_login(User.objects.get(username="gen1.director"))
    response = client.get("/rooms/")
    assert response.status_code == 200


def test_serve_runs_gunicorn_with_our_options(monkeypatch, tmp_path, settings):
    from houqin.core.management.commands import serve

    settings.STATIC_ROOT = tmp_path
    ran, collected, workers = [], [], []

    class Worker:
        def terminate(self):
            workers.append("stopped")

        def wait(self, timeout):
            pass

    monkeypatch.setattr(serve.HouqinServer, "run", lambda self: ran.append(self.options))
    monkeypatch.setattr(serve, "start_worker", lambda: workers.append("started") or Worker())
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: collected.append(a))
    run("serve", "--workers", "3", "--bind", "127.0.0.1:8123")
    assert collected == [("collectstatic",)]
    assert ran[0]["workers"] == 3 and ran[0]["bind"] == "127.0.0.1:8123" and ran[0]["accesslog"] == "-"
    # With a manifest in STATIC_ROOT nothing is collected; the default is 2 × CPU + 1 workers.
    Path(tmp_path, "staticfiles.json").write_text("{}")
    run("serve")
    assert len(collected) == 1
    assert ran[1]["workers"] == serve.default_workers()
    # the background tasks' worker runs beside gunicorn and stops with it, unless told not to
    assert workers == ["started", "stopped"] * 2
    run("serve", "--no-worker")
    assert workers == ["started", "stopped"] * 2 and len(ran) == 3
    app = serve.HouqinServer({"workers": 2, "bind": "127.0.0.1:8124"})
    assert app.cfg.workers == 2 and app.cfg.bind == ["127.0.0.1:8124"]


def test_demo_steps_run_after_the_steps_they_wait_on():
    from houqin.core.demo import DEMO_STEPS, Step, discover, in_order

    def step(name, *after):
        return Step(name, None, after)

    steps = [step("a"), step("late", "c"), step("b"), step("c", "b"), step("d")]
    assert [s.name for s in in_order(steps)] == ["a", "b", "c", "late", "d"]
    with pytest.raises(ValueError, match="wait on each other"):
        in_order([step("x", "y"), step("y", "x")])
    with pytest.raises(ValueError, match="no installed app registers"):
        in_order([step("x", "nowhere")])
    discover()
    names = [s.name for s in in_order(DEMO_STEPS)]
    assert names.index("stock") < names.index("maintenance")  # repairs take parts from stock
    assert names.index("procurement") < names.index("stock_totals")  # the term's purchases add up last
