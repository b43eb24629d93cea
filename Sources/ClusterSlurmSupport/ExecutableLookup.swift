import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Finds a bare program name in PATH once, here. Handed a bare name,
/// swift-subprocess tries an exec in every PATH entry in turn; each miss
/// costs a process clone, so `ssh` after eight earlier entries cost ~8 ms
/// of every action's start.
public enum ExecutableLookup {
    /// `text` as given when it holds a slash; else the first executable
    /// regular file of that name in `searchPath` (PATH's syntax), or the
    /// bare name when there is none, so the launch reports it as missing.
    public static func resolve(_ text: String, searchPath: String?) -> Executable {
        if text.contains("/") { return .path(FilePath(text)) }
        for directory in (searchPath ?? "/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + text
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
                return .path(FilePath(candidate))
            }
        }
        return .name(text)
    }
}
