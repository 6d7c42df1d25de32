"""A stand-in for Snowflake under real dbt: fakesnow plus what this package needs (docs/testing-live-path.md)."""

from .catalog import Catalog
from .dbt_session import DbtRun, DbtSession
from .standin import RecordedStatement, SnowflakeStandIn

__all__ = ["Catalog", "DbtRun", "DbtSession", "RecordedStatement", "SnowflakeStandIn"]
