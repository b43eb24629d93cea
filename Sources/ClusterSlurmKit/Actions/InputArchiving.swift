import Dispatch
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Stores an upload's inputs in the ledger's archive by content while they
/// travel (on a thread of its own), within the run's cap
/// (`archive.maxInputBytesPerRun`). A content this run already archived
/// costs nothing again (an unchanged re-upload reads nothing); one the
/// archive holds for another run is not read again either. A file read for
/// the archive must still hash as it did when it was collected, or it is not
/// archived. Blobs are content-addressed: an upload that fails after some
/// were stored leaves only contents a retry will find already there.
package final class InputArchiving: Sendable {
    package struct Archived: Sendable, Equatable {
        /// The sources (relative paths) whose contents the archive holds.
        package var paths: Set<String>
        /// Some inputs are not in the archive (over the cap, or changed since they were hashed).
        package var incomplete: Bool
    }

    /// Contents written per ledger transaction: bounds memory, keeps each write short.
    package static let batchBytes: Int64 = 16 << 20

    private let outcome: Locked<Result<Archived, any Error>?>
    private let finished = DispatchGroup()

    private init(_ outcome: Result<Archived, any Error>?) { self.outcome = Locked(outcome) }

    /// Decides what to archive now (ledger reads only) and starts reading and storing the new contents.
    package static func start(_ sources: [LocalFiles.Source], run: RunRecord, context: ActionContext) throws -> InputArchiving {
        let runBlobs = try context.ledger.archivedInputBlobs(runId: run.id)
        let stored = try context.ledger.existingBlobs(sources.map(\.sha256))
        var budget = context.config.archive.maxInputBytesPerRun - runBlobs.values.reduce(0, +)
        var archived = Archived(paths: [], incomplete: false)
        // Contents the archive holds (or will, for free); contents to read, with every source that has them.
        var held = Set(runBlobs.keys)
        var toRead: [LocalFiles.Source] = []
        var pathsOf: [String: [String]] = [:]
        for source in sources {
            if held.contains(source.sha256) {
                archived.paths.insert(source.relativePath)
            } else if pathsOf[source.sha256] != nil {
                pathsOf[source.sha256]?.append(source.relativePath)
            } else if source.size > budget {
                archived.incomplete = true
            } else {
                budget -= source.size
                if stored.contains(source.sha256) {
                    held.insert(source.sha256)
                    archived.paths.insert(source.relativePath)
                } else {
                    toRead.append(source)
                    pathsOf[source.sha256] = [source.relativePath]
                }
            }
        }
        guard !toRead.isEmpty else { return InputArchiving(.success(archived)) }
        let archiving = InputArchiving(nil)
        archiving.finished.enter()
        let thread = Thread { [archived, toRead, pathsOf] in
            let result = Result { try store(toRead, pathsOf: pathsOf, into: archived, context: context) }
            archiving.outcome.set(result)
            archiving.finished.leave()
        }
        thread.name = "cluster-slurm archive"
        thread.start()
        return archiving
    }

    private static func store(_ sources: [LocalFiles.Source], pathsOf: [String: [String]], into start: Archived,
                              context: ActionContext) throws -> Archived {
        var archived = start
        var batch: [String: Data] = [:]
        var batchSize: Int64 = 0
        func flush() throws {
            guard !batch.isEmpty else { return }
            try context.ledger.storeBlobs(batch, now: context.now())
            batch = [:]
            batchSize = 0
        }
        for source in sources {
            guard let data = FileManager.default.contents(atPath: source.localPath), Hashing.sha256Hex(data) == source.sha256 else {
                archived.incomplete = true
                continue
            }
            batch[source.sha256] = data
            batchSize += Int64(data.count)
            archived.paths.formUnion(pathsOf[source.sha256] ?? [])
            if batchSize >= batchBytes { try flush() }
        }
        try flush()
        return archived
    }

    /// What was archived, once the thread has finished (at once when there was nothing to read).
    package func wait() throws -> Archived {
        finished.wait()
        guard let outcome = outcome.value else { throw ClusterSlurmError(.internal, "the input archive finished without an outcome") }
        return try outcome.get()
    }
}
