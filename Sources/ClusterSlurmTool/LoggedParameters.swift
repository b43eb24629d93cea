import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmKit

/// A call as the action log keeps it, parameter by parameter as
/// `ToolParameter.logged` says: values a secret may hide in (env) keep only
/// their names.
package struct LoggedParameters: Encodable {
    package let call: ToolCall
    package init(_ call: ToolCall) { self.call = call }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(call.action.rawValue, forKey: Key("action"))
        for parameter in ToolParameter.allCases {
            guard let value = call.values[parameter] else { continue }
            switch parameter.spec.logged {
            case .folded: continue
            case .names(let key):
                if case .environment(let env) = value { try c.encode(env.keys.sorted(), forKey: Key(key)) }
            case .arraySummary:
                if case .jobArray(let array) = value {
                    try c.encode(array.spec.text, forKey: Key(parameter.name))
                    try c.encodeIfPresent(array.taskParams.map(\.count), forKey: Key("arrayTaskParams"))
                }
            case .value:
                let key = Key(parameter.name)
                switch value {
                case .text(let text): try c.encode(text, forKey: key)
                case .texts(let list): try c.encode(list, forKey: key)
                case .flag(let flag): try c.encode(flag, forKey: key)
                case .integer(let number): try c.encode(number, forKey: key)
                case .directives(let directives): try c.encode(directives, forKey: key)
                case .json(let json): try c.encode(json, forKey: key)
                case .dependencies(let after): try c.encode(after, forKey: key)
                case .environment, .jobArray: continue   // never logged whole (see ToolParameter.logged)
                }
            }
        }
    }

    package struct Key: CodingKey {
        package var stringValue: String
        package var intValue: Int? { nil }
        package init(_ s: String) { stringValue = s }
        package init?(stringValue: String) { self.stringValue = stringValue }
        package init?(intValue: Int) { nil }
    }
}
