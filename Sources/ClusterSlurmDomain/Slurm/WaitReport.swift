import Foundation

/// What the login node's wait (`RemotePrograms/wait_for_end.bash`) says as
/// it goes, one marker line at a time. Jobs are named by their index in
/// the list the wait was given.
public enum WaitEvent: Sendable, Equatable {
    /// The job's script announced it started (time and node when it said so).
    case started(index: Int, epoch: Int?, node: String?)
    /// The job's script announced it ended (its exit status, and TERM when a signal ended it).
    case announced(index: Int, status: Int?, signal: String?)
    /// A scheduler check saw this state (and pending reason), changed since the last.
    case state(index: Int, state: String, reason: String?)
    /// SLURM shows the job ended; `GONE` when squeue no longer lists it.
    case ended(index: Int, state: String)
    /// A scheduler check failed; the wait went on.
    case schedulerFailed(String)
    /// The wait is over: every job it waited for ended (`deadline` false) or time ran out.
    case finished(deadline: Bool, queries: Int)
    /// CPU seconds the wait and its children used on the login node.
    case cost(cpuSeconds: Double)
}

/// Splits the wait's output into events as bytes arrive (a line may come in pieces).
public struct WaitReport: Sendable {
    private var buffer = Data()

    public init() {}

    public mutating func feed(_ bytes: Data) -> [WaitEvent] {
        buffer.append(bytes)
        var events: [WaitEvent] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            buffer.removeSubrange(buffer.startIndex...newline)
            if let event = Self.parse(line) { events.append(event) }
        }
        return events
    }

    /// One line; nil for anything that is not one of the wait's markers.
    public static func parse(_ line: String) -> WaitEvent? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let marker = words.first, marker.hasPrefix("@@") else { return nil }
        func word(_ i: Int) -> String? { i < words.count && words[i] != "-" ? words[i] : nil }
        func index() -> Int? { word(1).flatMap(Int.init) }
        switch marker {
        case "@@STARTED":
            guard let i = index() else { return nil }
            return .started(index: i, epoch: word(2).flatMap(Int.init), node: word(3))
        case "@@ANNOUNCED":
            guard let i = index() else { return nil }
            return .announced(index: i, status: word(2).flatMap(Int.init), signal: word(3))
        case "@@STATE":
            guard let i = index(), let state = word(2) else { return nil }
            let reason = word(3).map { $0.replacingOccurrences(of: "_", with: " ") }
            return .state(index: i, state: state, reason: reason == "None" ? nil : reason)
        case "@@ENDED":
            guard let i = index(), let state = word(2) else { return nil }
            return .ended(index: i, state: state)
        case "@@NOSQUEUE":
            return .schedulerFailed(words.dropFirst().joined(separator: " "))
        case "@@DONE", "@@DEADLINE":
            return .finished(deadline: marker == "@@DEADLINE", queries: word(1).flatMap(Int.init) ?? 0)
        case "@@COST":
            // `times`: the shell's user and system time, then its children's (e.g. 0m0.012s)
            let seconds = words.dropFirst().compactMap(Self.seconds)
            return .cost(cpuSeconds: seconds.reduce(0, +))
        default:
            return nil
        }
    }

    /// `1m2.500s` → 62.5.
    static func seconds(_ text: String) -> Double? {
        guard text.hasSuffix("s"), let m = text.firstIndex(of: "m"),
              let minutes = Double(text[text.startIndex..<m]),
              let seconds = Double(text[text.index(after: m)..<text.index(before: text.endIndex)]) else { return nil }
        return minutes * 60 + seconds
    }
}
