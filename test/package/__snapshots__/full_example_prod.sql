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
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation (definition 0807cd81acc88534c3080def1cc179aa) [prod target prod]';

create or replace procedure "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(
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
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition fe6bc84ef991faf9ad102eb3d14eda60) [prod target prod]'
as
$$
<the text of macros-src/procedure/dbt_cloud_run_job.py>
$$;

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"
  on table "RAW"."SALES"."ORDERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS for dbt Cloud job 67890 (definition 7426edfe84bc552b84e712144b1b2b38) [prod target prod]';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"
  on table "RAW"."SALES"."Order Items"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.Order Items for dbt Cloud job 67890 (definition f8706ab0720b6073c26eb32d00f47df2) [prod target prod]';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"
  on table "RAW"."SALES"."CUSTOMERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.CUSTOMERS for dbt Cloud job 67890 (definition 393f18ecc927d989bffce1c01d88f5ac) [prod target prod]';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"
  on table "RAW"."INVENTORY"."STOCK_LEVELS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.INVENTORY.STOCK_LEVELS for dbt Cloud job 67891 (definition 28da205ea6ef909b502c3ae06dfcd31a) [prod target prod]';

create stream if not exists "ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"
  on table "RAW"."FINANCE"."GENERAL_LEDGER"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.FINANCE.GENERAL_LEDGER for dbt Cloud job 67892 (definition ec1718e9336c4cab75fc8d524adaf2d0) [prod target prod]';

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890"
  warehouse = "TRANSFORMING"
  schedule = '15 MINUTE'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67890 (daily sales) (definition de62a4cc04ae9c9592f3da7933700ccc) [prod target prod]'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDERS"')
    or system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__ORDER_ITEMS"')
    or system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
  known_runs array default null;
  change_key varchar default null;
  dbt_cloud_error exception (-20001, ''dbt Cloud job 67890: the procedure returned ERROR; the streams were rolled back and the log table has why'');
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
  select md5(array_to_string(array_construct(system$last_change_commit_time(''"RAW"."SALES"."ORDERS"''), system$last_change_commit_time(''"RAW"."SALES"."Order Items"''), system$last_change_commit_time(''"RAW"."SALES"."CUSTOMERS"'')), '','')) into :change_key;
  select array_agg(run_id) into :known_runs from (select distinct job_id, run_id from "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" where job_id = 67890 and run_id is not null and (run_status is null or run_status not in (''Success'', ''Error'', ''Cancelled'')) qualify dense_rank() over (partition by job_id order by run_id desc) <= 10);
  call "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(''https://ab123.us1.dbt.com'', 12345, 67890, ''Triggered by Snowflake task ANALYTICS.ORCHESTRATION.ORCH_TASK__DAILY_SALES__67890'', 111, 300, ''06:00'', ''20:00'', array_construct(0, 1, 2, 3, 4), ''America/Chicago'', object_construct(''known_run_ids'', :known_runs, ''change_key'', :change_key)) into :outcome;
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
  update "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      set run_status = reported.outcome:status::varchar,
        run_finished_at = reported.outcome:finished_at::timestamp_ltz,
        run_duration_seconds = reported.outcome:duration_seconds::number
      from (select item.value as outcome from (select :outcome as r) x, lateral flatten(input => x.r:runs) item) reported
      where "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".job_id = 67890 and "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".run_id = reported.outcome:run_id::number;
  if (outcome:status::varchar = ''ERROR'') then
    raise dbt_cloud_error;
  end if;
  return outcome:status::varchar;
exception
  when dbt_cloud_error then
    raise;
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

alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__DAILY_SALES__67890" resume;

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__INVENTORY_SNAPSHOT__67891"
  warehouse = "TRANSFORMING"
  user_task_minimum_trigger_interval_in_seconds = 300
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67891 (inventory snapshot) (definition 71a6f8c672e4047e96f621e0856c2c51) [prod target prod]'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67891__RAW__INVENTORY__STOCK_LEVELS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
  known_runs array default null;
  change_key varchar default null;
  dbt_cloud_error exception (-20001, ''dbt Cloud job 67891: the procedure returned ERROR; the streams were rolled back and the log table has why'');
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
  select md5(array_to_string(array_construct(system$last_change_commit_time(''"RAW"."INVENTORY"."STOCK_LEVELS"'')), '','')) into :change_key;
  select array_agg(run_id) into :known_runs from (select distinct job_id, run_id from "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" where job_id = 67891 and run_id is not null and (run_status is null or run_status not in (''Success'', ''Error'', ''Cancelled'')) qualify dense_rank() over (partition by job_id order by run_id desc) <= 10);
  call "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(''https://ab123.us1.dbt.com'', 12345, 67891, ''Triggered by Snowflake task ANALYTICS.ORCHESTRATION.ORCH_TASK__INVENTORY_SNAPSHOT__67891'', null, 300, ''22:00'', ''02:00'', array_construct(0, 1, 2, 3, 4, 5, 6), ''America/Chicago'', object_construct(''known_run_ids'', :known_runs, ''change_key'', :change_key)) into :outcome;
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
  update "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      set run_status = reported.outcome:status::varchar,
        run_finished_at = reported.outcome:finished_at::timestamp_ltz,
        run_duration_seconds = reported.outcome:duration_seconds::number
      from (select item.value as outcome from (select :outcome as r) x, lateral flatten(input => x.r:runs) item) reported
      where "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".job_id = 67891 and "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".run_id = reported.outcome:run_id::number;
  if (outcome:status::varchar = ''ERROR'') then
    raise dbt_cloud_error;
  end if;
  return outcome:status::varchar;
exception
  when dbt_cloud_error then
    raise;
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

alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__INVENTORY_SNAPSHOT__67891" resume;

create or alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892"
  warehouse = "TRANSFORMING"
  schedule = 'USING CRON 0 6 * * 1-5 America/Chicago'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67892 (finance close) (definition 4ee77b6eaa36d0a04ae0205470ec77dd) [prod target prod]'
  when system$stream_has_data('"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
  known_runs array default null;
  change_key varchar default null;
  changed_sources array default null;
  dbt_cloud_error exception (-20001, ''dbt Cloud job 67892: the procedure returned ERROR; the streams were rolled back and the log table has why'');
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
  select md5(array_to_string(array_construct(system$last_change_commit_time(''"RAW"."FINANCE"."GENERAL_LEDGER"'')), '','')) into :change_key;
  select array_agg(run_id) into :known_runs from (select distinct job_id, run_id from "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS" where job_id = 67892 and run_id is not null and (run_status is null or run_status not in (''Success'', ''Error'', ''Cancelled'')) qualify dense_rank() over (partition by job_id order by run_id desc) <= 10);
  changed_sources := array_construct_compact(
      iff(system$stream_has_data(''"ANALYTICS"."ORCHESTRATION"."ORCH_STREAM__67892__RAW__FINANCE__GENERAL_LEDGER"''), object_construct(''table'', ''RAW.FINANCE.GENERAL_LEDGER'', ''source'', ''raw_finance.ledger''), null));
  call "ANALYTICS"."ORCHESTRATION"."DBT_CLOUD_RUN_JOB"(''https://ab123.us1.dbt.com'', 12345, 67892, ''Triggered by Snowflake task ANALYTICS.ORCHESTRATION.ORCH_TASK__FINANCE_CLOSE__67892'', 67890, 300, ''00:00'', ''23:59'', array_construct(0, 1, 2, 3, 4, 5, 6), ''America/Chicago'', object_construct(''known_run_ids'', :known_runs, ''change_key'', :change_key, ''select_changed'', true, ''changed_sources'', :changed_sources)) into :outcome;
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
  update "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS"
      set run_status = reported.outcome:status::varchar,
        run_finished_at = reported.outcome:finished_at::timestamp_ltz,
        run_duration_seconds = reported.outcome:duration_seconds::number
      from (select item.value as outcome from (select :outcome as r) x, lateral flatten(input => x.r:runs) item) reported
      where "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".job_id = 67892 and "ANALYTICS"."ORCHESTRATION"."ORCHESTRATION_LOGS".run_id = reported.outcome:run_id::number;
  if (outcome:status::varchar = ''ERROR'') then
    raise dbt_cloud_error;
  end if;
  return outcome:status::varchar;
exception
  when dbt_cloud_error then
    raise;
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

alter task "ANALYTICS"."ORCHESTRATION"."ORCH_TASK__FINANCE_CLOSE__67892" resume;
