import Foundation
import Testing
import LedgerMigrations
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// The Swift enums and the SQL constraints name the same values; every
/// migration file is registered; one list of terminal states.
@Suite struct LedgerVocabularyTests {
    static let migrationsDirectory = TestSupport.repository.appendingPathComponent("Migrations").path

    /// The values of `column IN (…)` in the migrations (CHECKs and triggers).
    static func allowedValues(_ column: String) throws -> [[String]] {
        var lists: [[String]] = []
        for migration in LedgerMigrations.all {
            let pattern = try NSRegularExpression(pattern: "\(column)\\s+(?:NOT\\s+)?IN\\s*\\(([^)]*)\\)", options: [.caseInsensitive])
            let sql = migration.sql as NSString
            for match in pattern.matches(in: migration.sql, range: NSRange(location: 0, length: sql.length)) {
                let body = sql.substring(with: match.range(at: 1))
                lists.append(body.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '\n\t")) })
            }
        }
        return lists
    }

    @Test func runStatusMatchesTheTriggers() throws {
        let lists = try Self.allowedValues("NEW.status")
        #expect(lists.count == 2)
        for list in lists { #expect(Set(list) == Set(RunStatus.allCases.map(\.rawValue)) && list.count == RunStatus.allCases.count) }
        for state in JobState.allCases { #expect(RunStatus(job: state).rawValue == state.rawValue.lowercased(), "\(state)") }
    }

    @Test func enumsMatchTheirChecks() throws {
        let outcomes = try Self.allowedValues("outcome")
        #expect(outcomes.contains { Set($0) == Set(SubmitAttemptRecord.Outcome.allCases.map(\.rawValue)) })
        #expect(outcomes.contains { Set($0) == Set(SubmitIntentOutcome.allCases.map(\.rawValue)) })
        #expect(try Self.allowedValues("source").contains { Set($0) == Set(ObservationSource.allCases.map(\.rawValue)) })
    }

    @Test func theLedgerRefusesAnUnknownStatus() throws {
        let scratch = TestSupport.Scratch()
        defer { withExtendedLifetime(scratch) {} }
        let dir = scratch.path
        let ledger = try Ledger(path: dir + "/l.sqlite")
        let error = try #require(throws: ClusterSlurmError.self) {
            try ledger.write("test") { db in
                try db.execute(sql: "INSERT INTO run (id, createdAt, updatedAt, cluster, localRunDir, remoteRunDir, status, toolVersion) VALUES ('r', 'x', 'x', 'c', 'l', 'r', 'finished', 'v')")
            }
        }
        #expect(error.message.contains("not a known run status"))
    }

    /// A migration is a file (Package.swift embeds every file of the
    /// directory) and an entry in `LedgerMigrations.all`: the two agree, and
    /// the ledger applies them all.
    @Test func everyMigrationFileIsRegistered() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.migrationsDirectory).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(LedgerMigrations.all.map { $0.name + ".sql" } == files)
        #expect(Ledger.knownMigrations == LedgerMigrations.all.map(\.name))
    }

    @Test func theRemoteStatusProgramUsesTheTerminalStates() {
        for state in JobState.terminal {
            #expect(RemoteScripts.jobStatus.contains(state.rawValue))
            #expect(RemoteScripts.cancel.contains(state.rawValue))
        }
        #expect(!RemoteScripts.jobStatus.contains("@TERMINAL_STATES@") && !RemoteScripts.cancel.contains("@TERMINAL_STATES@"))
        #expect(!RemoteScripts.jobStatus.contains("|RUNNING"))
    }
}
