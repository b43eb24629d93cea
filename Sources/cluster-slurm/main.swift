import ClusterSlurmKit

await ClusterSlurmCommand.runMain()
