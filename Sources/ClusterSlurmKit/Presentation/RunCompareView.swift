import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs compare RUN…`: runs side by side — how each ended, its parameters,
/// its metrics and tags — one column per run, rows whose values differ
/// marked, as MLflow's run comparison shows them.
public enum RunCompareView {
    /// One run's comparable facts (also the `--json` form).
    public struct Facts: Codable, Sendable, Equatable {
        public var runId: String
        public var cluster: String
        public var state: String
        public var exitCode: String?
        public var queuedSeconds: Int?
        public var ranSeconds: Int?
        public var maxRssBytes: Int64?
        public var params: [String: String]
        public var metrics: [String: Double]
        public var tags: [String]
        public var inputs: [String: String]
        /// What the job recorded of its software environment.
        public var python: String?
        public var packages: [String: String]
        /// Environment changes from the first run compared (empty for the first).
        public var environmentChanges: [String]
    }

    /// Each run's facts, environments compared with the first run's.
    public static func facts(_ archives: [RunArchive]) -> [Facts] {
        let first = archives.first?.environment.map { EnvironmentSnapshot(text: $0) }
        return archives.map { archive in
            var facts = facts(archive)
            if let first, archive.run.id != archives.first?.run.id, let env = archive.environment.map({ EnvironmentSnapshot(text: $0) }) {
                facts.environmentChanges = EnvironmentSnapshot.changes(from: first, to: env)
            }
            return facts
        }
    }

    public static func facts(_ a: RunArchive) -> Facts {
        let end = a.ends.last, final = a.finalObservation
        var params: [String: String] = [:]
        if let json = a.run.paramsJson, case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) {
            for (key, value) in object { params[key] = (try? CanonicalJSON.encode(value)).map(unquoted) ?? "?" }
        }
        var inputs: [String: String] = [:]
        for input in a.inputs { inputs[input.relativePath] = input.sha256 }
        let env = a.environment.map { EnvironmentSnapshot(text: $0) }
        return Facts(runId: a.run.id, cluster: a.run.cluster, state: end?.state ?? final?.state ?? a.run.status.rawValue.uppercased(),
                     exitCode: end?.exitCode ?? final?.exitCode, queuedSeconds: EndFacts.queuedSeconds(end),
                     ranSeconds: end?.elapsedSeconds ?? final?.elapsedSeconds, maxRssBytes: end?.maxRssBytes ?? final?.maxRssBytes,
                     params: params, metrics: a.metrics, tags: a.tags, inputs: inputs,
                     python: env?.python, packages: env?.packages ?? [:], environmentChanges: [])
    }

    public static func render(_ runs: [Facts], palette: Palette, maxWidth: Int?) -> String {
        var table = TextTable([.init("", minWidth: 10)] + runs.map { .init($0.runId, cut: .middle, minWidth: 10) })
        func row(_ label: String, _ values: [String]) {
            let differs = Set(values).count > 1
            table.append([.init((differs ? "* " : "  ") + label, differs ? .emphasis : .muted)] + values.map { .init($0) })
        }
        row("state", runs.map(\.state))
        row("exit", runs.map { RunListView.exitText($0.exitCode) })
        row("cluster", runs.map(\.cluster))
        row("queued", runs.map { $0.queuedSeconds.map(HumanTime.duration) ?? "-" })
        row("ran", runs.map { $0.ranSeconds.map(HumanTime.duration) ?? "-" })
        row("MaxRSS", runs.map { $0.maxRssBytes.map(HumanTime.bytes) ?? "-" })
        for key in Set(runs.flatMap(\.params.keys)).sorted() { row("param " + key, runs.map { $0.params[key] ?? "-" }) }
        for key in Set(runs.flatMap(\.metrics.keys)).sorted() { row("metric " + key, runs.map { $0.metrics[key].map(number) ?? "-" }) }
        row("tags", runs.map { $0.tags.isEmpty ? "-" : $0.tags.joined(separator: ",") })
        let first = runs.first?.inputs ?? [:]
        row("python", runs.map { $0.python ?? "-" })
        row("packages", runs.map { $0.packages.isEmpty ? "-" : String($0.packages.count) })
        if runs.contains(where: { !$0.environmentChanges.isEmpty }) {
            row("environment", runs.enumerated().map { index, run in
                index == 0 ? "(reference)" : run.environmentChanges.isEmpty ? "same" : run.environmentChanges.prefix(3).joined(separator: "; ")
                    + (run.environmentChanges.count > 3 ? "; +\(run.environmentChanges.count - 3) more" : "")
            })
        }
        row("inputs", runs.map { "\($0.inputs.count) file\($0.inputs.count == 1 ? "" : "s")" + ($0.inputs == first ? "" : " (other content)") })
        let legend = palette.paint("* marks rows whose values differ; --json gives every value", .muted)
        return table.render(maxWidth: maxWidth, palette: palette) + "\n" + legend
    }

    /// A metric as a person reads it: no trailing zeros, up to 6 significant digits.
    package static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.6g", value)
    }

    /// A JSON string parameter without its quotes.
    package static func unquoted(_ json: String) -> String {
        json.count >= 2 && json.hasPrefix("\"") && json.hasSuffix("\"") ? String(json.dropFirst().dropLast()) : json
    }
}
