import ClusterSlurmSupport
import ClusterSlurmDomain

/// Classifies ssh's own failures (exit status 255) from its stderr.
package enum SSHFailure {
    package static func classify(stderr: String) -> ClusterSlurmError.RemoteCondition {
        let lower = stderr.lowercased()
        let auth = ["permission denied", "too many authentication failures", "host key verification failed",
                    "no more authentication methods", "authentication failed", "remote host identification has changed"]
        if auth.contains(where: lower.contains) { return .authentication }
        return .unreachable
    }
}
