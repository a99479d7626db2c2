"""What the central checks (the route walk, the tenancy test) cannot derive from the code,
declared by each app in its own tests/<app label>/declared.py, so that a new app edits no
central list. Each module may define:

    ROUTE_MODEL         route name -> label of the model its URL's parameter names, where that
                        is not the view's `model` (nor the viewset's queryset model)
    NOT_SCHOOL_OBJECTS  route name -> why its parameter names no object of a school
    ROUTE_BODIES        API route name -> school -> the valid body the route walk posts, for an
                        action that checks its body before it looks the object up
    COVERED_ELSEWHERE   model label -> the test covering a school-owned model that has no pages
                        or endpoint of its own (and so no page or API contract)
"""

import pkgutil
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


def app_test_packages():
    """tests.<label> for every installed app that has one."""
    names = (f"tests.{config.label}" for config in apps.get_app_configs())
    return [name for name in names if find_spec(name) is not None]


def declared(name):
    """The dict `name` of every app's declared.py, merged; a key declared twice is an error."""
    merged = {}
    for package in app_test_packages():
        if find_spec(f"{package}.declared") is None:
            continue
        for key, value in getattr(import_module(f"{package}.declared"), name, {}).items():
            assert key not in merged, f"{key} is declared twice"
            merged[key] = value
    return merged


def import_test_modules():
    """Import every app's test modules, whose contract classes register themselves."""
    for package in app_test_packages():
        for module in pkgutil.iter_modules(import_module(package).__path__):
            if module.name.startswith("test_"):
                import_module(f"{package}.{module.name}")
