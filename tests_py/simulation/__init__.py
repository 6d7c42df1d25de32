"""A simulated week of the runtime: the example project's jobs deployed through real dbt, data arriving, tasks
firing on a simulated clock, dbt Cloud answering (docs/development.md, "The simulated week").

scenario.py makes a seeded week, deployment.py plays it against the Snowflake stand-in, events.py is what was
seen, invariants.py what must hold of it, summary.py the table printed at the end.
"""
