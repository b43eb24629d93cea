import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// `loss<0.3`, `accuracy>=0.9`, `epochs=10`, `f1!=0`: a metric filter for `runs list --metric`.
public struct MetricFilter: Equatable, Sendable {
    public var name: String
    public var op: String
    public var value: Double

    public static let operators = ["<=", ">=", "!=", "<", ">", "="]

    public static func parse(_ text: String) throws -> MetricFilter {
        for op in operators {
            guard let range = text.range(of: op) else { continue }
            let name = text[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            let number = text[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, let value = Double(number), value.isFinite else { break }
            return MetricFilter(name: name, op: op, value: value)
        }
        throw ClusterSlurmError.invalidInput("must be NAME OP NUMBER with OP one of < <= > >= = != (e.g. 'loss<0.3'); got \"\(text)\"", path: "--metric")
    }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(name: String, op: String, value: Double) {
        self.name = name
        self.op = op
        self.value = value
    }
}
