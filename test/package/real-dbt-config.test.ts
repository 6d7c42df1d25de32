/**
 * What dbt itself does to the values of a real dbt_project.yml before the package sees them, on dbt-core
 * (+ dbt-snowflake) and dbt 2.x: YAML reads unquoted times its own way (dbt-core's 8:00 is the number 480,
 * dbt 2.x keeps the text), dbt renders Jinja in top-level vars but not inside vars.dbt_cloud_orchestration,
 * and a --vars mapping replaces the project's. Each engine runs `validate_orchestration_config` (no
 * connection) in a scratch copy of the example project that installs this package.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../../scripts/compiler/repo.js";
import { FUSION_CACHE, FUSION_DBT } from "../../scripts/engines/fusion/project.js";
import { FUSION_SAFE_ENV, FUSION_SAFE_FLAGS } from "../../scripts/engines/fusion-engine.js";
import { INTEGRATION_PROJECT } from "./configs.js";

// Each test starts whole dbt processes (see real-dbt.test.ts): the limit guards against a hang, not a speed.
vi.setConfig({ testTimeout: 180_000 });

type Engine = "dbt-core" | "dbt 2.x";

const scratchDirs: string[] = [];
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A scratch copy of the example project with `vars` replaced by `varsYaml` (YAML text, as a user writes it). */
function scratchProject(varsYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "orch-config-"));
  scratchDirs.push(dir);
  for (const folder of ["models", "profiles"]) cpSync(join(INTEGRATION_PROJECT, folder), join(dir, folder), { recursive: true });
  const project = parse(readFileSync(join(INTEGRATION_PROJECT, "dbt_project.yml"), "utf8")) as Record<string, unknown>;
  delete project.vars;
  writeFileSync(join(dir, "dbt_project.yml"), `${stringify(project)}vars:\n${varsYaml}`);
  writeFileSync(join(dir, "packages.yml"), stringify({ packages: [{ local: REPO_ROOT }] }));
  return dir;
}

async function dbt(engine: Engine, project: string, args: string[], env: Record<string, string>): Promise<{ exitCode: number; output: string }> {
  const common = { cwd: project, reject: false, all: true, extendEnv: false, timeout: 150_000 } as const;
  if (engine === "dbt-core") {
    const coreEnv = {
      PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: project, DBT_PROFILES_DIR: join(project, "profiles"), DO_NOT_TRACK: "1",
      DBT_SEND_ANONYMOUS_USAGE_STATS: "false", DBT_USE_COLORS: "false", PYTHONWARNINGS: "ignore::Warning",
      // After an error dbt-snowflake rolls back, which tries to connect: a closed local port fails it at once.
      HTTP_PROXY: CLOSED_PORT, HTTPS_PROXY: CLOSED_PORT, ALL_PROXY: CLOSED_PORT, http_proxy: CLOSED_PORT, https_proxy: CLOSED_PORT, ...env,
    };
    const dbtCore = join(REPO_ROOT, ".venv", "bin", "dbt");
    // What `dbt deps` makes of a local package, without one more dbt-core process: a link to it.
    mkdirSync(join(project, "dbt_packages"), { recursive: true });
    symlinkSync(REPO_ROOT, join(project, "dbt_packages", "dbt_cloud_orchestration"));
    const run = await execa(dbtCore, args, { ...common, env: coreEnv });
    return { exitCode: run.exitCode ?? -1, output: run.all ?? "" };
  }
  const home = join(FUSION_CACHE, "home");
  mkdirSync(home, { recursive: true });
  const fusionEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, DBT_PROFILES_DIR: join(project, "profiles"), ...env, ...FUSION_SAFE_ENV };
  await execa(FUSION_DBT, ["deps", "--quiet", ...FUSION_SAFE_FLAGS], { ...common, env: fusionEnv });
  const run = await execa(FUSION_DBT, [...args, ...FUSION_SAFE_FLAGS], { ...common, env: fusionEnv });
  return { exitCode: run.exitCode ?? -1, output: run.all ?? "" };
}

const CLOSED_PORT = "http://127.0.0.1:9";
const VALIDATE = ["--quiet", "run-operation", "validate_orchestration_config"];

/** One job's YAML lines under `jobs:`, indented for the example project's vars. */
const JOB = (lines: string[]) => lines.map((line, index) => `${index === 0 ? "      - " : "        "}${line}`).join("\n");

const UNQUOTED_TIMES = `  dbt_cloud_orchestration:
    account_id: 12345
    access_url: "https://ab123.us1.dbt.com"
    jobs:
${JOB(["name: daily sales", "job_id: 67890", "tables: [RAW.SALES.ORDERS]", "min_start_time: 8:00", "max_start_time: 18:00"])}
`;

