import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// The one mapping between what the scheduler said (`JobStatus`) and what
/// the ledger keeps (`JobObservationRecord`).
extension JobObservationRecord {
    public init(status: JobStatus, cluster: String, observedAt: String, source: ObservationSource? = nil) {
        self.init(id: nil, cluster: cluster, jobId: status.jobId, state: status.state, rawState: status.rawState,
                  reason: status.reason, exitCode: status.exitCode, elapsed: status.elapsed, elapsedSeconds: status.elapsedSeconds,
                  maxRss: status.maxRss, maxRssBytes: status.maxRssBytes, totalCpu: status.totalCpu, allocTres: status.allocTres,
                  nodeList: status.nodeList, source: source ?? ObservationSource(rawValue: status.source.rawValue) ?? .unknown,
                  isTransition: false, observedAt: observedAt)
    }
}

extension JobStatus {
    /// A status answered from the ledger's observation, with its age.
    public init(observation: JobObservationRecord, now: Date) {
        self.init(jobId: observation.jobId, source: .ledger, rawState: observation.rawState)
        reason = observation.reason
        exitCode = observation.exitCode
        elapsed = observation.elapsed
        elapsedSeconds = observation.elapsedSeconds
        maxRss = observation.maxRss
        maxRssBytes = observation.maxRssBytes
        totalCpu = observation.totalCpu
        allocTres = observation.allocTres
        nodeList = observation.nodeList
        ageSeconds = Timestamp.parse(observation.observedAt).map { Int(now.timeIntervalSince($0)) }
    }
}
