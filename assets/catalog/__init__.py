"""The catalog domain: the indicator catalog and the code lists, validated and loaded into the warehouse."""
