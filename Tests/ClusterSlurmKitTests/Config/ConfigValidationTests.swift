import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct ConfigValidationTests {
    @Test func seedConfigPassesWithPlaceholderWarnings() throws {
        let loaded = try ConfigLoader.load(path: TestSupport.repository.appendingPathComponent("examples/gautschi/openclaw.json").path)
        #expect(loaded.config.defaultCluster == "gautschi-cpu")
        #expect(loaded.config.clusterIds == ["gautschi-cpu", "gautschi-gpu"])
        #expect(loaded.warnings.map(\.path) == ["clusters.gautschi-cpu.remoteRoot", "clusters.gautschi-gpu.remoteRoot"])
        let gpu = try #require(loaded.config.clusters["gautschi-gpu"])
        #expect(gpu.slurmDefaults.gpusPerNode == "1")
        #expect(gpu.slurmDefaults.cpusPerTask == 14)
        #expect(loaded.config.routing.gpuRequiredErrorSignatures == RoutingConfig.defaultGpuRequiredErrorSignatures)
        #expect(loaded.config.execution.allowCustomEnvOverride == false)
        #expect(loaded.config.localRunsDir == ".openclaw/cluster-runs")
    }

    @Test func defaultsFilledIn() throws {
        let config = try TestSupport.config(#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x/y"}}}"#)
        let profile = try #require(config.clusters["a"])
        #expect(profile.scheduler == "slurm")
        #expect(profile.loginShell == false)
        #expect(profile.setupCommands.isEmpty)
        #expect(config.routing.gpuIndicators == RoutingConfig.defaultGpuIndicators)
        #expect(config.routing.autoFallbackToGpuOnSignatures)
        #expect(profile.effectiveModuleInitScripts == ClusterProfile.builtInModuleInitScripts)
        #expect(config.polling.minIntervalSeconds == 30)
        #expect(config.archive == ArchiveConfig.defaults)
    }

    @Test func homeRelativeRemoteRootStaysRelative() throws {
        for root in ["~/runs", "$HOME/runs", "${HOME}/runs"] {
            let config = try TestSupport.config(#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "\#(root)"}}}"#)
            let remote = try #require(config.clusters["a"]?.remoteRoot)
            #expect(remote.base == .home)
            #expect(remote.word.rendered == "\"$HOME\"/runs")
        }
    }

    @Test func openClawWrapperWithoutPluginEntryIsNamed() {
        #expect(throws: ClusterSlurmError.self) {
            _ = try ConfigLoader.load(data: Data(#"{"plugins": {"entries": {}}}"#.utf8), source: "x.json")
        }
    }

    /// Each malformed config and the JSON path its first error must name.
    static let malformed: [(String, String)] = [
        (#"[]"#, ""),
        (#"{"clusters": 3}"#, "clusters"),
        (#"{"clusters": {"a": 5}}"#, "clusters.a"),
        (#"{"clusters": {"a": {"remoteRoot": "/x"}}}"#, "clusters.a.sshTarget"),
        (#"{"clusters": {"a": {"sshTarget": "h"}}}"#, "clusters.a.remoteRoot"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "relative/dir"}}}"#, "clusters.a.remoteRoot"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/"}}}"#, "clusters.a.remoteRoot"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x/../y"}}}"#, "clusters.a.remoteRoot"),
        (#"{"clusters": {"a": {"sshTarget": "-oProxyCommand=x", "remoteRoot": "/x"}}}"#, "clusters.a.sshTarget"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "scheduler": "pbs"}}}"#, "clusters.a.scheduler"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "loginShell": "yes"}}}"#, "clusters.a.loginShell"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "setupCommands": "module load x"}}}"#, "clusters.a.setupCommands"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "setupCommands": [1]}}}"#, "clusters.a.setupCommands[0]"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "submitArgs": ["exclusive"]}}}"#, "clusters.a.submitArgs[0]"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"cpusPerTask": "14x"}}}}"#, "clusters.a.slurmDefaults.cpusPerTask"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"cpusPerTask": 0}}}}"#, "clusters.a.slurmDefaults.cpusPerTask"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"nodes": 1.5}}}}"#, "clusters.a.slurmDefaults.nodes"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"time": "2 hours"}}}}"#, "clusters.a.slurmDefaults.time"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"time": "01:75:00"}}}}"#, "clusters.a.slurmDefaults.time"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"mem": "8 GB"}}}}"#, "clusters.a.slurmDefaults.mem"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"mem": "8Q"}}}}"#, "clusters.a.slurmDefaults.mem"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"gpus": 1, "gpusPerNode": 1}}}}"#, "clusters.a.slurmDefaults.gpusPerNode"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"gpus": 0}}}}"#, "clusters.a.slurmDefaults.gpus"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"partition": "cpu; rm -rf ~"}}}}"#, "clusters.a.slurmDefaults.partition"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"output": "../escape-%j.out"}}}}"#, "clusters.a.slurmDefaults.output"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"modules": "python"}}}}"#, "clusters.a.slurmDefaults.modules"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"partiton": "cpu"}}}}"#, "clusters.a.slurmDefaults.partiton"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "sshTimeoutSeconds": 0}}}"#, "clusters.a.sshTimeoutSeconds"),
        (#"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "moduleInitScripts": ["etc/profile"]}}}"#, "clusters.a.moduleInitScripts[0]"),
        (#"{"defaultCluster": "b", "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "defaultCluster"),
        (#"{"defaultCluster": "a", "routing": {"defaultProfile": "c"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}, "c": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.defaultProfile"),
        (#"{"routing": {"gpuProfile": "gpu"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.gpuProfile"),
        (#"{"routing": {"gpuIndicators": ["/[unclosed/"]}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.gpuIndicators[0]"),
        (#"{"routing": {"gpuIndicators": "cuda"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.gpuIndicators"),
        (#"{"routing": {"autoFallbackToGpuOnSignatures": 1}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.autoFallbackToGpuOnSignatures"),
        (#"{"routing": {"gpuProfle": "a"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "routing.gpuProfle"),
        (#"{"execution": {"allowCustomEnvOverride": "true"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "execution.allowCustomEnvOverride"),
        (#"{"localRunsDir": "../outside", "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "localRunsDir"),
        (#"{"localRunsDir": "/abs", "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "localRunsDir"),
        (#"{"defaultClustr": "a", "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "defaultClustr"),
        (#"{"clusters": {"bad id!": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "clusters.bad id!"),
        (#"{"polling": {"minIntervalSeconds": -1}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "polling.minIntervalSeconds"),
        (#"{"polling": {"interval": 5}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "polling.interval"),
        (#"{"archive": {"maxInputBytesPerRun": "64M"}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "archive.maxInputBytesPerRun"),
        (#"{"archive": {"maxOutputBytes": -5}, "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#, "archive.maxOutputBytes"),
    ]

    /// As the reference: an empty config loads (no clusters, a warning), and
    /// routing's default profile follows defaultCluster when not given.
    @Test func emptyConfigLoadsAndRoutingFollowsDefaultCluster() throws {
        for json in ["{}", #"{"clusters": {}}"#] {
            let loaded = try ConfigLoader.load(data: Data(json.utf8), source: "empty.json")
            #expect(loaded.config.clusters.isEmpty)
            #expect(loaded.warnings.contains { $0.path == "clusters" })
        }
        let derived = try ConfigLoader.load(data: Data(#"{"defaultCluster": "a", "clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x"}}}"#.utf8), source: "c.json")
        #expect(derived.config.routing.defaultProfile == "a")
    }

    @Test(arguments: malformed)
    func malformedConfigNamesItsPath(json: String, path: String) throws {
        do {
            _ = try ConfigLoader.load(data: Data(json.utf8), source: "bad.json")
            Issue.record("accepted a malformed config: \(json)")
        } catch let error as ClusterSlurmError where error.kind == .invalidConfig && !error.configIssues.isEmpty {
            #expect(error.configIssues.first?.path == path, "errors: \(error.configIssues)")
            #expect(error.description.contains(path))
        } catch let error as ClusterSlurmError {
            #expect(path.isEmpty, "unexpected: \(error)")
        }
    }

    @Test func everyProblemIsListedAtOnce() throws {
        let json = #"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "rel", "slurmDefaults": {"cpusPerTask": "14x", "mem": "lots"}}}}"#
        let error = try #require(throws: ClusterSlurmError.self) { try ConfigLoader.load(data: Data(json.utf8), source: "x") }
        #expect(Set(error.configIssues.map(\.path)) == ["clusters.a.remoteRoot", "clusters.a.slurmDefaults.cpusPerTask", "clusters.a.slurmDefaults.mem"])
        #expect(error.description.contains("clusters.a.slurmDefaults.cpusPerTask: must be an integer >= 1 (got \"14x\")"))
    }

    @Test func unknownKeySuggestsTheClosest() throws {
        let json = #"{"clusters": {"a": {"sshTarget": "h", "remoteRoot": "/x", "slurmDefaults": {"partiton": "cpu"}}}}"#
        let error = try #require(throws: ClusterSlurmError.self) { try ConfigLoader.load(data: Data(json.utf8), source: "x") }
        #expect(error.description.contains("did you mean \"partition\""))
    }

    @Test func json5IsAccepted() throws {
        let config = try TestSupport.config("{ // comment\n clusters: { a: { sshTarget: 'h', remoteRoot: '/x', }, }, }")
        #expect(config.clusterIds == ["a"])
    }

    static let times: [(String, Int?)] = [("30", 1800), ("30:15", 1815), ("02:00:00", 7200), ("1-12", 129_600),
                                          ("1-00:30", 88_200), ("2-01:02:03", 176_523), ("UNLIMITED", nil)]
    @Test(arguments: times) func slurmTimeFormats(text: String, seconds: Int?) throws {
        #expect(try SlurmFormats.timeLimitSeconds(text).get() == seconds)
    }

    @Test(arguments: ["", "1:2:3:4", "a", "1-", "-5", "1-24:00", "00:60"]) func badTimes(text: String) {
        #expect(throws: SlurmFormats.FormatError.self) { try SlurmFormats.timeLimitSeconds(text).get() }
    }

    @Test func memoryUnits() throws {
        #expect(try SlurmFormats.memoryMegabytes("8G").get() == 8192)
        #expect(try SlurmFormats.memoryMegabytes("512").get() == 512)
        #expect(try SlurmFormats.memoryMegabytes("1T").get() == 1_048_576)
        #expect(throws: SlurmFormats.FormatError.self) { try SlurmFormats.memoryMegabytes("0").get() }
    }
}
