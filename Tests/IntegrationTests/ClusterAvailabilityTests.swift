import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct ClusterAvailabilityTests {
    /// In CI the integration tests must run, never skip.
    @Test func clusterIsReachableInCI() {
        if ProcessInfo.processInfo.environment["CI"] == "true" || ProcessInfo.processInfo.environment["CLUSTER_SLURM_REQUIRE_CLUSTER"] == "1" {
            #expect(Harness.clusterAvailable, "the test cluster must be up (scripts/testcluster up)")
        }
    }
}
