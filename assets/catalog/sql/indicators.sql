-- The published `indicators`: the validated catalog as loaded by the indicator_catalog asset.
SELECT * FROM indicator_catalog
