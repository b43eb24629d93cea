import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct RouterTests {
    let config = try! TestSupport.config(TestSupport.seedLike)

    @Test func explicitClusterWins() throws {
        let decision = try Router.route(RoutingRequest(explicitCluster: "cpu", commands: ["python -c 'import torch.cuda'"]), config: config)
        #expect(decision == RoutingDecision(clusterId: "cpu", reason: .explicitCluster))
    }

    @Test func gpuIndicatorInCommandRoutesToGpuProfile() throws {
        let decision = try Router.route(RoutingRequest(commands: ["python train.py --device cuda"]), config: config)
        #expect(decision.clusterId == "gpu")
        #expect(decision.reason == .gpuIndicator)
        #expect(decision.matchedIndicator == "--device cuda")
    }

    @Test func indicatorMatchIsCaseInsensitive() throws {
        let decision = try Router.route(RoutingRequest(workload: "Train with TORCH.CUDA please", commands: ["python x.py"]), config: config)
        #expect(decision.matchedIndicator == "torch.cuda")
    }

    @Test func regexIndicators() throws {
        let custom = try TestSupport.config("""
            {"defaultCluster": "cpu", "routing": {"gpuProfile": "gpu", "gpuIndicators": ["/\\\\bgpus?=\\\\d+/i"]},
             "clusters": {"cpu": {"sshTarget": "c", "remoteRoot": "/x"}, "gpu": {"sshTarget": "c", "remoteRoot": "/x"}}}
            """)
        #expect(try Router.route(RoutingRequest(commands: ["run --GPUS=2"]), config: custom).reason == .gpuIndicator)
        #expect(try Router.route(RoutingRequest(commands: ["run --gpusx=2"]), config: custom).reason == .configuredDefault)
    }

    @Test func defaultProfileWhenNothingMatches() throws {
        let decision = try Router.route(RoutingRequest(commands: ["python3 stats.py"]), config: config)
        #expect(decision == RoutingDecision(clusterId: "cpu", reason: .configuredDefault))
    }

    @Test func singleProfile() throws {
        let single = try TestSupport.config(#"{"clusters": {"only": {"sshTarget": "c", "remoteRoot": "/x"}}}"#)
        #expect(try Router.route(RoutingRequest(commands: ["x"]), config: single) == RoutingDecision(clusterId: "only", reason: .singleProfile))
    }

    @Test func noDefaultAndSeveralProfilesIsAnError() throws {
        let two = try TestSupport.config(#"{"clusters": {"a": {"sshTarget": "c", "remoteRoot": "/x"}, "b": {"sshTarget": "c", "remoteRoot": "/x"}}}"#)
        let error = try #require(throws: ClusterSlurmError.self) { try Router.route(RoutingRequest(commands: ["x"]), config: two) }
        #expect(error.path == "cluster")
    }

    @Test func unknownExplicitClusterSuggests() throws {
        let error = try #require(throws: ClusterSlurmError.self) { try Router.route(RoutingRequest(explicitCluster: "gpus"), config: config) }
        #expect(error.message.contains("did you mean \"gpu\""))
    }

    @Test func existingRunKeepsItsCluster() throws {
        let decision = try Router.route(RoutingRequest(existingRunCluster: "cpu", commands: ["nvidia-smi"]), config: config)
        #expect(decision == RoutingDecision(clusterId: "cpu", reason: .existingRun))
        #expect(throws: ClusterSlurmError.self) { try Router.route(RoutingRequest(explicitCluster: "gpu", existingRunCluster: "cpu"), config: config) }
    }

    @Test func fallbackOnSignature() {
        let hit = Router.gpuFallbackSignature(errorText: "sbatch: error: CUDA is required for this partition", currentCluster: "cpu", config: config, callOverride: nil)
        #expect(hit?.gpuProfile == "gpu")
        #expect(hit?.signature == "cuda is required")
        #expect(Router.gpuFallbackSignature(errorText: "Invalid account", currentCluster: "cpu", config: config, callOverride: nil) == nil)
        #expect(Router.gpuFallbackSignature(errorText: "gpu required", currentCluster: "gpu", config: config, callOverride: nil) == nil)
        #expect(Router.gpuFallbackSignature(errorText: "gpu required", currentCluster: "cpu", config: config, callOverride: false) == nil)
    }
}
