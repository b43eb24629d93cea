import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Parsing of the stat and hash records the remote programs print
/// (`RemoteScripts.statFiles`, `hashFiles`, `receiveUpload`).
public enum RemoteStat {
    /// One `TYPE|INODE SIZE MTIME CTIME<TAB>NAME` record.
    public struct Record: Sendable, Equatable {
        public var name: String
        /// `stat %F`: "regular file", "regular empty file", "symbolic link", "directory"…
        public var type: String
        /// Inode, size, mtime and ctime (with nanoseconds) as printed: compared
        /// as a whole, never interpreted beyond the size.
        public var signature: String
        public var size: Int64?

        public var isRegularFile: Bool { type.hasPrefix("regular") }
    }

    /// Parses one record; nil when it is not one.
    public static func parseRecord<S: StringProtocol>(_ text: S) -> Record? {
        guard let tab = text.firstIndex(of: "\t"), let bar = text[..<tab].firstIndex(of: "|") else { return nil }
        let name = String(text[text.index(after: tab)...])
        guard !name.isEmpty else { return nil }
        let signature = String(text[text.index(after: bar)..<tab])
        let fields = signature.split(separator: " ")
        return Record(name: name, type: String(text[..<bar]), signature: signature,
                      size: fields.count > 1 ? Int64(fields[1]) : nil)
    }

    /// `statFiles` output: records by name.
    public static func parseRecords(_ text: String) -> [String: Record] {
        var out: [String: Record] = [:]
        for chunk in text.split(separator: "\0", omittingEmptySubsequences: true) {
            if let record = parseRecord(chunk) { out[record.name] = record }
        }
        return out
    }

    /// `hashFiles` output: stat records, `@@HASHES`, then `sha256sum -z` records.
    public static func parseHashOutput(_ text: String) -> (stats: [String: Record], hashes: [String: String]) {
        var stats: [String: Record] = [:]
        var hashes: [String: String] = [:]
        var inHashes = false
        for chunk in text.split(separator: "\0", omittingEmptySubsequences: true) {
            if chunk == "@@HASHES" { inHashes = true; continue }
            if inHashes {
                if let (hash, name) = parseSha256Record(chunk) { hashes[name] = hash }
            } else if let record = parseRecord(chunk) {
                stats[record.name] = record
            }
        }
        return (stats, hashes)
    }

    /// `receiveUpload` output: `SHA256-or-dash<TAB>stat record` per placed file.
    public static func parseUploadReport(_ text: String) -> [(hash: String, stat: Record)] {
        var out: [(String, Record)] = []
        for chunk in text.split(separator: "\0", omittingEmptySubsequences: true) {
            guard let tab = chunk.firstIndex(of: "\t") else { continue }
            let hash = String(chunk[..<tab])
            guard hash == "-" || isSha256(hash), let record = parseRecord(chunk[chunk.index(after: tab)...]) else { continue }
            out.append((hash, record))
        }
        return out
    }

    /// One `sha256sum -z` record: `HASH  NAME` (or `HASH *NAME`); names unescaped.
    package static func parseSha256Record<S: StringProtocol>(_ record: S) -> (String, String)? {
        guard record.count > 66 else { return nil }
        let hash = String(record.prefix(64))
        let rest = record.dropFirst(64)
        guard isSha256(hash), rest.hasPrefix("  ") || rest.hasPrefix(" *") else { return nil }
        return (hash, String(rest.dropFirst(2)))
    }

    package static func isSha256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}

/// Turns a failed remote program into an error that says what happened,
/// naming full disks and quotas as such.
package enum RemoteFailure {
    package static func error(action: String, to place: String, result: RemoteResult) -> ClusterSlurmError {
        let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = detail.lowercased()
        if lower.contains("no space left on device") {
            return .remote("\(action) to \(place) failed: the cluster's filesystem is full (No space left on device). Free space there or choose another remoteRoot; nothing was left half-written. Detail: \(detail)")
        }
        if lower.contains("disk quota exceeded") {
            return .remote("\(action) to \(place) failed: your disk quota on the cluster is exhausted (Disk quota exceeded). Remove old run dirs or ask for more quota; nothing was left half-written. Detail: \(detail)")
        }
        return .remote("\(action) to \(place) failed (exit \(result.exitStatus)): \(detail.isEmpty ? "(no error output)" : detail)")
    }
}
