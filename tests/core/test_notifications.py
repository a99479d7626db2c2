"""In-app notifications, and the optional e-mail and group-robot channels (tested against a
local HTTP server on 127.0.0.1, never a real one)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from houqin.core import services
from houqin.core.models import Notification


@pytest.fixture
def robot():
    """A local stand-in for the 企业微信 / 钉钉 robot endpoint; collects what it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/robot", received
    server.shutdown()


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
@override_settings(HOUQIN_WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"])  # the local stand-in is an allowed relay
def test_group_robot_gets_the_message_after_commit(world, robot, kind, django_capture_on_commit_callbacks):
    url, received = robot
    school = world.schools["a"]
    school.webhook_kind, school.webhook_url = kind, url
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([world.user("director")], school=school, title="电梯维保已超期")
        assert received == []  # nothing leaves before the commit
    assert received == [{"msgtype": "text", "text": {"content": "【后勤】电梯维保已超期"}}]


def test_a_failing_robot_does_not_break_the_work(world, django_capture_on_commit_callbacks):
    school = world.schools["a"]
    school.webhook_kind, school.webhook_url = "wecom", "http://127.0.0.1:9/none"
    school.save()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.notify([world.user("director")], school=school, title="测试")
    assert len(created) == 1


@override_settings(HOUQIN_EMAIL_ENABLED=True)
def test_email_channel(world, django_capture_on_commit_callbacks):
    user = world.user("director")
    user.email = "director@example.edu.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user, world.user("teacher")], school=world.schools["a"], title="证件将到期")
    assert [m.to for m in mail.outbox] == [["director@example.edu.cn"]]


def test_dedupe_key_notifies_once(world):
    for _ in range(2):
        services.notify([world.user("director")], school=world.schools["a"], title="x", dedupe_key="k1")
    assert Notification.objects.count() == 1


def test_unread_count_in_header_and_mark_read(world):
    user = world.user("teacher")
    services.notify([user], school=world.schools["a"], title="您的报修已完成")
    services.notify([user], school=world.schools["a"], title="请签收")
    client = world.client("teacher")
    page = client.get(reverse("core:home")).content.decode()
    assert 'id="unread-count">2<' in page
    one = Notification.objects.get(title="请签收")
    client.post(reverse("core:notification_read"), {"id": one.pk})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    client.post(reverse("core:notification_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_notifications_are_private(world):
    services.notify([world.user("director")], school=world.schools["a"], title="只给主任")
    other = world.client("teacher")
    assert "只给主任" not in other.get(reverse("core:notification_list")).content.decode()
    note = Notification.objects.get()
    other.post(reverse("core:notification_read"), {"id": note.pk})
    note.refresh_from_db()
    assert note.read_at is None


def test_webhook_refuses_non_http_schemes(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    assert services.send_webhook("wecom", f"file://{secret}", "hi") is None
