"""The deterministic sample-data generators behind tools/generate_samples.py and
tools/generate_housing_samples.py (docs/sample_data.md). The two scripts are thin entry points;
the code lives here, one module per concern:

    common.py              paths, the catalog and the published figures, the round rule
    numbers.py             fitting integer counts to a rounded figure, integer allocation
    writer.py              the delivered file formats (CSV, reproducible XLSX)
    cli.py                 the shared command line (--verify, --out DIR)

  the indicator submissions (tools/generate_samples.py):
    rows.py                the rows being built, the departments' control totals
    indicators.py          employment, education, safety, culture and health series
    indicators_housing.py  the HOU-* district series
    submissions.py         generate(): every series, one file per round and department
    verify.py              re-read the files and recompute every published city figure

  the housing-area files (tools/generate_housing_samples.py):
    housing_areas.py       the areas, their groups and the brief's required outcomes
    housing_build.py       counts per area, section and period; the dwelling split; generate()
    housing_verify.py      re-read the files, classify every area, decompose 2006-12 -> 2008-12

No random numbers anywhere: two runs write byte-identical files.
"""
