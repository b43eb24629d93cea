/// A path on the cluster. Paths given as `~/x` or `$HOME/x` stay relative to the
/// remote home directory and are expanded by the remote shell, never quoted
/// into a literal `~` (a defect of the reference plugin).
public struct RemotePath: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Base: String, Sendable, Codable { case absolute, home }
    public let base: Base
    /// For `.absolute` the full path; for `.home` the part after `~/`.
    public let path: String

    public init(absolute path: String) { self.base = .absolute; self.path = path }
    public init(homeRelative path: String) { self.base = .home; self.path = path }

    /// Parses a configured path: absolute, `~`, `~/…`, `$HOME`, `$HOME/…`, `${HOME}/…`.
    public init?(parsing text: String) {
        for prefix in ["~/", "$HOME/", "${HOME}/"] where text.hasPrefix(prefix) {
            self.init(homeRelative: RemotePath.normalize(String(text.dropFirst(prefix.count))))
            return
        }
        if text == "~" || text == "$HOME" || text == "${HOME}" { self.init(homeRelative: ""); return }
        guard text.hasPrefix("/") else { return nil }
        self.init(absolute: "/" + RemotePath.normalize(text))
    }

    public func appending(_ component: String) -> RemotePath {
        let joined = path.isEmpty ? component : (path.hasSuffix("/") ? path + component : path + "/" + component)
        return RemotePath(base: base, path: joined)
    }

    public var word: ShellWord {
        switch base {
        case .absolute: return .literal(path)
        case .home: return .homeRelative(path)
        }
    }

    public var description: String {
        switch base {
        case .absolute: return path
        case .home: return path.isEmpty ? "~" : "~/" + path
        }
    }

    private init(base: Base, path: String) { self.base = base; self.path = path }

    private static func normalize(_ text: String) -> String {
        text.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }
}

extension RemotePath {
    /// A path (absolute, or relative kept relative) with `.`, `..` and repeated slashes resolved as the
    /// kernel resolves them in a tree without symlinks (`..` of `/` is `/`):
    /// what `StdOut=/run/../../X.out` names, before any prefix is compared.
    public static func lexicallyResolved(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
