import Foundation

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
        public var diff: RunDiff?
        var runIdentifier: String? { runId }
    }

    public static func run(runId: String, context: ActionContext) async throws -> Result {
        var replay = try context.ledger.archive(runId: runId)
        guard let record = replay.replay else {
            throw ClusterSlurmError.invalidInput("run \(runId) is not a replay; `runs replay PARENT` makes one", path: "runId")
        }
        if !(replay.finalObservation.map { JobState(rawValue: $0.state)?.isTerminal ?? false } ?? false) {
            let check = try await CheckWorkload.run(.init(runId: runId), context: context, verifyReplays: false)
            guard check.done else {
                return Result(runId: runId, parentRunId: record.parentRunId, verdict: "pending (\(check.state))", differing: [], diff: nil)
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
        return Result(runId: runId, parentRunId: record.parentRunId, verdict: verdict, differing: differing, diff: diff)
    }
}
