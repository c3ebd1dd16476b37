"""Small frames for the id assignment tests: clusters and a previous run's crosswalk."""

from __future__ import annotations

import pandas as pd

from identity import schema as s


def clusters(**groups: list[str]) -> pd.DataFrame:
    """``cluster_id`` -> its record keys."""
    rows = [(key, cluster) for cluster, keys in groups.items() for key in keys]
    return pd.DataFrame(rows, columns=[s.RECORD_KEY, s.CLUSTER_ID])


def previous(**customers: list[str]) -> pd.DataFrame:
    """``customer_id`` -> its record keys, as the previous run's crosswalk held them."""
    rows = [(key, customer) for customer, keys in customers.items() for key in keys]
    return pd.DataFrame(rows, columns=[s.RECORD_KEY, s.CUSTOMER_ID])
