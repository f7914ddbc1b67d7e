-- Per round x department: was a delivery due, what arrived, and its status. A department is due in
-- a round when one of its indicators is due in that season (catalog due_in) and it has delivered
-- in an earlier or the same round (it is onboarded). The effort statement (spring) and the project
-- bank (November) have a status each: due once the department has delivered one of that kind;
-- a missing statement is `carried forward` only where catalog/effort_carry_forward.csv declares it
-- (registered as `carry_forward_declared` by tracker.py), never implicitly.
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
onboarded AS (SELECT department, min(round) AS first_round FROM submission_archive
               WHERE kind NOT IN ('efforts', 'projects') GROUP BY 1),
other_half AS (  -- per round x department x kind (efforts, projects): what arrived and what is in force
    SELECT k.kind, r.round, d.department,
           o.first_round IS NOT NULL AND o.first_round <= r.round
               AND right(r.round, 2) = CASE k.kind WHEN 'efforts' THEN '05' ELSE '11' END AS due,
           (SELECT count(*) FROM submission_files f WHERE f.round = r.round AND f.department = d.department
               AND f.kind = k.kind AND f.status NOT IN ('kept', 'refused')) AS received,
           (SELECT count(*) FROM submission_files f WHERE f.round = r.round AND f.department = d.department
               AND f.kind = k.kind AND f.status = 'rejected') AS rejected,
           w.version IS NOT NULL AS in_force,
           c.department IS NOT NULL AS declared
    FROM (VALUES ('efforts'), ('projects')) k(kind) CROSS JOIN rounds r CROSS JOIN depts d
    LEFT JOIN (SELECT kind, department, min(round) AS first_round FROM submission_archive
               WHERE kind IN ('efforts', 'projects') GROUP BY 1, 2) o ON o.kind = k.kind AND o.department = d.department
    LEFT JOIN submission_winners w ON w.round = r.round AND w.department = d.department AND w.kind = k.kind
    LEFT JOIN carry_forward_declared c ON k.kind = 'efforts' AND c.department = d.department
                                      AND c.year = CAST(left(r.round, 4) AS INTEGER)
),
other_status AS (
    SELECT round, department,
           max(CASE WHEN kind = 'efforts' THEN st END) AS efforts_status,
           max(CASE WHEN kind = 'projects' THEN st END) AS projects_status
    FROM (SELECT kind, round, department,
                 CASE WHEN in_force AND rejected = 0 THEN 'accepted'
                      WHEN in_force THEN 'accepted, later file rejected'
                      WHEN received > 0 THEN 'rejected'
                      WHEN due AND declared THEN 'carried forward'
                      WHEN due THEN 'missing'
                      ELSE 'not due' END AS st
          FROM other_half)
    GROUP BY 1, 2
),
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
    FROM submission_files WHERE kind NOT IN ('efforts', 'projects') GROUP BY 1, 2
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
    f.last_arrival, f.first_problem,
    os.efforts_status, os.projects_status
FROM rounds r CROSS JOIN depts d
LEFT JOIN due du ON du.department = d.department
LEFT JOIN onboarded o ON o.department = d.department
LEFT JOIN files f ON f.round = r.round AND f.department = d.department
LEFT JOIN versions v ON v.round = r.round AND v.department = d.department
LEFT JOIN submission_winners w ON w.round = r.round AND w.department = d.department AND w.kind = 'indicators'
LEFT JOIN other_status os ON os.round = r.round AND os.department = d.department
)
ORDER BY round, department;
