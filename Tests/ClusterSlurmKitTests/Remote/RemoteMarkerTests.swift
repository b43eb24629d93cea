import Foundation
import Testing

/// The markers that separate a remote program's output into parts
/// (`@@SQUEUE_RC=`, `@@RELEASED`, …) are written by the bash files and read
/// by the Swift parsers: every marker the Swift side reads is printed by a
/// program, and every marker a program prints is read by the Swift side, so
/// neither can be renamed or dropped alone.
@Suite struct RemoteMarkerTests {
    static func markers(in directory: String, suffix: String) throws -> [String: Set<String>] {
        let root = TestSupport.repository.appendingPathComponent(directory).path
        let pattern = try NSRegularExpression(pattern: "@@[A-Z][A-Z_]*-?")
        var found: [String: Set<String>] = [:]
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(suffix) {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            for match in pattern.matches(in: text, range: range) {
                found[String(text[Range(match.range, in: text)!]), default: []].insert(file)
            }
        }
        return found
    }

    @Test func programsAndParsersAgreeOnEveryMarker() throws {
        let printed = try Self.markers(in: "RemotePrograms", suffix: ".bash")
        var read: [String: Set<String>] = [:]
        for layer in ["ClusterSlurmRemote", "ClusterSlurmDomain", "ClusterSlurmKit"] {
            read.merge(try Self.markers(in: "Sources/" + layer, suffix: ".swift")) { $0.union($1) }
        }
        #expect(printed.count > 30, "the programs' markers were found")
        // Placeholders in the programs' own comments document the shape of a marker, e.g. `@@STAGE-TOKEN`.
        let documentation: Set<String> = ["@@STAGE-TOKEN"]
        for (marker, files) in printed.sorted(by: { $0.key < $1.key }) where !documentation.contains(marker) {
            #expect(read[marker] != nil, "\(marker) is printed by \(files.sorted()) but no parser reads it")
        }
        for (marker, files) in read.sorted(by: { $0.key < $1.key }) {
            #expect(printed[marker] != nil, "\(marker) is read by \(files.sorted()) but no program prints it")
        }
    }
}
