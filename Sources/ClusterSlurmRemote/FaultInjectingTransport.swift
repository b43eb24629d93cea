import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Wraps a transport and makes chosen calls fail, for tests of what the
/// tool does when the network or the cluster misbehaves. Production code
/// never builds one; tests and the integration harness compose it.
public struct FaultInjectingTransport: Transport {
    public enum Effect: Sendable, Equatable {
        /// The call runs on the cluster, then its answer is lost (connection dropped).
        case loseAnswer
        /// The call never reaches the cluster (connection refused).
        case failBeforeRunning
        /// The call runs, and the caller gives up as if it timed out.
        case timeOutAfterRunning
    }

    public struct Fault: Sendable, Equatable {
        /// The call's label (`submit`, `find job`, `upload`…).
        public var label: String
        public var effect: Effect
        public init(label: String, effect: Effect) {
            self.label = label
            self.effect = effect
        }
    }

    public let base: any Transport
    public let faults: [Fault]

    public init(base: any Transport, faults: [Fault]) {
        self.base = base
        self.faults = faults
    }

    public func run(_ call: RemoteCall, on endpoint: SSHEndpoint) async throws -> RemoteResult {
        guard let fault = faults.first(where: { $0.label == call.label }) else { return try await base.run(call, on: endpoint) }
        switch fault.effect {
        case .failBeforeRunning:
            throw ClusterSlurmError.remote(.unreachable, target: endpoint.target, label: call.label,
                                           detail: "connection refused (injected fault)", durationSeconds: 0)
        case .loseAnswer:
            let result = try await base.run(call, on: endpoint)
            throw ClusterSlurmError.remote(.unreachable, target: endpoint.target, label: call.label,
                                           detail: "connection lost after the command ran (injected fault)", durationSeconds: result.durationSeconds)
        case .timeOutAfterRunning:
            let result = try await base.run(call, on: endpoint)
            throw ClusterSlurmError.remote(.timeout, target: endpoint.target, label: call.label,
                                           detail: "no answer (injected fault)", durationSeconds: result.durationSeconds)
        }
    }
}
