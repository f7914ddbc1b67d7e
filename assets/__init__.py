"""Asset code: intake of department submissions, indicator computation, marts and publishing."""
