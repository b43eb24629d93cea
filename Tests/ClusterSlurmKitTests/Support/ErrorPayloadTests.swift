import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Each kind of error carries its own payload, and the tool-mode JSON shows
/// exactly that payload's fields; nothing is decided from message text.
@Suite struct ErrorPayloadTests {
    static func keys(_ error: ClusterSlurmError) -> Set<String> {
        guard case .object(let object) = error.toolPayload else { return [] }
        return Set(object.keys).subtracting(["status", "tool", "error", "code"])
    }

    @Test func eachKindShowsItsOwnFields() {
        let refusal = ClusterSlurmError.policy(rule: "max_walltime", limit: "01:00:00", requested: "05:00:00", message: "too long", path: "headerOverrides.time")
        #expect(Self.keys(refusal) == ["path", "rule", "limit", "requested"])
        let cancelled = refusal.cancellingHeldJob("82", confirmed: true).about(run: "r-1")
        #expect(Self.keys(cancelled) == ["path", "rule", "limit", "requested", "jobId", "runId"])
        #expect(cancelled.policy?.jobId == "82" && cancelled.message.hasSuffix("(held job 82 was cancelled before it could start)"))
        #expect(refusal.cancellingHeldJob("9", confirmed: false).message.contains("could not be confirmed cancelled: check `squeue -j 9`"))
        let sbatch = ClusterSlurmError.submitFailed(cluster: "cpu", exitStatus: 1, stdout: "", stderr: "sbatch: error: invalid partition", then: "retry later")
        #expect(Self.keys(sbatch) == ["exitStatus"] && sbatch.submitRefusal?.stderr == "sbatch: error: invalid partition")
        #expect(sbatch.message == "sbatch on cpu failed (exit 1): sbatch: error: invalid partition; retry later")
        let timeout = ClusterSlurmError.remote(.timeout, target: "login", label: "job status", detail: "no answer", durationSeconds: 30)
        #expect(timeout.code == "remote_timeout" && timeout.remoteProblem?.target == "login" && Self.keys(timeout).isEmpty)
        #expect(ClusterSlurmError.remote("scontrol failed").code == "remote")
        let config = ClusterSlurmError.config(source: "c.json", issues: [ConfigIssue(severity: .error, path: "clusters", message: "is required")])
        #expect(Self.keys(config) == ["path", "issues"] && config.configIssues.count == 1)
        #expect(ClusterSlurmError.ledger("x", problem: .newerSchema).ledgerProblem == .newerSchema)
        #expect(ClusterSlurmError.invalidInput("bad", path: "tail").payload == .none)
    }

    /// Which ledger failures may fall back to reading: known from the
    /// problem's kind, whatever the message says.
    @Test func aFileThatIsNoLedgerSaysSoByItsKind() throws {
        let root = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = root + "/ledger.sqlite"
        try Data("not sqlite at all, but long enough to be read as a header by SQLite........".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: ClusterSlurmError.self) { _ = try Ledger(path: path) }
        #expect(error.kind == .ledger && error.ledgerProblem == .notALedger, "\(error.message)")
    }
}
