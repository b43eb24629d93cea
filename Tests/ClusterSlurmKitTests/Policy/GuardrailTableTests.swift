import Crypto
import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The guardrails' pure parts, table-driven: sbatch's reading of options,
/// the submitArgs allowlist, the scheduler's view of a held job, the
/// environment policy's reading of shell, breakers and redaction.
@Suite struct GuardrailTableTests {
    static let spellings: [([String], [String])] = [
        (["--part=ai"], ["partition=ai"]),
        (["--partition", "ai"], ["partition=ai"]),
        (["-pai"], ["partition=ai"]),
        (["-p", "ai"], ["partition=ai"]),
        (["-Qpai"], ["quiet", "partition=ai"]),
        (["-sHpai"], ["oversubscribe", "hold", "partition=ai"]),
        (["--accou=lilly-ibil"], ["account=lilly-ibil"]),
        (["-Alilly-ibil"], ["account=lilly-ibil"]),
        (["--time=0"], ["time=0"]),
        (["--qu"], ["quiet"]),
        (["--time", "-p"], ["time=-p"]),
        (["-t", "-pai"], ["time=-pai"]),
        (["--exclusive", "-pai"], ["exclusive", "partition=ai"]),
        (["--exclusive=user"], ["exclusive=user"]),
        (["--mem=0"], ["mem=0"]),
        (["--mem-per-c=100"], ["mem-per-cpu=100"]),
        (["--gpus-per-t=2"], ["gpus-per-task=2"]),
        (["--arr=0-9"], ["array=0-9"]),
        (["-a0-9"], ["array=0-9"]),
        (["--ch=/tmp"], ["chdir=/tmp"]),
        (["-D/tmp"], ["chdir=/tmp"]),
        (["--wra=id"], ["wrap=id"]),
        (["--export=ALL"], ["export=ALL"]),
        (["--cluster=x"], ["cluster=x"]),
        (["--hol"], ["hold"]),
        (["-H"], ["hold"]),
        (["--constraint=a100", "--mail-type=END"], ["constraint=a100", "mail-type=END"]),
    ]

    @Test(arguments: spellings) func sbatchReadsOptionsThisWay(args: [String], expected: [String]) throws {
        let uses = try SbatchCommandLine.parse(args).get()
        #expect(uses.map { use in use.value.map { "\(use.option)=\($0)" } ?? use.option } == expected)
    }

    @Test func ambiguousAndUnknownSpellingsAreErrors() {
        for args in [["--p=ai"], ["--a=x"], ["--ti=0"], ["--me=0"], ["--nosuch"], ["-f"], ["ai"], ["--"], ["-p"], ["--time"]] {
            #expect(throws: SbatchCommandLine.ParseError.self, "\(args)") { try SbatchCommandLine.parse(args).get() }
        }
    }

    @Test func submitArgsAllowlistNamesTheOption() throws {
        for (args, option) in [(["-Q", "--hold"], "-Q"), (["-Qpai"], "-Qpai"), (["--hol"], "--hol"), (["--array=0-9"], "--array=0-9"),
                               (["--ch=/tmp"], "--ch=/tmp"), (["--output=/tmp/x-%j.txt"], "--output=/tmp/x-%j.txt"),
                               (["--exclusive"], "--exclusive"), (["--export=ALL,X=1"], "--export=ALL,X=1"), (["--wrap", "id"], "--wrap id"),
                               (["--uid=0"], "--uid=0"), (["-M", "other"], "-M other"), (["--comment=x"], "--comment=x"),
                               (["--job-name=x"], "--job-name=x"), (["--parsable"], "--parsable"), (["-d", "afterok:1"], "-d afterok:1")] {
            let error = try #require(throws: ClusterSlurmError.self, "\(args)") { try SubmitArgsPolicy.check(args) }
            #expect(error.policy?.rule == "submit_args" && error.policy?.requested == option, "\(args): \(error.message)")
        }
        try SubmitArgsPolicy.check(["--constraint=a100", "--mail-type=END", "-t", "5", "--mem=1G", "-c2", "--gpus-per-node=1", "--signal=B:USR1@60"])
    }

