-- Platform mix per day: signed-in users active on iOS, Android and the web, and their requests.
-- params: since, until
SELECT
    day,
    platform,
    count(DISTINCT user_id) AS active_users,
    count(*) AS requests
FROM usage_events
WHERE day BETWEEN :since AND :until
  AND user_id IS NOT NULL
GROUP BY day, platform
ORDER BY day, platform
