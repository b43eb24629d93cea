import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// The software environment a job ran in, as the job itself recorded it on
/// the compute node (`.cluster-slurm-environment.txt`, `@@section` blocks):
/// Python and its packages (pip, and conda when an environment is active),
/// loaded modules, OS, CPU, GPUs and driver, container, SLURM's view.
public struct EnvironmentSnapshot: Sendable, Equatable {
    public var sections: [String: String]

    public init(text: String) {
        var sections: [String: String] = [:]
        var name: String?
        var lines: [Substring] = []
        func flush() {
            if let name { sections[name] = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines) }
            lines = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@"), !line.dropFirst(2).isEmpty, line.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                flush()
                name = String(line.dropFirst(2))
            } else if name != nil {
                lines.append(line)
            }
        }
        flush()
        self.sections = sections
    }

    public func value(_ section: String) -> String? { sections[section].flatMap { $0.isEmpty ? nil : $0 } }

    /// Python packages by normalised name (pip's `name==version`, and conda's
    /// `name=version=build` for what pip does not list).
    public var packages: [String: String] {
        var out: [String: String] = [:]
        for line in (value("conda") ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "=")
            if parts.count >= 2 { out[Self.normalised(parts[0])] = String(parts[1]) }
        }
        for line in (value("pip") ?? "").split(separator: "\n") {
            if let range = line.range(of: "==") {
                out[Self.normalised(line[..<range.lowerBound])] = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
            } else if let at = line.range(of: " @ ") {
                out[Self.normalised(line[..<at.lowerBound])] = "@ " + line[at.upperBound...].trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }

    /// Lmod's `module -t list`: one module per line (messages, which hold spaces, are not modules).
    public var modules: [String] {
        (value("modules") ?? "").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.contains(" ") && !$0.hasSuffix(":") }
    }

    /// `Python 3.11.2` → `3.11.2`.
    public var python: String? { value("python").map { $0.hasPrefix("Python ") ? String($0.dropFirst(7)) : $0 } }

    /// One line for `runs show`.
    public var summary: String {
        var parts: [String] = []
        if let python { parts.append("Python \(python)") }
        let packages = self.packages
        if !packages.isEmpty { parts.append("\(packages.count) package\(packages.count == 1 ? "" : "s")") }
        if !modules.isEmpty { parts.append("modules " + modules.joined(separator: " ")) }
        if let container = value("container")?.split(separator: "\n").first { parts.append("container \(container)") }
        if let gpus = value("gpus") {
            let count = gpus.split(separator: "\n").filter { $0.hasPrefix("GPU ") }.count
            parts.append("\(count) GPU\(count == 1 ? "" : "s")" + (value("driver")?.split(separator: "\n").first.map { " (driver \($0))" } ?? ""))
        }
        if let os = value("os") { parts.append(os) }
        if let host = value("host") { parts.append("on \(host)" + (value("cpu").map { " (\($0.trimmingCharacters(in: .whitespaces)))" } ?? "")) }
        return parts.joined(separator: " · ")
    }

    /// What changed from `a` to `b` that can change results: Python,
    /// packages (`numpy 1.24.2 → 1.26.4`, `+ torch 2.1.0`, `- scipy 1.11.0`),
    /// modules, container, GPUs and driver, OS.
    public static func changes(from a: EnvironmentSnapshot, to b: EnvironmentSnapshot) -> [String] {
        var out: [String] = []
        if a.python != b.python { out.append("python \(a.python ?? "-") → \(b.python ?? "-")") }
        let pa = a.packages, pb = b.packages
        for name in Set(pa.keys).union(pb.keys).sorted() {
            switch (pa[name], pb[name]) {
            case (let x?, let y?) where x != y: out.append("\(name) \(x) → \(y)")
            case (nil, let y?): out.append("+ \(name) \(y)")
            case (let x?, nil): out.append("- \(name) \(x)")
            default: break
            }
        }
        let ma = Set(a.modules), mb = Set(b.modules)
        for module in mb.subtracting(ma).sorted() { out.append("+ module \(module)") }
        for module in ma.subtracting(mb).sorted() { out.append("- module \(module)") }
        for section in ["container", "gpus", "driver", "os"] where a.value(section) != b.value(section) {
            out.append("\(section): \(oneLine(a.value(section))) → \(oneLine(b.value(section)))")
        }
        return out
    }

    /// Where it ran, which does not change results by itself: host, CPU, kernel.
    public static func placementChanges(from a: EnvironmentSnapshot, to b: EnvironmentSnapshot) -> [String] {
        ["host", "cpu", "kernel"].compactMap { section in
            a.value(section) == b.value(section) ? nil : "\(section): \(oneLine(a.value(section))) → \(oneLine(b.value(section)))"
        }
    }

    package static func normalised(_ name: Substring) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: ".", with: "-")
    }

    package static func oneLine(_ text: String?) -> String {
        guard let text else { return "-" }
        let line = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "; ")
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }
}