    static let heldArray = "JobId=541 ArrayJobId=541 ArrayTaskId=0-3%2 ArrayTaskThrottle=2 JobName=j.sh UserId=hpcuser(1001) GroupId=hpcuser(1001) MCS_label=N/A Priority=0 Nice=0 Account=lilly-agentic-cpu QOS=normal JobState=PENDING Reason=JobHeldUser Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-29T12:20:14 EligibleTime=Unknown Partition=cpu AllocNode:Sid=localhost:30682 ReqNodeList=(null) ExcNodeList=(null) NodeList= NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=21694M,node=1,billing=1 Socks/Node=* MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0 Features=(null) DelayBoot=00:00:00 OverSubscribe=NO Contiguous=0 Licenses=(null) Network=(null) Command=/scratch/hpcuser/cs probe/j.sh WorkDir=/scratch/hpcuser/cs probe StdErr=/scratch/hpcuser/cs probe/slurm-541_4294967294.out StdIn=/dev/null StdOut=/scratch/hpcuser/cs probe/slurm-541_4294967294.out Power="
    static let heldGpu = "JobId=542 JobName=j.sh UserId=hpcuser(1001) Priority=0 Account=lilly-ibil QOS=normal JobState=PENDING Reason=JobHeldUser Dependency=(null) TimeLimit=00:05:00 Partition=ai NumNodes=1 NumCPUs=2 NumTasks=1 CPUs/Task=2 TRES=cpu=2,mem=200M,node=1,billing=2,gres/gpu=1 MinMemoryCPU=100M OverSubscribe=OK WorkDir=/scratch/r StdErr=/scratch/r/slurm-542.out StdIn=/dev/null StdOut=/scratch/r/slurm-542.out TresPerNode=gres:gpu:1,gres:gpu:1"

    @Test func scontrolRecordsAreRead() throws {
        let array = try #require(ScheduledJob.parse(Self.heldArray))
        #expect(array.jobId == "541" && array.tasks == 4 && array.timeLimitSeconds == nil && array.exclusive)
        #expect(array.memoryMegabytes == 21694 && array.partition == "cpu" && array.workDir == "/scratch/hpcuser/cs probe")
        let gpu = try #require(ScheduledJob.parse(Self.heldGpu))
        #expect(gpu.gpus == 1 && gpu.cpus == 2 && gpu.memoryMegabytes == 200 && gpu.timeLimitSeconds == 300 && !gpu.exclusive && gpu.dependency == nil)
        #expect(ScheduledJob.arrayTaskCount("1,3,5-7") == 5 && ScheduledJob.arrayTaskCount("0-15:4%2") == 4 && ScheduledJob.arrayTaskCount("x") == nil)
        #expect(ScheduledJob.parse("slurm_load_jobs error: Invalid job id specified") == nil)
    }

    func policy(_ json: String) throws -> PolicyConfig {
        try JSONDecoder().decode(PolicyConfig.self, from: Data(json.utf8))
    }

