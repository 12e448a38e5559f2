-- App version mix per day: signed-in users active with each app version, per platform (how fast a release is adopted).
-- params: since, until
SELECT
    day,
    platform,
    coalesce(app_version, 'unknown') AS app_version,
    count(DISTINCT user_id) AS active_users
FROM usage_events
WHERE day BETWEEN :since AND :until
  AND user_id IS NOT NULL
GROUP BY day, platform, coalesce(app_version, 'unknown')
ORDER BY day, platform, app_version
