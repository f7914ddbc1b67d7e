-- Internal warehouse tables (warehouse/internal/barometer_internal.duckdb). Idempotent DDL.
-- These hold unsuppressed counts: internal only, never published as they are.

-- Every version in the durable register (history.received_files) with the outcome of its
-- validation: derived, refilled by validating each registered version from its archived bytes.
CREATE TABLE IF NOT EXISTS submission_archive (
    round           VARCHAR NOT NULL,
    department      VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,   -- indicators | areas | dwellings | efforts | projects
    version         INTEGER NOT NULL,   -- 1, 2, ... in order of arrival
    sha256          VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,   -- the name it first arrived under
    archived_path   VARCHAR NOT NULL,   -- relative to warehouse/archive/
    size_bytes      BIGINT NOT NULL,
    received_at     TIMESTAMP NOT NULL, -- when the pipeline first saw these bytes
    outcome         VARCHAR NOT NULL,   -- accepted | rejected
    n_rows          INTEGER,
    n_problems      INTEGER NOT NULL,
    first_problem   VARCHAR,
    report_path     VARCHAR,
    run_id          VARCHAR,
    PRIMARY KEY (round, department, kind, sha256)
);

-- The version in force per department x round x kind: the latest accepted version, as long as
-- the department has a file for the round in raw/ (no file = nothing delivered).
CREATE TABLE IF NOT EXISTS submission_winners (
    round VARCHAR NOT NULL, department VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    version INTEGER NOT NULL, sha256 VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
    PRIMARY KEY (round, department, kind)
);

-- The files in raw/ at the last run, with their version's outcome (refused: a link or another
-- non-regular file, never read: sha256 '' and version 0).
CREATE TABLE IF NOT EXISTS submission_files (
    round           VARCHAR NOT NULL,
    department      VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,
    path            VARCHAR NOT NULL,   -- where the file lies in raw/ (never moved), or the archive copy for 'kept'
    sha256          VARCHAR NOT NULL,
    version         INTEGER NOT NULL,
    received_at     TIMESTAMP,
    processed_at    TIMESTAMP NOT NULL,
    status          VARCHAR NOT NULL,   -- accepted | superseded | rejected | kept (see docs/submissions.md)
    n_rows          INTEGER,
    n_problems      INTEGER NOT NULL,
    first_problem   VARCHAR,
    report_path     VARCHAR,
    run_id          VARCHAR,
    PRIMARY KEY (round, department, kind, file_name, sha256)
);

CREATE TABLE IF NOT EXISTS submission_rows (  -- the rows of every accepted version
    round            VARCHAR NOT NULL,
    department       VARCHAR NOT NULL,
    version          INTEGER NOT NULL,
    file_name        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL,
    source_row       INTEGER NOT NULL,  -- row number in the file as the department sees it
    indicator        VARCHAR NOT NULL,  -- the series code rows are submitted under
    reference_period VARCHAR NOT NULL,  -- 'YYYY-MM' or 'YYYY'
    reference_date   DATE NOT NULL,     -- first day of the period
    period_type      VARCHAR NOT NULL,  -- month | year
    district         VARCHAR NOT NULL,
    subunit          VARCHAR,
    population_group VARCHAR NOT NULL,
    sex              VARCHAR NOT NULL,
    numerator        DOUBLE,
    denominator      DOUBLE,
    value            DOUBLE,
    sd               DOUBLE,
    note             VARCHAR
);

-- Housing areas (docs/housing.md): one row per area (or section) x month, as delivered.
CREATE TABLE IF NOT EXISTS housing_area_rows (
    round VARCHAR NOT NULL, department VARCHAR NOT NULL, version INTEGER NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL, source_row INTEGER NOT NULL,
    area_id VARCHAR NOT NULL, area_name VARCHAR NOT NULL, area_group VARCHAR, district VARCHAR NOT NULL,
    section VARCHAR, reference_period VARCHAR NOT NULL, reference_date DATE NOT NULL,
    residents DOUBLE, residents_18_64 DOUBLE, outside_labour_market DOUBLE, family_dwellings DOUBLE,
    movein_flexible DOUBLE, movein_combined DOUBLE
);

