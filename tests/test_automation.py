"""The daily schedule and the feed sensor, evaluated as the daemon would (real ticks, a real feed on 127.0.0.1)."""

from datetime import datetime, timezone

import dagster as dg

from bilat.pipelines.automation import new_feed_items
from bilat.pipelines.definitions import defs
from bilat.pipelines.resources import SourcesResource
from tests.httpserver import Reply, TestServer


def test_the_daily_schedule_runs_the_newest_day_and_is_on_by_default():
    schedule = defs.resolve_schedule_def("daily_ingest")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and schedule.job_name == "ingest_to_marts"
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, scheduled_execution_time=datetime(2025, 3, 4, 23, 30, tzinfo=timezone.utc))
        (request,) = list(schedule.evaluate_tick(context).run_requests)
    assert request.partition_key == "2025-03-04"  # the day that is ending (partitions include today: end_offset=1)


def _feed(server: TestServer, items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><link>{server.url(path)}</link><pubDate>{date}</pubDate></item>" for path, date in items)
    return f'<rss version="2.0"><channel><title>t</title>{body}</channel></rss>'.encode()


def test_the_sensor_requests_runs_for_days_with_new_items_only(tmp_path):
    with TestServer() as server:
        items = [("/a", "Mon, 03 Mar 2025 10:00:00 GMT"), ("/b", "Mon, 03 Mar 2025 12:00:00 GMT"), ("/c", "Tue, 04 Mar 2025 08:00:00 GMT")]
        server.route("/feed.xml", lambda seen: Reply(body=_feed(server, items), headers={"ETag": f'"{len(items)}"'})
                     if seen.headers.get("if-none-match") != f'"{len(items)}"' else Reply(status=304))
        server.route("/robots.txt", Reply(status=404))
        sources = tmp_path / "sources.yaml"
        sources.write_text(f"sources:\n  - {{name: local, kind: rss, url: '{server.url('/feed.xml')}', allow_hosts: [127.0.0.1]}}\n")
        resources = {"sources": SourcesResource(sources_file=str(sources), raw_store_path=str(tmp_path / "raw"))}

        with dg.instance_for_test() as instance:
            first = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources))
            assert sorted(r.partition_key for r in first.run_requests) == ["2025-03-03", "2025-03-04"]
            assert dict((r.partition_key, r.tags["bilat/new_items"]) for r in first.run_requests)["2025-03-03"] == "2"

            unchanged = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources, cursor=first.cursor))
            assert unchanged.run_requests == []  # the feed answered 304: nothing new, nothing downloaded
            assert server.hits("/feed.xml")[-1].status == 304

            items.append(("/d", "Wed, 05 Mar 2025 09:00:00 GMT"))
            later = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources, cursor=unchanged.cursor))
            assert [r.partition_key for r in later.run_requests] == ["2025-03-05"]
