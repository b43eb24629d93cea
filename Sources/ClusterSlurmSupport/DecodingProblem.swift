/// A `DecodingError` in words a person can act on: where (a JSON path) and
/// what was expected, instead of Swift's internal description.
public enum DecodingProblem {
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.reduce("") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath)) has no \"\(key.stringValue)\""
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) should be \(name(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) is null but should be \(name(of: type))"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError.map { "\($0)" } ?? context.debugDescription)
            return context.codingPath.isEmpty ? "not valid JSON (\(underlying))" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    package static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let text = "\(type)"
            if text.hasPrefix("Array") || text.hasPrefix("[") { return "a list" }
            if text.hasPrefix("Dictionary") || text.hasPrefix("[String") { return "an object" }
            return "an object (\(text))"
        }
    }
}
