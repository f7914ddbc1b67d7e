-- The published `districts`: the district code list as loaded by the indicator_catalog asset.
SELECT * FROM code_districts
