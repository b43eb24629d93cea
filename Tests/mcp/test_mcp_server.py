"""The MCP server (`cluster-slurm mcp`) driven by the Python `mcp` client on the real test cluster:
list tools, run a workload, check until done, fetch logs, download outputs, and a refused call."""
import asyncio
import shlex
import shutil
import subprocess
import json
import os
import tempfile
import time
import unittest
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

REPO = Path(__file__).resolve().parents[2]
BINARY = REPO / ".build" / "debug" / "cluster-slurm"
CONFIG = REPO / "examples" / "local" / "cluster-slurm.json"
SSH_CONFIG = "/var/lib/cluster-slurm-testcluster/client/ssh_config"


def payload(result):
    return json.loads(result.content[0].text)


class MCPServerTests(unittest.TestCase):
    def test_workload_flow_over_mcp(self):
        asyncio.run(self.flow())

    async def flow(self):
        workspace = tempfile.mkdtemp(prefix="cs-mcp-")
        control = tempfile.mkdtemp(prefix="cs-mcp-cm-")
        # the test removes what it made: workspace, control dir, run dir on the cluster
        self.addCleanup(shutil.rmtree, workspace, True)
        self.addCleanup(shutil.rmtree, control, True)
        self.addCleanup(subprocess.run, ["ssh", "-o", f"ControlPath={control}/%C", "-O", "exit", "-F", SSH_CONFIG, "testcluster"],
                        capture_output=True)
        Path(workspace, "numbers.txt").write_text("3\n4\n5\n")
        params = StdioServerParameters(
            command=str(BINARY), args=["mcp", "--config", str(CONFIG), "--workspace", workspace],
            env={**os.environ, "CLUSTER_SLURM_CONTROL_DIR": control})
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                initialized = await session.initialize()
                self.assertIn("check_workload", initialized.instructions or "")
                tools = {tool.name: tool for tool in (await session.list_tools()).tools}
                self.assertIn("cluster_slurm", tools)
                for name in ["run_workload", "check_workload", "fetch_workload_logs", "download_workload_outputs", "list_clusters"]:
                    self.assertIn(name, tools)
                self.assertIn("action", tools["cluster_slurm"].input_schema["properties"])
                self.assertEqual(tools["cluster_slurm"].input_schema["properties"]["tail"]["maximum"], 20000)

                clusters = payload(await session.call_tool("list_clusters", {}))
                self.assertEqual([c["id"] for c in clusters["clusters"]], ["local-cpu", "local-gpu"])

                started = await session.call_tool("run_workload", {
                    "command": "mkdir -p outputs && awk '{s+=$1} END {print s}' numbers.txt | tee outputs/sum.txt",
                    "localPaths": ["numbers.txt"], "prefix": "mcp"})
                self.assertFalse(started.is_error, started.content[0].text)
                run = payload(started)
                self.assertTrue(run["runId"].startswith("mcp-"))
                self.addCleanup(subprocess.run, ["ssh", "-F", SSH_CONFIG, "testcluster", "rm -rf -- " + shlex.quote(run["remoteRunDir"])],
                                capture_output=True)

                deadline = time.time() + 120
                while True:
                    state = payload(await session.call_tool("check_workload", {"runId": run["runId"]}))
                    self.assertIn("done", state, state)
                    if state["done"] or time.time() > deadline:
                        break
                    await asyncio.sleep(1)
                self.assertEqual(state["state"], "COMPLETED")

                logs = payload(await session.call_tool("fetch_workload_logs", {"runId": run["runId"]}))
                self.assertIn("12", logs["log"])

                downloaded = payload(await session.call_tool("cluster_slurm", {
                    "action": "download_workload_outputs", "runId": run["runId"], "remoteFile": "outputs/sum.txt"}))
                self.assertEqual(Path(downloaded["localPath"]).read_text().strip(), "12")
                self.assertTrue(downloaded["localPath"].startswith(workspace))

                refused = await session.call_tool("cluster_slurm", {"action": "job_status", "jobId": "1; rm -rf ~"})
                self.assertTrue(refused.is_error)
                error = payload(refused)
                self.assertEqual(error["status"], "error")
                self.assertEqual(error["path"], "jobId")

                # Each tool is the registry's: its own parameters, its required set, its hints.
                schema = json.loads(subprocess.run([str(BINARY), "tool", "--schema"], capture_output=True, text=True, check=True).stdout)
                self.assertEqual(schema, json.loads((REPO / "openclaw" / "tool-schema.json").read_text()))
                for action in schema["actions"]:
                    tool = tools[action["name"]]
                    self.assertEqual(sorted(tool.input_schema.get("required", [])), sorted(action["inputSchema"].get("required", [])), action["name"])
                    self.assertEqual(set(tool.input_schema["properties"]), set(action["inputSchema"]["properties"]), action["name"])
                    self.assertEqual(tool.annotations.model_dump(by_alias=True).get("readOnlyHint"), action["annotations"]["readOnlyHint"], action["name"])
                    self.assertEqual(tool.annotations.model_dump(by_alias=True).get("destructiveHint"), action["annotations"]["destructiveHint"], action["name"])
                    for field in action["inputSchema"].get("required", []):
                        missing = await session.call_tool(action["name"], {})
                        self.assertTrue(missing.is_error, action["name"])
                        self.assertEqual(payload(missing)["path"], field, payload(missing))
                self.assertTrue(tools["cancel_job"].annotations.model_dump(by_alias=True).get("destructiveHint"))
                self.assertEqual(tools["check_workload"].input_schema["required"], ["runId"])
                self.assertNotIn("tail", tools["list_clusters"].input_schema["properties"])
                extra = await session.call_tool("list_clusters", {"tail": 5})
                self.assertTrue(extra.is_error)
                self.assertEqual(payload(extra)["path"], "tail")

                # A policy refusal: isError, its code and rule, as text and as structured content.
                policy = await session.call_tool("run_workload", {"command": "hostname", "submitArgs": ["-Q"]})
                self.assertTrue(policy.is_error)
                self.assertEqual(payload(policy)["code"], "policy_violation")
                self.assertEqual(policy.structured_content["rule"], "submit_args")
                self.assertEqual(started.structured_content["runId"], run["runId"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
