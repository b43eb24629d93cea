import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// Shows actions' progress on the stderr heartbeat line, at most ten times
/// a second, each phase timed from its first report.
final class ProgressLine: ProgressObserver, @unchecked Sendable {
    private let heartbeat: Heartbeat
    private let lock = NSLock()
    private var phaseStarted: (ProgressEvent.Phase, Date)?
    private var lastDrawn = Date.distantPast

    init(heartbeat: Heartbeat) { self.heartbeat = heartbeat }

    func report(_ event: ProgressEvent) {
        let now = Date()
        let text: String? = lock.withLock {
            if phaseStarted?.0 != event.phase { phaseStarted = (event.phase, now) }
            let done = event.bytesTotal.map { event.bytesDone >= $0 } ?? false
            guard done || now.timeIntervalSince(lastDrawn) >= 0.1 else { return nil }
            lastDrawn = now
            return ProgressView.line(event, elapsedSeconds: now.timeIntervalSince(phaseStarted!.1))
        }
        if let text { heartbeat.show(text) }
    }

    func finish() {
        lock.withLock { phaseStarted = nil }
        heartbeat.clear()
    }
}
