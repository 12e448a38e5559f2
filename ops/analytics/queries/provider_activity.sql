-- Provider activity per day: providers active, notifications they sent (POST /notifications accepted) and how many providers sent any.
-- params: since, until
SELECT
    day,
    count(DISTINCT user_id) AS active_providers,
    count_if(route = 'POST /notifications' AND status BETWEEN 200 AND 299) AS notifications_sent,
    count(DISTINCT CASE WHEN route = 'POST /notifications' AND status BETWEEN 200 AND 299 THEN user_id END) AS notifying_providers
FROM usage_events
WHERE day BETWEEN :since AND :until
  AND role = 'provider'
GROUP BY day
ORDER BY day
