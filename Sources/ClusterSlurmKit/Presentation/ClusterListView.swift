import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `list-clusters`: one profile a line with where its jobs go, then routing.
public enum ClusterListView {
    public static func render(_ result: ListClusters.Result, palette: Palette, maxWidth: Int?) -> String {
        var table = TextTable([
            .init("PROFILE", cut: .middle), .init("ROLE"), .init("SSH TARGET", cut: .middle), .init("PARTITION"), .init("ACCOUNT", cut: .end),
            .init("QOS"), .init("TIME"), .init("MEM"), .init("GPUS", alignRight: true), .init("REMOTE ROOT", cut: .middle, minWidth: 12),
        ])
        for cluster in result.clusters {
            let d = cluster.slurmDefaults
            let role = [cluster.isDefault ? "default" : nil, cluster.isGpuProfile ? "gpu" : nil].compactMap { $0 }.joined(separator: ", ")
            table.append([.init(cluster.id, .emphasis), .init(role.isEmpty ? "-" : role), .init(cluster.sshTarget), .init(d.partition ?? "-"),
                          .init(d.account ?? "-"), .init(d.qos ?? "-"), .init(d.time ?? "-"), .init(d.mem ?? "-"),
                          .init(d.gpus ?? d.gpusPerNode.map { "\($0)/node" } ?? "-"), .init(cluster.remoteRoot)])
        }
        let routing = result.routing
        var lines = [table.render(maxWidth: maxWidth, palette: palette), ""]
        lines.append(palette.paint("routing", .header) + ": default \(routing.defaultProfile ?? result.defaultCluster ?? "-"), GPU work to \(routing.gpuProfile ?? "-")")
        lines.append("  GPU indicators: " + (routing.gpuIndicators.isEmpty ? "-" : routing.gpuIndicators.map { "\"\(DisplayWidth.oneLine($0))\"" }.joined(separator: ", ")))
        lines.append("  local runs dir: \(DisplayWidth.oneLine(result.localRunsDir)); call-level environment changes \(result.execution.allowCustomEnvOverride ? "allowed" : "not allowed")")
        lines.append(palette.paint("more: --json for every field (module init scripts, setup commands, submit args)", .muted))
        return lines.joined(separator: "\n")
    }
}
