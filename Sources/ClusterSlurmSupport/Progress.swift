/// What a long action is doing, for a person watching a terminal: bytes
/// hashed, sent or received. Actions report; the command line decides
/// whether and how to show it (tool mode and MCP pass no observer).
public struct ProgressEvent: Sendable, Equatable {
    public enum Phase: String, Sendable { case hashing, uploading, downloading }
    public var phase: Phase
    public var bytesDone: Int64
    /// Nil while the total is not known yet (hashing as files are found).
    public var bytesTotal: Int64?
    public var files: Int

    public init(phase: Phase, bytesDone: Int64, bytesTotal: Int64?, files: Int) {
        self.phase = phase; self.bytesDone = bytesDone; self.bytesTotal = bytesTotal; self.files = files
    }
}

/// Receives progress; called from the thread doing the work, often: keep it cheap.
public protocol ProgressObserver: Sendable {
    func report(_ event: ProgressEvent)
    /// The phase ended (its line can go).
    func finish()
}
