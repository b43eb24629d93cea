import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs export RUN --ro-crate DIR` (or `--zip FILE`): writes the run's
/// RO-Crate. Nothing half-written is left looking complete: the crate is
/// written into a private directory beside its target and renamed into
/// place; an existing target is never overwritten.
public enum CrateExport {
    public struct Result: Codable, Sendable {
        public var runId: String
        public var path: String
        public var files: Int
        public var bytes: Int64
        /// Inputs and outputs the crate only points to (not archived in the ledger).
        public var referenced: Int
    }

    public static func run(runId: String, directory: String?, zip: String?, context: ActionContext, agent: String) throws -> Result {
        guard (directory == nil) != (zip == nil) else {
            throw ClusterSlurmError.invalidInput("give either --ro-crate DIR or --zip FILE", path: "--ro-crate")
        }
        let archive = try context.ledger.archive(runId: try RunId.validate(runId))
        let ledger = context.ledger
        let profile = context.config.clusters[archive.run.cluster]
        let content = try ROCrate.build(archive, blob: { (try? ledger.blob(sha256: $0)) ?? nil }, sshTarget: profile?.sshTarget ?? archive.run.cluster,
                                        agent: agent, toolVersion: context.toolVersion, now: context.now())
        var files = content.files
        files[ROCrate.metadataFile] = Data((try CanonicalJSON.pretty(content.metadata) + "\n").utf8)
        let referenced = countReferences(content.metadata)
        let total = files.values.reduce(Int64(0)) { $0 + Int64($1.count) }
        let target = absolute(directory ?? zip!)
        guard !FileManager.default.fileExists(atPath: target) else {
            throw ClusterSlurmError.invalidInput("\(target) already exists; export into a new path", path: directory != nil ? "--ro-crate" : "--zip")
        }
        if zip != nil {
            let data = ZipWriter.archive(files.keys.sorted().map { ($0, files[$0]!) })
            try LocalFiles.writeAtomically(data, to: target, mode: 0o644)
        } else {
            let parent = (target as NSString).deletingLastPathComponent
            let staging = parent + "/.\((target as NSString).lastPathComponent).partial-\(getpid())"
            try? FileManager.default.removeItem(atPath: staging)
            do {
                for (path, data) in files {
                    let full = staging + "/" + path
                    try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try LocalFiles.writeAtomically(data, to: full, mode: 0o644)
                }
                guard rename(staging, target) == 0 else { throw ClusterSlurmError.io("cannot move the crate into \(target): \(String(cString: strerror(errno)))") }
            } catch {
                try? FileManager.default.removeItem(atPath: staging)
                throw error
            }
        }
        return Result(runId: archive.run.id, path: target, files: files.count, bytes: total, referenced: referenced)
    }

    /// As the person typed it: relative to the current directory.
    package static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    package static func countReferences(_ metadata: JSONValue) -> Int {
        guard case .object(let root) = metadata, case .array(let graph)? = root["@graph"] else { return 0 }
        return graph.filter { if case .object(let o) = $0, case .string(let id)? = o["@id"] { id.hasPrefix("ssh://") } else { false } }.count
    }
}
