import Foundation
import Testing

/// The core's layers, lowest first: a module imports only modules listed
/// before it. The compiler refuses an import of a module above (a circular
/// dependency); this also catches one of a module beside it that a build
/// happens to find, and SQL outside the ledger.
@Suite struct LayerTests {
    static let layers: [(module: String, mayImport: Set<String>)] = [
        ("ClusterSlurmSupport", []),
        ("ClusterSlurmDomain", ["ClusterSlurmSupport"]),
        ("ClusterSlurmLedger", ["ClusterSlurmSupport", "ClusterSlurmDomain", "LedgerMigrations"]),
        ("ClusterSlurmRemote", ["ClusterSlurmSupport", "ClusterSlurmDomain", "RemotePrograms"]),
        ("ClusterSlurmKit", ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote"]),
        ("ClusterSlurmTool", ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmKit"]),
    ]

    static func imports(of module: String) throws -> [(file: String, module: String)] {
        let root = TestSupport.repository.appendingPathComponent("Sources/\(module)").path
        var out: [(String, String)] = []
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                out.append((file, String(line.split(separator: " ").last!)))
            }
        }
        return out
    }

    @Test(arguments: layers.map(\.module)) func importsOnlyLowerLayers(module: String) throws {
        let allowed = Self.layers.first { $0.module == module }!.mayImport
        let ours = Set(Self.layers.map(\.module)).union(["LedgerMigrations", "RemotePrograms"])
        for (file, imported) in try Self.imports(of: module) where ours.contains(imported) {
            #expect(allowed.contains(imported), "\(module)/\(file) imports \(imported), which is not below it")
        }
    }

    @Test func onlyTheLedgerSpeaksSQL() throws {
        for module in Self.layers.map(\.module) where module != "ClusterSlurmLedger" {
            for (file, imported) in try Self.imports(of: module) {
                #expect(imported != "GRDB", "\(module)/\(file) imports GRDB: SQL belongs in the ledger layer")
            }
        }
    }
}
