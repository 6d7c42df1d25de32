create schema if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION";

create table if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS" (
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
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation (definition a43fdbd4a835fa93a17ba4f7e3bcb049) [non-prod target dev]';

create or replace procedure "ANALYTICS"."DBT_DEV_ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(
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
secrets = ('dbt_cloud_token' = "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition 197ce1ce1fd7633e8b9d02920cd44777) [non-prod target dev]'
as
$$
<the text of macros-src/procedure/dbt_cloud_run_job.py>
$$;

create stream if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"
  on table "RAW"."SALES"."ORDERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS for dbt Cloud job 67890 (definition 6350a08cbc3f585af21b43b36c3bfd70) [non-prod target dev]';

create stream if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"
  on table "RAW"."SALES"."Order Items"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.Order Items for dbt Cloud job 67890 (definition 55e7948e09f3f963ca61335b4022c78a) [non-prod target dev]';

create stream if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"
  on table "RAW"."SALES"."CUSTOMERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.CUSTOMERS for dbt Cloud job 67890 (definition 8f1b7cf7557b4c49381ce97307af02e8) [non-prod target dev]';

create stream if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"
  on table "RAW"."INVENTORY"."STOCK_LEVELS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.INVENTORY.STOCK_LEVELS for dbt Cloud job 67891 (definition 234e3c0afdaeb984a904ab2b28f11bf5) [non-prod target dev]';

create stream if not exists "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"
  on table "RAW"."FINANCE"."GENERAL_LEDGER"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.FINANCE.GENERAL_LEDGER for dbt Cloud job 67892 (definition 8e20c2b880f2bb7725885368f09ced55) [non-prod target dev]';

create or alter task "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890"
  warehouse = "TRANSFORMING"
  schedule = '15 MINUTE'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67890 (daily sales) (definition 828798ee67c51e06130781d912b55bf8) [non-prod target dev]'
  when system$stream_has_data('"ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"')
    or system$stream_has_data('"ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"')
    or system$stream_has_data('"ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  if (not (to_char(local_now, ''HH24:MI'') between ''06:00'' and ''20:00'' and dayofweekiso(local_now) - 1 in (0, 1, 2, 3, 4))) then
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''outside the start window or weekdays (America/Chicago); changes wait for the next run''));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS" where false;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS" where false;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS" limit 1) union all select * from (select 1 as pending from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS" limit 1) union all select * from (select 1 as pending from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
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
  insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
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
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';

create or alter task "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_TASK__INVENTORY_SNAPSHOT__67891"
  warehouse = "TRANSFORMING"
  user_task_minimum_trigger_interval_in_seconds = 300
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67891 (inventory snapshot) (definition 321cbfae7ae4fa72b2c2ad0f8c899912) [non-prod target dev]'
  when system$stream_has_data('"ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  if (not ((to_char(local_now, ''HH24:MI'') >= ''22:00'' or to_char(local_now, ''HH24:MI'') <= ''02:00''))) then
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''outside the start window or weekdays (America/Chicago); changes wait for the next run''));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
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
  insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
  return outcome:status::varchar;
exception
  when other then
    rollback;
    failure := object_construct(''status'', ''ERROR'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(),
      ''logs'', array_construct(''the task failed: '' || sqlerrm));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';

create or alter task "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892"
  warehouse = "TRANSFORMING"
  schedule = 'USING CRON 0 6 * * 1-5 America/Chicago'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67892 (finance close) (definition 994862de623cf8e845662aab3154bef5) [non-prod target dev]'
  when system$stream_has_data('"ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''finance close'', 67892, ''ORCH_TASK__FINANCE_CLOSE__67892'',
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
  insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''finance close'', 67892, ''ORCH_TASK__FINANCE_CLOSE__67892'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
  return outcome:status::varchar;
exception
  when other then
    rollback;
    failure := object_construct(''status'', ''ERROR'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(),
      ''logs'', array_construct(''the task failed: '' || sqlerrm));
    insert into "ANALYTICS"."DBT_DEV_ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''finance close'', 67892, ''ORCH_TASK__FINANCE_CLOSE__67892'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';
