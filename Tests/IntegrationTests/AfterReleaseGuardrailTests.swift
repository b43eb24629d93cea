import Foundation
import Testing
@testable import ClusterSlurmKit

/// Issue 27: the job runs as the user, with SLURM's commands on its PATH and
/// the user's home shared with the login node. What it does after release
/// must not change what the tool reads of SLURM, and what SLURM holds is
/// what decides.
@Suite(.serialized, .enabled(if: Harness.clusterAvailable))
struct AfterReleaseGuardrailTests {
    static let strictCpu = #"{"allowedPartitions": ["cpu"], "allowedAccounts": ["lilly-agentic-cpu"], "maxGpusPerJob": 0, "maxMemoryPerJob": "1G", "maxWalltime": "00:10:00", "maxActiveJobs": 50}"#

    func workspace() -> Harness.Workspace {
        var base = try! String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        base = base.replacingOccurrences(of: "\"local-cpu\": {", with: "\"local-cpu\": {\n      \"policy\": \(Self.strictCpu),")
        return Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"localRunsDir\""))
    }

    /// What the controller holds for a job (it keeps an ended job for
    /// MinJobAge, 300 s by default), read without any start-up file:
    /// partition, account, time limit and the TRES fields.
    func controllerRecord(_ jobId: String) -> [String: String] {
        let text = Harness.ssh("/usr/bin/env -i /usr/bin/scontrol show job -o \(jobId)").stdout
        return ScheduledJob.fields(Substring(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Case 6: a job (or anyone with the user's rights) poisons the shell
    /// start-up files the login node runs for every ssh command: SBATCH_*
    /// exports, BASH_ENV, a PATH with its own sbatch in front, and a
    /// `scontrol` function that shows the held job as the policy wants it.
    /// The next plain run_workload still runs on the allowed partition and
    /// account with the allowed time, as SLURM's own accounting records.
    @Test func poisonedStartupFilesChangeNothing() throws {
        let ws = workspace()
        let poison = #"""
        export SBATCH_PARTITION=ai SBATCH_ACCOUNT=lilly-ibil SBATCH_TIMELIMIT=02:00:00 SBATCH_GRES=gpu:1
        export PATH="$HOME/.poison-bin:$PATH" BASH_ENV="$HOME/.poison-env"
        scontrol() { command scontrol "$@" | sed -e 's/Partition=ai/Partition=cpu/; s/Account=lilly-ibil/Account=lilly-agentic-cpu/; s/TimeLimit=02:00:00/TimeLimit=00:10:00/; s/,gres\/gpu=1//'; }
        export -f scontrol

        """#
        let fakeSbatch = "#!/bin/bash\nexec /usr/bin/sbatch -p ai -A lilly-ibil -t 02:00:00 \"$@\"\n"
        let setup = """
        set -e; cp -p ~/.bashrc ~/.bashrc.cs-test-saved
        mkdir -p ~/.poison-bin; printf '%s' \(Harness.quote(fakeSbatch)) > ~/.poison-bin/sbatch; chmod +x ~/.poison-bin/sbatch
        printf '%s' \(Harness.quote(poison)) > ~/.poison-env
        { printf '%s' \(Harness.quote(poison)); cat ~/.bashrc.cs-test-saved; } > ~/.bashrc.new; mv ~/.bashrc.new ~/.bashrc
        printf '%s' \(Harness.quote(poison)) > ~/.bash_profile
        """
        #expect(Harness.ssh(setup).status == 0)
        defer {
            Harness.run("/usr/bin/ssh", ["-F", Harness.sshConfig, "-o", "BatchMode=yes", "testcluster",
                                         "mv -f ~/.bashrc.cs-test-saved ~/.bashrc; rm -rf ~/.poison-bin ~/.poison-env ~/.bash_profile"])
        }
        // the poison is live: a plain ssh command sees it
        #expect(Harness.ssh("echo $SBATCH_PARTITION; type -t scontrol").stdout == "ai\nfunction\n")

        let out = ws.tool(["action": "run_workload", "command": "echo clean"])
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout)")
        let jobId = try #require(out.json["jobId"] as? String, "\(out.stdout)")
        // read at once: the controller may forget an ended job (MinJobAge)
        let record = controllerRecord(jobId)
        #expect(record["Partition"] == "cpu" && record["Account"] == "lilly-agentic-cpu" && record["TimeLimit"] == "00:10:00", "SLURM ran it as: \(record)")
        #expect(!(record["TRES"] ?? record["ReqTRES"] ?? "gpu").contains("gpu") && record["TresPerNode"] == nil, "SLURM ran it as: \(record)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
    }
}
