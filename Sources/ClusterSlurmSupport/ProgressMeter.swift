import Foundation

/// Counts bytes for one phase and passes them to the observer; does nothing
/// when there is none. Thread-safe: the tar producer and the download
/// consumer run on their own threads.
package final class ProgressMeter: @unchecked Sendable {
    private let observer: (any ProgressObserver)?
    private let phase: ProgressEvent.Phase
    private let total: Int64?
    private let files: Int
    private let lock = NSLock()
    private var done: Int64 = 0

    package init(observer: (any ProgressObserver)?, phase: ProgressEvent.Phase, total: Int64?, files: Int) {
        self.observer = observer; self.phase = phase; self.total = total; self.files = files
    }

    @Sendable package func add(_ bytes: Int64) {
        guard let observer else { return }
        let now = lock.withLock { done += bytes; return done }
        observer.report(ProgressEvent(phase: phase, bytesDone: now, bytesTotal: total, files: files))
    }

    package func finish() { observer?.finish() }
}
