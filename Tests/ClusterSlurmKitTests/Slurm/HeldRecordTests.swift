import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Real held-job records (`scontrol show job -o`) of both test generations,
/// one per way of asking for a GPU or of hiding text in the record, read
/// by the held check. Fixtures: `held_2205.txt`, `held_2411.txt` (made by
/// submitting each option held on the test clusters).
struct HeldRecordTests {
    /// options → (GPUs, tasks, whether the record must be refused)
    static let expected: [String: (gpus: Int, tasks: Int, refused: Bool)] = [
        "--mem=100M --gres=gpu:1": (1, 1, false),
        "--mem=100M --gres=gres/gpu:1": (1, 1, false),
        // SLURM merges the repeated item (ReqTRES gres/gpu=1)
        "--mem=100M --gres=gpu:1,gpu:1": (1, 1, false),
        "--mem=100M --gpus=1": (1, 1, false),
        "--mem=100M --gpus-per-node=1": (1, 1, false),
        "--mem=100M --gpus-per-task=1 -n1": (1, 1, false),
        "--mem=100M --gpus-per-socket=1 --sockets-per-node=1": (1, 1, false),
        "--mem=100M -n1 --tres-per-task=gres/gpu:1": (1, 1, false),
        "--mem-per-gpu=100M --gpus=1": (1, 1, false),
        "--mem=100M --array=0-3 --gpus=1": (1, 4, false),
        "--mem=100M --mail-user=x": (0, 1, false),
        "--mem=100M --mail-type=END --mail-user=x ReqTRES=cpu=1,mem=1M,node=1,billing=1 TRES=cpu=1,mem=1M,node=1,billing=1": (0, 1, true),
        "--mem=100M -J ../../X -o %x.out": (0, 1, false),
        "script named 'job StdOut=x.out.sh'": (0, 1, true),
    ]

    /// The fixture's sections: options → record text (nil where sbatch refused the options on that generation).
    static func sections(_ name: String) throws -> [(String, String?)] {
        let text = try TestSupport.fixture(name)
        return text.components(separatedBy: "## ").dropFirst().map { section in
            let lines = section.split(separator: "\n", maxSplits: 1).map(String.init)
            let body = lines.count > 1 ? lines[1] : ""
            return (lines[0], body.hasPrefix("# sbatch:") ? nil : body)
        }
    }

    @Test(arguments: ["held_2205.txt", "held_2411.txt"])
    func everyFormIsRead(fixture: String) throws {
        let sections = try Self.sections(fixture)
        #expect(sections.count == Self.expected.count, "every case has a record or sbatch's refusal")
        var read = 0
        for (options, body) in sections {
            let want = try #require(Self.expected[options], "no expectation for \(options)")
            guard let body else { continue }
            let job = try #require(ScheduledJob.parse(body), "\(fixture): \(options)")
            read += 1
            #expect(job.gpus == want.gpus, "\(fixture) \(options): \(job.gpus) GPUs")
            #expect(job.tasks == want.tasks, "\(fixture) \(options): \(job.tasks) tasks")
            #expect(job.problems.isEmpty != want.refused, "\(fixture) \(options): \(job.problems)")
            #expect(job.memoryMegabytes == 100 || want.refused, "\(fixture) \(options)")
            if want.refused {
                let policy = PolicyConfig()
                #expect(throws: ClusterSlurmError.self) {
                    try PolicyCheck.checkScheduled(job, runDirectory: "/tmp", policy: policy, usage: PolicyUsage(activeJobs: [], submissionsLastHour: 0, gpuHoursToday: 0, cpuHoursToday: 0))
                }
            }
        }
        #expect(read >= sections.count - 2, "\(fixture): at most the two options a generation lacks are refused by sbatch")
    }

    /// `-J ../../X -o %x.out` makes StdOut=/tmp/../../X.out: inside /tmp as
    /// text, `/X.out` as the kernel resolves it, so refused.
    @Test(arguments: ["held_2205.txt", "held_2411.txt"])
    func dotDotInALogPathLeavesTheRunDir(fixture: String) throws {
        let body = try #require(try Self.sections(fixture).first { $0.0.contains("../../X") }?.1)
        let job = try #require(ScheduledJob.parse(body))
        #expect(job.stdOut == "/tmp/../../X.out")
        do {
            try PolicyCheck.checkScheduled(job, runDirectory: "/tmp", policy: PolicyConfig(), usage: PolicyUsage(activeJobs: [], submissionsLastHour: 0, gpuHoursToday: 0, cpuHoursToday: 0))
            Issue.record("a log path that resolves outside the run dir was accepted")
        } catch let error as ClusterSlurmError {
            #expect(error.policy?.rule == "log_path", "\(error)")
        }
    }

    @Test func gpuItems() {
        let table: [(String, ScheduledJob.GpuItem)] = [
            ("gres/gpu=2", .count(2)), ("gres/gpu:a100=2", .count(2)), ("gres:gpu:3", .count(3)), ("gres/gpu:1", .count(1)),
            ("gpu", .count(1)), ("gpu:a100", .count(1)), ("gpu:a100:4", .count(4)), ("gres/shard:8", .count(1)),
            ("gres/mps:100", .count(1)), ("cpu=2", .none), ("mem=1G", .none), ("gres/nvme:1", .none), ("gpu:lots:x", .unreadable),
            ("gres/gpu=-1", .unreadable),
        ]
        for (item, want) in table { #expect(ScheduledJob.gpuItem(Substring(item)) == want, "\(item)") }
    }

    @Test func recordTextThatReadsAsAFieldIsRefusedBeforeSending() {
        #expect(throws: ClusterSlurmError.self) { try RecordTextSafety.check(["mail-user": "x ReqTRES=cpu=1"], scriptName: "job.sh") }
        #expect(throws: ClusterSlurmError.self) { try RecordTextSafety.check(["job-name": "a b"], scriptName: "job.sh") }
        #expect(throws: ClusterSlurmError.self) { try RecordTextSafety.check(["output": "logs/x StdOut=/home/u/x"], scriptName: "job.sh") }
        #expect(throws: ClusterSlurmError.self) { try RecordTextSafety.check([:], scriptName: "job StdOut=x.sh") }
        #expect(throws: Never.self) { try RecordTextSafety.check(["output": "my logs/slurm-%j.out", "job-name": "train-v2", "mail-user": "a@b.edu"], scriptName: "run 1.sh") }
    }
}
