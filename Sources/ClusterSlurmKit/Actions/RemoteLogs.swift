import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Reads the tails of several remote files in one round trip.
package enum RemoteLogs {
    package struct Tail: Sendable {
        package var present: Bool
        package var text: String
        /// The real path, when the file resolved outside the confinement (nothing was read).
        package var outside: String?
    }

    /// Tails of `paths` (relative to `directory`), reading only files whose
    /// real path is inside `root`: the same confinement as downloads.
    package static func tails(of paths: [ShellWord], in directory: RemotePath?, within root: RemotePath, lines: Int, endpoint: SSHEndpoint,
                      transport: any Transport, label: String = "read logs") async throws -> [Tail] {
        let call = RemoteCall(label: label, script: RemoteScripts.tailFiles,
                              arguments: [directory?.word ?? .literal("/"), .literal(String(lines)), root.word] + paths)
        let result = try await transport.run(call, on: endpoint)
        let text = result.stdoutText
        if text.hasPrefix("@@NODIR@@") { return paths.map { _ in Tail(present: false, text: "") } }
        var tails: [Tail] = []
        for index in paths.indices {
            guard let header = text.range(of: "@@FILE \(index) "),
                  let headerEnd = text.range(of: "@@\n", range: header.upperBound..<text.endIndex),
                  let end = text.range(of: "@@END \(index)@@", range: headerEnd.upperBound..<text.endIndex) else {
                tails.append(Tail(present: false, text: ""))
                continue
            }
            let kind = text[header.upperBound..<headerEnd.lowerBound]
            var body = String(text[headerEnd.upperBound..<end.lowerBound])
            if body.hasSuffix("\n") { body.removeLast() }  // the separator newline the script adds
            if kind == "outside" { tails.append(Tail(present: false, text: "", outside: body)); continue }
            tails.append(Tail(present: kind == "present", text: body))
        }
        return tails
    }

    /// Checks `tail`: 1…20000, default 200.
    package static func checkedTail(_ tail: Int?) throws -> Int {
        guard let tail else { return 200 }
        guard (1...20_000).contains(tail) else {
            throw ClusterSlurmError.invalidInput("must be between 1 and 20000 (got \(tail))", path: "tail")
        }
        return tail
    }
}
