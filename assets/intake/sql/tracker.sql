-- Per round x department: was a delivery due, what arrived, and its status. A department is due in
-- a round when one of its indicators is due in that season (catalog due_in) and it has delivered
-- in an earlier or the same round (it is onboarded).
CREATE OR REPLACE TABLE submission_tracker AS
SELECT *, status = 'missing' AND current_date > deadline AS overdue
FROM (
WITH bounds AS (
    SELECT min(CAST(round || '-01' AS DATE)) AS first, max(CAST(round || '-01' AS DATE)) AS last
    FROM (SELECT round FROM submission_archive UNION ALL SELECT round FROM submission_files)
),
rounds AS (  -- every round from the first to the last one delivered, so an empty round shows too
    SELECT strftime(d, '%Y-%m') AS round
    FROM bounds, generate_series(bounds.first, bounds.last, INTERVAL 6 MONTH) AS g(d)
),
depts AS (SELECT code AS department, display_code, name_en FROM code_departments),
due AS (
    SELECT delivered_by AS department, bool_or(due_spring) AS spring, bool_or(due_november) AS november
    FROM indicator_catalog GROUP BY 1
),
onboarded AS (SELECT department, min(round) AS first_round FROM submission_archive GROUP BY 1),
files AS (
    SELECT round, department,
           count(*) FILTER (WHERE kind = 'indicators' AND status <> 'kept') AS files_received,
           count(*) FILTER (WHERE kind <> 'indicators' AND status <> 'kept') AS housing_files_received,
           count(*) FILTER (WHERE kind = 'indicators' AND status = 'rejected') AS files_rejected,
           count(*) FILTER (WHERE status = 'refused') AS files_refused,
           bool_or(kind = 'indicators' AND status = 'kept') AS earlier_version_kept,
           max(received_at) AS last_arrival,
           coalesce(min(first_problem) FILTER (WHERE kind = 'indicators' AND status = 'rejected'),
                    min(first_problem) FILTER (WHERE status = 'refused')) AS first_problem
    FROM submission_files GROUP BY 1, 2
),
versions AS (
    SELECT round, department, count(*) AS versions_received FROM submission_archive
    WHERE kind = 'indicators' GROUP BY 1, 2
)
SELECT
    r.round, d.department, d.display_code, d.name_en AS department_name,
    coalesce(CASE WHEN right(r.round, 2) = '05' THEN du.spring ELSE du.november END, false)
        AND o.first_round IS NOT NULL AND o.first_round <= r.round AS due,
    coalesce(f.files_received, 0) AS files_received,
    coalesce(v.versions_received, 0) AS versions_received,
    coalesce(f.files_rejected, 0) AS files_rejected,
    coalesce(f.files_refused, 0) AS files_refused,
    coalesce(f.housing_files_received, 0) AS housing_files_received,
    w.version AS version_in_force, w.file_name AS file_in_force,
    CASE WHEN w.version IS NOT NULL AND coalesce(f.files_rejected, 0) = 0 THEN 'accepted'
         WHEN w.version IS NOT NULL THEN 'accepted, later file rejected'
         WHEN coalesce(f.files_received, 0) - coalesce(f.files_refused, 0) > 0 THEN 'rejected'
         WHEN coalesce(f.files_refused, 0) > 0 THEN 'refused'
         WHEN coalesce(CASE WHEN right(r.round, 2) = '05' THEN du.spring ELSE du.november END, false)
              AND o.first_round IS NOT NULL AND o.first_round <= r.round THEN 'missing'
         ELSE 'not due' END AS status,
    -- the scheduled run on the 20th of the round's month is the deadline
    make_date(CAST(left(r.round, 4) AS INTEGER), CAST(right(r.round, 2) AS INTEGER), 20) AS deadline,
    f.last_arrival, f.first_problem
FROM rounds r CROSS JOIN depts d
LEFT JOIN due du ON du.department = d.department
LEFT JOIN onboarded o ON o.department = d.department
LEFT JOIN files f ON f.round = r.round AND f.department = d.department
LEFT JOIN versions v ON v.round = r.round AND v.department = d.department
LEFT JOIN submission_winners w ON w.round = r.round AND w.department = d.department AND w.kind = 'indicators'
)
ORDER BY round, department;
