#!/usr/bin/env python3
"""Turns the bench's `key value` lines into the table `make bench` prints and
the same figures as JSON, with the ratios the targets are stated in.

    scripts/bench/report.py RESULTS.txt RESULTS.json
"""
import json
import sys


def main():
    source, target = sys.argv[1:3]
    raw = {}
    with open(source) as lines:
        for line in lines:
            key, value = line.split()
            raw[key] = float(value)

    def get(key):
        return raw.get(key)

    def ratio(a, b):
        a, b = get(a), get(b)
        return round(a / b, 3) if a and b else None

    pages = [
        ("floor: GET /livez", "floor"),
        ("GET /projects (50 rows)", "projects"),
        ("GET /projects/:id (30 tasks)", "project"),
        ("POST /api/list_projects", "server_fn"),
        ("GET /api/v1/projects (API key)", "api_projects"),
        ("baseline: bare axum + sqlx list", "baseline"),
        (f"GET /projects, {int(get('large.tenants') or 0)} tenants", "large_projects"),
        (f"baseline, {int(get('large.tenants') or 0)} tenants", "large_baseline"),
    ]
    print()
    print(f"{'request':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>11}")
    for label, key in pages:
        print(
            f"{label:<40} {get(key + '.rps') or 0:>9.0f} {get(key + '.p50_ms') or 0:>8.2f}"
            f" {get(key + '.p99_ms') or 0:>8.2f} {get(key + '.cpu_ms') or 0:>11.3f}"
        )
    print()
    print(f"{'database (pgbench, app role)':<40} {'tps':>9}")
    for label, key in [
        ("one /projects page's statements", "db_page"),
        ("list query, RLS", "list_rls"),
        ("list query, explicit filter, no RLS", "list_filter"),
        ("list, member with unit roles, 2,000 units", "org_list_deep"),
        ("list, the same in a flat tenant", "org_list_flat"),
        ("list filtered to a unit's subtree", "org_list_unit"),
        ("one project write, 2,000 units", "org_write_deep"),
        ("one project write, flat tenant", "org_write_flat"),
        ("list query, RLS, large", "large_list_rls"),
        ("list query, explicit filter, large", "large_list_filter"),
    ]:
        print(f"{label:<40} {get(key + '.tps') or 0:>9.0f}")

    ratios = {
        "projects_vs_baseline_rps": ratio("projects.rps", "baseline.rps"),
        "api_vs_baseline_rps": ratio("api_projects.rps", "baseline.rps"),
        "api_vs_server_fn_rps": ratio("api_projects.rps", "server_fn.rps"),
        "rls_vs_filter_tps": ratio("list_rls.tps", "list_filter.tps"),
        "large_rls_vs_filter_tps": ratio("large_list_rls.tps", "large_list_filter.tps"),
        "large_vs_small_projects_p50": ratio("large_projects.p50_ms", "projects.p50_ms"),
        "large_vs_small_baseline_p50": ratio("large_baseline.p50_ms", "baseline.p50_ms"),
        "projects_vs_database_page_rps": ratio("projects.rps", "db_page.tps"),
        "projects_cpu_vs_baseline": ratio("projects.cpu_ms", "baseline.cpu_ms"),
        "org_flat_vs_deep_list_tps": ratio("org_list_flat.tps", "org_list_deep.tps"),
        "org_flat_vs_deep_unit_list_tps": ratio("org_list_flat.tps", "org_list_unit.tps"),
        "org_flat_vs_deep_write_tps": ratio("org_write_flat.tps", "org_write_deep.tps"),
    }
    print()
    print(f"statements per GET /projects: {get('round_trips.statements_per_page')}")
    print(
        f"server RSS: {(get('server.rss_idle_kb') or 0) / 1024:.1f} MB idle,"
        f" {(get('server.rss_peak_kb') or 0) / 1024:.1f} MB peak under load"
    )
    print(
        f"data: {int(get('large.tenants') or 0)} tenants,"
        f" {int(get('large.projects') or 0)} projects in the large run"
    )
    print()
    targets = [
        ("/projects req/s vs the baseline (target >= 0.5)", "projects_vs_baseline_rps"),
        ("/api/v1/projects req/s vs the baseline", "api_vs_baseline_rps"),
        ("/api/v1/projects req/s vs the server function's", "api_vs_server_fn_rps"),
        ("RLS list tps vs explicit filter (target >= 0.95)", "rls_vs_filter_tps"),
        ("the same, 10,000 tenants", "large_rls_vs_filter_tps"),
        ("/projects p50, 10,000 vs 10 tenants (target <= 1.25)", "large_vs_small_projects_p50"),
        ("the baseline's p50, 10,000 vs 10 tenants", "large_vs_small_baseline_p50"),
        ("/projects req/s vs its statements in pgbench", "projects_vs_database_page_rps"),
        ("/projects CPU per request vs the baseline's", "projects_cpu_vs_baseline"),
        ("flat vs 2,000-unit list tps (target <= 1.5)", "org_flat_vs_deep_list_tps"),
        ("flat list vs unit-filtered list tps", "org_flat_vs_deep_unit_list_tps"),
        ("flat vs 2,000-unit write tps", "org_flat_vs_deep_write_tps"),
    ]
    for label, key in targets:
        print(f"{label:<55} {ratios[key]}")

    with open(target, "w") as out:
        json.dump({"figures": raw, "ratios": ratios}, out, indent=2, sort_keys=True)
        out.write("\n")
    print(f"\nwritten to {target}")


if __name__ == "__main__":
    main()
