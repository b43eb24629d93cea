import ClusterSlurmSupport

/// A SLURM job array spec as sbatch's `--array` takes it: comma-separated
/// indexes and ranges with an optional step (`0-19`, `1,3,5-7`, `0-15:4`),
/// then an optional `%N` limit on tasks running at once.
public struct ArraySpec: Sendable, Equatable, Codable {
    /// Every task index, ascending, without repeats.
    public let indexes: [Int]
    public let maxRunning: Int?
    /// The spec as written (normalised: no blanks).
    public let text: String

    /// SLURM's own ceiling on an index is MaxArraySize - 1 (site-set, 1001 by
    /// default); this is the bound on what a call may ask for at all.
    public static let largestIndex = 4_000_000
    public static let mostTasks = 100_000

    public enum Problem: Error, Equatable {
        case unreadable(String)
        case tooMany(Int)
    }

    /// Reads a spec; a problem says which part is wrong.
    public static func parse(_ raw: String) -> Result<ArraySpec, Problem> {
        let text = raw.filter { !$0.isWhitespace }
        guard !text.isEmpty else { return .failure(.unreadable("the spec is empty")) }
        let halves = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
        var maxRunning: Int?
        if halves.count == 2 {
            guard let limit = Int(halves[1]), limit >= 1 else {
                return .failure(.unreadable("the limit after % must be a whole number of at least 1 (got \"\(halves[1])\")"))
            }
            maxRunning = limit
        }
        var indexes = Set<Int>()
        for part in halves[0].split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = part.split(separator: ":", omittingEmptySubsequences: false)
            let bounds = stepParts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(stepParts.count), (1...2).contains(bounds.count),
                  let low = Int(bounds[0]), let high = bounds.count == 2 ? Int(bounds[1]) : low,
                  let step = stepParts.count == 2 ? Int(stepParts[1]) : 1 else {
                return .failure(.unreadable("\"\(part)\" is not an index, a range N-M or a stepped range N-M:S"))
            }
            guard low >= 0, high >= low, step >= 1, high <= largestIndex else {
                return .failure(.unreadable("\"\(part)\" must be ascending, between 0 and \(largestIndex), with a step of at least 1"))
            }
            guard (high - low) / step + 1 + indexes.count <= mostTasks else { return .failure(.tooMany(mostTasks)) }
            for index in stride(from: low, through: high, by: step) { indexes.insert(index) }
        }
        return .success(ArraySpec(indexes: indexes.sorted(), maxRunning: maxRunning, text: text))
    }

    /// Tasks 0…count-1 (one per parameter set), with an optional limit.
    public static func tasks(count: Int, maxRunning: Int?) -> ArraySpec {
        let text = (count == 1 ? "0" : "0-\(count - 1)") + (maxRunning.map { "%\($0)" } ?? "")
        return ArraySpec(indexes: Array(0..<count), maxRunning: maxRunning, text: text)
    }

    /// Tasks in a spec, counted without listing them and without bounds (a
    /// repeated index counts twice: a count the guardrails can only
    /// overestimate), or nil when unreadable. Reads scontrol's `ArrayTaskId`.
    public static func taskCount(_ text: String) -> Int? {
        let body = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        var total = 0
        for part in body.split(separator: ",", omittingEmptySubsequences: false) {
            let stepParts = part.split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(stepParts.count) else { return nil }
            let step = stepParts.count == 2 ? Int(stepParts[1]) : 1
            let bounds = stepParts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard let step, step > 0, (1...2).contains(bounds.count), let low = Int(bounds[0]), low >= 0 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low else { return nil }
            total += (high - low) / step + 1
        }
        return total > 0 ? total : nil
    }

    /// The indexes as a short spec (`0-4,7,9-11`), for messages and for
    /// asking again for just these tasks.
    public static func compact(_ indexes: [Int]) -> String {
        var parts: [String] = []
        var start: Int?
        var previous: Int?
        for index in Set(indexes).sorted() {
            if let p = previous, index == p + 1 { previous = index; continue }
            if let s = start, let p = previous { parts.append(s == p ? "\(s)" : "\(s)-\(p)") }
            start = index
            previous = index
        }
        if let s = start, let p = previous { parts.append(s == p ? "\(s)" : "\(s)-\(p)") }
        return parts.joined(separator: ",")
    }
}
