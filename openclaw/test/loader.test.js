// The plugin loaded as today's OpenClaw loads it. Two parts of OpenClaw are
// mirrored here (behaviour, not code), as read in the public openclaw/openclaw
// repository in November 2026 (releases 2026.6 and later):
//  - the plugin registry's tool gate (src/plugins, registerTool with
//    normalizePluginToolContractNames / findUndeclaredPluginToolNames): a
//    plugin whose manifest declares no contracts.tools registers no agent tool
//    ("plugin must declare contracts.tools before registering agent tools"),
//    every name given at registration must be declared, and a tool a factory
//    returns under an undeclared name is dropped;
//  - the agent tool adapter (src/agents/pi-tool-definition-adapter.ts, commit
//    00463892): execute(toolCallId, params, signal, onUpdate); a result with a
//    content array goes to the model as it is; a thrown error reaches it only
//    as {status: "error", tool, error: message}; when the signal was aborted
//    or the error is an AbortError it is rethrown (the turn ends).
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import plugin from "../index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(here, "../openclaw.plugin.json"), "utf8"));
// examples/local/cluster-slurm.json is JSON5 with full-line comments only
const localConfig = JSON.parse(readFileSync(path.join(here, "../../examples/local/cluster-slurm.json"), "utf8")
  .split("\n").filter((line) => !line.trim().startsWith("//")).join("\n"));

/** The registry's gate and the factory resolution, as OpenClaw applies them. */
function loadPlugin(entry, pluginManifest, { pluginConfig = {}, ctx = {} } = {}) {
  const diagnostics = [];
  const registrations = [];
  const declaredNames = [...new Set((pluginManifest.contracts?.tools ?? []).map((name) => String(name).trim()).filter(Boolean))];
  entry.register({
    id: pluginManifest.id,
    pluginConfig,
    config: {},
    logger: { info() {}, warn() {}, error() {} },
    registerTool(tool, opts) {
      if (declaredNames.length === 0) {
        diagnostics.push("plugin must declare contracts.tools before registering agent tools");
        return;
      }
      const names = [...(opts?.names ?? []), ...(opts?.name ? [opts.name] : [])];
      if (typeof tool !== "function") names.push(tool.name);
      const normalized = [...new Set(names.map((name) => name.trim()).filter(Boolean))];
      const undeclared = normalized.filter((name) => !declaredNames.includes(name));
      if (undeclared.length > 0) {
        diagnostics.push(`plugin must declare contracts.tools for: ${undeclared.join(", ")}`);
        return;
      }
      registrations.push({ factory: typeof tool === "function" ? tool : () => tool, names: normalized, optional: opts?.optional === true });
    },
  });
  const tools = [];
  for (const registration of registrations) {
    const produced = registration.factory(ctx);
    for (const tool of [produced].flat().filter(Boolean)) {
      if (!declaredNames.includes(tool.name)) { diagnostics.push(`plugin tool is undeclared: ${tool.name}`); continue; }
      tools.push(tool);
    }
  }
  return { diagnostics, registrations, tools };
}

/** The agent tool adapter: what the model receives from one call. */
function adapt(tool) {
  return async (toolCallId, params, signal) => {
    try {
      const result = await tool.execute(toolCallId, params, signal, undefined);
      if (result && Array.isArray(result.content)) return result;
      return { content: [{ type: "text", text: JSON.stringify(result?.details ?? result) }], details: result?.details ?? result };
    } catch (error) {
      if (signal?.aborted || error?.name === "AbortError") throw error;
      const payload = { status: "error", tool: tool.name, error: error instanceof Error ? error.message : String(error) };
      return { content: [{ type: "text", text: JSON.stringify(payload, null, 2) }], details: payload };
    }
  };
}

test("today's loader registers cluster_slurm under its declared name", () => {
  assert.deepEqual(manifest.contracts.tools, ["cluster_slurm"]);
  const workspaceDir = mkdtempSync(path.join(tmpdir(), "cs-openclaw-"));
  try {
    const loaded = loadPlugin(plugin, manifest, { ctx: { workspaceDir } });
    assert.deepEqual(loaded.diagnostics, []);
    assert.deepEqual(loaded.registrations.map((r) => [r.names, r.optional]), [[["cluster_slurm"], true]]);
    assert.deepEqual(loaded.tools.map((tool) => tool.name), ["cluster_slurm"]);
    assert.equal(loaded.tools[0].parameters.properties.action.enum.length, 13);
  } finally { rmSync(workspaceDir, { recursive: true, force: true }); }
});

test("the gate is real: without contracts.tools nothing is registered", () => {
  const { contracts, ...undeclared } = manifest;
  const loaded = loadPlugin(plugin, undeclared);
  assert.deepEqual(loaded.diagnostics, ["plugin must declare contracts.tools before registering agent tools"]);
  assert.deepEqual(loaded.tools, []);
  const other = loadPlugin(plugin, { ...manifest, contracts: { tools: ["something_else"] } });
  assert.deepEqual(other.diagnostics, ["plugin must declare contracts.tools for: cluster_slurm"]);
});

test("a failing call reaches the model as an error with its fields intact", async (t) => {
  const workspaceDir = mkdtempSync(path.join(tmpdir(), "cs-openclaw-"));
  t.after(() => rmSync(workspaceDir, { recursive: true, force: true }));
  const [tool] = loadPlugin(plugin, manifest, { pluginConfig: localConfig, ctx: { workspaceDir } }).tools;
  const call = adapt(tool);
  const refused = await call("c-1", { action: "run_workload", command: "hostname", submitArgs: ["--part=ai", "-Q"] });
  assert.equal(refused.isError, true);
  const seen = JSON.parse(refused.content[0].text);
  assert.deepEqual([seen.code, seen.rule, seen.path, seen.requested], ["policy_violation", "submit_args", "submitArgs[1]", "-Q"]);
  const missing = await call("c-2", { action: "check_workload" });
  assert.deepEqual([missing.isError, missing.details.code, missing.details.path], [true, "invalid_input", "runId"]);
});

test("an aborted call ends the binary and everything it started", async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), "cs-openclaw-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // A stand-in binary that starts a child and waits, recording both pids.
  const fake = path.join(dir, "fake-cluster-slurm");
  writeFileSync(fake, `#!/bin/bash\nsleep 300 &\necho "$$ $!" > "${dir}/pids"\nwait\n`);
  chmodSync(fake, 0o755);
  const previous = process.env.CLUSTER_SLURM_BIN;
  process.env.CLUSTER_SLURM_BIN = fake;
  t.after(() => { if (previous === undefined) delete process.env.CLUSTER_SLURM_BIN; else process.env.CLUSTER_SLURM_BIN = previous; });
  const [tool] = loadPlugin(plugin, manifest, { ctx: { workspaceDir: dir } }).tools;
  const controller = new AbortController();
  const pending = adapt(tool)("c-3", { action: "list_clusters" }, controller.signal);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  // wait (bounded) until the stand-in has started its child
  for (let i = 0; i < 200 && !existsSync(path.join(dir, "pids")); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const pids = readFileSync(path.join(dir, "pids"), "utf8").trim().split(" ").map(Number);
  assert.ok(pids.every(alive), "both running before the abort");
  controller.abort("the user stopped the turn");
  await assert.rejects(pending, (error) => error.name === "AbortError");
  for (let i = 0; i < 200 && pids.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.deepEqual(pids.filter(alive), [], "no process left behind");
});
