import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `fetch_workload_logs`: stdout and stderr of a run's job in one round
/// trip, with a pip hint when Python could not import a module.
public enum FetchWorkloadLogs {
    public struct Request: Codable, Sendable {
        public var runId: String?
        public var jobId: String?
        public var cluster: String?
        public var remotePath: String?
        public var tail: Int?
        public var taskIndex: Int?
        public init(runId: String? = nil, jobId: String? = nil, cluster: String? = nil, remotePath: String? = nil, tail: Int? = nil,
                    taskIndex: Int? = nil) {
            self.taskIndex = taskIndex
            self.runId = runId
            self.jobId = jobId
            self.cluster = cluster
            self.remotePath = remotePath
            self.tail = tail
        }
    }

    public struct StreamLog: Codable, Sendable, Equatable {
        public var cluster: String
        public var remotePath: String
        public var missing: Bool
        public var log: String
    }

    public struct MissingPackageHint: Codable, Sendable, Equatable {
        public var module: String
        public var package: String
        public var strategy: String
        public var note: String
        public var suggestedCommands: [String]
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var mode = "fetch_workload_logs"
        public var runId: String?
        public var jobId: String?
        public var cluster: String
        public var remotePath: String?
        public var missing: Bool
        public var log: String
        public var logs: [String: StreamLog]?
        public var missingPackageHint: MissingPackageHint?
        package var runIdentifier: String? { runId }
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        let logs = try await JobLogs.run(.init(cluster: request.cluster, runId: request.runId, jobId: request.jobId,
                                               remotePath: request.remotePath, tail: request.tail, taskIndex: request.taskIndex),
                                         context: context)
        if request.remotePath?.isEmpty == false {
            return Result(runId: logs.runId, jobId: logs.jobId, cluster: logs.cluster, remotePath: logs.remotePath, missing: logs.missing,
                          log: logs.log, logs: nil, missingPackageHint: hint(logs.log, cluster: logs.cluster))
        }
        let stdout = StreamLog(cluster: logs.cluster, remotePath: logs.remotePath, missing: logs.missing, log: logs.log)
        let stderr = logs.stderrPath.map { StreamLog(cluster: logs.cluster, remotePath: $0, missing: logs.stderrMissing ?? true, log: logs.stderrLog ?? "") }
        let merged = [stdout.log, stderr?.log ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
        var streams = ["stdout": stdout]
        if let stderr { streams["stderr"] = stderr }
        return Result(runId: logs.runId, jobId: logs.jobId, cluster: logs.cluster, remotePath: nil,
                      missing: stdout.missing && (stderr?.missing ?? true), log: merged, logs: streams,
                      missingPackageHint: hint(merged, cluster: logs.cluster))
    }

    private static let patterns: [NSRegularExpression] = [
        #"ModuleNotFoundError:\s+No module named ['"]([^'"]+)['"]"#,
        #"ImportError:\s+No module named ['"]?([A-Za-z0-9_.\-]+)['"]?"#,
    ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }

    /// Import names that differ from their pip package.
    private static let packageNames = ["cv2": "opencv-python", "sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml",
                                       "bs4": "beautifulsoup4", "skimage": "scikit-image", "Crypto": "pycryptodome"]

    public static func hint(_ log: String, cluster: String) -> MissingPackageHint? {
        let range = NSRange(log.startIndex..., in: log)
        for pattern in patterns {
            guard let match = pattern.firstMatch(in: log, range: range), let r = Range(match.range(at: 1), in: log) else { continue }
            let module = String(log[r]).trimmingCharacters(in: .whitespaces)
            let topLevel = String(module.split(separator: ".").first ?? Substring(module))
            guard !topLevel.isEmpty, topLevel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else { continue }
            let package = packageNames[topLevel] ?? topLevel
            return MissingPackageHint(
                module: module, package: package, strategy: "install-into-profile-env",
                note: "Install with run_workload on cluster profile \"\(cluster)\"; the profile's setupCommands load the same environment first.",
                suggestedCommands: ["python3 -m pip install \(package)", "python3 -c \"import \(topLevel); print(getattr(\(topLevel), '__version__', 'ok'))\""])
        }
        return nil
    }
}
