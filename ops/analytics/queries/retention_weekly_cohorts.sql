-- Retention by weekly cohort: users whose first active day falls in the week (weeks start on Monday), and the share of them active again exactly 1, 7 and 30 days after that first day.
-- params: since, until
-- Cohorts are first days between :since and :until; history up to :until is read to find first days. A user counts toward Dn (eligible) only when the day first day + n is observed: not after :until, a complete day (before today, UTC) and holding events (any, health checks too), so days past the data, today's partial day or days lost on the way are not taken for days nobody came back. A rate is retained / eligible, null while nobody is eligible.
WITH seen AS (
    SELECT DISTINCT date(day) AS d, user_id
    FROM usage_events
    WHERE day <= :until
),
observed AS (
    SELECT DISTINCT d
    FROM seen
    WHERE d < current_date
),
active AS (
    SELECT d, user_id
    FROM seen
    WHERE user_id IS NOT NULL
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
observable AS (
    SELECT
        f.first_day,
        count_if(o.d = date_add('day', 1, f.first_day)) > 0 AS d1,
        count_if(o.d = date_add('day', 7, f.first_day)) > 0 AS d7,
        count_if(o.d = date_add('day', 30, f.first_day)) > 0 AS d30
    FROM (SELECT DISTINCT first_day FROM cohort) AS f
    LEFT JOIN observed AS o ON date_diff('day', f.first_day, o.d) IN (1, 7, 30)
    GROUP BY f.first_day
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
        date_format(date_trunc('week', p.first_day), '%Y-%m-%d') AS cohort_week,
        count(*) AS cohort_users,
        count_if(o.d1) AS d1_eligible,
        count_if(o.d1 AND p.back_d1 > 0) AS d1_retained,
        count_if(o.d7) AS d7_eligible,
        count_if(o.d7 AND p.back_d7 > 0) AS d7_retained,
        count_if(o.d30) AS d30_eligible,
        count_if(o.d30 AND p.back_d30 > 0) AS d30_retained
    FROM per_user AS p
    JOIN observable AS o ON o.first_day = p.first_day
    GROUP BY date_format(date_trunc('week', p.first_day), '%Y-%m-%d')
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
