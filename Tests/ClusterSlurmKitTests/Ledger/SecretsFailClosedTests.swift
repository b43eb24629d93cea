import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Issue 27 case 14: secrets fail closed, and the ledger's own files never travel.
struct SecretsFailClosedTests {
    let scratch = TestSupport.Scratch()

    @Test func aRunIdCannotNameTheLedgersFiles() {
        for id in ["ledger.sqlite.secret-key", "ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite.lock"] {
            #expect(throws: ClusterSlurmError.self, "\(id)") { _ = try RunId.validate(id) }
        }
        #expect((try? RunId.validate("ledger-study")) == "ledger-study")
    }

    @Test func withoutASecretKeySecretsAreRefused() throws {
        let path = scratch.path + "/ws/ledger.sqlite"
        let ledger = try Ledger(path: path)
        // something else stands where the key belongs
        try FileManager.default.createDirectory(atPath: path + ".secret-key", withIntermediateDirectories: true)
        let error = try #require(throws: ClusterSlurmError.self) { try ledger.recordSecrets(runId: "r", values: ["API_TOKEN": "abcdef123"]) }
        #expect(error.message.contains("secret key") && error.message.contains("API_TOKEN"), "\(error.message)")
    }

    @Test func theLedgerAndItsKeyAreNeverUploaded() throws {
        let workspace = scratch.path + "/ws2"
        let runs = workspace + "/.openclaw/cluster-runs"
        let ledger = try Ledger(path: runs + "/ledger.sqlite")
        #expect(ledger.secretKey(create: true) != nil)
        try Data("x".utf8).write(to: URL(fileURLWithPath: workspace + "/input.txt"))
        for given in [".openclaw", ".openclaw/cluster-runs/ledger.sqlite", ".openclaw/cluster-runs/ledger.sqlite.secret-key"] {
            let error = try #require(throws: ClusterSlurmError.self, "\(given)") {
                _ = try LocalFiles.collectSources([given], workspace: workspace, field: "localPaths", ledgerPath: ledger.path)
            }
            #expect(error.message.contains("never uploaded"), "\(error.message)")
        }
        #expect(try LocalFiles.collectSources(["input.txt"], workspace: workspace, field: "localPaths", ledgerPath: ledger.path).count == 1)
    }
}
