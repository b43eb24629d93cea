import Foundation

/// The one reader of typed fields out of parsed JSON, shared by config
/// validation (which collects every problem) and tool-call parsing (which
/// stops at the first). Each reader answers the value, nil when the field is
/// absent or null, or a problem naming the field's path.
public enum JSONFields {
    public struct Problem: Error, Sendable, Equatable {
        public let path: String
        public let message: String
    }

    public static func string(_ value: JSONValue?, at path: String, nonEmpty: Bool = false) -> Result<String?, Problem> {
        switch value {
        case nil, .null?: return .success(nil)
        case .string(let text)?:
            if nonEmpty && text.trimmingCharacters(in: .whitespaces).isEmpty { return .failure(Problem(path: path, message: "must not be empty")) }
            if text.contains("\0") { return .failure(Problem(path: path, message: "must not contain NUL bytes")) }
            return .success(text)
        case let other?:
            return .failure(Problem(path: path, message: "must be a string (got \(other.preview))"))
        }
    }

    public static func bool(_ value: JSONValue?, at path: String) -> Result<Bool?, Problem> {
        switch value {
        case nil, .null?: return .success(nil)
        case .bool(let flag)?: return .success(flag)
        case let other?: return .failure(Problem(path: path, message: "must be true or false (got \(other.preview))"))
        }
    }

    public static func integer(_ value: JSONValue?, at path: String, minimum: Int, maximum: Int = 1_000_000_000) -> Result<Int?, Problem> {
        switch value {
        case nil, .null?: return .success(nil)
        case .int(let n)? where n >= Int64(minimum) && n <= Int64(maximum): return .success(Int(n))
        case .double(let d)? where d == d.rounded() && d >= Double(minimum) && d <= Double(maximum): return .success(Int(d))
        case let other?:
            let range = maximum == 1_000_000_000 ? ">= \(minimum)" : "between \(minimum) and \(maximum)"
            return .failure(Problem(path: path, message: "must be an integer \(range) (got \(other.preview))"))
        }
    }

    /// Every item must be a string (non-empty when asked); the first bad item is named by index.
    public static func stringArray(_ value: JSONValue?, at path: String, nonEmptyItems: Bool = false) -> Result<[String]?, Problem> {
        switch value {
        case nil, .null?: return .success(nil)
        case .array(let items)?:
            var out: [String] = []
            for (index, item) in items.enumerated() {
                if case .null = item { return .failure(Problem(path: "\(path)[\(index)]", message: "must be a string (got null)")) }
                switch string(item, at: "\(path)[\(index)]", nonEmpty: nonEmptyItems) {
                case .success(let text?): out.append(text)
                case .success(nil): return .failure(Problem(path: "\(path)[\(index)]", message: "must be a string (got null)"))
                case .failure(let problem): return .failure(problem)
                }
            }
            return .success(out)
        case let other?:
            return .failure(Problem(path: path, message: "must be an array of strings (got \(other.preview))"))
        }
    }

    public static func object(_ value: JSONValue?, at path: String, expected: String = "an object") -> Result<[String: JSONValue]?, Problem> {
        switch value {
        case nil, .null?: return .success(nil)
        case .object(let object)?: return .success(object)
        case let other?: return .failure(Problem(path: path, message: "must be \(expected) (got \(other.preview))"))
        }
    }

    /// Keys outside `allowed`, each with the closest allowed key as a hint.
    public static func unknownKeys(_ object: [String: JSONValue], allowed: [String], at path: String, noun: String = "key") -> [Problem] {
        object.keys.sorted().filter { !allowed.contains($0) }.map { key in
            let hint = Suggestion.closest(to: key, among: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            return Problem(path: path.isEmpty ? key : "\(path).\(key)", message: "unknown \(noun)\(hint); allowed here: \(allowed.joined(separator: ", "))")
        }
    }
}
