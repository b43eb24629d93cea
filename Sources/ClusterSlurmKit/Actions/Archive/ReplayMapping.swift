import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A replay on another cluster: the directives the parent took from its
/// profile (partition, account, QOS, constraint, GPU form) become the new
/// profile's, so the job is placed as that cluster expects; what the parent's
/// call asked for itself (time, memory, CPUs, GPU count) is kept.
package enum ReplayMapping {
    /// Directive key → new value, or nil to remove the line. Keys are
    /// `SlurmDirectives` keys (`partition`, `gpusPerNode`…).
    package static func directives(parentScript: String, from old: ClusterProfile?, to new: ClusterProfile) -> [String: String?] {
        let parsed = ScriptDirectives.parse(parentScript)
        var out: [String: String?] = [:]
        let placement: [(key: String, flag: String, old: String?, new: String?)] = [
            ("partition", "partition", old?.slurmDefaults.partition, new.slurmDefaults.partition),
            ("account", "account", old?.slurmDefaults.account, new.slurmDefaults.account),
            ("qos", "qos", old?.slurmDefaults.qos, new.slurmDefaults.qos),
            ("constraint", "constraint", old?.slurmDefaults.constraint, new.slurmDefaults.constraint),
        ]
        for entry in placement {
            let current = parsed[entry.flag]
            // the parent's own choice (not its profile's default) stays
            guard current == nil || old == nil || current == entry.old else { continue }
            if current != entry.new { out[entry.key] = entry.new }
        }
        // The GPU count stays; its form follows the new profile.
        let count = parsed["gpus-per-node"] ?? parsed["gpus"]
        if let count {
            let newUsesPerNode = new.slurmDefaults.gpusPerNode != nil || (new.slurmDefaults.gpus == nil && parsed["gpus-per-node"] != nil)
            if newUsesPerNode {
                if parsed["gpus-per-node"] != count { out["gpusPerNode"] = count }
                if parsed["gpus"] != nil { out["gpus"] = .some(nil) }
            } else {
                if parsed["gpus"] != count { out["gpus"] = count }
                if parsed["gpus-per-node"] != nil { out["gpusPerNode"] = .some(nil) }
            }
        }
        return out
    }
}
