import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs show`: the run at a glance by default; `--script` adds the script,
/// `--full` also the timeline, submissions and every accounting field.
public enum RunShowView {
    public struct Detail: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let script = Detail(rawValue: 1)
        public static let history = Detail(rawValue: 2)
        public static let full: Detail = [.script, .history]
    }

    public static func render(_ a: RunArchive, detail: Detail = [], now: Date, utcOffset: Int, palette: Palette) -> String {
        let r = a.run
        let end = a.ends.last
        let final = a.finalObservation
        let state = end?.state ?? final?.state ?? r.status.rawValue.uppercased()
        var lines: [String] = []
        var head = palette.paint("run \(DisplayWidth.oneLine(r.id))", .header) + "  " + palette.paint(state, Palette.role(forState: state) ?? .emphasis)
        if let exit = end?.exitCode ?? final?.exitCode { head += "  exit \(RunListView.exitText(exit))" }
        lines.append(head)
        func field(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            lines.append("  " + palette.paint(DisplayWidth.pad(label, to: 11), .muted) + value)
        }
        let directives = directiveMap(a.script?.directivesJson)
        let place = [directives["partition"].map { "partition \($0)" }, directives["account"].map { "account \($0)" },
                     directives["qos"].map { "qos \($0)" }].compactMap { $0 }
        field("cluster", DisplayWidth.oneLine(r.cluster) + (place.isEmpty ? "" : " (" + place.joined(separator: ", ") + ")")
              + (r.routingReason.map { "; routed by \($0)" + (r.matchedIndicator.map { " (matched \"\($0)\")" } ?? "") } ?? ""))
        if let job = a.jobs.last {
            var parts = ["\(job.jobId)"]
            if let nodes = end?.nodeList ?? final?.nodeList { parts.append("on \(nodes)") }
            var times: [String] = []
            if let queued = EndFacts.queuedSeconds(end) { times.append("queued \(HumanTime.duration(queued))") }
            if let elapsed = end?.elapsedSeconds ?? final?.elapsedSeconds { times.append("ran \(HumanTime.duration(elapsed))") }
            if let rss = end?.maxRssBytes ?? final?.maxRssBytes { times.append("MaxRSS \(HumanTime.bytes(rss))") }
            else if end != nil { times.append("MaxRSS not recorded by SLURM") }
            field("job", parts.joined(separator: " ") + (times.isEmpty ? "" : "; " + times.joined(separator: ", "))
                  + (a.jobs.count > 1 ? " (\(a.jobs.count) jobs; --full lists them)" : ""))
            if let tres = end?.allocTres ?? final?.allocTres { field("resources", tres) }
        }
        if let created = Timestamp.parse(r.createdAt) {
            field("created", HumanTime.absolute(created, utcOffset: utcOffset) + " (" + HumanTime.relative(created, now: now, utcOffset: utcOffset) + ")")
        }
        field("workload", r.workload.map(DisplayWidth.oneLine))
        let commands = stringArray(r.commandsJson)
        if let first = commands.first {
            field("commands", DisplayWidth.oneLine(first))
            for more in commands.dropFirst() { lines.append("  " + String(repeating: " ", count: 11) + DisplayWidth.oneLine(more)) }
        }
        field("ran with", ranWith(a.runInfoJSON))
        field("software", a.environment.map { EnvironmentSnapshot(text: $0).summary })
        field("params", r.paramsJson.map(DisplayWidth.oneLine))
        if !a.metrics.isEmpty {
            field("metrics", a.metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(RunCompareView.number($0.value))" }.joined(separator: " "))
        }
        if !a.tags.isEmpty { field("tags", a.tags.joined(separator: " ")) }
        for note in a.notes { field("note", "\(DisplayWidth.oneLine(note.text)) (\(note.createdAt.prefix(16).replacingOccurrences(of: "T", with: " ")))") }
        if let array = a.jobs.last(where: { $0.arraySpec != nil }), !a.tasks.isEmpty {
            let summary = ArrayTaskRecord.summary(a.tasks)
            field("array", "\(array.arraySpec ?? "") · " + summary.text + (summary.rerunSpec.map { " · failed tasks \($0)" } ?? ""))
        }
        if !a.after.isEmpty || !a.before.isEmpty {
            // upstream ──ok──▶ this run ──any──▶ downstream
            let upstream = a.after.map { "\($0.upstreamRunId) ──\($0.kind.rawValue)──▶ " }.joined()
            let downstream = a.before.map { " ──\($0.kind.rawValue)──▶ \($0.runId)" }.joined()
            field("chain", DisplayWidth.oneLine(upstream + "this run" + downstream))
        }
        let retries = a.jobs.filter { $0.retryOfJobId != nil }
        if !retries.isEmpty {
            field("retries", retries.map { "job \($0.retryOfJobId!) → \($0.jobId) (\($0.retryReason ?? "retry"))" }.joined(separator: "; "))
        }
        var provenance = ["git " + (r.gitCommit.map { String($0.prefix(12)) } ?? "none")]
        if let dirty = r.gitDirtySha256 { provenance.append("uncommitted changes \(dirty.prefix(12))") }
        provenance.append("config \(r.configSha256.map { String($0.prefix(12)) } ?? "-")")
        provenance.append("tool \(r.toolVersion) on \(r.localHost ?? "-")")
        field("provenance", provenance.joined(separator: " · "))
        field("dirs", "\(DisplayWidth.oneLine(r.localRunDir)) ↔ \(DisplayWidth.oneLine(r.remoteRunDir))")
        if let parent = r.parentRunId {
            let verdict = a.replay?.verdict ?? "not verified yet (runs verify \(r.id))"
            let differing = stringArray(a.replay?.differingJson)
            let deltas = deltaText(a.replay?.deltasJson)
            field("replay of", "\(parent): " + palette.paint(verdict, Palette.role(forState: verdict) ?? .emphasis)
                  + (differing.isEmpty ? "" : " in " + differing.joined(separator: ", ")) + (deltas.isEmpty ? "" : "; changed " + deltas))
        }
        if !a.replays.isEmpty {
            field("replays", a.replays.map { "\($0.runId) (\($0.verdict ?? "not verified"))" }.joined(separator: ", "))
        }

        if let end, state != "COMPLETED" {
            lines.append("")
            var why = "ended \(end.state)"
            if let exit = end.exitCode { why += ", exit \(RunListView.exitText(exit))" }
            if let signal = end.signal { why += " (signal \(signal))" }
            if let reason = EndFacts.reason(end.reason) { why += "; SLURM's reason: \(reason)" }
            lines.append(palette.paint(why, .bad))
            lines += EndFacts.stderrLines(end)
        }

        let inputs = a.currentInputs
        let inputBytes = inputs.reduce(Int64(0)) { $0 + $1.size }
        let unverified = inputs.filter { !$0.verified }.count
        lines.append("")
        lines.append(palette.paint("inputs", .header) + " \(inputs.count) file\(inputs.count == 1 ? "" : "s"), \(HumanTime.bytes(inputBytes))"
                     + (inputs.isEmpty ? "" : unverified == 0 ? ", all verified on the cluster" : palette.paint(", \(unverified) NOT verified", .bad))
                     + (r.inputsNotArchived ? ", some not archived (over the cap)" : ""))
        lines += fileLines(inputs.map { ($0.relativePath, $0.size, $0.sha256, $0.verified ? "" : "unverified") }, detail: detail)
        lines.append(palette.paint("outputs", .header) + " \(a.artifacts.count) file\(a.artifacts.count == 1 ? "" : "s"), \(HumanTime.bytes(a.artifacts.reduce(0) { $0 + $1.size }))")
        lines += fileLines(a.artifacts.map { (a.pathInRunDir($0.remotePath), $0.size, $0.sha256, "") }, detail: detail)

        if detail.contains(.history) {
            lines.append("")
            lines.append(palette.paint("submissions", .header))
            for s in a.submissions {
                lines.append("  #\(s.attempt) \(s.submittedAt) \(s.outcome.rawValue) \(s.jobId ?? "-"): \(DisplayWidth.oneLine(s.command))"
                             + (s.stderr.isEmpty ? "" : " — \(DisplayWidth.oneLine(s.stderr))"))
            }
            lines.append(palette.paint("timeline", .header))
            for o in a.observations where o.isTransition {
                lines.append("  \(o.observedAt)  job \(o.jobId) \(o.state) (\(o.source.rawValue))\(o.exitCode.map { " exit \($0)" } ?? "")\(o.reason.map { " \($0)" } ?? "")")
            }
            if !a.tasks.isEmpty {
                lines.append(palette.paint("tasks", .header))
                var table = TextTable([.init("TASK", alignRight: true), .init("STATE"), .init("EXIT"), .init("RAN", alignRight: true), .init("NODE"), .init("PARAMS", cut: .end)])
                for t in a.tasks {
                    table.append([.init(String(t.taskIndex)), .init(t.lastState ?? "PENDING"), .init(t.exitCode.map(RunListView.exitText) ?? "-"),
                                  .init(t.elapsedSeconds.map(HumanTime.duration) ?? "-"), .init(t.nodeList ?? "-"), .init(t.paramsJson.map(DisplayWidth.oneLine) ?? "")])
                }
                lines += table.render(maxWidth: nil, palette: palette).split(separator: "\n").map { "  " + String($0).trimmingTrailingSpaces() }
            }
            if let f = final {
                lines.append(palette.paint("accounting", .header))
                lines.append("  state \(f.state), exit \(f.exitCode ?? "-"), elapsed \(f.elapsedSeconds.map(HumanTime.duration) ?? "-"), MaxRSS \(f.maxRss ?? "-"), TotalCPU \(f.totalCpu ?? "-"), AllocTRES \(f.allocTres ?? "-"), nodes \(f.nodeList ?? "-")")
            }
            if let info = a.runInfoJSON { lines.append(palette.paint("ran with (as the job recorded it)", .header)); lines.append("  " + DisplayWidth.oneLine(info)) }
        }
        if detail.contains(.script), let script = a.scriptText {
            lines.append("")
            lines.append(palette.paint("script \(a.script?.scriptName ?? "") (sha256 \(a.script?.scriptSha256.prefix(12) ?? ""))", .header))
            lines.append(DisplayWidth.block(script))
        }
        if detail != .full {
            lines.append("")
            lines.append(palette.paint("more: --script for the script, --full for submissions, timeline and accounting, --json for everything", .muted))
        }
        return lines.joined(separator: "\n")
    }

    package static func fileLines(_ files: [(String, Int64, String, String)], detail: Detail) -> [String] {
        let shown = detail.contains(.history) ? files : Array(files.prefix(10))
        var table = TextTable([.init("", cut: .middle, minWidth: 12), .init("", alignRight: true), .init(""), .init("")])
        for (path, size, sha, note) in shown { table.append([.init(path), .init(HumanTime.bytes(size)), .init(String(sha.prefix(12))), .init(note)]) }
        guard !shown.isEmpty else { return [] }
        var lines = table.render(maxWidth: nil, palette: .plain).split(separator: "\n").dropFirst().map { "  " + String($0).trimmingTrailingSpaces() }
        if files.count > shown.count { lines.append("  … and \(files.count - shown.count) more (--full lists all)") }
        return lines
    }

    package static func stringArray(_ json: String?) -> [String] {
        guard let json, case .array(let items)? = try? JSONValue.parse(Data(json.utf8)) else { return [] }
        return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }

    package static func directiveMap(_ json: String?) -> [String: String] {
        guard let json, case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) else { return [:] }
        return object.compactMapValues { value in
            switch value { case .string(let s): return DisplayWidth.oneLine(s); case .int(let n): return String(n); default: return nil }
        }
    }

    /// The job's own record of where it ran, as one line.
    package static func ranWith(_ json: String?) -> String? {
        let info = directiveMap(json)
        guard !info.isEmpty else { return nil }
        var parts: [String] = []
        if let python = info["python"] { parts.append(python) }
        if let modules = info["modules"], !modules.isEmpty { parts.append("modules \(modules)") }
        if let slurm = info["slurm_version"] { parts.append(slurm) }
        if let verified = info["inputs_verified"] { parts.append("inputs verified on the node: \(verified)") }
        let known: Set = ["python", "modules", "slurm_version", "inputs_verified", "job_id", "nodes", "cluster"]
        for key in info.keys.sorted() where !known.contains(key) { parts.append("\(key) \(info[key]!)") }
        return parts.joined(separator: " · ")
    }

    /// A replay's directive changes (`{"time":"00:20:00"}`) as `time=00:20:00`.
    package static func deltaText(_ json: String?) -> String {
        directiveMap(json).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}
