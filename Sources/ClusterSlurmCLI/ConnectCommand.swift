import ArgumentParser
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct ConnectCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "connect", abstract: "Open an interactive master SSH connection (password, Duo) that later calls reuse.",
        discussion: "Example: cluster-slurm connect gautschi-cpu   # answer the prompts once; calls for the next ControlPersist seconds reuse it")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The cluster profile to connect to.") var cluster: String
    @Flag(help: "Close the master connection instead.") var close = false

    func run() async throws {
        let loaded = try options.loadConfig()
        guard let profile = loaded.config.clusters[cluster] else {
            throw ClusterSlurmError.invalidInput("unknown cluster \"\(cluster)\"; the config has: \(loaded.config.clusters.keys.sorted().joined(separator: ", "))", path: "cluster")
        }
        let transport = OpenSSHTransport()
        if close {
            try await transport.disconnect(SSHEndpoint(profile: profile))
            print("closed the master connection to \(profile.sshTarget)")
            return
        }
        let code = try await transport.connectInteractively(SSHEndpoint(profile: profile))
        guard code == 0 else {
            throw ClusterSlurmError.remote("could not open a connection to \(profile.sshTarget) (profile \(cluster)): ssh exited with status \(code)"
                + (code == 255 ? ", its own message is above. Check that `ssh \(profile.sshTarget)` works: the host name or the Host entry in ~/.ssh/config, the network, the key or password" : ""))
        }
        print("connected to \(profile.sshTarget); later calls reuse this connection")
    }
}
