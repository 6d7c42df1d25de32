create schema if not exists "ANALYTICS"."ANALYTICS";

create table if not exists "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS" (
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
) comment = 'Managed by the dbt_cloud_orchestration dbt package: one row per orchestration task invocation (definition 257a2045c93d3753fecf45fc2c377f8a) [prod target prod]';

create or replace procedure "ANALYTICS"."ANALYTICS"."DBT_CLOUD_RUN_JOB"(
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
secrets = ('dbt_cloud_token' = "ANALYTICS"."ANALYTICS"."DBT_CLOUD_ACCESS_TOKEN")
comment = 'Managed by the dbt_cloud_orchestration dbt package: checks a job''s conditions, then triggers it in dbt Cloud (definition 22f714b8d7a59a7ea72a989578ea7cd6) [prod target prod]'
as
$$
<the text of macros-src/procedure/dbt_cloud_run_job.py>
$$;

create stream if not exists "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__ORDERS"
  on table "RAW"."SALES"."ORDERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.ORDERS for dbt Cloud job 67890 (definition 4527d421c935f9dae6a628312141ea99) [prod target prod]';

create stream if not exists "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"
  on table "RAW"."SALES"."CUSTOMERS"
  comment = 'Managed by the dbt_cloud_orchestration dbt package: changes of RAW.SALES.CUSTOMERS for dbt Cloud job 67890 (definition ea56006cbd122639ba2f036d98f1ac4c) [prod target prod]';

create or alter task "ANALYTICS"."ANALYTICS"."ORCH_TASK__DAILY_SALES__67890"
  user_task_managed_initial_warehouse_size = 'XSMALL'
  schedule = '15 MINUTE'
  suspend_task_after_num_failures = 10
  comment = 'Managed by the dbt_cloud_orchestration dbt package: triggers dbt Cloud job 67890 (daily sales) (definition d31f990de313ad006ef1a44633c486bc) [prod target prod]'
  when system$stream_has_data('"ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__ORDERS"')
    or system$stream_has_data('"ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"')
as execute immediate 'declare
  local_now timestamp_ntz default null;
  outcome variant default null;
  failure variant default null;
  pending_rows number default 0;
  known_runs array default null;
  change_key varchar default null;
  changed_sources array default null;
  dbt_cloud_error exception (-20001, ''dbt Cloud job 67890: the procedure returned ERROR; the streams were rolled back and the log table has why'');
begin
  local_now := convert_timezone(''UTC'', current_timestamp())::timestamp_ntz;
  create temporary table if not exists orchestration_stream_sink (consumed boolean);
  begin transaction;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__ORDERS" where false;
  insert into orchestration_stream_sink select true from "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" where false;
  select count(*) into :pending_rows from (select * from (select 1 as pending from "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__ORDERS" limit 1) union all select * from (select 1 as pending from "ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS" limit 1));
  if (pending_rows = 0) then
    commit;
    outcome := object_construct(''status'', ''SKIPPED'', ''run_id'', null, ''run_url'', null, ''checks'', array_construct(), ''logs'', array_construct(''no new rows in the job''''s streams (a keep-alive wake or a false positive of SYSTEM$STREAM_HAS_DATA): dbt Cloud was not called''));
    insert into "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
    return ''SKIPPED'';
  end if;
  select md5(array_to_string(array_construct(system$last_change_commit_time(''"RAW"."SALES"."ORDERS"''), system$last_change_commit_time(''"RAW"."SALES"."CUSTOMERS"'')), '','')) into :change_key;
  select array_agg(run_id) into :known_runs from (select distinct job_id, run_id from "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS" where job_id = 67890 and run_id is not null and (run_status is null or run_status not in (''Success'', ''Error'', ''Cancelled'')) qualify dense_rank() over (partition by job_id order by run_id desc) <= 10);
  changed_sources := array_construct_compact(
      iff(system$stream_has_data(''"ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__ORDERS"''), object_construct(''table'', ''RAW.SALES.ORDERS''), null),
      iff(system$stream_has_data(''"ANALYTICS"."ANALYTICS"."ORCH_STREAM__67890__RAW__SALES__CUSTOMERS"''), object_construct(''table'', ''RAW.SALES.CUSTOMERS'', ''source'', ''raw_sales.customers''), null));
  call "ANALYTICS"."ANALYTICS"."DBT_CLOUD_RUN_JOB"(''https://ab123.us1.dbt.com'', 12345, 67890, ''Triggered by Snowflake task ANALYTICS.ANALYTICS.ORCH_TASK__DAILY_SALES__67890'', null, 300, ''00:00'', ''23:59'', array_construct(0, 1, 2, 3, 4, 5, 6), ''UTC'', object_construct(''known_run_ids'', :known_runs, ''change_key'', :change_key, ''select_changed'', true, ''changed_sources'', :changed_sources)) into :outcome;
  if (outcome:status::varchar in (''TRIGGERED'', ''ADOPTED'')) then
    commit;
  else
    rollback;
  end if;
  insert into "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :outcome as r);
  update "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS"
      set run_status = reported.outcome:status::varchar,
        run_finished_at = reported.outcome:finished_at::timestamp_ltz,
        run_duration_seconds = reported.outcome:duration_seconds::number
      from (select item.value as outcome from (select :outcome as r) x, lateral flatten(input => x.r:runs) item) reported
      where "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS".job_id = 67890 and "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS".run_id = reported.outcome:run_id::number;
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
    insert into "ANALYTICS"."ANALYTICS"."ORCHESTRATION_LOGS"
      (invoked_at, job_name, job_id, task_name, status, run_id, run_url, result, logs)
    select current_timestamp(), ''daily sales'', 67890, ''ORCH_TASK__DAILY_SALES__67890'',
      r:status::varchar, r:run_id::number, r:run_url::varchar, r, r:logs::array
    from (select :failure as r);
    raise;
end';

alter task "ANALYTICS"."ANALYTICS"."ORCH_TASK__DAILY_SALES__67890" resume;
