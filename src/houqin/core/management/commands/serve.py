"""`houqin serve`: the production application server (gunicorn) for houqin.wsgi, and beside
it the worker of the background tasks (django-tasks' `db_worker`: imports run there).

Static files are served by WhiteNoise from STATIC_ROOT; `collectstatic` runs first when
STATIC_ROOT has no manifest yet. Behind nginx, bind to 127.0.0.1 and proxy to it.
"""

import multiprocessing
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections
from gunicorn.app.base import BaseApplication

from houqin.wsgi import application

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


class HouqinServer(BaseApplication):
    """gunicorn run from Python with our settings instead of its command line."""

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


def default_workers():
    return multiprocessing.cpu_count() * 2 + 1


def ensure_static(stdout=None):
    """Collect static files unless STATIC_ROOT already has WhiteNoise's manifest."""
    if Path(settings.STATIC_ROOT, "staticfiles.json").exists():
        return False
    if stdout is not None:
        stdout.write(f"收集静态文件到 {settings.STATIC_ROOT} ……")
    call_command("collectstatic", interactive=False, verbosity=0)
    return True


def start_worker():
    """The task worker as a child process (the queue is a table: no other server to run);
    `--no-worker` when a separate service runs `houqin db_worker` instead."""
    return subprocess.Popen([sys.executable, "-m", "django", "db_worker"])  # noqa: S603 - fixed arguments


class Command(BaseCommand):
    help = "运行 gunicorn 应用服务器（访问日志输出到标准输出，静态文件由 WhiteNoise 提供）"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000", help="监听地址（默认 127.0.0.1:8000）")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="工作进程数（默认 2×CPU+1）")
        parser.add_argument("--threads", type=int, default=1, help="每个进程的线程数（大于 1 时用 gthread）")
        parser.add_argument("--timeout", type=int, default=60, help="请求超时秒数")
        parser.add_argument("--max-requests", type=int, default=0,
                            help="进程处理多少请求后重启（0 为不重启）")
        parser.add_argument("--no-access-log", action="store_true", help="不输出访问日志（压测时用）")
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程（另行运行 houqin db_worker 时）")

    def gunicorn_options(self, options):
        return {
            "bind": options["bind"],
            "workers": options["workers"],
            "threads": options["threads"],
            "timeout": options["timeout"],
            "max_requests": options["max_requests"],
            "max_requests_jitter": options["max_requests"] // 10,
            "accesslog": None if options["no_access_log"] else "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "proc_name": "houqin",
        }

    def handle(self, *args, **options):
        ensure_static(self.stdout)
        connections.close_all()  # nothing open is inherited by the forked workers
        self.stdout.write(f"Houqin 在 http://{options['bind']} 运行，{options['workers']} 个工作进程")
        self.stdout.flush()
        worker = None if options["no_worker"] else start_worker()
        try:
            HouqinServer(self.gunicorn_options(options)).run()
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
