import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Hashes remembered by stat signature, so an unchanged file is not read again.
public protocol LocalHashCache: Sendable {
    /// The remembered sha256 of each path whose signature still matches.
    func hashes(for files: [(path: String, signature: FileSignature)]) throws -> [String: String]
    func remember(_ files: [(path: String, signature: FileSignature, sha256: String)], now: Date) throws
}

extension Ledger: LocalHashCache {
    public func hashes(for files: [(path: String, signature: FileSignature)]) throws -> [String: String] {
        let wanted = Dictionary(files.map { ($0.path, $0.signature) }, uniquingKeysWith: { first, _ in first })
        return try read { db in
            var found: [String: String] = [:]
            let rows = try Self.rows(db, sql: "SELECT path, device, inode, size, mtimeNs, ctimeNs, sha256 FROM localFileHash WHERE path IN",
                                     matching: files.map(\.path))
            for row in rows {
                let path: String = row["path"]
                let stored = FileSignature(device: row["device"], inode: row["inode"], size: row["size"], mtimeNs: row["mtimeNs"], ctimeNs: row["ctimeNs"])
                if wanted[path] == stored { found[path] = row["sha256"] }
            }
            return found
        }
    }

    public func remember(_ files: [(path: String, signature: FileSignature, sha256: String)], now: Date) throws {
        let kept = files.filter { !$0.signature.isRacy(hashedAt: now) }
        guard !kept.isEmpty, !mode.readOnly else { return }
        let stamp = Timestamp.string(now)
        try write("rememberLocalHashes") { db in
            for file in kept {
                let s = file.signature
                try db.execute(sql: """
                    INSERT OR REPLACE INTO localFileHash (path, device, inode, size, mtimeNs, ctimeNs, sha256, recordedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [file.path, s.device, s.inode, s.size, s.mtimeNs, s.ctimeNs, file.sha256, stamp])
            }
        }
    }
}
