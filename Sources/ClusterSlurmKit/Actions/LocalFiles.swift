import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Local filesystem rules: private run dirs, sources that stay inside the
/// workspace, destinations that stay inside the run dir, atomic writes.
public enum LocalFiles {
    public static func makePrivateDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ClusterSlurmError.io("cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `data` to a temporary name beside `path`, then renames it, so a
    /// crash never leaves a partial file under the final name.
    public static func writeAtomically(_ data: Data, to path: String, mode: Int = 0o600) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.\((path as NSString).lastPathComponent).partial-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw ioError("cannot create", temporary, errno: errno) }
        do {
            defer { close(fd) }
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw ioError("cannot write", path, errno: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ioError("cannot move \(temporary) to", path, errno: code)
        }
    }

    /// An I/O error that names the path and says plainly when the disk is full.
    package static func ioError(_ what: String, _ path: String, errno code: Int32) -> ClusterSlurmError {
        switch code {
        case ENOSPC:
            return .io("\(what) \(path): no space left on device; free space on that filesystem (df -h \((path as NSString).deletingLastPathComponent)) and try again. Nothing was left half-written.")
        case EDQUOT:
            return .io("\(what) \(path): disk quota exceeded; free space or raise the quota and try again. Nothing was left half-written.")
        default:
            return .io("\(what) \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Writes all of `data` to `fd`, retrying short writes.
    package static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let n = write(fd, pointer, remaining)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ioError("cannot write", path, errno: errno)
                }
                remaining -= n
                pointer += n
            }
        }
    }

    /// The real path with symlinks resolved.
    package static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    package static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }

    /// A relative path given by a caller, checked: no absolute path, no `..`,
    /// no empty or control characters.
    public static func checkedRelative(_ text: String, field: String) throws -> String {
        let trimmed = text
        guard !trimmed.isEmpty else { throw ClusterSlurmError.invalidInput("must not be empty", path: field) }
        guard !trimmed.contains("\0") else { throw ClusterSlurmError.invalidInput("must not contain NUL bytes", path: field) }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.contains("..") else {
            throw ClusterSlurmError.invalidInput("must stay inside the run directory: '..' is not allowed (got \"\(text)\")", path: field)
        }
        let cleaned = parts.filter { $0 != "." }.joined(separator: "/")
        guard !cleaned.isEmpty else { throw ClusterSlurmError.invalidInput("must name something inside the run directory (got \"\(text)\")", path: field) }
        return cleaned
    }

    public struct Source: Sendable, Equatable {
        public var localPath: String
        /// Where it goes, relative to the destination dir.
        public var relativePath: String
        public var size: Int64
        public var sha256: String
        /// Modification time, whole seconds (carried into the tar, so the
        /// cluster's copy keeps it and a re-upload can compare cheaply).
        public var mtime: Int64 = 0
        /// The stat signature the hash belongs to; the upload checks it
        /// before and after sending the bytes, so what was sent is what was
        /// hashed (nil for bytes from the archive, checked by size only).
        public var signature: FileSignature? = nil
    }

    /// Expands files and folders to regular files with their archive names
    /// and hashes. Every source must resolve inside the workspace (an agent
    /// cannot ship ~/.ssh to a cluster), symlinks included. With a `cache`,
    /// a file whose stat signature is unchanged since it was last hashed is
    /// not read again; files hashed now are remembered when their signature
    /// held still while they were read.
    public static func collectSources(_ paths: [String], workspace: String, field: String,
                                      progress: (any ProgressObserver)? = nil, cache: (any LocalHashCache)? = nil,
                                      now: @Sendable () -> Date = { Date() }, ledgerPath: String? = nil) throws -> [Source] {
        guard let root = realPath(workspace) else { throw ClusterSlurmError.io("workspace \(workspace) does not exist") }
        // The ledger, its journal and its secret key never leave this machine.
        let ledgerFiles = ledgerPath.map { path -> Set<String> in
            let real = (realPath((path as NSString).deletingLastPathComponent) ?? (path as NSString).deletingLastPathComponent)
                + "/" + (path as NSString).lastPathComponent
            return Set(["", "-wal", "-shm", "-journal", ".secret-key", ".lock"].map { real + $0 })
        } ?? []
        var found: [(path: String, name: String, signature: FileSignature)] = []
        var seen = Set<String>()
        for (index, given) in paths.enumerated() {
            let fieldPath = paths.count == 1 && field == "localPath" ? field : "\(field)[\(index)]"
            guard !given.isEmpty, !given.contains("\0") else { throw ClusterSlurmError.invalidInput("must be a non-empty path", path: fieldPath) }
            let absolute = ActionContext.absolute(given, base: workspace)
            guard let real = realPath(absolute) else {
                throw ClusterSlurmError.invalidInput("no such file or directory: \(given) (relative paths are taken from the workspace \(workspace))", path: fieldPath)
            }
            guard isInside(real, root) else {
                throw ClusterSlurmError.invalidInput("\(given) resolves to \(real), outside the workspace \(root); only files inside the workspace can be uploaded", path: fieldPath)
            }
            var info = stat()
            stat(real, &info)
            let baseName = (absolute as NSString).lastPathComponent
            var files: [(String, String)] = []
            if (info.st_mode & S_IFMT) == S_IFDIR {
                files = try walk(real, root: root, fieldPath: fieldPath).map { ($0.0, baseName + "/" + $0.1) }
            } else if (info.st_mode & S_IFMT) == S_IFREG {
                files = [(real, baseName)]
            } else {
                throw ClusterSlurmError.invalidInput("\(given) is neither a regular file nor a directory", path: fieldPath)
            }
            for (path, name) in files {
                if ledgerFiles.contains(path) {
                    throw ClusterSlurmError.invalidInput("\(given) is or holds the ledger's own file \(path) (the run ledger, its journal or its secret key): it is never uploaded; upload the files the job needs", path: fieldPath)
                }
                guard seen.insert(name).inserted else {
                    throw ClusterSlurmError.invalidInput("two sources would both be uploaded as \"\(name)\"; rename one", path: fieldPath)
                }
                guard let signature = FileSignature.of(path) else { throw ClusterSlurmError.io("cannot read \(path)") }
                found.append((path, name, signature))
            }
        }
        let known = (try? cache?.hashes(for: found.map { ($0.path, $0.signature) })) ?? [:]
        let toHash = found.filter { known[$0.path] == nil }
        let meter = ProgressMeter(observer: toHash.isEmpty ? nil : progress, phase: .hashing,
                                  total: toHash.reduce(0) { $0 + $1.signature.size }, files: toHash.count)
        defer { meter.finish() }
        var hashed: [(path: String, signature: FileSignature, sha256: String)] = []
        var out: [Source] = []
        for file in found {
            var (sha, size) = (known[file.path] ?? "", file.signature.size)
            if sha.isEmpty {
                (sha, size) = try Hashing.sha256Hex(fileAt: file.path, onBytes: meter.add)
                // remembered only when nothing changed while it was read
                if size == file.signature.size, FileSignature.of(file.path) == file.signature { hashed.append((file.path, file.signature, sha)) }
            }
            out.append(Source(localPath: file.path, relativePath: file.name, size: size, sha256: sha, mtime: file.signature.mtimeNs / 1_000_000_000,
                              signature: file.signature))
        }
        try? cache?.remember(hashed, now: now())
        return out
    }

    /// The empty directories among `paths` (each given directory that holds
    /// nothing, and each directory inside one that holds nothing), named as
    /// `collectSources` names files (`given/inner`): a workload that writes
    /// into `outputs/` expects it to exist on the cluster too. Symlinks are
    /// not followed.
    public static func emptyDirectories(_ paths: [String], workspace: String) -> [String] {
        var out: [String] = []
        for given in paths {
            let absolute = ActionContext.absolute(given, base: workspace)
            guard let real = realPath(absolute) else { continue }
            var info = stat()
            guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            let baseName = (absolute as NSString).lastPathComponent
            if (try? FileManager.default.contentsOfDirectory(atPath: real))?.isEmpty == true { out.append(baseName); continue }
            guard let enumerator = FileManager.default.enumerator(atPath: real) else { continue }
            while let relative = enumerator.nextObject() as? String {
                let full = real + "/" + relative
                var entry = stat()
                guard lstat(full, &entry) == 0, (entry.st_mode & S_IFMT) == S_IFDIR,
                      (try? FileManager.default.contentsOfDirectory(atPath: full))?.isEmpty == true else { continue }
                out.append(baseName + "/" + relative)
            }
        }
        return out.sorted()
    }

    private static func walk(_ directory: String, root: String, fieldPath: String) throws -> [(String, String)] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [(String, String)] = []
        while let relative = enumerator.nextObject() as? String {
            let full = directory + "/" + relative
            var info = stat()
            guard lstat(full, &info) == 0 else { continue }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                guard let target = realPath(full), isInside(target, root) else {
                    throw ClusterSlurmError.invalidInput("\(full) is a symlink pointing outside the workspace; remove it or copy the file in", path: fieldPath)
                }
                var targetInfo = stat()
                stat(target, &targetInfo)
                if (targetInfo.st_mode & S_IFMT) == S_IFREG { files.append((target, relative)) }
            } else if kind == S_IFREG {
                files.append((full, relative))
            }
        }
        return files.sorted { $0.1 < $1.1 }
    }

    /// Resolves where a download may write: inside `runDirectory` only.
    public static func downloadDestination(_ requested: String?, defaultRelative: String, runDirectory: String, field: String) throws -> String {
        let root = realPath(runDirectory) ?? runDirectory
        var relative = defaultRelative
        if let requested, !requested.isEmpty {
            if requested.hasPrefix("/") {
                let normalized = (requested as NSString).standardizingPath
                guard isInside(normalized, root) || isInside(normalized, runDirectory) else {
                    throw ClusterSlurmError.invalidInput("downloads must stay inside workspace, in the run directory \(runDirectory) (got \"\(requested)\")", path: field)
                }
                let base = isInside(normalized, root) ? root : runDirectory
                relative = String(normalized.dropFirst(base.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                if relative.isEmpty { return root }
            } else {
                relative = requested
            }
            do { relative = try checkedRelative(relative, field: field) } catch {
                throw ClusterSlurmError.invalidInput("downloads must stay inside workspace, in the run directory \(runDirectory): '..' and control characters are not allowed (got \"\(requested)\")", path: field)
            }
        }
        let destination = relative == "." ? root : root + "/" + relative
        // Any existing part of the path must not lead out through a symlink.
        var probe = destination
        while !FileManager.default.fileExists(atPath: probe), probe.count > root.count {
            probe = (probe as NSString).deletingLastPathComponent
        }
        if let real = realPath(probe), !isInside(real, root) {
            throw ClusterSlurmError.invalidInput("\(requested ?? relative) leads outside the run directory through a symlink", path: field)
        }
        return destination
    }

    /// Removes the temporaries (`.NAME.partial-PID`) a download killed
    /// before it could clean up left anywhere under `directory`: those whose
    /// process is gone. A download still running (its pid alive) keeps its own.
    public static func removeStalePartials(in directory: String) {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return }
        while let relative = walker.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), let range = name.range(of: ".partial-", options: .backwards),
                  let pid = Int32(name[range.upperBound...]), pid > 0 else { continue }
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            unlink(directory + "/" + relative)
        }
    }
}
