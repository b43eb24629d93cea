import ArgumentParser

public struct ClusterSlurmCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "cluster-slurm", abstract: "placeholder")
    public init() {}
}
