-- New and returning users per day: new = first active day in the whole history, returning = active on an earlier day too.
-- params: since, until
-- Reads every day up to :until, because a user's first day can be anywhere in the history.
WITH active AS (
    SELECT DISTINCT day, user_id
    FROM usage_events
    WHERE day <= :until
      AND user_id IS NOT NULL
),
first_seen AS (
    SELECT user_id, min(day) AS first_day
    FROM active
    GROUP BY user_id
)
SELECT
    a.day,
    count(*) AS active_users,
    count_if(a.day = f.first_day) AS new_users,
    count_if(a.day > f.first_day) AS returning_users
FROM active AS a
JOIN first_seen AS f ON a.user_id = f.user_id
WHERE a.day >= :since
GROUP BY a.day
ORDER BY a.day
