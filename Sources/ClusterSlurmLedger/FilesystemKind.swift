import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// The filesystem a ledger lives on, from the kernel's mount table:
/// network filesystems (where SQLite's WAL shared memory is unsafe across
/// hosts) are told apart from local ones.
public struct FilesystemKind: Sendable, Equatable {
    /// The type as the mount table names it: ext4, xfs, nfs4, lustre, gpfs…
    public var name: String
    public var isNetwork: Bool

    public init(name: String) {
        self.name = name
        self.isNetwork = Self.isNetworkType(name)
    }

    /// Filesystems shared between hosts, by mount-table type (prefix match
    /// for families such as nfs/nfs4, fuse.sshfs, fuse.gcsfuse).
    package static let networkTypes = ["nfs", "smb", "smb3", "cifs", "lustre", "gpfs", "beegfs", "ceph", "fuse", "afs", "9p",
                               "ocfs2", "gfs2", "panfs", "glusterfs", "orangefs", "pvfs2", "davfs", "sshfs", "wekafs", "quobyte"]

    package static func isNetworkType(_ type: String) -> Bool {
        let lower = type.lowercased()
        return networkTypes.contains { lower == $0 || lower.hasPrefix($0 + ".") || (lower.hasPrefix($0) && lower.dropFirst($0.count).allSatisfy(\.isNumber)) }
    }

    /// The filesystem holding `directory` (or its nearest existing parent).
    public static func of(_ directory: String) -> FilesystemKind {
        var probe = directory.isEmpty ? "." : directory
        while !FileManager.default.fileExists(atPath: probe) && probe != "/" {
            probe = (probe as NSString).deletingLastPathComponent
            if probe.isEmpty { probe = "." }
        }
        let real = Self.realPath(probe) ?? probe
        guard let table = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
              let type = mountType(of: real, mountinfo: table) else { return FilesystemKind(name: "unknown") }
        return FilesystemKind(name: type)
    }

    /// The type of the mount holding `path` in a `/proc/self/mountinfo` text:
    /// the longest mount point that is `path` or a parent of it.
    package static func mountType(of path: String, mountinfo: String) -> String? {
        var best: (length: Int, type: String)?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 6, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let mountPoint = unescape(String(fields[4]))
            let inside = mountPoint == "/" || path == mountPoint || path.hasPrefix(mountPoint + "/")
            if inside, mountPoint.count >= (best?.length ?? -1) {
                best = (mountPoint.count, String(fields[dash + 1]))
            }
        }
        return best?.type
    }

    /// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = [UInt8]()
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 92, i + 3 < bytes.count, let value = UInt8(String(decoding: bytes[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                out.append(value); i += 4
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
