import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct ShellTests {
    static let hostile = ["plain", "", "a b", "it's", "\"double\"", "$(id)", "`id`", "a;b", "a && b", "line\nbreak", "tab\there",
                          "-leading", "*?[glob]", "ünïcødé ✓", "back\\slash", "'", "''", "$HOME", "${x:-y}", "!bang", "#hash", "~tilde"]

    @Test func quotedWordsRoundTripThroughBash() throws {
        let script = "printf '%s\\0' " + Self.hostile.map(Shell.quote).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let words = String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(words == Self.hostile)
    }

    @Test func homeRelativeWordExpandsOnlyHome() {
        #expect(ShellWord.homeRelative("a b/$x").rendered == "\"$HOME\"/'a b/$x'")
        #expect(RemotePath(parsing: "/scratch/u/x")!.appending("run 1").word.rendered == "'/scratch/u/x/run 1'")
    }

    @Test func remoteCallPassesDataAsPositionalParameters() {
        let call = RemoteCall(label: "t", script: RemoteScripts.sendFiles, arguments: [.literal("; rm -rf ~")])
        #expect(call.commandLine.hasPrefix("\\exec /usr/bin/env -i \"HOME=$HOME\" \"USER=$USER\" \"LOGNAME=$LOGNAME\" PATH=\(CleanEnvironment.path) LC_ALL=C /bin/bash --noprofile --norc -c '"))
        #expect(call.commandLine.hasSuffix(" cluster-slurm '; rm -rf ~'"))
    }
}