-- Dwellings of an area between two months, emptied (all residents moved) or kept.
CREATE TABLE IF NOT EXISTS dwelling_rows (
    round VARCHAR NOT NULL, department VARCHAR NOT NULL, version INTEGER NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL, source_row INTEGER NOT NULL,
    area_id VARCHAR NOT NULL, period_from VARCHAR NOT NULL, period_to VARCHAR NOT NULL,
    dwelling_status VARCHAR NOT NULL, dwellings DOUBLE, transfer_from DOUBLE, transfer_to DOUBLE,
    residents_18_64_from DOUBLE, residents_18_64_to DOUBLE
);

-- Effort statements (docs/submissions.md, "Effort statements"): one row per effort x budget year x
-- area as delivered, and the statement's own control totals (row_type 'total', never summed).
CREATE TABLE IF NOT EXISTS effort_rows (
    round VARCHAR NOT NULL, department VARCHAR NOT NULL, version INTEGER NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL, source_row INTEGER NOT NULL,
    statement_year INTEGER NOT NULL, row_type VARCHAR NOT NULL, effort_id VARCHAR, effort_name VARCHAR,
    committee VARCHAR, policy_goals VARCHAR, indicators VARCHAR, target_group VARCHAR, activities VARCHAR,
    year_goal VARCHAR, contribution VARCHAR, evaluated VARCHAR, evaluation VARCHAR, statistical_follow_up VARCHAR,
    activities_done VARCHAR, activities_outstanding VARCHAR, goal_fulfilment VARCHAR, participants VARCHAR,
    assessment VARCHAR, budget_year INTEGER, area VARCHAR, budget_dkk DOUBLE NOT NULL, note VARCHAR
);

-- The project bank (docs/submissions.md, "Project bank"): one row per project x year of co-financing.
CREATE TABLE IF NOT EXISTS project_rows (
    round VARCHAR NOT NULL, department VARCHAR NOT NULL, version INTEGER NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL, source_row INTEGER NOT NULL,
    project_id VARCHAR NOT NULL, project_name VARCHAR NOT NULL, owner_department VARCHAR NOT NULL,
    priority_areas VARCHAR NOT NULL, start_month VARCHAR NOT NULL, end_month VARCHAR NOT NULL,
    total_budget_dkk DOUBLE NOT NULL, status VARCHAR NOT NULL, year INTEGER NOT NULL, cofinancing_dkk DOUBLE NOT NULL,
    note VARCHAR
);

