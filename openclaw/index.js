// OpenClaw plugin entry for cluster-slurm. It registers the optional tool
// `cluster_slurm` with the reference plugin's parameters and runs the Swift
// binary in tool mode; all logic lives in the binary.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export const ACTIONS = [
  "list_clusters", "init_run", "upload", "render_job", "submit_job", "job_status", "job_logs",
  "download", "cancel_job", "run_workload", "check_workload", "fetch_workload_logs", "download_workload_outputs",
];

const str = (description) => ({ type: "string", description });
const strs = (description) => ({ type: "array", items: { type: "string" }, description });
const bool = (description) => ({ type: "boolean", description });
const count = { type: "integer", minimum: 1 };
const gpuCount = { anyOf: [count, { type: "string" }] };

export const parameters = {
  type: "object",
  additionalProperties: false,
  required: ["action"],
  properties: {
    action: { type: "string", enum: ACTIONS, description: `Action to perform: ${ACTIONS.join(", ")}` },
    cluster: str("Configured cluster profile id"),
    runId: str("Run id in the local ledger"),
    prefix: str("Optional prefix for generated run ids"),
    localPath: str("Workspace-relative local file/directory"),
    localPaths: strs("Workspace-relative local files/directories"),
    remoteDir: str("Sub-directory of the run directory on the cluster"),
    remotePath: str("Remote file/directory/glob inside the run directory"),
    remoteFile: str("Remote output filename relative to the run directory (download_workload_outputs)"),
    scriptPath: str("Workspace-relative job script path"),
    scriptName: str("Generated job filename"),
    command: str("Single shell command"),
    commands: strs("Command list"),
    workload: str("Natural-language task summary used for CPU/GPU profile selection in run_workload"),
    env: { type: "object", additionalProperties: { type: "string" } },
    setupCommands: strs("Call-level setup commands (needs allowEnvOverrides + execution.allowCustomEnvOverride)"),
    modules: strs("Call-level modules (needs allowEnvOverrides + execution.allowCustomEnvOverride)"),
    headerOverrides: {
      type: "object",
      additionalProperties: false,
      properties: {
        jobName: { type: "string" }, partition: { type: "string" }, account: { type: "string" }, qos: { type: "string" },
        constraint: { type: "string" }, time: { type: "string" }, nodes: count, ntasks: count, ntasksPerNode: count,
        cpusPerTask: count, mem: { type: "string" }, gpus: gpuCount, gpusPerNode: gpuCount, gres: { type: "string" },
        output: { type: "string" }, error: { type: "string" }, modules: { type: "array", items: { type: "string" } },
      },
    },
    submitArgs: strs("Extra sbatch options"),
    jobId: str("SLURM job id"),
    includeAccounting: bool("Include sacct accounting in job_status"),
    autoFallbackToGpu: bool("Override routing.autoFallbackToGpuOnSignatures for run_workload"),
    allowEnvOverrides: bool("Allow call-level environment overrides (needs execution.allowCustomEnvOverride)"),
    tail: { type: "integer", minimum: 1, maximum: 20000 },
  },
};

/** The cluster-slurm binary: $CLUSTER_SLURM_BIN, the newest build beside this plugin, or `cluster-slurm` on PATH. */
export function resolveBinary(env = process.env) {
  if (env.CLUSTER_SLURM_BIN) return env.CLUSTER_SLURM_BIN;
  // the newest build beside the plugin (a stale release build must not shadow a fresh debug one)
  const builds = ["../.build/release/cluster-slurm", "../.build/debug/cluster-slurm"]
    .map((candidate) => path.resolve(here, candidate))
    .filter((full) => existsSync(full))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return builds[0] ?? "cluster-slurm";
}

/** Writes the plugin config where the binary can read it: a private file named by its hash. */
function writeConfig(pluginConfig) {
  const text = JSON.stringify(pluginConfig ?? {});
  const dir = path.join(tmpdir(), `cluster-slurm-openclaw-${process.getuid?.() ?? "user"}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `config-${createHash("sha256").update(text).digest("hex").slice(0, 16)}.json`);
  if (!existsSync(file)) writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** Runs one tool call through `cluster-slurm tool`, with a timeout and an output cap. */
export function runTool(params, { binary, configFile, workspaceDir, timeoutMs = 600_000, maxOutputBytes = 8 << 20, env = process.env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["tool", "--config", configFile, "--workspace", workspaceDir], {
      env, stdio: ["pipe", "pipe", "pipe"],
    });
    const chunks = [];
    let size = 0;
    let stderr = "";
    let failure;
    const stop = (reason) => { failure ??= reason; child.kill("SIGTERM"); setTimeout(() => child.kill("SIGKILL"), 2000).unref(); };
    const timer = setTimeout(() => stop(new Error(`cluster-slurm timed out after ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on("data", (chunk) => {
      size += chunk.length;
      if (size > maxOutputBytes) return stop(new Error(`cluster-slurm output exceeded ${maxOutputBytes} bytes`));
      chunks.push(chunk);
    });
    child.stderr.on("data", (chunk) => { if (stderr.length < 65536) stderr += chunk; });
    child.on("error", (error) => { clearTimeout(timer); reject(new Error(`cannot run ${binary}: ${error.message}`)); });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      const text = Buffer.concat(chunks).toString("utf8");
      let payload;
      try { payload = JSON.parse(text); } catch {
        return reject(new Error(`cluster-slurm exited ${code} without JSON output: ${stderr.trim() || text.trim()}`));
      }
      resolve({ code, payload });
    });
    child.stdin.end(JSON.stringify(params));
  });
}

export function buildTool({ pluginConfig, workspaceDir, binary = resolveBinary(), timeoutMs, env }) {
  const configFile = writeConfig(pluginConfig);
  return {
    name: "cluster_slurm",
    label: "Cluster SLURM",
    description:
      "Cluster orchestration over SSH for SLURM: submit asynchronous workloads, inspect status/logs (with missing-package hints), and retrieve artifacts using profile-driven routing; every step is recorded in a SQLite run ledger.",
    parameters,
    async execute(_toolCallId, params) {
      const { code, payload } = await runTool(params, { binary, configFile, workspaceDir, timeoutMs, env });
      if (code !== 0) {
        const error = new Error(payload.error ?? `cluster-slurm exited ${code}`);
        error.details = payload;
        throw error;
      }
      return { content: [{ type: "text", text: JSON.stringify(payload, null, 2) }], details: payload };
    },
  };
}

const clusterSlurmPlugin = {
  id: "cluster-slurm",
  name: "Cluster SLURM",
  description: "Run reproducible SLURM jobs over SSH (upload, submit, status, logs, download) with a SQLite run ledger.",
  register(api) {
    const pluginConfig = api.pluginConfig ?? {};
    api.registerTool(
      (ctx) => {
        // Jobs reach real clusters with the user's SSH identity: never from a sandboxed session.
        if (ctx?.sandboxed) return null;
        return buildTool({
          pluginConfig,
          workspaceDir: ctx?.workspaceDir ?? api.config?.agents?.defaults?.workspace ?? process.cwd(),
        });
      },
      { optional: true },
    );
    const count = Object.keys(pluginConfig.clusters ?? {}).length;
    api.logger?.info?.(`[cluster-slurm] registered (${count} cluster profile${count === 1 ? "" : "s"})`);
  },
};

export default clusterSlurmPlugin;
