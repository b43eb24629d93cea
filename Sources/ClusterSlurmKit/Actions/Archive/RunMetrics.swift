import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A run's metrics: the numbers in its declared outputs file (a JSON object;
/// nested objects give dotted names, `{"val": {"loss": 0.2}}` → `val.loss`).
/// Values that are not numbers are left out and named.
public enum RunMetrics {
    public struct Parsed: Equatable, Sendable {
        public var values: [String: Double]
        public var skipped: [String]
    }

    public static let mostMetrics = 1000

    public static func parse(_ data: Data) -> Result<Parsed, ClusterSlurmError> {
        guard let value = try? JSONValue.parse(data), case .object(let object) = value else {
            return .failure(.invalidInput("a metrics file must be a JSON object of name → number, such as {\"loss\": 0.21, \"accuracy\": 0.93}", path: "metricsFile"))
        }
        var parsed = Parsed(values: [:], skipped: [])
        func visit(_ object: [String: JSONValue], prefix: String) {
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                let name = prefix + key
                switch value {
                case .int(let n): parsed.values[name] = Double(n)
                case .double(let d) where d.isFinite: parsed.values[name] = d
                case .object(let inner): visit(inner, prefix: name + ".")
                default: parsed.skipped.append(name)
                }
            }
        }
        visit(object, prefix: "")
        parsed.values = parsed.values.filter { !$0.key.isEmpty && $0.key.count <= 200 }
        if parsed.values.count > mostMetrics {
            return .failure(.invalidInput("holds \(parsed.values.count) numbers; at most \(mostMetrics) are taken as metrics", path: "metricsFile"))
        }
        return .success(parsed)
    }

    public typealias Filter = MetricFilter

    /// `lr=0.01`: a parameter filter for `runs list --param` (compared as text).
    public static func parseParamFilter(_ text: String) throws -> (name: String, value: String) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw ClusterSlurmError.invalidInput("must be NAME=VALUE (e.g. lr=0.01); got \"\(text)\"", path: "--param")
        }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    /// A tag: 1–64 letters, digits, `.`, `_`, `-`, `:`, `/`.
    public static func checkedTag(_ tag: String) throws -> String {
        let ok = !tag.isEmpty && tag.count <= 64 && tag.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-:/".unicodeScalars.contains($0))
        }
        guard ok else {
            throw ClusterSlurmError.invalidInput("a tag is 1–64 letters, digits, '.', '_', '-', ':' or '/' (got \"\(tag)\")", path: "tag")
        }
        return tag
    }
}
