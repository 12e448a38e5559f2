-- Requests per hour of the day (UTC), signed-in requests apart: the daily peak that capacity and concurrency are sized for (ops cost reads it).
-- params: since, until
SELECT
    hour(ts) AS hour,
    count(*) AS requests,
    count(user_id) AS user_requests
FROM usage_events
WHERE day BETWEEN :since AND :until
GROUP BY hour(ts)
ORDER BY hour
