import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// A file's hash is reused only while its stat signature is unchanged, and
/// never remembered when it was changed moments before hashing.
@Suite struct LocalHashCacheTests {
    let scratch = TestSupport.Scratch()
    var root: String { scratch.path }

    func ledger() throws -> Ledger { try Ledger(path: root + "/ledger.sqlite") }

    /// A clock two seconds ahead of the file system, so files written by the
    /// test are not "racily clean".
    static let later: @Sendable () -> Date = { Date().addingTimeInterval(5) }

    func write(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/ws/data", withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/ws/" + name))
    }

    /// A cache that counts what it was asked, over the real ledger.
    final class Counting: LocalHashCache, @unchecked Sendable {
        let ledger: Ledger
        var hits = 0
        init(_ ledger: Ledger) { self.ledger = ledger }
        func hashes(for files: [(path: String, signature: FileSignature)]) throws -> [String: String] {
            let found = try ledger.hashes(for: files)
            hits += found.count
            return found
        }
        func remember(_ files: [(path: String, signature: FileSignature, sha256: String)], now: Date) throws {
            try ledger.remember(files, now: now)
        }
    }

    @Test func unchangedFilesAreNotHashedAgainAndChangedOnesAre() throws {
        try write("data/a.txt", "alpha")
        try write("data/b.txt", "beta")
        let cache = Counting(try ledger())
        let first = try LocalFiles.collectSources(["data"], workspace: root + "/ws", field: "localPaths", cache: cache, now: Self.later)
        #expect(cache.hits == 0)
        let second = try LocalFiles.collectSources(["data"], workspace: root + "/ws", field: "localPaths", cache: cache, now: Self.later)
        #expect(cache.hits == 2)
        #expect(first == second)
        // the same size, new bytes: ctime (and mtime) move, the hash is computed again
        try write("data/a.txt", "ALPHA")
        let third = try LocalFiles.collectSources(["data"], workspace: root + "/ws", field: "localPaths", cache: cache, now: Self.later)
        #expect(cache.hits == 3, "only b.txt came from the cache")
        #expect(third.first { $0.relativePath == "data/a.txt" }?.sha256 == Hashing.sha256Hex("ALPHA"))
    }

    @Test func aFileChangedMomentsBeforeHashingIsNotRemembered() throws {
        try write("data/a.txt", "alpha")
        let ledger = try ledger()
        let signature = try #require(FileSignature.of(root + "/ws/data/a.txt"))
        // hashed 10 ms after the write, whatever this machine's load
        let moments = Date(timeIntervalSince1970: Double(max(signature.mtimeNs, signature.ctimeNs) + 10_000_000) / 1e9)
        _ = try LocalFiles.collectSources(["data/a.txt"], workspace: root + "/ws", field: "localPath", cache: ledger, now: { moments })
        #expect(signature.isRacy(hashedAt: moments))
        #expect(try ledger.hashes(for: [(try #require(LocalFiles.realPath(root + "/ws/data/a.txt")), signature)]).isEmpty)
    }

    @Test func theRacyWindowFollowsTheTimestampStep() {
        let second: Int64 = 1_000_000_000
        let base = FileSignature(device: 1, inode: 2, size: 3, mtimeNs: 1_700_000_000 * second + 123_456_789, ctimeNs: 1_700_000_000 * second + 123_456_789)
        let coarse = FileSignature(device: 1, inode: 2, size: 3, mtimeNs: 1_700_000_000 * second, ctimeNs: 1_700_000_000 * second)
        func at(_ signature: FileSignature, plusNs: Int64) -> Date {
            Date(timeIntervalSince1970: Double(max(signature.mtimeNs, signature.ctimeNs) + plusNs) / 1e9)
        }
        let cases: [(FileSignature, Int64, Bool)] = [
            (base, 0, true), (base, 50_000_000, true), (base, 150_000_000, false),
            (coarse, 150_000_000, true), (coarse, 1_900_000_000, true), (coarse, 2_100_000_000, false),
        ]
        for (signature, after, racy) in cases {
            #expect(signature.isRacy(hashedAt: at(signature, plusNs: after)) == racy, "\(signature.mtimeNs % second) +\(after)")
        }
    }

    @Test func aStoredSignatureMustMatchInEveryField() throws {
        try write("data/a.txt", "alpha")
        let ledger = try ledger()
        let path = root + "/ws/data/a.txt"
        let signature = try #require(FileSignature.of(path))
        try ledger.remember([(path, signature, Hashing.sha256Hex("alpha"))], now: Self.later())
        #expect(try ledger.hashes(for: [(path, signature)]) == [path: Hashing.sha256Hex("alpha")])
        for changed in [\FileSignature.device, \.inode, \.size, \.mtimeNs, \.ctimeNs] {
            var other = signature
            other[keyPath: changed] += 1
            #expect(try ledger.hashes(for: [(path, other)]).isEmpty)
        }
    }
}