    @Test func theSchedulersViewDecides() throws {
        let usage = PolicyUsage(activeJobs: ["1"], submissionsLastHour: 0, gpuHoursToday: 0, cpuHoursToday: 0)
        let strict = try policy(#"{"allowedPartitions":["cpu"],"maxWalltime":"00:10:00","maxMemoryPerJob":"1G","maxActiveJobs":3,"maxGpusPerJob":1}"#)
        func rule(_ job: ScheduledJob, _ p: PolicyConfig, dir: String = "/scratch/r") -> String? {
            do { try PolicyCheck.checkScheduled(job, runDirectory: dir, policy: p, usage: usage); return nil } catch let e as ClusterSlurmError { return e.policy?.rule } catch { return "?" }
        }
        var array = try #require(ScheduledJob.parse(Self.heldArray))
        #expect(rule(array, strict, dir: "/scratch/hpcuser/cs probe") == "time_limit_required")
        array.timeLimitSeconds = 60; array.timeLimitText = "00:01:00"
        #expect(rule(array, strict, dir: "/scratch/hpcuser/cs probe") == "max_memory_per_job")
        array.memoryMegabytes = 100
        #expect(rule(array, strict, dir: "/scratch/hpcuser/cs probe") == "max_active_jobs", "four tasks on top of one active job")
        array.tasks = 1
        #expect(rule(array, strict, dir: "/scratch/hpcuser/cs probe") == "exclusive_node")
        array.exclusive = false
        #expect(rule(array, strict, dir: "/scratch/hpcuser/cs probe") == nil)
        #expect(rule(array, strict, dir: "/scratch/other") == "work_dir")
        var gpu = try #require(ScheduledJob.parse(Self.heldGpu))
        #expect(rule(gpu, strict) == "allowed_partitions")
        gpu.partition = "cpu,ai"
        #expect(rule(gpu, strict) == "allowed_partitions", "every partition of a list must be allowed")
        gpu.partition = "cpu"; gpu.gpus = 2
        #expect(rule(gpu, strict) == "max_gpus_per_job")
        gpu.gpus = 1; gpu.stdOut = "/tmp/x-542.txt"
        #expect(rule(gpu, strict) == "log_path")
        gpu.stdOut = "/scratch/r/o.txt"; gpu.dependency = "afterok:1(unfulfilled)"
        #expect(rule(gpu, strict) == "dependency")
    }

    @Test func theFirstLookReadsWhatSbatchReads() throws {
        let script = "#!/bin/bash\n#x\u{0B}true\n#SBATCH -p ai\n#SBATCH --accou=lilly-ibil -t 0\n  #SBATCH --mem=9G\necho\n#SBATCH --qos=high\n"
        let d = ScriptDirectives.parse(script)
        #expect(d["partition"] == "ai" && d["account"] == "lilly-ibil" && d["time"] == "0", "a \\v line is one comment line for sbatch")
        #expect(d["mem"] == nil, "#SBATCH must start the line")
        #expect(d["qos"] == nil, "directives end at the first command")
        let r = RequestedResources.from(script: script, submitArgs: ["--mem=20GB", "--gres=gpu:2", "--gpus-per-node=1"])
        #expect(r.timeSeconds == nil && r.time == "0" && r.unreadable["mem"] == "20GB" && r.gpus == 2)
        #expect(try SlurmFormats.timeLimitSeconds("00:00:00").get() == nil && SlurmFormats.timeLimitSeconds("1").get() == 60)
        let refusal = try #require(throws: ClusterSlurmError.self) {
            try PolicyCheck.check(RequestedResources.from(script: "", submitArgs: ["--mem=0", "-t", "5"]), policy: PolicyConfig(), usage: PolicyUsage(activeJobs: [], submissionsLastHour: 0, gpuHoursToday: 0, cpuHoursToday: 0))
        }
        #expect(refusal.policy?.rule == "unreadable_value" && refusal.message.contains("all of a node's memory"))
    }

    @Test func environmentChangesAreFoundAsWords() throws {
        func refused(_ command: String) -> Bool {
            (try? EnvironmentPolicy.check(.init(setupCommands: [], modules: [], headerModules: nil, commands: [command]),
                                          allowEnvOverrides: false, configAllows: false, action: "run_workload")) == nil
        }
        for evasion in ["eval module load rcac", "\\module list", "(module load x)", "{ module load x; }", "time module load x",
                        "env -i bash -lc \"module load x\"", "source activate env", "conda run -n e python x.py", "act\"\"ivate",
                        "command module load x", "FOO=1 ml cuda", "x=$(module load y)", "echo `ml`", "true && /usr/bin/env module avail",
                        "bash -c 'conda activate e'", "nohup micromamba activate e &", "sh -c \"python3 -m venv v\"", "if true; then ml x; fi",
                        "timeout 5 module load x", "eval \"$(conda shell.bash hook)\"", "'module' load x"] {
            #expect(refused(evasion), "\(evasion)")
        }
        for fine in ["python3 train.py --task ml", "echo module", "python3 -c 'print(1)'", "grep -r activate src", "pip install numpy"] {
            #expect(!refused(fine), "\(fine)")
        }
    }

