import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Compares two runs from the ledger alone. Counted categories decide whether
/// the runs differ; informational ones (host, times, job ids, timings) are
/// reported but never count, as Sumatra separates them.
public struct RunDiff: Codable, Sendable {
    public struct Category: Codable, Sendable, Equatable {
        public var name: String
        public var counted: Bool
        public var differs: Bool
        /// Human-readable changes, one per line.
        public var changes: [String]
        public var unifiedDiff: String?
    }

    public var runA: String
    public var runB: String
    public var identical: Bool
    public var differing: [String]
    public var categories: [Category]

    public static let countedCategories = ["command", "script", "resources", "environment", "inputs", "outputs", "routing",
                                           "provenance", "result"]

    public static func compare(_ a: RunArchive, _ b: RunArchive) -> RunDiff {
        var categories: [Category] = []
        func add(_ name: String, counted: Bool = true, _ changes: [String], diff: String? = nil) {
            categories.append(Category(name: name, counted: counted, differs: !changes.isEmpty, changes: changes, unifiedDiff: diff))
        }
        func field(_ label: String, _ x: String?, _ y: String?) -> [String] {
            x == y ? [] : ["\(label): \(x ?? "-") → \(y ?? "-")"]
        }
        // Facts the scheduler reports (state, exit code, TRES) may simply not
        // have been observed for one run: unknown vs known is not a difference.
        var notObserved: [String] = []
        func observed(_ label: String, _ x: String?, _ y: String?) -> [String] {
            switch (x, y) {
            case (nil, nil): return []
            case (nil, _): notObserved.append("\(label): not observed for \(a.run.id)"); return []
            case (_, nil): notObserved.append("\(label): not observed for \(b.run.id)"); return []
            default: return field(label, x, y)
            }
        }

        add("command", field("workload", a.run.workload, b.run.workload) + field("commands", a.run.commandsJson, b.run.commandsJson))

        let scriptA = normalizedScript(a), scriptB = normalizedScript(b)
        let scriptDiff = LineDiff.unified(scriptA, scriptB, labelA: "\(a.run.id)/\(a.script?.scriptName ?? "script")",
                                          labelB: "\(b.run.id)/\(b.script?.scriptName ?? "script")")
        add("script", scriptDiff.isEmpty ? [] : ["rendered script differs (run-scoped names excluded)"], diff: scriptDiff.isEmpty ? nil : scriptDiff)

        add("resources", mapChanges(directives(a), directives(b), label: "directive", hashes: false)
            + observed("AllocTRES", a.finalObservation?.allocTres, b.finalObservation?.allocTres))

        let envA = a.environment.map { EnvironmentSnapshot(text: $0) }, envB = b.environment.map { EnvironmentSnapshot(text: $0) }
        if (envA == nil) != (envB == nil) { notObserved.append("environment: not recorded for \(envA == nil ? a.run.id : b.run.id)") }
        add("environment", field("setupCommands", a.script?.setupCommandsJson, b.script?.setupCommandsJson)
            + field("modules", a.script?.modulesJson, b.script?.modulesJson)
            + field("env names", a.script?.envNamesJson, b.script?.envNamesJson)
            + (envA.flatMap { x in envB.map { y in EnvironmentSnapshot.changes(from: x, to: y) } } ?? []))

        add("inputs", mapChanges(Dictionary(a.inputs.map { ($0.relativePath, $0.sha256) }, uniquingKeysWith: { _, last in last }),
                                 Dictionary(b.inputs.map { ($0.relativePath, $0.sha256) }, uniquingKeysWith: { _, last in last }), label: "input")
            + (a.run.inputsNotArchived != b.run.inputsNotArchived || a.run.inputsNotArchived
               ? ["inputs not archived (over the cap): \(a.run.id)=\(a.run.inputsNotArchived), \(b.run.id)=\(b.run.inputsNotArchived)"] : []))

        add("outputs", mapChanges(outputs(a), outputs(b), label: "output"))

        add("routing", field("cluster", a.run.cluster, b.run.cluster) + field("reason", a.run.routingReason, b.run.routingReason)
            + field("matched indicator", a.run.matchedIndicator, b.run.matchedIndicator))

        add("provenance", field("git commit", a.run.gitCommit, b.run.gitCommit) + field("uncommitted diff", a.run.gitDirtySha256, b.run.gitDirtySha256)
            + field("config", a.run.configSha256, b.run.configSha256))

        let finalA = a.finalObservation, finalB = b.finalObservation
        add("result", observed("state", finalA?.state, finalB?.state) + observed("exit code", finalA?.exitCode, finalB?.exitCode))

        var timing: [String] = []
        if let x = finalA?.elapsedSeconds, let y = finalB?.elapsedSeconds, x != y { timing.append("elapsed: \(HumanTime.duration(x)) → \(HumanTime.duration(y)) (\(signed(y - x))s)") }
        if let x = finalA?.maxRssBytes, let y = finalB?.maxRssBytes, x != y { timing.append("MaxRSS: \(HumanTime.bytes(x)) → \(HumanTime.bytes(y)) (\(signed(Int((y - x) / 1024)))K)") }
        add("accounting", counted: false, timing)
        add("host", counted: false, field("local host", a.run.localHost, b.run.localHost) + field("nodes", finalA?.nodeList, finalB?.nodeList)
            + field("tool version", a.run.toolVersion, b.run.toolVersion)
            + (envA.flatMap { x in envB.map { y in EnvironmentSnapshot.placementChanges(from: x, to: y) } } ?? []))
        add("timestamps", counted: false, ["created: \(a.run.createdAt) → \(b.run.createdAt)"])
        add("job ids", counted: false, field("jobs", a.jobs.map(\.jobId).joined(separator: ","), b.jobs.map(\.jobId).joined(separator: ",")))
        add("not observed", counted: false, notObserved)

        let differing = categories.filter { $0.counted && $0.differs }.map(\.name)
        return RunDiff(runA: a.run.id, runB: b.run.id, identical: differing.isEmpty, differing: differing, categories: categories)
    }

