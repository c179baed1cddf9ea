"""The daily schedule, the feed sensor and the automation sensor, evaluated as the daemon would (real ticks, a
real feed on 127.0.0.1)."""

from datetime import datetime, timezone

import dagster as dg

from bilat.pipelines.automation import new_feed_items
from bilat.pipelines.definitions import defs
from bilat.pipelines.resources import SourcesResource
from tests.httpserver import Reply, TestServer


def test_the_daily_schedule_runs_the_day_that_is_ending_and_is_on_by_default():
    schedule = defs.resolve_schedule_def("daily_ingest")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and schedule.job_name == "ingest_to_marts"
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def(),
                                            scheduled_execution_time=datetime(2025, 3, 4, 23, 30, tzinfo=timezone.utc))
        (request,) = list(schedule.evaluate_tick(context).run_requests)
        assert request.partition_key == "2025-03-04"  # the collection day that is ending, made a partition first
        assert instance.get_dynamic_partitions("collection_days") == ["2025-03-04"]


def test_the_automation_sensor_is_on_and_covers_the_eager_assets():
    sensor = defs.resolve_sensor_def("automation")
    assert isinstance(sensor, dg.AutomationConditionSensorDefinition)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    graph = defs.resolve_asset_graph()
    eager = {key for key in graph.get_all_asset_keys() if graph.get(key).automation_condition is not None}
    assert dg.AssetKey(["marts", "dyad_timeline"]) in eager and dg.AssetKey(["published_warehouse"]) in eager
    assert eager <= sensor.asset_selection.resolve(graph)


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
            today = datetime.now(timezone.utc).date().isoformat()  # where the run files newly listed URLs
            first = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources))
            assert [(r.partition_key, r.tags["bilat/new_items"]) for r in first.run_requests] == [(today, "3")]
            assert [list(p.partition_keys) for p in first.dynamic_partitions_requests] == [[today]]

            unchanged = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources, cursor=first.cursor))
            assert unchanged.run_requests == []  # the feed answered 304: nothing new, nothing downloaded
            assert server.hits("/feed.xml")[-1].status == 304

            items.append(("/d", "Wed, 05 Mar 2025 09:00:00 GMT"))
            later = new_feed_items(dg.build_sensor_context(instance=instance, resources=resources, cursor=unchanged.cursor))
            assert [(r.partition_key, r.tags["bilat/new_items"]) for r in later.run_requests] == [(today, "1")]
            assert later.run_requests[0].run_key != first.run_requests[0].run_key
