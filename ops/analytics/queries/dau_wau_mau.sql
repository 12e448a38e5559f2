-- DAU, WAU and MAU: signed-in users active that day, in the 7 days and in the 30 days ending that day; stickiness = DAU / MAU.
-- params: since, until
-- Reads the 29 days before :since as well, so that WAU and MAU are complete from the first day shown.
WITH active AS (
    SELECT DISTINCT day, user_id
    FROM usage_events
    WHERE day BETWEEN date_format(date_add('day', -29, date(:since)), '%Y-%m-%d') AND :until
      AND user_id IS NOT NULL
),
days AS (
    SELECT DISTINCT day
    FROM active
    WHERE day >= :since
),
counts AS (
    SELECT
        d.day,
        count(DISTINCT CASE WHEN a.day = d.day THEN a.user_id END) AS dau,
        count(DISTINCT CASE WHEN date(a.day) > date_add('day', -7, date(d.day)) THEN a.user_id END) AS wau,
        count(DISTINCT a.user_id) AS mau
    FROM days AS d
    JOIN active AS a
      ON date(a.day) BETWEEN date_add('day', -29, date(d.day)) AND date(d.day)
    GROUP BY d.day
)
SELECT day, dau, wau, mau, CAST(dau AS double) / mau AS stickiness
FROM counts
ORDER BY day