    /// The script with the run's own id replaced, so two runs of the same
    /// work render the same text.
    package static func normalizedScript(_ archive: RunArchive) -> String {
        (archive.scriptText ?? "").replacingOccurrences(of: archive.run.id, with: "<run-id>")
    }

    package static func directives(_ archive: RunArchive) -> [String: String] {
        guard let json = archive.script?.directivesJson, case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) else { return [:] }
        var out: [String: String] = [:]
        for (key, value) in object {
            guard case .string(let text) = value else { continue }
            out[key] = text.replacingOccurrences(of: archive.run.id, with: "<run-id>")
        }
        return out
    }

    /// Outputs keyed by their path inside the run dir.
    package static func outputs(_ archive: RunArchive) -> [String: String] {
        var out: [String: String] = [:]
        for artifact in archive.artifacts { out[archive.pathInRunDir(artifact.remotePath)] = artifact.sha256 }
        return out
    }

    /// Changes between two maps; sha256 values are shortened to 12 digits,
    /// other values (directives) are shown whole.
    package static func mapChanges(_ a: [String: String], _ b: [String: String], label: String, hashes: Bool = true) -> [String] {
        func shown(_ value: String) -> String { hashes ? String(value.prefix(12)) : value }
        var changes: [String] = []
        for key in Set(a.keys).union(b.keys).sorted() {
            switch (a[key], b[key]) {
            case (nil, let y?): changes.append("\(label) added: \(key) (\(shown(y)))")
            case (let x?, nil): changes.append("\(label) removed: \(key) (\(shown(x)))")
            case (let x?, let y?) where x != y: changes.append("\(label) changed: \(key) \(shown(x)) → \(shown(y))")
            default: break
            }
        }
        return changes
    }

    package static func signed(_ value: Int) -> String { value >= 0 ? "+\(value)" : "\(value)" }

    /// The text `runs diff` prints.
    public func rendered(all: Bool, palette: Palette = .plain) -> String {
        var lines = ["runs diff \(runA) \(runB): " + (identical ? palette.paint("identical in every counted category", .good)
                                                           : palette.paint("differ in \(differing.joined(separator: ", "))", .bad))]
        for category in categories where all || category.differs {
            lines.append("\n" + palette.paint("[\(category.name)]", .header) + "\(category.counted ? "" : " (informational)")\(category.differs ? "" : " same")")
            lines.append(contentsOf: category.changes.map { "  " + DisplayWidth.oneLine($0) })
            if let diff = category.unifiedDiff { lines.append(diff) }
        }
        return lines.joined(separator: "\n")
    }
}
