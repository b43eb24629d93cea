import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// One line on stderr that redraws itself (a terminal only): progress and
/// "still waiting" signs that never mix into stdout's results.
final class Heartbeat: @unchecked Sendable {
    private let enabled: Bool
    private var shownWidth = 0
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ text: String) {
        guard enabled else { return }
        lock.withLock {
            let padding = String(repeating: " ", count: max(0, shownWidth - text.count))
            FileHandle.standardError.write(Data("\r\(text)\(padding)".utf8))
            shownWidth = text.count
        }
    }

    /// Removes the line, before a result or a lasting line is printed.
    func clear() {
        guard enabled else { return }
        lock.withLock {
            guard shownWidth > 0 else { return }
            FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: shownWidth) + "\r").utf8))
            shownWidth = 0
        }
    }
}
