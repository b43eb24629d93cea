import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Reads the `followFiles` program's stream as it arrives: frames of file
/// bytes and the closing markers. Pure: bytes in, events out, any split.
public struct FollowFrames: Sendable {
    public enum Event: Sendable, Equatable {
        case bytes(file: Int, Data)
        case ended(state: String)
        case outside(file: Int, realPath: String)
        case noDirectory
        case squeueFailing(String)
    }

    private var buffer = Data()
    /// Bytes still owed to the current frame, and its file.
    private var owed: (file: Int, count: Int)?

    public init() {}

    public mutating func feed(_ chunk: Data) -> [Event] {
        buffer.append(chunk)
        var events: [Event] = []
        while true {
            if let frame = owed {
                guard !buffer.isEmpty else { break }
                let take = min(frame.count, buffer.count)
                events.append(.bytes(file: frame.file, Data(buffer.prefix(take))))
                buffer.removeFirst(take)
                owed = frame.count - take > 0 ? (frame.file, frame.count - take) : nil
                continue
            }
            guard let newline = buffer.firstIndex(of: 0x0A) else { break }
            let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
            if line.hasPrefix("@@OUTSIDE ") || line == "@@NOSQUEUE@@" {
                // the next line is the path (or squeue's message)
                let rest = buffer[(newline + 1)...]
                guard let second = rest.firstIndex(of: 0x0A) else { break }
                let text = String(decoding: rest[rest.startIndex..<second], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...second)
                if line == "@@NOSQUEUE@@" { events.append(.squeueFailing(text)) }
                else { events.append(.outside(file: Int(line.dropFirst(10).dropLast(2)) ?? 0, realPath: text)) }
                continue
            }
            buffer.removeSubrange(buffer.startIndex...newline)
            if line.hasPrefix("@@C "), line.hasSuffix("@@") {
                let parts = line.dropFirst(4).dropLast(2).split(separator: " ")
                if parts.count == 2, let file = Int(parts[0]), let count = Int(parts[1]), count > 0 { owed = (file, count) }
            } else if line.hasPrefix("@@ENDED ") {
                events.append(.ended(state: String(line.dropFirst(8).dropLast(2))))
            } else if line == "@@NODIR@@" {
                events.append(.noDirectory)
            }
        }
        return events
    }
}
