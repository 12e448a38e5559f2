-- Consumer engagement per day: consumers active, inbox reads (GET /notifications answered 2xx) and readers, new subscriptions to providers.
-- params: since, until
SELECT
    day,
    count(DISTINCT user_id) AS active_consumers,
    count_if(route = 'GET /notifications' AND status BETWEEN 200 AND 299) AS inbox_reads,
    count(DISTINCT CASE WHEN route = 'GET /notifications' AND status BETWEEN 200 AND 299 THEN user_id END) AS inbox_readers,
    count_if(route = 'POST /providers/{id}/subscribe' AND status BETWEEN 200 AND 299) AS subscriptions
FROM usage_events
WHERE day BETWEEN :since AND :until
  AND role = 'consumer'
GROUP BY day
ORDER BY day
