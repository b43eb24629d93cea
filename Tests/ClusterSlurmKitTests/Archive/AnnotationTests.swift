import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Metrics, tags, notes, list filters and `runs compare`.
@Suite struct AnnotationTests {
    let scratch = TestSupport.Scratch()

    @Test func metricsFilesAreNumbersByName() throws {
        let parsed = try RunMetrics.parse(Data(#"{"loss": 0.21, "epochs": 10, "val": {"acc": 0.9, "note": "x"}, "ok": true, "nan": null}"#.utf8)).get()
        #expect(parsed.values == ["loss": 0.21, "epochs": 10, "val.acc": 0.9])
        #expect(parsed.skipped == ["nan", "ok", "val.note"])
        for bad in ["[1, 2]", "not json", "\"text\""] {
            #expect(throws: ClusterSlurmError.self) { try RunMetrics.parse(Data(bad.utf8)).get() }
        }
    }

    @Test func filtersRead() throws {
        #expect(try RunMetrics.Filter.parse("loss<0.3") == .init(name: "loss", op: "<", value: 0.3))
        #expect(try RunMetrics.Filter.parse("val.acc >= 0.9") == .init(name: "val.acc", op: ">=", value: 0.9))
        #expect(try RunMetrics.Filter.parse("epochs=10") == .init(name: "epochs", op: "=", value: 10))
        #expect(try RunMetrics.Filter.parse("f1!=0") == .init(name: "f1", op: "!=", value: 0))
        for bad in ["loss", "<0.3", "loss<abc", "loss<<1; DROP TABLE run"] {
            #expect(throws: ClusterSlurmError.self, "\(bad)") { _ = try RunMetrics.Filter.parse(bad) }
        }
        #expect(try RunMetrics.parseParamFilter("lr=0.01") == ("lr", "0.01"))
        #expect(throws: ClusterSlurmError.self) { _ = try RunMetrics.parseParamFilter("=3") }
        #expect(throws: ClusterSlurmError.self) { _ = try RunMetrics.checkedTag("two words") }
        #expect(try RunMetrics.checkedTag("paper/fig-3:v2") == "paper/fig-3:v2")
    }

    /// Three runs in a real ledger: list filters by tag, parameter and metric; compare shows what differs.
    @Test func listFiltersAndCompare() throws {
        let ledger = try Ledger(path: scratch.path + "/ledger.sqlite")
        let now = Date()
        let specs: [(String, String, Double, [String])] = [("a-20261129-000001", #"{"lr":0.1}"#, 0.5, ["baseline"]),
                                                          ("b-20261129-000002", #"{"lr":0.01}"#, 0.25, ["sweep"]),
                                                          ("c-20261129-000003", #"{"lr":0.001,"opt":"adam"}"#, 0.2, ["sweep", "best"])]
        for (id, params, loss, tags) in specs {
            _ = try ledger.createOrFetchRun(NewRun(requestedId: id, prefix: nil, cluster: "cpu", routing: RoutingDecision(clusterId: "cpu", reason: .configuredDefault),
                                                   workload: nil, commands: ["python3 train.py"], localRunsDir: scratch.path, remoteRoot: RemotePath(parsing: "~/runs")!,
                                                   config: nil, provenance: Provenance(toolVersion: "t", localHost: "h")), now: now)
            try ledger.recordRunShape(runId: id, params: try JSONValue.parse(Data(params.utf8)), array: nil, metricsFile: "m.json")
            try ledger.recordMetrics(runId: id, values: ["loss": loss, "epochs": 3], sourcePath: "m.json", sourceSha256: String(repeating: "a", count: 64), now: now)
            _ = try ledger.tag(runId: id, tags: tags, now: now)
        }
        try ledger.addNote(runId: "c-20261129-000003", text: "best so far", now: now)
        func ids(_ filter: RunListFilter) throws -> [String] { try ledger.runSummaries(filter).map(\.run_id).sorted() }
        var filter = RunListFilter()
        filter.tags = ["sweep"]
        #expect(try ids(filter) == ["b-20261129-000002", "c-20261129-000003"])
        filter.metrics = [.init(name: "loss", op: "<", value: 0.22)]
        #expect(try ids(filter) == ["c-20261129-000003"])
        filter = RunListFilter()
        filter.params = [("lr", "0.01")]
        #expect(try ids(filter) == ["b-20261129-000002"])
        filter.params = [("opt", "adam")]
        #expect(try ids(filter) == ["c-20261129-000003"])
        #expect(try ledger.tag(runId: "c-20261129-000003", tags: ["best"], remove: true, now: now) == ["sweep"])
        #expect(throws: ClusterSlurmError.self) { _ = try ledger.tag(runId: "nope-1", tags: ["x"], now: now) }

        let facts = try specs.map { RunCompareView.facts(try ledger.archive(runId: $0.0)) }
        #expect(facts[2].params == ["lr": "0.001", "opt": "adam"] && facts[2].metrics["loss"] == 0.2)
        #expect(try ledger.archive(runId: "c-20261129-000003").notes.map(\.text) == ["best so far"])
        let text = RunCompareView.render(facts, palette: .plain, maxWidth: nil)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("* param lr") && $0.contains("0.1") && $0.contains("0.001") })
        #expect(lines.contains { $0.hasPrefix("* metric loss") && $0.contains("0.25") })
        #expect(lines.contains { $0.hasPrefix("  metric epochs") }, "equal values are not marked: \(text)")
        #expect(lines.contains { $0.hasPrefix("* param opt") && $0.contains("adam") })
    }
}
