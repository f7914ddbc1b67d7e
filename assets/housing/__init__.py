"""The housing domain: housing areas classified under the ministry's rule sets, the decomposition
of change, the district shares; each table declared by its contract (contracts/<table>.yml) and
built by build.py."""
