import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// The facts about a job's end that several views print the same way.
package enum EndFacts {
    /// SLURM's reason when it says something (`None` and empty say nothing).
    package static func reason(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text != "None" else { return nil }
        return text
    }

    /// Seconds from submission to start, by SLURM's own clock.
    package static func queuedSeconds(_ end: JobEndRecord?) -> Int? {
        guard let submit = end?.submitTime.flatMap(HumanTime.slurmTimestamp),
              let start = end?.startTime.flatMap(HumanTime.slurmTimestamp) else { return nil }
        return Int(start.timeIntervalSince(submit))
    }

    /// The last lines of the captured stderr, indented and made printable.
    package static func stderrLines(_ end: JobEndRecord, last count: Int = 10) -> [String] {
        let tail = (end.stderrTail ?? "").split(separator: "\n").suffix(count)
        guard !tail.isEmpty else { return [] }
        return ["  stderr, last \(tail.count) line\(tail.count == 1 ? "" : "s"):"] + tail.map { "    " + DisplayWidth.oneLine(String($0)) }
    }
}
