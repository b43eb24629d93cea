import Foundation

/// Applies the cluster's policy to a submission before anything reaches the
/// cluster; returns the workload's fingerprint for the ledger.
enum SubmitPolicy {
    static func enforce(cluster: String, runId: String, scriptText: String, submitArgs: [String], inputs: [(String, String)],
                        allowRepeatedFailures: Bool, context: ActionContext) async throws -> String {
        let policy = context.config.policy(for: cluster)
        let requested = RequestedResources.from(script: scriptText, submitArgs: submitArgs)
        var usage = try context.ledger.policyUsage(cluster: cluster, now: context.now())
        if let max = policy.maxActiveJobs, usage.activeJobs.count >= max, !usage.activeJobs.isEmpty {
            // The ledger may not have seen some of them end: ask once, then count again.
            _ = try? await JobStatusAction.observe(jobIds: Array(usage.activeJobs.prefix(500)), cluster: cluster, context: context)
            usage = try context.ledger.policyUsage(cluster: cluster, now: context.now())
        }
        try PolicyCheck.check(requested, policy: policy, usage: usage)
        let fingerprint = PolicyCheck.fingerprint(cluster: cluster, script: scriptText, runId: runId, inputs: inputs)
        if !allowRepeatedFailures {
            let window = (policy.failureWindowHours ?? 24) * 3600
            try PolicyCheck.checkLoop(try context.ledger.recentOutcomes(fingerprint: fingerprint, since: context.now().addingTimeInterval(-window)),
                                      policy: policy)
        }
        return fingerprint
    }
}
