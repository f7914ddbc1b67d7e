-- What this publication adds to the publication log (history.publication_log), and the
-- barometer_vintages mart as it will stand once published. $edition: the latest round in force;
-- $run_id: this run. reconstructed_figures: the back catalogue's never-published editions, rebuilt
-- once from the rows in force as of each (filled by the asset before this script).
CREATE OR REPLACE TABLE pending_publication AS
WITH logged AS (
    SELECT edition, indicator, reference_period, arg_max(value, entry_no) AS value
    FROM history.publication_log GROUP BY ALL
),
current_figures AS (
    SELECT CAST($edition AS VARCHAR) AS edition, indicator, reference_period, value, false AS reconstructed
    FROM barometer_history
    UNION ALL
    SELECT edition, indicator, reference_period, value, true FROM reconstructed_figures
),
new_or_changed AS (
    SELECT c.* FROM current_figures c
    LEFT JOIN logged l USING (edition, indicator, reference_period)
    WHERE l.indicator IS NULL OR l.value IS DISTINCT FROM c.value
)
SELECT
    coalesce((SELECT max(entry_no) FROM history.publication_log), 0)
        + row_number() OVER (ORDER BY edition, indicator, reference_period) AS entry_no,
    edition, indicator, reference_period, value, CAST(now() AS TIMESTAMP) AS published_at,
    CAST($run_id AS VARCHAR) AS run_id, reconstructed
FROM new_or_changed;

-- Each edition's figures as first published beside the latest (revised) figures.
CREATE OR REPLACE TABLE barometer_vintages AS
WITH log AS (
    SELECT * FROM history.publication_log
    UNION ALL
    SELECT * FROM pending_publication
),
first AS (
    SELECT edition, indicator, reference_period,
           arg_min(value, entry_no) AS value_as_published,
           min(published_at) AS frozen_at,
           bool_and(reconstructed) AS reconstructed,
           count(*) - 1 AS revisions_in_edition
    FROM log GROUP BY ALL
)
SELECT
    f.edition AS vintage_round, f.indicator, f.reference_period, h.reference_date,
    f.value_as_published,
    h.value AS latest_value,
    h.published_round AS latest_round,
    coalesce(h.value IS DISTINCT FROM f.value_as_published, true) AS revised,
    publish_round(h.value - f.value_as_published, c.decimals) AS revision,
    f.frozen_at,
    f.reconstructed
FROM first f
JOIN indicator_catalog c ON c.code = f.indicator
LEFT JOIN barometer_history h ON h.indicator = f.indicator AND h.reference_period = f.reference_period
ORDER BY f.edition, f.indicator, f.reference_period;