-- The effort rows in force: of each department's statement for a year, the winning version of
-- the latest round that delivered it (a later round's statement for the same year is a correction).
CREATE OR REPLACE VIEW effort_rows_in_force AS
SELECT r.*
FROM effort_rows r
JOIN submission_winners w
  ON w.round = r.round AND w.department = r.department AND w.kind = 'efforts' AND w.version = r.version
QUALIFY r.round = max(r.round) OVER (PARTITION BY r.department, r.statement_year);

-- The project rows in force: each year's project bank is the winning version of the latest round of
-- that year that delivered one, per delivering department.
CREATE OR REPLACE VIEW project_rows_in_force AS
SELECT r.*, CAST(left(r.round, 4) AS INTEGER) AS delivery_year
FROM project_rows r
JOIN submission_winners w
  ON w.round = r.round AND w.department = r.department AND w.kind = 'projects' AND w.version = r.version
QUALIFY r.round = max(r.round) OVER (PARTITION BY r.department, left(r.round, 4));

-- The rows in force as of a round: the winning version of each department and round, then, for
-- each cell (series, period, district, subunit, group), the latest round that delivered it: a
-- later round's rows for a cell are a correction and replace ALL earlier rows of that cell,
-- whatever sex split either used (a T row corrected as F + M, or F + M corrected as T); cells it
-- does not resend stay as they were. Earlier versions and rounds stay in submission_rows.
CREATE OR REPLACE MACRO winning_rows(upto) AS TABLE  -- the rows of each round's version in force, up to `upto`
SELECT r.*
FROM submission_rows r
JOIN submission_winners w
  ON w.round = r.round AND w.department = r.department AND w.kind = 'indicators' AND w.version = r.version
WHERE r.round <= upto;

CREATE OR REPLACE MACRO rows_as_of(as_of) AS TABLE
SELECT r.*
FROM winning_rows(as_of) r
QUALIFY r.round = max(r.round) OVER (PARTITION BY r.indicator, r.reference_period, r.district,
                                     coalesce(r.subunit, ''), r.population_group);

CREATE OR REPLACE VIEW current_rows AS SELECT * FROM rows_as_of('9999-99');

-- The rows in force at every round up to `upto` that changed a series' period, without repeating
-- a row for every edition it stays in force: a (series, period)'s figures change only in the
-- rounds that deliver rows for it (changed_in), so each row is given the change rounds of its
-- period from its own round until the round that next delivers its cell (as in rows_as_of).
-- Between two change rounds the period's figures are those of the earlier one.
CREATE OR REPLACE MACRO period_changes(upto) AS TABLE  -- the rounds up to `upto` that delivered rows of a series' period
SELECT DISTINCT indicator, reference_period, round AS changed_in FROM winning_rows(upto);

CREATE OR REPLACE MACRO rows_by_change(upto) AS TABLE
WITH won AS (
    SELECT *, coalesce(subunit, '') AS subunit_key FROM winning_rows(upto)
),
cell_rounds AS (
    SELECT DISTINCT indicator, reference_period, district, subunit_key, population_group, round FROM won
),
cell_spans AS (
    SELECT *, lead(round) OVER (PARTITION BY indicator, reference_period, district, subunit_key, population_group
                                ORDER BY round) AS next_round
    FROM cell_rounds
),
changes AS (
    SELECT * FROM period_changes(upto)
)
SELECT ch.changed_in AS edition_key, r.* EXCLUDE (subunit_key)
FROM won r
JOIN cell_spans s
  ON s.indicator = r.indicator AND s.reference_period = r.reference_period AND s.district = r.district
 AND s.subunit_key = r.subunit_key AND s.population_group = r.population_group AND s.round = r.round
JOIN changes ch
  ON ch.indicator = r.indicator AND ch.reference_period = r.reference_period
 AND ch.changed_in >= r.round AND (s.next_round IS NULL OR ch.changed_in < s.next_round);

CREATE TABLE IF NOT EXISTS indicator_observations (
    indicator          VARCHAR NOT NULL,
    area               VARCHAR NOT NULL,
    reference_period   VARCHAR NOT NULL,
    reference_date     DATE NOT NULL,
    period_type        VARCHAR NOT NULL,
    district           VARCHAR NOT NULL,  -- district code, or KBH for the city (summed counts)
    value              DOUBLE,            -- unrounded
    reference_value    DOUBLE,            -- the comparison group's rate/mean, where the catalog has one
    numerator          DOUBLE,            -- the measured group's counts (cumulated for cumulative_count)
    denominator        DOUBLE,
    reference_numerator   DOUBLE,
    reference_denominator DOUBLE,
    group_sd           DOUBLE,            -- pooled standard deviation, mean-type series
    reference_sd       DOUBLE,
    source_rows        INTEGER NOT NULL,  -- how many submission rows produced the figure
    source_files       VARCHAR[] NOT NULL,
    published_round    VARCHAR NOT NULL,  -- the round whose rows produced the figure
    catalog_version    VARCHAR NOT NULL
);
