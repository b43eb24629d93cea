import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Syntax errors in a config or a tool call are reported with their line and column.
@Suite struct JSONSyntaxTests {
    static let cases: [(String, Int, Int, String)] = [
        ("{\"action\": list_clusters}", 1, 12, "strings need quotes"),
        ("{\n  \"action\": \"x\"\n  \"runId\": \"y\"\n}", 3, 3, "expected ',' or '}'"),
        ("", 1, 1, "empty"),
        ("{\"a\": [1, 2}", 1, 12, "expected ',' or ']'"),
        ("{\"a\": \"open\n}", 1, 12, "not closed before the end of the line"),
        ("{\"a\": 1} x", 1, 10, "after the end"),
        ("{\n  // a comment\n  \"a\" 1\n}", 3, 7, "expected ':'"),
        ("{\"é\": ü}", 1, 7, "strings need quotes"),
    ]

    @Test(arguments: cases) func problemsAreLocated(text: String, line: Int, column: Int, message: String) throws {
        #expect((try? JSONValue.parse(Data(text.utf8))) == nil, "the decoder refuses it too")
        let problem = try #require(JSONSyntax.firstProblem(in: Array(text.utf8)))
        #expect(problem.line == line && problem.column == column && problem.message.contains(message), "\(problem.description)")
    }

    @Test func validJSON5IsNotAProblem() throws {
        for text in ["{\"a\": 1}", "{a: 1, b: [1, 2,], 'c': 'd', // x\n e: 0x1F, f: .5, g: +Infinity, h: -2e3, /* y */ i: null,}", "[]", "\"s\""] {
            #expect(JSONSyntax.firstProblem(in: Array(text.utf8)) == nil, "\(text)")
            #expect((try? JSONValue.parse(Data(text.utf8))) != nil, "\(text) parses")
        }
    }
}
