-- The published `efforts`: one row per effort x statement year, from the statement in force
-- (effort_rows_in_force). The descriptive cells are given on one of the effort's rows (or alike
-- on several: the intake rule effort_described_once); budgets and the rows they come from beside.
SELECT
    statement_year,
    department,
    max(committee) AS committee,
    effort_id,
    max(effort_name) AS effort_name,
    max(policy_goals) AS policy_goals,
    coalesce(list_sort(list_distinct(list_filter(regexp_split_to_array(max(indicators), '[^A-Za-z0-9_-]+'),
                                                 lambda x: x <> ''))), []::VARCHAR[]) AS indicators,
    max(target_group) AS target_group,
    max(activities) AS activities,
    max(year_goal) AS year_goal,
    max(contribution) AS contribution,
    max(evaluated) = 'ja' AS evaluated,
    max(evaluation) AS evaluation,
    max(statistical_follow_up) = 'ja' AS statistical_follow_up,
    max(activities_done) AS activities_done,
    max(activities_outstanding) AS activities_outstanding,
    max(goal_fulfilment) AS goal_fulfilment,
    max(participants) AS participants,
    max(assessment) AS assessment,
    list_sort(list_distinct(list(area))) AS areas,
    coalesce(sum(budget_dkk) FILTER (WHERE budget_year = statement_year), 0) AS budget_statement_year_dkk,
    sum(budget_dkk) AS budget_all_years_dkk,
    min(budget_year) AS first_budget_year,
    max(budget_year) AS last_budget_year,
    any_value(round) AS round,
    any_value(version) AS version,
    any_value(file_name) AS file_name,
    list_sort(list(source_row)) AS source_rows
FROM effort_rows_in_force
WHERE row_type = 'effort'
GROUP BY statement_year, department, effort_id
ORDER BY statement_year, department, effort_id
