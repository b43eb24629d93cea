import Foundation
import Testing
import RemotePrograms
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Every login-node program parses as bash (`bash -n`), alone and as the
/// command line ssh is given (the clean environment around it), and is
/// clean under shellcheck at warning level, as is every rendered job script
/// (the golden files). The embedded files are exactly the directories'.
struct RemoteProgramSyntaxTests {
    static func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    static var shellcheck: String? {
        ["/usr/bin/shellcheck", "/usr/local/bin/shellcheck"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(arguments: RemoteScripts.all.keys.sorted())
    func programParses(_ name: String) throws {
        let program = try #require(RemoteScripts.all[name])
        for text in [program, RemoteCall(label: name, script: program).commandLine] {
            let (status, message) = try Self.run("/bin/bash", ["-n", "-c", text])
            #expect(status == 0, "\(name): \(message)")
        }
    }

    @Test(arguments: RemoteScripts.all.keys.sorted())
    func programIsShellcheckClean(_ name: String) throws {
        let shellcheck = try #require(Self.shellcheck, "shellcheck is not installed (scripts/install-deps installs it)")
        let program = try #require(RemoteScripts.all[name])
        let (status, message) = try Self.run(shellcheck, ["-S", "warning", "-s", "bash", "-"], input: program)
        #expect(status == 0, "\(name):\n\(message)")
    }

    @Test func renderedScriptsAreShellcheckClean() throws {
        let shellcheck = try #require(Self.shellcheck, "shellcheck is not installed (scripts/install-deps installs it)")
        let directory = TestSupport.repository.appendingPathComponent("Tests/ClusterSlurmKitTests/Rendering/Snapshots").path
        let goldens = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sh") }.sorted()
        #expect(goldens.count >= 10)
        let (status, message) = try Self.run(shellcheck, ["-S", "warning", "-s", "bash"] + goldens.map { directory + "/" + $0 })
        #expect(status == 0, "\(message)")
    }

    /// The manifest embeds every file of `RemotePrograms/`; the Swift side
    /// names each once: a file added without its accessor, or one removed
    /// with it left, fails here (the migrations have the same test).
    @Test func embeddedFilesAreTheDirectories() throws {
        func files(_ directory: String, _ suffix: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: TestSupport.repository.appendingPathComponent(directory).path)
                .filter { $0.hasSuffix(suffix) }.map { String($0.dropLast(suffix.count)) }.sorted()
        }
        #expect(try files("RemotePrograms", ".bash") == RemoteProgramSources.all.keys.sorted())
    }
}
