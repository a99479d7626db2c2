"""The school's group robot (企业微信 / 钉钉 webhook) may only be reached where it is safe to
send: `https` to a public address. An address inside the school's network or the server's
own (127.0.0.1, 10.x, 192.168.x, the cloud metadata service at 169.254.169.254 …) is refused
when the URL is saved and again when a message is sent — after DNS resolution, so a name
that resolves (or later re-resolves) to such an address is refused too — and the connection
goes to the address that was checked. Redirects are not followed.

Internal relays an administrator trusts are listed in settings.HOUQIN_WEBHOOK_ALLOWED_HOSTS
(host names or addresses); for them `http` is allowed and the address is not checked."""

import http.client
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


class UnsafeWebhook(ValueError):
    """A webhook URL the server must not call; the message says why, in Chinese."""


def allowed_host(host):
    return host.lower().rstrip(".") in {h.lower().rstrip(".") for h in settings.HOUQIN_WEBHOOK_ALLOWED_HOSTS}


def is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip.is_global and not ip.is_multicast


def split(url):
    """(scheme, host, port) of a URL the robot may use, or UnsafeWebhook."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeWebhook("群机器人地址格式不正确")
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if not host:
        raise UnsafeWebhook("群机器人地址缺少主机名")
    if parts.username or parts.password:
        raise UnsafeWebhook("群机器人地址不能包含用户名或密码")
    if scheme != "https" and not (scheme == "http" and allowed_host(host)):
        raise UnsafeWebhook("群机器人地址必须以 https:// 开头")
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host, port):
    """Every address the host name resolves to, each checked; the first to connect to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeWebhook(f"无法解析群机器人地址的域名“{host}”")
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise UnsafeWebhook(f"无法解析群机器人地址的域名“{host}”")
    if allowed_host(host):
        return addresses[0]
    for address in addresses:
        if not is_public(address):
            raise UnsafeWebhook(f"群机器人地址指向内部网络或本机（{host} → {address}），不允许；"
                                "如确需使用内部中转，请由管理员加入允许列表")
    return addresses[0]


def check_url(url):
    """The checks of sending, at saving: a ValidationError (on the field) for a URL that the
    robot would refuse to call."""
    try:
        resolve(*split(url)[1:])
    except UnsafeWebhook as refusal:
        raise ValidationError({"webhook_url": str(refusal)})


def post(url, body, timeout=5):
    """POST the JSON body to the checked address of the URL; returns the HTTP status. Raises
    UnsafeWebhook for an unsafe URL and OSError when the robot cannot be reached."""
    scheme, host, port = split(url)
    address = resolve(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = cls(host, port, timeout=timeout)  # TLS checks the certificate against `host`
    # Connect to the address just checked, not to whatever the name resolves to a moment later.
    connection._create_connection = lambda _addr, *args: socket.create_connection((address, port), *args)
    try:
        connection.request("POST", target, body=body, headers={"Content-Type": "application/json"})
        return connection.getresponse().status  # a redirect is an answer, not followed
    finally:
        connection.close()
