import Foundation

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

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(device: Int64, inode: Int64, size: Int64, mtimeNs: Int64, ctimeNs: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
    }
}
