import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

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

    /// The user's jobs SLURM knows by this name: `ID|STATE` from squeue (active) and sacct (ended).
    func slurmJobs(named name: String) -> [String] {
        let out = Harness.ssh("/usr/bin/env -i /usr/bin/squeue -h -u hpcuser -t all -n \(Harness.quote(name)) -o '%i|%T'; /usr/bin/env -i /usr/bin/sacct -X -n -P -u hpcuser --starttime=now-1hour --name=\(Harness.quote(name)) -o JobID,State")
        return Array(Set(out.stdout.split(separator: "\n").map(String.init))).sorted()
    }

    /// Case 1: the workload itself runs sbatch (to a forbidden partition and
    /// account, with a GPU). The status query that sees the workload end
    /// lists the user's jobs, finds three whose work dir is the run's and
    /// that the ledger never submitted, cancels them (a strict policy), and
    /// records them against the run; the next submission counts them.
    @Test func jobsAWorkloadSubmitsAreFoundCancelledAndRecorded() throws {
        let ws = workspace()
        let name = "spawned-\(UUID().uuidString.prefix(8))"
        defer { Harness.ssh("/usr/bin/env -i /usr/bin/scancel -u hpcuser -n \(name)") }
        let command = "for i in 1 2 3; do sbatch --parsable -J \(name) -p ai -A lilly-ibil --gres=gpu:1 -t 10 --wrap 'sleep 300' >> spawned.txt; done; cat spawned.txt"
        let out = ws.tool(["action": "run_workload", "command": command])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "COMPLETED", "\(done)")
        let events = try #require(done["guardrails"] as? [[String: Any]], "check_workload shows what it found: \(done)")
        #expect(events.count == 3 && events.allSatisfy { $0["rule"] as? String == "spawned_job" && $0["action"] as? String == "cancelled" }, "\(events)")
        #expect(ws.sql("SELECT count(*) FROM guardrailEvent WHERE runId = '\(runId)' AND rule = 'spawned_job' AND action = 'cancelled'") == "3")
        // SLURM's view: none of them is still pending or running
        let jobs = slurmJobs(named: name)
        #expect(jobs.count >= 3 && jobs.allSatisfy { $0.hasSuffix("|CANCELLED") || $0.contains("|CANCELLED by") }, "\(jobs)")
    }

    /// Case 2: a released job of ours that still waits is rewritten with the
    /// user's rights (`scontrol update … Partition=ai Account=lilly-ibil`, as
    /// a workload could). The next status query holds its record against
    /// what was released and cancels it, naming before and after.
    @Test func aWaitingJobChangedAfterReleaseIsCancelled() throws {
        let ws = workspace()
        let out = ws.tool(["action": "run_workload", "command": "echo later", "submitArgs": ["--begin=now+600"]])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        let jobId = try #require(out.json["jobId"] as? String)
        #expect(ws.sql("SELECT json_extract(releasedRecord, '$.partition') FROM job WHERE jobId = '\(jobId)'") == "cpu")
        let first = ws.tool(["action": "check_workload", "runId": runId]).json
        #expect(first["state"] as? String == "PENDING" && first["guardrails"] == nil, "unchanged: nothing to say: \(first)")
        let update = Harness.ssh("/usr/bin/env -i /usr/bin/scontrol update JobId=\(jobId) Partition=ai Account=lilly-ibil")
        #expect(update.status == 0, "\(update.stderr)")
        let after = ws.tool(["action": "check_workload", "runId": runId]).json
        let events = try #require(after["guardrails"] as? [[String: Any]], "\(after)")
        let detail = events.first?["detail"] as? String ?? ""
        #expect(events.first?["rule"] as? String == "changed_after_release" && events.first?["action"] as? String == "cancelled", "\(events)")
        #expect(detail.contains("Partition: cpu → ai") && detail.contains("Account: lilly-agentic-cpu → lilly-ibil"), "\(detail)")
        let state = Harness.ssh("/usr/bin/env -i /usr/bin/squeue -h -t all -j \(jobId) -o %T").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(state == "CANCELLED" || state.isEmpty, "SLURM: \(state)")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "CANCELLED")
        #expect(((done["failure"] as? [String: Any])?["hint"] as? String)?.contains("changed after it was released") == true, "\(done)")
    }

    /// Cases 10 and 11: the active-jobs budget counts array tasks one each
    /// and every profile that reaches the same SLURM cluster: three waiting
    /// array tasks on the cpu profile fill maxActiveJobs 3 for the gpu
    /// profile too, as SLURM's own list shows at the held check.
    @Test func activeJobsAreCountedAsSlurmHoldsThemPerCluster() throws {
        var base = try String(contentsOfFile: Harness.localConfig, encoding: .utf8)
        base = base.replacingOccurrences(of: "\"local-cpu\": {", with: "\"local-cpu\": {\n      \"policy\": {\"maxActiveJobs\": 3},")
        base = base.replacingOccurrences(of: "\"local-gpu\": {", with: "\"local-gpu\": {\n      \"policy\": {\"maxActiveJobs\": 3},")
        let ws = Harness.Workspace(config: WorkloadFlowTests.derivedConfig(from: base, replacing: "\"localRunsDir\"", with: "\"localRunsDir\""))
        let array = ws.tool(["action": "run_workload", "command": "echo task", "array": "0-2", "submitArgs": ["--begin=now+600"]])
        #expect(array.status == 0, "\(array.stdout) \(array.stderr)")
        let gpu = ws.tool(["action": "run_workload", "cluster": "local-gpu", "command": "echo gpu", "submitArgs": ["--begin=now+600"]])
        #expect(gpu.status == 3 && gpu.json["rule"] as? String == "max_active_jobs", "\(gpu.stdout)")
        // (at least the three tasks: other jobs of the user under the remoteRoot count too)
        #expect((gpu.json["error"] as? String)?.contains("jobs are already pending or running") == true, "\(gpu.stdout)")
    }

    /// Case 12: a job leaves a symlink to the home dir in its run dir; a
    /// later upload into the run that would go through it places nothing,
    /// and nothing appears in the home dir.
    @Test func anUploadNeverGoesThroughASymlinkTheJobLeft() throws {
        let ws = workspace()
        let marker = "cs-escape-\(UUID().uuidString.prefix(8))"
        defer { Harness.ssh("rm -rf ~/\(marker).txt ~/made-\(marker)") }
        let out = ws.tool(["action": "run_workload", "command": "ln -s \"$HOME\" home && ln -s \"$HOME\" \(marker)"])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        ws.write("home/\(marker).txt", "outside?")
        let up = ws.tool(["action": "upload", "runId": runId, "localPath": "home"])
        #expect(up.status != 0 && (up.json["error"] as? String ?? up.stderr).contains("outside the run dir"), "\(up.stdout) \(up.stderr)")
        ws.write("x/\(marker).txt", "outside?")
        let into = ws.tool(["action": "upload", "runId": runId, "localPath": "x", "remoteDir": marker])
        #expect(into.status != 0, "an upload target that is the job's symlink: \(into.stdout)")
        let below = ws.tool(["action": "upload", "runId": runId, "localPath": "x", "remoteDir": marker + "/made-\(marker)"])
        #expect(below.status != 0, "an upload target below the job's symlink: \(below.stdout)")
        #expect(Harness.ssh("test -e ~/made-\(marker)").status != 0, "no directory was made through the symlink")
        #expect(Harness.ssh("test -e ~/\(marker).txt").status != 0, "nothing was written through the symlink")
    }

    /// The ended states SLURM holds for these jobs (squeue keeps ended jobs for MinJobAge, sacct after).
    func endedStates(_ jobIds: [String]) -> [String: String] {
        let list = jobIds.joined(separator: ",")
        let out = Harness.ssh("/usr/bin/env -i /usr/bin/sacct -X -n -P -j \(list) -o JobID,State; /usr/bin/env -i /usr/bin/squeue -h -t all -j \(list) -o '%i|%T'").stdout
        var states: [String: String] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "|").map(String.init)
            guard parts.count == 2, ["FAILED", "CANCELLED", "COMPLETED", "TIMEOUT", "OUT_OF_MEMORY"].contains(where: { parts[1].hasPrefix($0) }) else { continue }
            states[parts[0]] = parts[1]
        }
        return states
    }

    /// Case 9: the breakers count from SLURM's view. Three identical
    /// workloads fail and nobody calls check_workload: the fourth is refused
    /// (loop breaker). Three that cancel themselves are failures too.
    @Test func breakersCountFailuresNobodyPolled() throws {
        for (command, what) in [("echo trying; exit 7", "FAILED"), ("scancel $SLURM_JOB_ID; sleep 30", "CANCELLED")] {
            // a ledger each: the circuit breaker (5 failures of any workload) stays out of it
            let ws = Harness.Workspace()
            var jobs: [String] = []
            for _ in 0..<3 {
                let out = ws.tool(["action": "run_workload", "command": command])
                jobs.append(try #require(out.json["jobId"] as? String, "\(out.stdout) \(out.stderr)"))
            }
            // SLURM decides when they end: a bounded wait on its own view, never a check_workload
            let deadline = Date().addingTimeInterval(120)
            var states: [String: String] = [:]
            while Date() < deadline {
                states = endedStates(jobs)
                if states.count == jobs.count { break }
                Thread.sleep(forTimeInterval: 1)
            }
            #expect(states.count == 3 && states.values.allSatisfy { $0.hasPrefix(what) }, "\(states)")
            #expect(ws.sql("SELECT count(*) FROM actionLog WHERE action NOT IN ('run_workload')") == "0", "nobody called check_workload for the \(what) ones")
            let fourth = ws.tool(["action": "run_workload", "command": command])
            #expect(fourth.status == 3 && fourth.json["rule"] as? String == "loop_breaker", "\(what): \(fourth.stdout)")
        }
    }

    /// Case 5: a process a job starts with setsid outlives the job where
    /// SLURM does not track processes with cgroups. The tool cannot stop
    /// that from here; it knows which kind of cluster it is and says so:
    /// list_clusters shows the process tracking and where SLURM's commands
    /// are, as the login node reported them in a clean environment.
    @Test func theClusterSaysWhatConfinesAJob() throws {
        let ws = workspace()
        let out = ws.tool(["action": "run_workload", "command": "echo facts"])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        _ = ws.waitUntilDone(runId: runId)
        let listed = ws.tool(["action": "list_clusters"]).json
        let cluster = try #require((listed["clusters"] as? [[String: Any]])?.first { $0["id"] as? String == "local-cpu" })
        let recorded = try #require(cluster["facts"] as? [String: Any], "\(cluster)")
        let facts = try #require(recorded["facts"] as? [String: Any])
        let truth = Harness.ssh("/usr/bin/env -i /usr/bin/scontrol show config | awk '$1 == \"ProctrackType\" { print $3 }'").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!truth.isEmpty && facts["proctrackType"] as? String == truth, "\(facts) vs \(truth)")
        #expect((facts["commands"] as? [String: String])?["sbatch"] == "/usr/bin/sbatch", "\(facts)")
        let note = recorded["note"] as? String ?? ""
        #expect(truth.contains("cgroup") ? note.contains("end with the job") : note.contains("setsid can outlive the job"), "\(note)")
    }

    /// Case 3: the workload requeues itself: SLURM runs one submission twice.
    /// The status query that sees it end reads each start from accounting
    /// and records the requeue against the run, counted as a submission.
    @Test func aJobThatRequeuesItselfIsCountedTwice() throws {
        let ws = workspace()
        let pause = "sleep 4.\(Int.random(in: 100...999))"
        let command = "if [ ! -e requeued.marker ]; then touch requeued.marker; scontrol requeue $SLURM_JOB_ID; \(pause); fi; echo second run"
        let out = ws.tool(["action": "run_workload", "command": command])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        let jobId = try #require(out.json["jobId"] as? String)
        // SLURM holds a requeued job back a while before it may start again: once it shows the
        // restart (a bounded wait on its own view), it is made eligible now, as its user may.
        var record = ""
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            record = Harness.ssh("/usr/bin/env -i /usr/bin/scontrol show job -o \(jobId)").stdout
            // pending again, and the first start gone: its workload and its slurmstepd (which, without
            // cgroups, would end a second start on the same node with the same job id as it cleans up)
            if record.contains("Restarts=1") && record.contains("JobState=PENDING"),
               Harness.ssh("pgrep -f \(Harness.quote("[s]" + pause.dropFirst())) >/dev/null || pgrep -f \(Harness.quote("[s]lurmstepd: \\[\(jobId)\\.")) >/dev/null").status != 0 { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        #expect(record.contains("Restarts=1"), "\(record)")
        #expect(Harness.ssh("/usr/bin/env -i /usr/bin/scontrol update JobId=\(jobId) StartTime=now").status == 0)
        let done = ws.waitUntilDone(runId: runId)
        // How the second start ends is SLURM's business (without cgroups, a restart made at once on
        // the same node now and then loses its batch step to the first start's cleanup); that it
        // ran twice is what the ledger must say.
        #expect(["COMPLETED", "FAILED"].contains(done["state"] as? String ?? ""), "\(done)")
        let events = (done["guardrails"] as? [[String: Any]]) ?? []
        #expect(events.contains { $0["rule"] as? String == "requeued" && $0["tasks"] as? Int == 1 && $0["jobId"] as? String == jobId }, "\(done)")
        #expect(ws.sql("SELECT tasks FROM guardrailEvent WHERE rule = 'requeued' AND jobId = '\(jobId)'") == "1")
    }

    /// Case 4: the workload loads a module at run time through indirection
    /// no word check can see. The environment taken again as the workload
    /// ends shows it: recorded against the run, and under a strict policy a
    /// violation that counts against the breakers.
    @Test func aModuleLoadedAtRunTimeIsSeen() throws {
        let ws = workspace()
        // "module load modtree/gpu", spelled so that no word of it appears
        let command = "m=$(echo bW9kdWxlIGxvYWQgbW9kdHJlZS9ncHU= | base64 -d); $m; echo loaded"
        let out = ws.tool(["action": "run_workload", "command": command])
        let runId = try #require(out.json["runId"] as? String, "\(out.stdout) \(out.stderr)")
        let done = ws.waitUntilDone(runId: runId)
        #expect(done["state"] as? String == "COMPLETED", "\(done)")
        let event = ((done["guardrails"] as? [[String: Any]]) ?? []).first { $0["rule"] as? String == "environment_changed" }
        #expect(event?["action"] as? String == "violation", "\(done)")
        #expect((event?["detail"] as? String)?.contains("modtree/gpu") == true, "\(String(describing: event))")
        // the breakers count it: as a failure of this workload
        #expect(ws.sql("SELECT count(*) FROM guardrailEvent WHERE rule = 'environment_changed' AND action = 'violation'") == "1")
    }

    /// Cases 7 and 8: free text that would read as a field of SLURM's job
    /// record is refused before anything is sent; a job name with `..` that
    /// makes the log path leave the run dir is refused from SLURM's own record
    /// (resolved, not compared as text). SLURM shows no job ran.
    @Test func theRecordCannotBeForged() throws {
        let ws = workspace()
        let forged = ws.tool(["action": "run_workload", "command": "hostname",
                              "submitArgs": ["--mail-type=END", "--mail-user=x ReqTRES=cpu=1,mem=256M,node=1,billing=1"]])
        #expect(forged.status == 3 && forged.json["rule"] as? String == "record_text", "\(forged.stdout)")
        let name = "escape-\(UUID().uuidString.prefix(6))"
        let dotted = ws.tool(["action": "run_workload", "command": "hostname",
                              "headerOverrides": ["jobName": "../../\(name)", "output": "%x.out"]])
        #expect(dotted.status == 3 && dotted.json["rule"] as? String == "log_path", "\(dotted.stdout)")
        // SLURM's view: the held job was cancelled before it could start, and nothing was written outside
        if let jobId = dotted.json["jobId"] as? String {
            // (sacct gives a job cancelled while pending its cancel time as Start on 22.05: elapsed is what says it never ran)
            let state = Harness.ssh("/usr/bin/env -i /usr/bin/sacct -X -n -P -j \(jobId) -o State,Elapsed").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(state.hasPrefix("CANCELLED") && state.hasSuffix("|00:00:00"), "\(state)")
        }
        #expect(Harness.ssh("test -e /scratch/hpcuser/\(name).out").status != 0)
        #expect(ws.sql("SELECT count(*) FROM job") == "0")
    }
}
