"""The asset list's first page is read through an index in the list's order, not by a scan of
the school's rows and a sort (issue 21, item 1): EXPLAIN on SQLite and on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from houqin.core.choices import Role

from .factories import AssetFactory


def _page_query(client, url):
    """The SQL of the list's page of assets (the one query with its ORDER BY and LIMIT)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    pages = [q["sql"] for q in queries.captured_queries
             if 'FROM "assets_asset"' in q["sql"] and "ORDER BY" in q["sql"] and "LIMIT" in q["sql"]]
    assert len(pages) == 1, pages
    return pages[0]


def _plan(sql):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: else a seq scan wins
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize(("url", "index"), [
    ("/assets/", "asset_school_newest"),
    ("/assets/?status=idle", "asset_school_status_newest"),
])
def test_the_first_page_uses_the_order_index(world, url, index):
    school = world.schools["a"]
    for _ in range(3):
        AssetFactory(school=school, status="idle", by=world.user(Role.DIRECTOR))
    plan = _plan(_page_query(world.client(Role.DIRECTOR), url))
    assert index in plan, plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan and "Sort" not in plan, plan
