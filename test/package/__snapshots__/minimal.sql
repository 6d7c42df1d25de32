create schema if not exists "ANALYTICS"."DBT_DEV";

create table if not exists "ANALYTICS"."DBT_DEV"."ORCHESTRATION_LOGS" (
  invoked_at timestamp_ltz not null,
  job_name varchar not null,
  job_id number not null,
  task_name varchar not null,
  status varchar not null,
  run_id number,
  run_url varchar,
  result variant,
  logs array,
  run_status varchar,
  run_finished_at timestamp_ltz,
  run_duration_seconds number
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation (definition cb121b9ddbda7594f1337cabd241dcb2) [non-prod target dev]';

create or replace procedure "ANALYTICS"."DBT_DEV"."DBT_CLOUD_RUN_JOB"(
  access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number,
  min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, timezone varchar, options variant
)
copy grants
returns variant
language python
runtime_version = '3.11'
packages = ('snowflake-snowpark-python', 'requests')
handler = 'main'
external_access_integrations = ("DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION")
secrets = ('dbt_cloud_token' = "ANALYTICS"."DBT_DEV"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition 9270bbcbebf3f97c45219159fbab87da) [non-prod target dev]'
as
$$
<the text of macros-src/procedure/dbt_cloud_run_job.py>
$$;

create stream if not exists "ANALYTICS"."DBT_DEV"."ORCH_STREAM__67890__RAW__SALES__ORDERS"
  on table "RAW"."SALES"."ORDERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS for dbt Cloud job 67890 (definition 2ddcb87a2a74f323be5f187dbf509733) [non-prod target dev]';

create or alter task "ANALYTICS"."DBT_DEV"."ORCH_TASK__DAILY_SALES__67890"
  user_task_managed_initial_warehouse_size = 'XSMALL'
  schedule = '15 MINUTE'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67890 (daily sales) (definition 8812ee00d07d3767791b471c26af24fc) [non-prod target dev]'
  when system$stream_has_data('"ANALYTICS"."DBT_DEV"."ORCH_STREAM__67890__RAW__SALES__ORDERS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''UTC'', current_timestamp())::timestamp_ntz;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV"."ORCH_STREAM__67890__RAW__SALES__ORDERS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."DBT_DEV"."ORCH_STREAM__67890__RAW__SALES__ORDERS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."DBT_DEV"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''target dev is not a prod target: dbt Cloud was not called''));
  if (outcome:status::varchar in (''TRIGGERED'', ''ADOPTED'')) then
    commit;
  else
    rollback;
  end if;
  insert into "ANALYTICS"."DBT_DEV"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
  return outcome:status::varchar;
exception
  when other then
    rollback;
    failure := object_construct(''status'', ''ERROR'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(),
      ''logs'', array_construct(''the task failed: '' || sqlerrm));
    insert into "ANALYTICS"."DBT_DEV"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';
