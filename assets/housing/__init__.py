"""The housing domain: housing areas classified under the ministry's rule sets, the decomposition
of change, the district shares."""
