import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The status program's tail: the user's active jobs and the waiting jobs' records.
struct UserJobsTests {
    @Test func listingAndRecordsAreRead() throws {
        let text = """
        41|RUNNING|/scratch/u/runs/r1|cluster-slurm:r1:abc
        42_[3-5%2]|PENDING|/scratch/u/runs/r1/sub|x|y
        43|PENDING|/home/u/mine|
        44|PENDING|/scratch/u/runs/r1/a|b|evil|comment
        @@USERJOBS_RC=0@@
        @@RECORD 45
        JobId=45 JobName=j Partition=cpu Account=a TimeLimit=00:10:00 NumNodes=1 NumCPUs=1 TRES=cpu=1,mem=256M,node=1,billing=1 WorkDir=/scratch/u/runs/r2 StdOut=/scratch/u/runs/r2/o
        @@END_RECORD
        """
        let (jobs, records) = UserJobs.parse(text)
        let listed = try #require(jobs)
        #expect(listed.map(\.id) == ["41", "42_[3-5%2]", "43", "44"])
        #expect(listed.map(\.baseId) == ["41", "42", "43", "44"])
        #expect(listed.map(\.tasks) == [1, 3, 1, 1])
        #expect(listed[0].comment == "cluster-slurm:r1:abc")
        // a `|` in a work dir or comment cuts the dir short; it never leaves the run dir
        #expect(listed[3].workDir == "/scratch/u/runs/r1/a")
        #expect(records["45"]?.partition == "cpu" && records["45"]?.memoryMegabytes == 256)
        #expect(UserJobs.parse("squeue: error: slurm_load_jobs\n@@USERJOBS_RC=1@@\n").jobs == nil, "a failed listing is not an empty one")
    }

    @Test func releasedFactsNameEveryChange() throws {
        let released = try #require(ScheduledJob.parse("JobId=7 Partition=cpu Account=a TimeLimit=00:10:00 NumNodes=1 NumCPUs=1 TRES=cpu=1,mem=256M,node=1,billing=1 WorkDir=/r StdOut=/r/o StdErr=/r/o"))
        let changed = try #require(ScheduledJob.parse("JobId=7 Partition=ai Account=a TimeLimit=02:00:00 NumNodes=1 NumCPUs=1 TRES=cpu=1,mem=256M,node=1,billing=1,gres/gpu=2 WorkDir=/r StdOut=/r/o StdErr=/r/o TresPerNode=gres/gpu:2"))
        #expect(ReleasedFacts(released).changes(to: ReleasedFacts(released)).isEmpty)
        #expect(ReleasedFacts(released).changes(to: ReleasedFacts(changed)) == ["Partition: cpu → ai", "TimeLimit: 00:10:00 → 02:00:00", "GPUs: 0 → 2"])
    }

    @Test func pathsAreResolvedLexically() {
        #expect(RemotePath.lexicallyResolved("/scratch/u/rt-1/../../X.out") == "/scratch/X.out")
        #expect(RemotePath.lexicallyResolved("//a/./b//c/") == "/a/b/c")
        #expect(RemotePath.lexicallyResolved("/../..") == "/")
        #expect(RemotePath.lexicallyResolved("a/../b") == "b")
    }

    @Test func theCancelProgramsAnswerIsReadByWholeLines() {
        let text = "@@CANCELLED 123\n@@ENDED 7_2\n@@FAILED 99 scancel: error: Kill job error\n"
        #expect(SlurmClient.settledByCancel(text) == ["123", "7_2"])
        #expect(!SlurmClient.settledByCancel(text).contains("12"), "a prefix of a settled id is not settled")
    }
}
