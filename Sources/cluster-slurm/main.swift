import ClusterSlurmCLI

await ClusterSlurmCommand.runMain()