    @Test func breakersCannotBeDodgedByEdits() throws {
        let a = PolicyCheck.fingerprint(cluster: "c", script: "#!/bin/bash\n#SBATCH -t 5\npython x.py\n", runId: "r1", inputs: [])
        let b = PolicyCheck.fingerprint(cluster: "c", script: "#!/bin/bash\n# 2\n#SBATCH -t 5\n\npython   x.py   \n", runId: "r2", inputs: [])
        #expect(a == b, "comments and blanks do not make new work")
        // issue 27 case 9: a trailing comment or semicolon is not new work either; quoted text is
        let plain = PolicyCheck.fingerprint(cluster: "c", script: "exit 7\n", runId: "r", inputs: [])
        for same in ["exit 7 # 2\n", "exit 7;\n", "exit 7 ;  # try 3\n", "  exit   7\t\n"] {
            #expect(PolicyCheck.fingerprint(cluster: "c", script: same, runId: "r", inputs: []) == plain, "\(same)")
        }
        for different in ["echo '# 2'; exit 7\n", "echo a#b; exit 7\n", "exit 8\n"] {
            #expect(PolicyCheck.fingerprint(cluster: "c", script: different, runId: "r", inputs: []) != plain, "\(different)")
        }
        #expect(PolicyCheck.normalized("echo \"a # b\" # c\necho \\# x") == "echo \"a # b\"\necho \\# x")
        let failed = (0..<5).map { i in (failed: Bool?.some(true), detail: RecentFailure(runId: "r\(i)", jobId: "\(i)", submittedAt: "t", what: "FAILED")) }
        var policy = PolicyConfig()
        let error = try #require(throws: ClusterSlurmError.self) { try PolicyCheck.checkCircuit(failed, cluster: "c", policy: policy) }
        #expect(error.policy?.rule == "circuit_breaker")
        let running = [(failed: Bool?.none, detail: RecentFailure(runId: "x", jobId: "9", submittedAt: "t", what: "RUNNING"))]
        #expect(throws: ClusterSlurmError.self) { try PolicyCheck.checkCircuit(running + failed, cluster: "c", policy: policy) }
        let success = [(failed: Bool?.some(false), detail: RecentFailure(runId: "x", jobId: "9", submittedAt: "t", what: "COMPLETED"))]
        try PolicyCheck.checkCircuit(success + failed, cluster: "c", policy: policy)
        policy.maxFailuresInARow = 0
        try PolicyCheck.checkCircuit(failed, cluster: "c", policy: policy)
    }

    @Test func secretsAreRedactedWithoutBeingStored() throws {
        let key = SymmetricKey(size: .bits256)
        let prints = [SecretFingerprint.of(name: "API_KEY", value: "hunter2-xyz", key: key)!, SecretFingerprint.of(name: "T", value: "s3cr3t", key: key)!]
        let redactor = SecretRedactor(key: key, secrets: prints)
        #expect(redactor.redact("key=hunter2-xyz and s3cr3t, s3cr3ts\nend") == "key=[redacted API_KEY] and [redacted T], [redacted T]s\nend")
        #expect(redactor.redact("nothing here") == "nothing here")
        #expect(SecretFingerprint.of(name: "X", value: "abc", key: key) == nil)
        for name in ["WANDB_API_KEY", "HF_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD", "GH_AUTH", "SSH_PRIVATE", "MY_KEY"] {
            #expect(PolicyConfig().isSecret(name), "\(name)")
        }
    }
}
