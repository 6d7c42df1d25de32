create schema if not exists "ANALYTICS"."ORCHESTRATION";

create table if not exists "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" (
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
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation (definition 0807cd81acc88534c3080def1cc179aa)';

create or replace procedure "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(
  access_url varchar, account_id number, job_id number, cause varchar, upstream_job_id number,
  min_elapsed_seconds number, min_start_time varchar, max_start_time varchar, days_of_week array, timezone varchar, options variant
)
returns variant
language python
runtime_version = '3.11'
packages = ('snowflake-snowpark-python', 'requests')
handler = 'main'
external_access_integrations = ("DBT_CLOUD_EXTERNAL_ACCESS_INTEGRATION")
secrets = ('dbt_cloud_token' = "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition 9813314611cab230f0e9acb3000ecd97)'
as
$$
<the text of macros-src/procedure/dbt_cloud_run_job.py>
$$;

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"
  on table "RAW"."SALES"."ORDERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS for dbt Cloud job 67890 (definition 7426edfe84bc552b84e712144b1b2b38)';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"
  on table "RAW"."SALES"."Order Items"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.Order Items for dbt Cloud job 67890 (definition f8706ab0720b6073c26eb32d00f47df2)';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"
  on table "RAW"."SALES"."CUSTOMERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.CUSTOMERS for dbt Cloud job 67890 (definition 393f18ecc927d989bffce1c01d88f5ac)';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"
  on table "RAW"."INVENTORY"."STOCK_LEVELS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.INVENTORY.STOCK_LEVELS for dbt Cloud job 67891 (definition 28da205ea6ef909b502c3ae06dfcd31a)';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"
  on table "RAW"."FINANCE"."GENERAL_LEDGER"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.FINANCE.GENERAL_LEDGER for dbt Cloud job 67892 (definition ec1718e9336c4cab75fc8d524adaf2d0)';

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890"
  warehouse = "TRANSFORMING"
  schedule = '15 MINUTE'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67890 (daily sales) (definition 3f552e43215a08f05f8f91e4395b376b)'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"')
    or system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"')
    or system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  if (not (to_char(local_now, ''HH24:MI'') between ''06:00'' and ''20:00'' and dayofweekiso(local_now) - 1 in (0, 1, 2, 3, 4))) then
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''outside the start window or weekdays (America/Chicago); changes wait for the next run''));
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS" where false;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS" where false;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS" limit 1) union all select * from (select 1 as pending from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS" limit 1) union all select * from (select 1 as pending from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
  insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__INVENTORY_SNAPSHOT__67891"
  warehouse = "TRANSFORMING"
  user_task_minimum_trigger_interval_in_seconds = 300
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67891 (inventory snapshot) (definition b31ea959d262d9068fbce8bcd61367f0)'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  if (not ((to_char(local_now, ''HH24:MI'') >= ''22:00'' or to_char(local_now, ''HH24:MI'') <= ''02:00''))) then
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''outside the start window or weekdays (America/Chicago); changes wait for the next run''));
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
  insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''inventory snapshot'', 67891, ''ORCH_TASK__INVENTORY_SNAPSHOT__67891'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892"
  warehouse = "TRANSFORMING"
  schedule = 'USING CRON 0 6 * * 1-5 America/Chicago'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67892 (finance close) (definition 1502061f04fb5bf37a71d15edd558fb6)'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
begin
  local_now := convert_timezone(''America/Chicago'', current_timestamp())::timestamp_ntz;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
  insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
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
    insert into "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''finance close'', 67892, ''ORCH_TASK__FINANCE_CLOSE__67892'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';
