-- wrk: calls the list_projects server function as the browser does (a
-- same-origin form POST with the session cookie). BENCH_ORIGIN and
-- BENCH_COOKIE come from the environment.
wrk.method = "POST"
wrk.body = "page=1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
wrk.headers["Origin"] = os.getenv("BENCH_ORIGIN")
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
