import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// A remote program that needs an answer from the caller half-way through
/// (the held-job check: submit held, show the caller what the scheduler made
/// of it, release or cancel as the caller decides), in the same ssh session.
/// The program prints a line `@@AWAIT_REPLY` and reads one line from its
/// standard input, which stays open until then; the caller's `answer` sees
/// everything printed before the marker.
public struct RemoteReply: Sendable {
    public static let marker = "@@AWAIT_REPLY"
    public var answer: @Sendable (String) -> String
    /// When set, the marker counts only after this text: a program that
    /// prints names it was sent (an upload's report) before asking puts a
    /// mark no name can hold (NULs and a random token) before the question.
    public var after: String?
    public init(after: String? = nil, answer: @escaping @Sendable (String) -> String) {
        self.after = after
        self.answer = answer
    }
}

extension RemoteCall {
    /// This call as plain streams for a transport built on them: standard
    /// input sends the call's bytes, then waits for the reply (at most the
    /// call's timeout; without one, input ends and the program takes that as
    /// "no"); standard output is collected, and read as it comes for the marker.
    package func conversation(timeoutSeconds: Int) -> (call: RemoteCall, output: CollectedOutput) {
        guard let reply else { return (self, CollectedOutput()) }
        let output = CollectedOutput()
        let initial = stdin
        var plain = self
        plain.reply = nil
        plain.stdin = .producer { sink in
            switch initial {
            case .bytes(let data)?: try sink.write(data)
            case .producer(let produce)?: try produce(sink)
            case .file(let path)?: try sink.write(try Data(contentsOf: URL(fileURLWithPath: path)))
            case nil, .heldOpen?: break
            }
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
package final class CollectedOutput: @unchecked Sendable {
    private let condition = NSCondition()
    private var bytes = Data()
    private var replyLine: String?
    private var settled = false

    package var data: Data { condition.lock(); defer { condition.unlock() }; return bytes }

    package func append(_ chunk: Data, reply: RemoteReply) {
        condition.lock()
        bytes.append(chunk)
        let before = settled ? nil : Self.textBeforeQuestion(bytes, after: reply.after)
        condition.unlock()
        guard let before else { return }
        let line = reply.answer(before)
        condition.lock()
        replyLine = line
        settled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Everything printed before the question, once it has been asked (after
    /// `after`, when given); nil until then.
    package static func textBeforeQuestion(_ bytes: Data, after: String?) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        var searchFrom = text.startIndex
        if let after {
            guard let mark = text.range(of: after) else { return nil }
            searchFrom = mark.upperBound
        }
        guard let question = text.range(of: "\n" + RemoteReply.marker + "\n", range: searchFrom..<text.endIndex) else { return nil }
        return String(text[..<question.lowerBound])
    }

    /// The end of output: a program that never asked gets no reply.
    package func finish() {
        condition.lock()
        settled = true
        condition.broadcast()
        condition.unlock()
    }

    package func awaitReply(timeoutSeconds: Int) -> String? {
        let deadline = Date().addingTimeInterval(Double(timeoutSeconds))
        condition.lock()
        defer { condition.unlock() }
        while !settled {
            if !condition.wait(until: deadline) { return nil }
        }
        return replyLine
    }
}
