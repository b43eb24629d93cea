import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs verify`: once a replay has finished, fetch the outputs its parent
/// had (same paths), diff the two runs and store the verdict: "reproduced"
/// when script, resources, environment, inputs, outputs, command and result
/// match (routing and provenance may differ by the replay's stated deltas).
public enum VerifyReplay {
    public static let verdictCategories: Set<String> = ["command", "script", "resources", "environment", "inputs", "outputs", "result"]

    public struct Result: Codable, Sendable, RunScoped {
        public var runId: String
        public var parentRunId: String
        public var verdict: String
        public var differing: [String]
        /// Outputs and environment, said apart: "same outputs; environment: numpy 1.24.2 → 1.26.4".
        public var summary: String?
        public var diff: RunDiff?
        package var runIdentifier: String? { runId }
    }

    public static func run(runId: String, context: ActionContext) async throws -> Result {
        var replay = try context.ledger.archive(runId: runId)
        guard let record = replay.replay else {
            throw ClusterSlurmError.invalidInput("run \(runId) is not a replay; `runs replay PARENT` makes one", path: "runId")
        }
        if !(replay.finalObservation.map { JobState(rawValue: $0.state)?.isTerminal ?? false } ?? false) {
            let check = try await CheckWorkload.run(.init(runId: runId), context: context, verifyReplays: false)
            guard check.done else {
                return Result(runId: runId, parentRunId: record.parentRunId, verdict: "pending (\(check.state))", differing: [], summary: nil, diff: nil)
            }
        }
        let parent = try context.ledger.archive(runId: record.parentRunId)
        let wanted = Set(RunDiff.outputs(parent).keys).subtracting(RunDiff.outputs(replay).keys)
        if !wanted.isEmpty {
            _ = try? await Download.run(.init(runId: runId, remotePaths: wanted.sorted()), context: context)
            replay = try context.ledger.archive(runId: runId)
        }
        let diff = RunDiff.compare(parent, replay)
        let differing = diff.differing.filter(verdictCategories.contains)
        let verdict = differing.isEmpty ? "reproduced" : "differs"
        var updated = record
        updated.verdict = verdict
        updated.differingJson = try CanonicalJSON.encode(differing)
        updated.verifiedAt = Timestamp.string(context.now())
        try context.ledger.recordReplay(updated)
        return Result(runId: runId, parentRunId: record.parentRunId, verdict: verdict, differing: differing, summary: summary(diff), diff: diff)
    }

    /// What a person wants to know first about a replay: did the outputs
    /// come out the same, and did the software change.
    package static func summary(_ diff: RunDiff) -> String {
        func changes(_ name: String) -> [String] { diff.categories.first { $0.name == name }?.changes ?? [] }
        let outputs = changes("outputs")
        var text = outputs.isEmpty ? "same outputs" : "outputs differ: " + outputs.prefix(3).joined(separator: "; ") + (outputs.count > 3 ? "; …" : "")
        let environment = changes("environment")
        text += environment.isEmpty ? "; same environment" : "; environment: " + environment.prefix(4).joined(separator: "; ")
            + (environment.count > 4 ? "; +\(environment.count - 4) more" : "")
        let other = diff.differing.filter { !["outputs", "environment"].contains($0) && verdictCategories.contains($0) }
        if !other.isEmpty { text += "; also differs in " + other.joined(separator: ", ") }
        return text
    }
}
