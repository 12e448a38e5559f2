-- API health per route, all regions together: requests, client (4xx) and server (5xx) errors, error rate (share answered 5xx) and p50/p95/p99 latency in milliseconds.
-- params: since, until
-- approx_percentile is approximate in Athena (rank error about 1 %) and in DuckDB alike.
SELECT
    route,
    count(*) AS requests,
    count_if(status BETWEEN 400 AND 499) AS client_errors,
    count_if(status >= 500) AS server_errors,
    CAST(count_if(status >= 500) AS double) / count(*) AS error_rate,
    approx_percentile(latency_ms, 0.5) AS p50_ms,
    approx_percentile(latency_ms, 0.95) AS p95_ms,
    approx_percentile(latency_ms, 0.99) AS p99_ms
FROM usage_events
WHERE day BETWEEN :since AND :until
GROUP BY route
ORDER BY requests DESC, route
