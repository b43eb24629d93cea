import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs import-crate DIR`: restores a run from a crate `runs export` wrote
/// into this ledger. Every file the crate holds is checked against the
/// sha256 its metadata states before anything is written; a mismatch or a
/// missing file refuses the whole import.
public enum CrateImport {
    public struct Result: Codable, Sendable {
        public var runId: String
        public var files: Int
        public var referenced: Int
    }

    public static func run(directory: String, context: ActionContext) throws -> Result {
        let root = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        guard let metadataData = FileManager.default.contents(atPath: root + "/" + ROCrate.metadataFile) else {
            throw ClusterSlurmError.invalidInput("\(root) holds no \(ROCrate.metadataFile): not an RO-Crate directory (a .zip must be unpacked first: unzip FILE -d DIR)", path: "crate")
        }
        guard case .object(let metadata)? = try? JSONValue.parse(metadataData), case .array(let graph)? = metadata["@graph"] else {
            throw ClusterSlurmError.invalidInput("\(root)/\(ROCrate.metadataFile) is not RO-Crate JSON-LD (an object with @graph)", path: "crate")
        }
        var blobs: [String: Data] = [:]
        var recordSha: String?
        var referenced = 0
        var checked = 0
        for case .object(let entity) in graph {
            guard case .string(let id)? = entity["@id"], case .string(let sha)? = entity["sha256"] else { continue }
            if id.hasPrefix("ssh://") { referenced += 1; continue }
            let path = id.removingPercentEncoding ?? id
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains(".."),
                  let data = FileManager.default.contents(atPath: root + "/" + path) else {
                throw ClusterSlurmError.invalidInput("the crate names \(id) but does not hold it; nothing was imported", path: "crate")
            }
            guard Hashing.sha256Hex(data) == sha else {
                throw ClusterSlurmError.invalidInput("\(path) in the crate does not match the sha256 its metadata states (\(sha.prefix(12))…); nothing was imported", path: "crate")
            }
            blobs[sha] = data
            checked += 1
            if path == ROCrate.recordFile { recordSha = sha }
        }
        guard let recordSha, let record = blobs[recordSha] else {
            throw ClusterSlurmError.invalidInput("the crate has no \(ROCrate.recordFile) (it was not written by cluster-slurm runs export)", path: "crate")
        }
        let archive: RunArchive
        do { archive = try JSONDecoder().decode(RunArchive.self, from: record) } catch {
            throw ClusterSlurmError.invalidInput("\(ROCrate.recordFile) cannot be read as a run record: \(error)", path: "crate")
        }
        blobs[recordSha] = nil
        _ = try RunId.validate(archive.run.id)
        try context.ledger.importArchive(archive, blobs: blobs, recordSha256: recordSha, now: context.now())
        return Result(runId: archive.run.id, files: checked, referenced: referenced)
    }
}
