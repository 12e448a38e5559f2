-- Retention by weekly cohort: users whose first active day falls in the week (weeks start on Monday), and the share of them active again exactly 1, 7 and 30 days after that first day.
-- params: since, until
-- Cohorts are first days between :since and :until; history up to :until is read to find first days. A user counts toward Dn only once first day + n <= :until (eligible); a rate is retained / eligible, null while nobody is eligible.
WITH active AS (
    SELECT DISTINCT date(day) AS d, user_id
    FROM usage_events
    WHERE day <= :until
      AND user_id IS NOT NULL
),
first_seen AS (
    SELECT user_id, min(d) AS first_day
    FROM active
    GROUP BY user_id
),
cohort AS (
    SELECT user_id, first_day
    FROM first_seen
    WHERE first_day BETWEEN date(:since) AND date(:until)
),
returns AS (
    SELECT c.user_id, date_diff('day', c.first_day, a.d) AS n
    FROM cohort AS c
    JOIN active AS a ON a.user_id = c.user_id
    WHERE date_diff('day', c.first_day, a.d) IN (1, 7, 30)
),
per_user AS (
    SELECT
        c.user_id,
        c.first_day,
        count_if(r.n = 1) AS back_d1,
        count_if(r.n = 7) AS back_d7,
        count_if(r.n = 30) AS back_d30
    FROM cohort AS c
    LEFT JOIN returns AS r ON r.user_id = c.user_id
    GROUP BY c.user_id, c.first_day
),
weekly AS (
    SELECT
        date_format(date_trunc('week', first_day), '%Y-%m-%d') AS cohort_week,
        count(*) AS cohort_users,
        count_if(first_day <= date_add('day', -1, date(:until))) AS d1_eligible,
        count_if(back_d1 > 0) AS d1_retained,
        count_if(first_day <= date_add('day', -7, date(:until))) AS d7_eligible,
        count_if(back_d7 > 0) AS d7_retained,
        count_if(first_day <= date_add('day', -30, date(:until))) AS d30_eligible,
        count_if(back_d30 > 0) AS d30_retained
    FROM per_user
    GROUP BY date_format(date_trunc('week', first_day), '%Y-%m-%d')
)
SELECT
    cohort_week,
    cohort_users,
    d1_eligible,
    d1_retained,
    CAST(d1_retained AS double) / nullif(d1_eligible, 0) AS d1_rate,
    d7_eligible,
    d7_retained,
    CAST(d7_retained AS double) / nullif(d7_eligible, 0) AS d7_rate,
    d30_eligible,
    d30_retained,
    CAST(d30_retained AS double) / nullif(d30_eligible, 0) AS d30_rate
FROM weekly
ORDER BY cohort_week