describe("unquoted times in dbt_project.yml: both engines say 'quote it'", () => {
  it("dbt-core reads 8:00 and 18:00 as the numbers 480 and 1080, and names the time meant", async () => {
    const run = await dbt("dbt-core", scratchProject(UNQUOTED_TIMES), VALIDATE, {});
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("dbt_cloud_orchestration: 2 problem(s) in vars.dbt_cloud_orchestration:\n" +
      "  - jobs[0].min_start_time: 480 is not a time of day: YAML read an unquoted 8:00 as the sexagesimal (base-60) number 8 × 60 + 0 = 480, as dbt-core does; quote it: '08:00'\n" +
      "  - jobs[0].max_start_time: 1080 is not a time of day: YAML read an unquoted 18:00 as the sexagesimal (base-60) number 18 × 60 + 0 = 1080, as dbt-core does; quote it: '18:00'\n");
  });

  it("dbt 2.x keeps them as text: 18:00 is a time, 8:00 lacks its leading zero", async () => {
    const run = await dbt("dbt 2.x", scratchProject(UNQUOTED_TIMES), VALIDATE, {});
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("dbt_cloud_orchestration: 1 problem(s) in vars.dbt_cloud_orchestration:\n" +
      "  - jobs[0].min_start_time: '8:00' is not a time of day as HH:MM (two-digit hours); quote it: '08:00'\n");
  });
});

// Top-level vars are rendered by dbt (env_var here), the package's mapping is not.
const JINJA = `  orch_job_id: "{{ env_var('ORCH_JOB_ID') }}"
  dbt_cloud_orchestration:
    account_id: {env_var: ORCH_ACCOUNT_ID}
    access_url: "https://ab123.us1.dbt.com"
    jobs:
${JOB(["name: daily sales", "job_id: {var: orch_job_id}", "tables: [RAW.SALES.ORDERS]", "days_of_week: [MON, TUE, WED, THU, FRI]"])}
${JOB(["name: \"payroll {{ target.name }}\"", "job_id: 5", "tables: [RAW.SALES.ORDERS]"])}
`;

describe.each(["dbt-core", "dbt 2.x"] as const)("%s: Jinja in dbt_project.yml", (engine) => {
  it("is refused inside vars.dbt_cloud_orchestration; {var: …} of a rendered top-level var is read, an unset {env_var: …} named", async () => {
    const run = await dbt(engine, scratchProject(JINJA), VALIDATE, { ORCH_JOB_ID: "67890" });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("dbt_cloud_orchestration: 2 problem(s) in vars.dbt_cloud_orchestration:\n" +
      "  - account_id: environment variable ORCH_ACCOUNT_ID is not set, and no default is given\n" +
      "  - jobs[1].name: 'payroll {{ target.name }}' holds Jinja, which dbt does not render inside vars.dbt_cloud_orchestration " +
      "(it renders top-level vars only): use {env_var: NAME} (with an optional default: …) or {var: NAME}, a top-level var dbt renders\n");
  });

  it("with the variable set and the Jinja gone, the same project is valid", async () => {
    const valid = JINJA.replace(/\n.*payroll[\s\S]*$/, "\n");
    const run = await dbt(engine, scratchProject(valid), VALIDATE, { ORCH_JOB_ID: "67890", ORCH_ACCOUNT_ID: "12345" });
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain("dbt_cloud_orchestration: 1 job valid (vars.dbt_cloud_orchestration, target 'dev').");
  });
});

/** The example project's own vars, as written in its dbt_project.yml. */
const EXAMPLE_VARS = readFileSync(join(INTEGRATION_PROJECT, "dbt_project.yml"), "utf8").split("\nvars:\n")[1]!;

describe.each(["dbt-core", "dbt 2.x"] as const)("%s: a partial --vars", (engine) => {
  it("replaces the whole mapping of dbt_project.yml, and the error names that cause first", async () => {
    const run = await dbt(engine, scratchProject(EXAMPLE_VARS), [...VALIDATE, "--vars", "{dbt_cloud_orchestration: {prod_targets: [prod, default]}}"], {});
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("dbt_cloud_orchestration: 4 problem(s) in vars.dbt_cloud_orchestration:\n" +
      "  - account_id, access_url, jobs: missing, while prod_targets is given. A --vars '{dbt_cloud_orchestration: {…}}' on the command line " +
      "replaces the whole mapping of dbt_project.yml (dbt merges no keys): pass the whole mapping there, or write the value that changes " +
      "as {var: NAME} in dbt_project.yml and pass --vars '{NAME: …}'\n");
  });
});
