import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Parameters, metrics, tags, notes and the software environment on the real
/// test cluster: three runs of a learning-rate sweep, two library versions.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct ReproducibilityIntegrationTests {
    @Test func sweepWithMetricsTagsAndEnvironments() throws {
        let ws = Harness.Workspace(config: Harness.derivedConfig(profileFields: #""metricsFile": "outputs/metrics.json""#,
                                                                     topFields: #""execution": {"allowCustomEnvOverride": true}"#))
        let train = #"mkdir -p outputs && python3 -c "import json, os; p = json.loads(os.environ['CLUSTER_SLURM_PARAMS']); json.dump({'loss': p['lr'] * 5, 'val': {'acc': 0.9}, 'note': 'text'}, open('outputs/metrics.json', 'w'))""#
        var runs: [String] = []
        for (lr, library) in [(0.1, "1.0.0"), (0.01, "2.0.0"), (0.001, "2.0.0")] {
            let started = ws.tool(["action": "run_workload", "prefix": "lr", "command": train, "params": ["lr": lr],
                                   "modules": ["pylibs/\(library)"], "allowEnvOverrides": true]).json
            runs.append(try #require(started["runId"] as? String, "\(started)"))
        }
        for run in runs {
            #expect(ws.waitUntilDone(runId: run)["state"] as? String == "COMPLETED")
            let out = ws.tool(["action": "download_workload_outputs", "runId": run, "remoteFile": "outputs/metrics.json"]).json
            let metrics = try #require(out["metrics"] as? [String: Double], "\(out)")
            #expect(metrics["val.acc"] == 0.9 && metrics["loss"] != nil)
            #expect((out["metricsNote"] as? String)?.contains("note") == true)
        }
        // The environment each job recorded: identical ones are stored once.
        #expect(ws.sql("SELECT count(*) FROM run_environment") == "3")
        #expect(ws.sql("SELECT count(DISTINCT sha256) FROM runEnvironment") == "2")
        #expect(ws.sql("SELECT count(*) FROM run_environment WHERE environment LIKE '%demo-pkg==2.0.0%'") == "2")

        let diff = ws.cli(["runs", "diff", runs[0], runs[1], "--json"])
        #expect(diff.status == 1)
        let environment = ((diff.json["categories"] as? [[String: Any]])?.first { $0["name"] as? String == "environment" }?["changes"] as? [String]) ?? []
        #expect(environment.contains("demo-pkg 1.0.0 → 2.0.0"), "\(environment)")
        #expect(environment.contains("+ module pylibs/2.0.0") && environment.contains("- module pylibs/1.0.0"), "\(environment)")

        #expect(ws.cli(["runs", "tag", runs[1], "best", "paper/fig-3"]).status == 0)
        #expect(ws.cli(["runs", "note", runs[1], "lowest loss of the sweep"]).status == 0)
        func listed(_ arguments: [String]) -> [String] {
            let rows = (try? JSONSerialization.jsonObject(with: Data(ws.cli(["runs", "list", "--json"] + arguments).stdout.utf8))) as? [[String: Any]] ?? []
            return rows.compactMap { $0["run_id"] as? String }.sorted()
        }
        #expect(listed(["--tag", "best"]) == [runs[1]])
        #expect(listed(["--metric", "loss<0.1"]) == [runs[1], runs[2]].sorted())
        #expect(listed(["--param", "lr=0.01"]) == [runs[1]])
        #expect(listed(["--metric", "val.acc>=0.9", "--tag", "paper/fig-3"]) == [runs[1]])
        let refused = ws.cli(["runs", "list", "--metric", "loss<<1"])
        #expect(refused.status == 2 && refused.stderr.contains("--metric"), "\(refused.stderr)")

        let compare = ws.cli(["runs", "compare"] + runs)
        #expect(compare.status == 0)
        let lines = compare.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("* param lr") && $0.contains("0.001") }, "\(compare.stdout)")
        #expect(lines.contains { $0.hasPrefix("* metric loss") && $0.contains("0.05") }, "\(compare.stdout)")
        #expect(lines.contains { $0.hasPrefix("* environment") && $0.contains("demo-pkg 1.0.0 → 2.0.0") }, "\(compare.stdout)")
        #expect(lines.contains { $0.hasPrefix("  python") }, "the same Python everywhere: \(compare.stdout)")

        let shown = ws.cli(["runs", "show", runs[1]]).stdout
        #expect(shown.contains("params     {\"lr\":0.01}") && shown.contains("metrics    loss=0.05 val.acc=0.9"), "\(shown)")
        #expect(shown.contains("tags       best paper/fig-3") && shown.contains("note       lowest loss of the sweep"), "\(shown)")
        #expect(shown.contains("software   Python 3.11") && shown.contains(" pylibs/2.0.0 ·"), "\(shown)")
        #expect(ws.sql("SELECT group_concat(name || '=' || value, ' ') FROM (SELECT * FROM run_params WHERE run_id = '\(runs[2])')") == "lr=0.001")

        // Replayed on the GPU profile: placed as that profile says, outputs and environment reported apart.
        let replay = ws.cli(["runs", "replay", runs[1], "--cluster", "local-gpu", "--json"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let replayId = try #require(replay.json["runId"] as? String, "\(replay.stdout)")
        let deltas = replay.json["deltas"] as? [String: String] ?? [:]
        #expect(deltas["mapped.partition"] == "ai" && deltas["mapped.account"] == "lilly-ibil" && deltas["mapped.qos"] == "normal", "\(deltas)")
        let placed = Harness.ssh("scontrol show job \(replay.json["jobId"] as? String ?? "") | grep -oE '(Partition|Account|QOS)=[^ ]*'").stdout
        #expect(placed.contains("Partition=ai") && placed.contains("Account=lilly-ibil"), "\(placed)")
        #expect(ws.waitUntilDone(runId: replayId)["state"] as? String == "COMPLETED")
        let verified = ws.cli(["runs", "verify", replayId, "--json"])
        #expect((verified.json["summary"] as? String)?.hasPrefix("same outputs; same environment") == true, "\(verified.stdout)")
    }
}
