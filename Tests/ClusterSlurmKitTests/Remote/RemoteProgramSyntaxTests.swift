import Foundation
import Testing
@testable import ClusterSlurmKit

/// Every login-node program parses as bash (`bash -n`), alone and as the
/// command line ssh is given (the clean environment around it).
struct RemoteProgramSyntaxTests {
    @Test(arguments: RemoteScripts.all.keys.sorted())
    func programParses(_ name: String) throws {
        let program = try #require(RemoteScripts.all[name])
        for text in [program, RemoteCall(label: name, script: program).commandLine] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-n", "-c", text]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            process.waitUntilExit()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(name): \(message)")
        }
    }
}
