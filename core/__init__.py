"""The resource layer, below the assets: settings (where things live), the round partitions, the
Warehouse resource and its SQL helpers, the one rounding rule, the one disclosure module and the
published tables' contracts. Imports only schemas/ and libraries; assets/ and pipelines/ build on it."""
