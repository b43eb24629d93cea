import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

/// A corpus of hostile strings: hand-picked shell metacharacters plus
/// generated mixtures, deterministic (seeded) so failures reproduce.
enum HostileCorpus {
    static let handPicked = [
        "it's", "\"double\"", "$(touch /tmp/cs-pwned)", "`touch /tmp/cs-pwned`", "a;touch /tmp/cs-pwned", "a && touch /tmp/cs-pwned",
        "a | cat", "line\nbreak", "tab\there", "-leading-dash", "--option=like", "*", "?", "[abc]", "{a,b}", "~", "~root", "$HOME",
        "${HOME}", "$((1+1))", "!!", "#comment", "back\\slash", "trailing\\", "'", "''", "\"", "\\'", "ünïcødé ✓", "日本語", "emoji 🧪",
        "space at end ", " space at start", "percent %s %n", "<redirect", ">redirect", "2>&1", "a\rb", "\u{7f}del", "semi;colon",
        "equals=sign", "colon:colon", "comma,comma", "@at", "^caret", "(paren)", "dollar$", "$", "\\$HOME", "'$(x)'", "\"$(x)\"",
        String(repeating: "long", count: 50),
    ]

    static func generated(count: Int, seed: UInt64) -> [String] {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let alphabet = Array("abcXYZ019 '\"$`;&|<>(){}[]*?~!#%^=\\\n\t-_.,:@+é✓日🧪") + ["$(", "${", "&&", "||", ">>", "2>"].flatMap { Array($0) }
        return (0..<count).map { _ in
            let length = 1 + Int(next() % 24)
            return String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
        }
    }

    static let all: [String] = {
        var seen = Set<String>()
        return (handPicked + generated(count: 1100, seed: 20261129)).filter { seen.insert($0).inserted }
    }()

    /// Usable as a file name: no '/', no NUL, not "." or "..", at most 200 bytes.
    static var fileNames: [String] {
        var seen = Set<String>()
        return all.map { String($0.replacingOccurrences(of: "/", with: "_").utf8.prefix(200)) ?? "x" }
            .filter { !$0.isEmpty && $0 != "." && $0 != ".." && seen.insert($0).inserted }
    }
}

@Suite(.enabled(if: Harness.clusterAvailable))
struct HostileInputTests {
    @Test func corpusIsLargeEnough() {
        #expect(HostileCorpus.all.count >= 1000)
        #expect(HostileCorpus.fileNames.count >= 1000)
    }

    /// 1,000+ hostile file names and a hostile remote sub-directory arrive
    /// byte-exact on the cluster, and nothing in them is executed.
    @Test func hostileFileNamesArriveByteExact() throws {
        let ws = Harness.Workspace()
        unlink("/tmp/cs-pwned")
        _ = Harness.ssh("rm -f /tmp/cs-pwned")
        let names = HostileCorpus.fileNames
        for (index, name) in names.enumerated() { ws.write("corpus/\(name)", "\(index)\n") }
        let runId = try #require((ws.tool(["action": "init_run"]).json["run"] as? [String: Any])?["runId"] as? String)
        let subdir = "sub $(touch /tmp/cs-pwned) 'q' `x`"
        let upload = ws.tool(["action": "upload", "runId": runId, "localPath": "corpus", "remoteDir": subdir])
        #expect(upload.status == 0, "\(upload.stdout.prefix(500))")
        #expect((upload.json["uploaded"] as? [Any])?.count == names.count)
        let listing = Harness.ssh("cd /scratch/hpcuser/openclaw-runs/\(runId) && cd -- \"$(printf '%s' 'sub $(touch /tmp/cs-pwned) '\\''q'\\'' `x`')/corpus\" && find . -type f -printf '%P\\0'")
        let remote = Set(listing.stdout.split(separator: "\0", omittingEmptySubsequences: true).map(String.init))
        #expect(remote == Set(names), "missing remotely: \(Set(names).subtracting(remote).prefix(5)); unexpected: \(remote.subtracting(names).prefix(5))")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/cs-pwned"))
        #expect(Harness.ssh("test -e /tmp/cs-pwned").status != 0, "a hostile name was executed on the cluster")
    }

    /// Hostile env values reach the job byte-exact; hostile job names are refused cleanly.
    @Test func hostileEnvValuesReachTheJob() throws {
        let ws = Harness.Workspace()
        let values = Array(HostileCorpus.all.prefix(1000))
        var env: [String: String] = [:]
        for (index, value) in values.enumerated() { env["HOSTILE_\(index)"] = value }
        let started = ws.tool(["action": "run_workload", "env": env,
                               "command": "for i in $(seq 0 \(values.count - 1)); do v=HOSTILE_$i; printf '%s\\0' \"${!v}\"; done > values.bin"])
        let runId = try #require(started.json["runId"] as? String, "\(started.stdout.prefix(300))")
        #expect(ws.waitUntilDone(runId: runId)["state"] as? String == "COMPLETED")
        let download = ws.tool(["action": "download", "runId": runId, "remotePath": "values.bin"])
        let local = try #require(download.json["localPath"] as? String, "\(download.stdout)")
        let data = try Data(contentsOf: URL(fileURLWithPath: local))
        let received = data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
        #expect(received == values)
        #expect(Harness.ssh("test -e /tmp/cs-pwned").status != 0)
        for name in ["a b", "x;y", "$(id)", "q'uote", "new\nline"] {
            let refused = ws.tool(["action": "render_job", "command": "true", "headerOverrides": ["jobName": name]])
            #expect(refused.status == 2, "\(name)")
            #expect(refused.json["path"] as? String == "headerOverrides.jobName")
        }
    }
}
