-- Requests per active user per day, by route: total requests of signed-in users on the route divided by active user-days (the sum of DAU) in the range; what one user costs in API calls.
-- params: since, until
WITH signed_in AS (
    SELECT day, user_id, route
    FROM usage_events
    WHERE day BETWEEN :since AND :until
      AND user_id IS NOT NULL
),
user_days AS (
    SELECT count(*) AS n
    FROM (SELECT DISTINCT day, user_id FROM signed_in) AS distinct_user_days
)
SELECT
    s.route,
    count(*) AS requests,
    max(u.n) AS active_user_days,
    CAST(count(*) AS double) / max(u.n) AS requests_per_user_day
FROM signed_in AS s
CROSS JOIN user_days AS u
GROUP BY s.route
ORDER BY requests_per_user_day DESC, s.route
