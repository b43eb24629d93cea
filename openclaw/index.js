// OpenClaw plugin entry for cluster-slurm. It registers the optional tool
// `cluster_slurm` with the reference plugin's parameters and runs the Swift
// binary in tool mode; all logic lives in the binary.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

// The tool's schema comes from the binary's action registry
// (`cluster-slurm tool --schema`, committed beside this file and checked
// against the registry by the Swift tests): one source for every host.
export const schema = JSON.parse(readFileSync(path.join(here, "tool-schema.json"), "utf8"));
export const TOOL_NAME = schema.tool.name;
export const parameters = schema.tool.parameters;
export const ACTIONS = parameters.properties.action.enum;

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

/** An aborted call rejects with this, as OpenClaw's adapter expects (it rethrows AbortError). */
function abortError(signal) {
  const error = new Error(`cluster-slurm call aborted${signal?.reason ? `: ${signal.reason}` : ""}`);
  error.name = "AbortError";
  return error;
}

/**
 * Runs one tool call through `cluster-slurm tool`, with a timeout, an output
 * cap and the agent turn's abort signal. The binary runs in a process group
 * of its own: SIGTERM lets it stop ssh and remove temporaries (it handles the
 * signal), then the whole group is killed if anything is left after 2 s.
 */
export function runTool(params, { binary, configFile, workspaceDir, timeoutMs = 600_000, maxOutputBytes = 8 << 20, env = process.env, signal }) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const child = spawn(binary, ["tool", "--config", configFile, "--workspace", workspaceDir], {
      env, stdio: ["pipe", "pipe", "pipe"], detached: true,
    });
    const chunks = [];
    let size = 0;
    let stderr = "";
    let failure;
    let exited = false;
    const killGroup = (sig) => { if (!exited) { try { process.kill(-child.pid, sig); } catch { /* already gone */ } } };
    const stop = (reason) => {
      failure ??= reason;
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 2000).unref();
    };
    const onAbort = () => stop(abortError(signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => stop(new Error(`cluster-slurm timed out after ${timeoutMs} ms`)), timeoutMs);
    child.stdout.on("data", (chunk) => {
      size += chunk.length;
      if (size > maxOutputBytes) return stop(new Error(`cluster-slurm output exceeded ${maxOutputBytes} bytes`));
      chunks.push(chunk);
    });
    child.stderr.on("data", (chunk) => { if (stderr.length < 65536) stderr += chunk; });
    child.on("error", (error) => { clearTimeout(timer); reject(new Error(`cannot run ${binary}: ${error.message}`)); });
    child.on("close", (code) => {
      exited = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      // anything the binary started in its group goes with it
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* nothing left */ }
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

/** OpenClaw calls execute(id, params, signal, onUpdate); older hosts (id, params, onUpdate, ctx, signal). */
function abortSignalOf(args) {
  const candidates = [args[2], args[4]];
  return candidates.find((value) => value && typeof value === "object" && "aborted" in value);
}

export function buildTool({ pluginConfig, workspaceDir, binary = resolveBinary(), timeoutMs, env }) {
  const configFile = writeConfig(pluginConfig);
  return {
    name: TOOL_NAME,
    label: "Cluster SLURM",
    description: schema.tool.description,
    parameters,
    async execute(_toolCallId, params, ...rest) {
      const signal = abortSignalOf([_toolCallId, params, ...rest]);
      const { code, payload } = await runTool(params, { binary, configFile, workspaceDir, timeoutMs, env, signal });
      const content = [{ type: "text", text: JSON.stringify(payload, null, 2) }];
      // A failure is a result the model reads whole (code, path, rule, limit,
      // requested, runs, runId), marked as an error; a thrown Error would reach
      // it as its message only.
      if (code !== 0) return { content, details: payload, isError: true };
      return { content, details: payload };
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
      { name: TOOL_NAME, optional: true },
    );
    const count = Object.keys(pluginConfig.clusters ?? {}).length;
    api.logger?.info?.(`[cluster-slurm] registered (${count} cluster profile${count === 1 ? "" : "s"})`);
  },
};

export default clusterSlurmPlugin;
