import ClusterSlurmKit

await ClusterSlurmCommand.main()
