import Dispatch
import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT, SIGTERM and SIGHUP into cancellation of the command's task,
/// so ssh children are torn down (with their process groups) and `defer`
/// blocks remove temporaries before the process exits with 128 + signal.
/// A second signal, or a command that has not stopped after the grace
/// period, exits at once.
final class Interruption: @unchecked Sendable {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [DispatchSourceSignal] = []

    /// The first signal received, if any.
    var signal: Int32? { lock.lock(); defer { lock.unlock() }; return received }

    init(cancelling task: Task<Void, any Error>, graceSeconds: Double = 10) {
        for signo in Self.signals {
            Glibc.signal(signo, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let first = self.received == nil
                if first { self.received = signo }
                self.lock.unlock()
                guard first else { exit(128 + signo) }
                task.cancel()
                DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) { exit(128 + signo) }
            }
            source.resume()
            sources.append(source)
        }
    }
}
