import Foundation
import GRDB

/// What identifies a local file's bytes without reading them: git's index
/// check (device, inode, size, mtime and ctime in nanoseconds).
public struct FileSignature: Sendable, Equatable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64

    /// The signature of `path` (following symlinks), or nil when it cannot be read.
    public static func of(_ path: String) -> FileSignature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileSignature(device: Int64(info.st_dev), inode: Int64(info.st_ino), size: Int64(info.st_size),
                             mtimeNs: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                             ctimeNs: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }

    /// A file changed this close to when it was hashed may change again
    /// within the same timestamp: not safe to remember (git's "racily
    /// clean"). The window must exceed the filesystem's timestamp step: a
    /// timestamp with a sub-second part comes from a filesystem that keeps
    /// nanoseconds (its step is the kernel's clock tick, a few ms), so 100 ms
    /// is safe there; whole seconds may mean a coarse filesystem (FAT's step
    /// is 2 s), so those wait 2 s. A file written just before an upload is
    /// then remembered by that upload, and the next one reads nothing.
    public func isRacy(hashedAt now: Date) -> Bool {
        let nowNs = Int64(now.timeIntervalSince1970 * 1_000_000_000)
        let fine = mtimeNs % 1_000_000_000 != 0 || ctimeNs % 1_000_000_000 != 0
        return nowNs - max(mtimeNs, ctimeNs) < (fine ? 100_000_000 : 2_000_000_000)
    }
}

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
