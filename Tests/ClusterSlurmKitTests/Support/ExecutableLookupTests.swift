import Foundation
import Subprocess
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

#if canImport(System)
import System
#else
import SystemPackage
#endif
import Testing

@Suite struct ExecutableLookupTests {
    @Test func findsTheFirstExecutableRegularFileInPath() throws {
        let root = TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for dir in ["a", "b", "c", "d"] { try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true) }
        _ = FileManager.default.createFile(atPath: root + "/a/tool", contents: Data("#!/bin/sh\n".utf8))          // not executable
        try FileManager.default.createDirectory(atPath: root + "/b/tool", withIntermediateDirectories: true)  // a directory
        _ = FileManager.default.createFile(atPath: root + "/c/tool", contents: Data("#!/bin/sh\n".utf8))
        _ = FileManager.default.createFile(atPath: root + "/d/tool", contents: Data("#!/bin/sh\n".utf8))
        chmod(root + "/c/tool", 0o755)
        chmod(root + "/d/tool", 0o755)
        let path = [root + "/missing", root + "/a", root + "/b", root + "/c", root + "/d"].joined(separator: ":")
        let cases: [(String, String?, Executable)] = [
            ("tool", path, .path(FilePath(root + "/c/tool"))),
            ("absent", path, .name("absent")),
            ("./rel/tool", path, .path(FilePath("./rel/tool"))),
            ("tool", root + "/a:" + root + "/b", .name("tool")),
        ]
        for (name, searchPath, expected) in cases {
            #expect(ExecutableLookup.resolve(name, searchPath: searchPath).description == expected.description, "\(name) in \(searchPath ?? "-")")
        }
    }
}
