-- API health per region and day: requests (all, and of signed-in users), server errors (5xx), error rate and p50/p95/p99 latency in milliseconds; a failover shows as signed-in traffic moving to the DR region.
-- params: since, until
SELECT
    day,
    region,
    count(*) AS requests,
    count_if(user_id IS NOT NULL) AS user_requests,
    count_if(status >= 500) AS server_errors,
    CAST(count_if(status >= 500) AS double) / count(*) AS error_rate,
    approx_percentile(latency_ms, 0.5) AS p50_ms,
    approx_percentile(latency_ms, 0.95) AS p95_ms,
    approx_percentile(latency_ms, 0.99) AS p99_ms
FROM usage_events
WHERE day BETWEEN :since AND :until
GROUP BY day, region
ORDER BY day, region
