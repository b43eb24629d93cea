import Foundation

/// A remote program that needs an answer from the caller half-way through
/// (the held-job check: submit held, show the caller what the scheduler made
/// of it, release or cancel as the caller decides), in the same ssh session.
/// The program prints a line `@@AWAIT_REPLY` and reads one line from its
/// standard input, which stays open until then; the caller's `answer` sees
/// everything printed before the marker.
public struct RemoteReply: Sendable {
    public static let marker = "@@AWAIT_REPLY"
    public var answer: @Sendable (String) -> String
    public init(answer: @escaping @Sendable (String) -> String) { self.answer = answer }
}

extension RemoteCall {
    /// This call as plain streams for a transport built on them: standard
    /// input sends the call's bytes, then waits for the reply (at most the
    /// call's timeout; without one, input ends and the program takes that as
    /// "no"); standard output is collected, and read as it comes for the marker.
    func conversation(timeoutSeconds: Int) -> (call: RemoteCall, output: CollectedOutput) {
        guard let reply else { return (self, CollectedOutput()) }
        let output = CollectedOutput()
        let initial: Data
        if case .bytes(let data)? = stdin { initial = data } else { initial = Data() }
        var plain = self
        plain.reply = nil
        plain.stdin = .producer { sink in
            try sink.write(initial)
            if let line = output.awaitReply(timeoutSeconds: timeoutSeconds) { try sink.write(Data((line + "\n").utf8)) }
        }
        plain.stdout = .consumer { source in
            defer { output.finish() }
            while true {
                let chunk = try source.read(upTo: 1 << 16)
                if chunk.isEmpty { return }
                output.append(chunk, reply: reply)
            }
        }
        return (plain, output)
    }
}

/// Standard output of a conversation as it arrives, and the reply once the
/// marker has been seen; shared by the two threads that feed and drain ssh.
final class CollectedOutput: @unchecked Sendable {
    private let condition = NSCondition()
    private var bytes = Data()
    private var replyLine: String?
    private var settled = false

    var data: Data { condition.lock(); defer { condition.unlock() }; return bytes }

    func append(_ chunk: Data, reply: RemoteReply) {
        condition.lock()
        bytes.append(chunk)
        let ready = !settled && String(decoding: bytes, as: UTF8.self).contains("\n" + RemoteReply.marker + "\n")
        let before = ready ? String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n" + RemoteReply.marker + "\n")[0] : ""
        condition.unlock()
        guard ready else { return }
        let line = reply.answer(before)
        condition.lock()
        replyLine = line
        settled = true
        condition.broadcast()
        condition.unlock()
    }

    /// The end of output: a program that never asked gets no reply.
    func finish() {
        condition.lock()
        settled = true
        condition.broadcast()
        condition.unlock()
    }

    func awaitReply(timeoutSeconds: Int) -> String? {
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        condition.lock()
        defer { condition.unlock() }
        while !settled {
            if !condition.wait(until: deadline) { return nil }
        }
        return replyLine
    }
}
