// The OpenClaw entry, driven as OpenClaw drives it, against the real binary and the local test cluster.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import plugin, { ACTIONS, parameters } from "../index.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// examples/local/cluster-slurm.json is JSON5 with full-line comments only
const localConfig = JSON.parse(readFileSync(path.join(repo, "examples/local/cluster-slurm.json"), "utf8")
  .split("\n").filter((line) => !line.trim().startsWith("//")).join("\n"));
const manifest = JSON.parse(readFileSync(path.join(repo, "openclaw/openclaw.plugin.json"), "utf8"));

function register(ctx) {
  const registered = [];
  plugin.register({
    pluginConfig: localConfig,
    config: {},
    logger: { info() {} },
    registerTool(factory, options) { registered.push({ factory, options }); },
  });
  assert.equal(registered.length, 1);
  assert.deepEqual(registered[0].options, { name: "cluster_slurm", optional: true });
  return registered[0].factory(ctx);
}

test("manifest, schema and actions match the reference", () => {
  assert.equal(manifest.id, "cluster-slurm");
  for (const key of ["defaultCluster", "routing", "localRunsDir", "execution", "clusters", "ledgerPath", "archive", "polling"]) {
    assert.ok(manifest.configSchema.properties[key], key);
  }
  assert.equal(manifest.configSchema.properties.execution.properties.allowCustomEnvOverride.type, "boolean");
  assert.equal(ACTIONS.length, 13);
  assert.deepEqual(parameters.properties.action.enum, ACTIONS);
  assert.equal(parameters.additionalProperties, false);
});

test("no tool in a sandboxed context", () => {
  assert.equal(register({ sandboxed: true, workspaceDir: tmpdir() }), null);
});

test("run_workload → check_workload → fetch_workload_logs → download_workload_outputs", async (t) => {
  const workspaceDir = mkdtempSync(path.join(tmpdir(), "cs-openclaw-"));
  let remoteRunDir;
  // removed whether the test passes or fails: the run dir on the cluster and the workspace
  t.after(() => cleanUp(workspaceDir, remoteRunDir));
  writeFileSync(path.join(workspaceDir, "hello.py"), "import os\nos.makedirs('outputs', exist_ok=True)\nopen('outputs/result.json', 'w').write('{\"ok\": true}')\nprint('hello from', os.environ.get('SLURM_JOB_ID'))\n");
  const tool = register({ workspaceDir });
  assert.equal(tool.name, "cluster_slurm");

  const started = await tool.execute("call-1", { action: "run_workload", command: "python3 hello.py", localPath: "hello.py" });
  const { runId, jobId } = started.details;
  remoteRunDir = started.details.remoteRunDir;
  assert.match(runId, /^run-\d{8}-\d{6}/);
  assert.match(jobId, /^\d+$/);
  assert.equal(started.content[0].type, "text");

  let state;
  for (let i = 0; i < 120; i++) {
    state = (await tool.execute("call-2", { action: "check_workload", runId })).details;
    if (state.done) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  assert.equal(state.state, "COMPLETED");

  const logs = (await tool.execute("call-3", { action: "fetch_workload_logs", runId })).details;
  assert.match(logs.log, new RegExp(`hello from ${jobId}`));

  const downloaded = (await tool.execute("call-4", { action: "download_workload_outputs", runId, remoteFile: "outputs/result.json" })).details;
  assert.deepEqual(JSON.parse(readFileSync(downloaded.localPath, "utf8")), { ok: true });
  assert.ok(downloaded.localPath.startsWith(workspaceDir));
});

function cleanUp(workspaceDir, remoteRunDir) {
  if (remoteRunDir && remoteRunDir.startsWith("/scratch/")) {
    execFileSync("ssh", ["-F", "/var/lib/cluster-slurm-testcluster/client/ssh_config", "testcluster", `rm -rf -- '${remoteRunDir.replace(/'/g, "'\\''")}'`]);
  }
  rmSync(workspaceDir, { recursive: true, force: true });
}

test("errors come back as error results with every field", async (t) => {
  const workspaceDir = mkdtempSync(path.join(tmpdir(), "cs-openclaw-"));
  t.after(() => rmSync(workspaceDir, { recursive: true, force: true }));
  const tool = register({ workspaceDir });
  const badJob = await tool.execute("bad-1", { action: "job_status", jobId: "1; rm -rf ~" });
  assert.equal(badJob.isError, true);
  assert.equal(badJob.details.path, "jobId");
  const env = await tool.execute("bad-2", { action: "run_workload", command: "conda activate x" });
  assert.equal(env.isError, true);
  assert.match(env.details.error, /environment/);
  const action = await tool.execute("bad-3", { action: "nope" });
  assert.equal(action.details.path, "action");
  const policy = await tool.execute("bad-4", { action: "run_workload", command: "hostname", submitArgs: ["-Q"] });
  assert.deepEqual([policy.details.code, policy.details.rule, policy.details.requested], ["policy_violation", "submit_args", "-Q"]);
  assert.deepEqual(JSON.parse(policy.content[0].text), policy.details);
});
