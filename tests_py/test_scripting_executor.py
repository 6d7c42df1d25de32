"""The stand-in's Snowflake Scripting executor on its own (snowflake_standin/scripting.py): the constructs it
runs, with Snowflake's semantics, and the ones it refuses by name. Bodies here are written for the test; the
package's own compiled bodies run in test_task_body_runs.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import snowflake.connector
from snowflake_standin import SnowflakeStandIn, clock, procedure_calls
from snowflake_standin.scripting import execute_task_body
from snowflake_standin.scripting_errors import CompilationError, NotModelled, ProcedureCallNotModelled, TaskBodyFailed


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    standin = SnowflakeStandIn(tmp_path_factory.mktemp("scripting"))
    with standin.patch():
        connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH")
        cursor = connection.cursor()
        cursor.execute("create table ITEMS (id int, name varchar)")
        cursor.execute("insert into ITEMS values (1, 'one'), (2, 'two')")
        cursor.execute("create table NOTES (note varchar)")
        cursor.execute("create table SEEN (id int)")
        cursor.execute("create stream ITEMS_STREAM on table ITEMS")
        connection.close()
        yield standin


@pytest.fixture
def cursor(standin):
    connection = snowflake.connector.connect(database="ANALYTICS", schema="ORCH")
    yield connection.cursor()
    connection.close()


def run(cursor, block: str, **kwargs):
    return execute_task_body(cursor, block, **kwargs)


def notes(cursor) -> list[str]:
    cursor.execute("select note from NOTES")
    found = [row[0] for row in cursor.fetchall()]
    cursor.execute("delete from NOTES")
    return found


# ---- what it runs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "branch"), [(1, "one"), (2, "two"), (3, "other")])
def test_if_elseif_else_takes_the_first_true_branch(cursor, n, branch):
    block = f"""declare n number default {n};
    begin
      if (n = 1) then return 'one';
      elseif (n = 2) then return 'two';
      else return 'other';
      end if;
    end"""
    assert run(cursor, block) == branch


def test_variables_defaults_assignment_let_and_select_into(cursor):
    block = """declare
      total number;
      label varchar default 'items';
    begin
      select count(*), max(name) into :total, :label from ITEMS;
      let doubled number := total * 2;
      total := doubled + 1;
      return label || ':' || total::varchar;
    end"""
    assert run(cursor, block) == "two:5"


def test_a_declared_variable_without_a_default_is_null_and_a_value_takes_the_declared_type(cursor):
    assert run(cursor, "declare x varchar; begin if (x is null) then return 'null'; end if; return x; end") == "null"
    assert run(cursor, "declare x varchar; begin x := 42; return x || '!'; end") == "42!"


def test_a_variant_variable_in_sql_and_in_expressions(cursor):
    block = """declare outcome variant default null;
    begin
      outcome := object_construct('status', 'TRIGGERED', 'run_id', 7);
      insert into NOTES select r:status::varchar || '/' || r:run_id::varchar from (select :outcome as r);
      return outcome:status::varchar;
    end"""
    assert run(cursor, block) == "TRIGGERED"
    assert notes(cursor) == ["TRIGGERED/7"]


def test_an_inner_block_sees_the_outer_variables_but_not_the_other_way(cursor):
    block = """declare x number default 1;
    begin
      begin
        let y number := x + 1;
        x := y * 10;
      end;
      return x;
    end"""
    assert run(cursor, block) == 20
    with pytest.raises(TaskBodyFailed, match='"Y"'):  # outside its block, y is no variable: an unknown column
        run(cursor, "begin begin let y number := 1; end; return y; end")


def test_a_declared_exception_is_caught_by_its_name_with_its_code_and_message(cursor):
    block = """declare
      not_ready exception (-20002, 'not ready yet');
      other_problem exception (-20003, 'something else');
    begin
      raise not_ready;
    exception
      when other_problem then return 'wrong handler';
      when not_ready then return sqlcode::varchar || ' ' || sqlerrm || ' ' || sqlstate;
    end"""
    assert run(cursor, block) == "-20002 not ready yet P0001"


def test_an_unhandled_exception_fails_the_body_with_its_code_and_message(cursor):
    with pytest.raises(TaskBodyFailed) as failed:
        run(cursor, "declare e exception (-20001, 'dbt Cloud said no'); begin raise e; end")
    assert (failed.value.sqlcode, failed.value.sqlerrm, failed.value.sqlstate) == (-20001, "dbt Cloud said no", "P0001")


def test_when_other_catches_a_failed_statement_and_raise_fails_the_body_after_the_handler(cursor):
    block = """begin
      insert into NOTES values ('before');
      select * from NO_SUCH_TABLE;
      insert into NOTES values ('never');
    exception
      when other then
        insert into NOTES select 'caught: ' || :sqlerrm;
        raise;
    end"""
    with pytest.raises(TaskBodyFailed, match="NO_SUCH_TABLE") as failed:
        run(cursor, block)
    assert failed.value.sqlcode == 2003
    assert notes(cursor) == ["before", f"caught: {failed.value.sqlerrm}"]


def test_after_a_handler_the_block_ends_and_the_enclosing_one_goes_on(cursor):
    block = """begin
      begin
        select * from NO_SUCH_TABLE;
      exception
        when other then insert into NOTES values ('inner handled');
      end;
      insert into NOTES values ('outer goes on');
      return 'done';
    end"""
    assert run(cursor, block) == "done"
    assert notes(cursor) == ["inner handled", "outer goes on"]


def test_a_handler_does_not_cover_its_own_declare_section(cursor):
    block = """begin
      declare x number default (select count(*) from NO_SUCH_TABLE);
      begin
        return 'inner body';
      exception
        when other then return 'inner handler';
      end;
    exception
      when other then return 'outer handler';
    end"""
    assert run(cursor, block) == "outer handler"


def test_select_into_must_return_exactly_one_row(cursor):
    block = """declare n number;
    begin
      select id into :n from ITEMS where id > 100;
    exception
      when other then return sqlerrm;
    end"""
    assert "returned 0 rows" in run(cursor, block)


def test_compilation_errors_are_not_caught_by_the_body(cursor):
    with pytest.raises(CompilationError, match="bind variable :missing is not declared"):
        run(cursor, "begin insert into NOTES select :missing; exception when other then return 'caught'; end")
    with pytest.raises(CompilationError, match="RAISE without an exception name outside an exception handler"):
        run(cursor, "begin raise; end")


def test_execute_immediate_of_a_task_runs_the_block_inside_the_string(cursor):
    definition = "execute immediate 'declare x varchar default ''it''''s''; begin return x; end'"
    assert run(cursor, definition) == "it's"


def test_current_timestamp_is_the_stand_ins_clock(cursor):
    clock.set_clock(datetime(2026, 7, 4, 12, 30, tzinfo=UTC))
    try:
        result = run(
            cursor, "begin return to_char(convert_timezone('UTC', current_timestamp()), 'YYYY-MM-DD HH24:MI'); end"
        )
    finally:
        clock.reset_clock()
    assert result == "2026-07-04 12:30"


def test_transactions_in_a_body_move_stream_offsets_on_commit_only(cursor, standin):
    consume = "insert into SEEN select id from ITEMS_STREAM"
    cursor.execute("insert into ITEMS values (3, 'three')")
    run(cursor, f"begin begin transaction; {consume}; rollback; end")
    cursor.execute("select count(*) from ITEMS_STREAM")
    assert cursor.fetchone() == (1,)
    run(cursor, f"begin begin transaction; {consume}; commit; end")
    cursor.execute("select count(*) from ITEMS_STREAM")
    assert cursor.fetchone() == (0,)


def test_a_transaction_left_open_by_the_body_is_rolled_back(cursor, standin):
    cursor.execute("insert into ITEMS values (4, 'four')")
    assert (
        run(cursor, "begin begin transaction; insert into SEEN select id from ITEMS_STREAM; return 'open'; end")
        == "open"
    )
    cursor.execute("select count(*) from ITEMS_STREAM")
    assert cursor.fetchone() == (1,)
    cursor.execute("insert into SEEN select id from ITEMS_STREAM")  # consume, for the next test


# ---- CALL ------------------------------------------------------------------------------------------------


def test_a_refused_call_is_named_and_no_handler_of_the_body_catches_the_refusal(cursor):
    block = """declare r variant;
    begin
      call ANALYTICS.ORCH.MY_PROC(1, 'a') into :r;
      return 'called';
    exception
      when other then return 'caught';
    end"""
    refused = r"CALL of a stored procedure is not modelled: ANALYTICS\.ORCH\.MY_PROC"
    with procedure_calls.calling(procedure_calls.refuse), pytest.raises(ProcedureCallNotModelled, match=refused):
        run(cursor, block)


def test_with_a_procedure_double_call_into_passes_values_and_sets_the_variable(cursor):
    seen = []

    def double(name, args, cursor):
        seen.append((name, args))
        return {"status": "TRIGGERED", "echo": args[1]}

    block = """declare r variant; ids array default null;
    begin
      ids := array_construct(1, 2);
      call MY_PROC(3, object_construct('ids', :ids), 'x') into :r;
      return r:status::varchar || ' ' || r:echo:ids[1]::varchar;
    end"""
    with procedure_calls.calling(double):
        assert run(cursor, block) == "TRIGGERED 2"
    assert seen == [(["MY_PROC"], [3, {"ids": [1, 2]}, "x"])]


# ---- what it refuses -------------------------------------------------------------------------------------

REFUSED = {
    "FOR loops": "begin for i in 1 to 3 do insert into NOTES values ('x'); end for; end",
    "WHILE loops": "begin while (true) do return 1; end while; end",
    "REPEAT loops": "begin repeat return 1; until (true) end repeat; end",
    "LOOP loops": "begin loop return 1; end loop; end",
    "CASE statements": "declare x number default 1; begin case (x) when 1 then return 1; end case; end",
    "cursors": "declare c cursor for select id from ITEMS; begin return 1; end",
    "RESULTSETs": "begin let r resultset := (select id from ITEMS); return 1; end",
    "exception handlers with CONTINUE": "begin return 1; exception when other continue then return 2; end",
    "exception handlers with EXIT": "begin return 1; exception when other exit then return 2; end",
    "EXECUTE IMMEDIATE … USING": "execute immediate 'begin return 1; end' using (x)",
    "RETURN TABLE": "begin return table(select 1); end",
    "ASYNC child jobs": "begin async (select 1); end",
    "cursors (OPEN)": "begin open c; end",
    "cursors (FETCH)": "begin fetch c into x; end",
    "BREAK": "begin break; end",
    "AWAIT": "begin await all; end",
}


@pytest.mark.parametrize("construct", list(REFUSED))
def test_each_construct_it_does_not_model_is_refused_by_name_before_the_first_statement(standin, cursor, construct):
    mark = standin.mark()
    with pytest.raises(NotModelled) as refused:
        run(cursor, REFUSED[construct])
    assert construct.split(" …")[0] in str(refused.value)
    assert "not modelled" in str(refused.value)
    assert standin.statements_since(mark) == []
