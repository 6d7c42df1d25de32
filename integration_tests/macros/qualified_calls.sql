{#- A user's own macro calling the package the way dbt packages are called: qualified, from the root
    project. dbt resolves the package's internal calls only if they are qualified too, so
    this is what `test/package/real-dbt.test.ts` runs on dbt-core and dbt 2.x. Dry runs only: the
    example profile's credentials are dummies. -#}
{% macro orchestration_qualified_calls() %}
  {% do dbt_cloud_orchestration.build_orchestration_resources(dry_run=true, offline=true) %}
  {% do dbt_cloud_orchestration.orchestration_graph() %}
  {% do dbt_cloud_orchestration.create_stream_generic("RAW", "SALES", '"Order Items"', dry_run=true) %}
  {% do dbt_cloud_orchestration.create_task_generic(67890, "daily sales", ["ORCH_STREAM__RAW__SALES__ORDERS"], schedule="triggered", dry_run=true) %}
  {% do dbt_cloud_orchestration.create_proc__dbt_cloud_run_job(dry_run=true) %}
  {% do dbt_cloud_orchestration.create_dbt_cloud_external_access(dry_run=true) %}
{% endmacro %}
