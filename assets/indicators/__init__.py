"""The indicators domain: observations per policy area, lights, progress toward targets, area lights."""
