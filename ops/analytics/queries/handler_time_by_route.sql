-- Mean handler time per route, all requests (signed in or not): what Lambda bills as duration (ops cost reads it).
-- params: since, until
-- latency_ms is the time spent in the handler (the usage event contract), so the mean times the requests is the busy time.
SELECT
    route,
    count(*) AS requests,
    avg(latency_ms) AS mean_ms
FROM usage_events
WHERE day BETWEEN :since AND :until
GROUP BY route
ORDER BY requests DESC, route
