import ClusterSlurmSupport

/// What changed in a job's software environment while its workload ran:
/// the sections `python`, `pip` and `modules` of the file taken before the
/// workload against the one its subshell wrote as it ended. Pure.
public enum EnvironmentChange {
    package static let compared = ["python", "pip", "modules"]

    /// `@@name` sections → their lines (blank lines dropped).
    package static func sections(_ text: String) -> [String: [String]] {
        var out: [String: [String]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("@@") { current = String(line.dropFirst(2)); out[current!, default: []] = []; continue }
            guard let current else { continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { out[current, default: []].append(trimmed) }
        }
        return out
    }

    /// One phrase per section that differs (`modules: +modtree/gpu`,
    /// `pip: +torch==2.5.1, -numpy==1.26.4`); empty when nothing did or a
    /// side lacks the section.
    public static func changes(before: String, after: String) -> [String] {
        let a = sections(before), b = sections(after)
        var out: [String] = []
        for name in compared {
            guard let old = a[name], let new = b[name] else { continue }
            let added = new.filter { !old.contains($0) }, removed = old.filter { !new.contains($0) }
            guard !added.isEmpty || !removed.isEmpty else { continue }
            let listed = added.prefix(10).map { "+" + $0 } + removed.prefix(10).map { "-" + $0 }
            let more = added.count + removed.count > listed.count ? " (\(added.count) added, \(removed.count) removed)" : ""
            out.append("\(name): \(listed.joined(separator: ", "))\(more)")
        }
        return out
    }
}
