import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// A stress test of the ledger through the built binary: slow (about 80 s),
/// so it runs with the integration tier, not in the inner loop.
@Suite struct ConcurrentWritersTests {
    /// 8 cluster-slurm processes write 500 rounds of mixed actions each to one
    /// ledger at once: every row arrives, run ids stay unique although all use
    /// one prefix, no "database is locked" reaches anyone, integrity holds.
    @Test func eightProcessesFiveHundredRoundsEach() throws {
        let binary = Harness.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first (swift build)")
        let workspace = FileManager.default.temporaryDirectory.appendingPathComponent("cs-it-writers-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: workspace, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: workspace) }
        let config = Harness.localConfig
        let rounds = 500, writers = 8
        let processes = try (0..<writers).map { index -> (Process, String) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["ledger", "exercise", "--count", String(rounds), "--tag", "w\(index)", "--config", config, "--workspace", workspace]
            let log = workspace + "/writer-\(index).log"
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: log)
            process.standardError = FileHandle(forWritingAtPath: log)
            try process.run()
            return (process, log)
        }
        for (process, _) in processes { process.waitUntilExit() }
        for (process, log) in processes {
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "\(output)")
            #expect(!output.localizedCaseInsensitiveContains("locked"), "\(output)")
            #expect(output.hasPrefix("\(rounds * 4) actions, \(rounds) runs"), "\(output)")
        }
        let ledger = try Ledger(path: workspace + "/.openclaw/cluster-runs/ledger.sqlite")
        let counts = try ledger.counts()
        #expect(counts["run"] == rounds * writers)
        #expect(counts["jobObservation"] == rounds * writers * 3)
        #expect(counts["artifact"] == rounds * writers)
        #expect(counts["actionLog"] == rounds * writers)
        #expect(counts["submitAttempt"] == rounds * writers)
        #expect(try ledger.integrityCheck() == "ok")
    }
}
