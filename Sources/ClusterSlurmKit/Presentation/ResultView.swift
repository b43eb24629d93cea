import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// Any action's JSON result as a person reads it: scalars as aligned
/// `label  value` lines (sizes, durations and hashes made short), lists of
/// records as tables, long texts (script, log) as blocks at the end. The
/// `--json` output is the result itself, unchanged.
public enum ResultView {
    public static func render(json: String, palette: Palette, maxWidth: Int?) -> String {
        guard let value = try? JSONValue.parse(Data(json.utf8)) else { return DisplayWidth.block(json) }
        guard case .object(let object) = value else { return scalar(value, key: "") }
        var lines: [String] = []
        var blocks: [(String, String)] = []
        render(object: object, indent: "", lines: &lines, blocks: &blocks, palette: palette, maxWidth: maxWidth)
        for (title, text) in blocks {
            lines.append("")
            lines.append(palette.paint("--- \(title) ---", .header))
            lines.append(DisplayWidth.block(text.hasSuffix("\n") ? String(text.dropLast()) : text))
        }
        return lines.joined(separator: "\n")
    }

    /// Keys shown last, or not at all: the combined `log` already holds `logs`.
    package static let trailingKeys: Set = ["hint", "hints", "note"]

    package static func render(object: [String: JSONValue], indent: String, lines: inout [String], blocks: inout [(String, String)],
                       palette: Palette, maxWidth: Int?) {
        // what the result is about first; `mode` only repeats the action's name
        let leading = ["runId", "jobId", "cluster", "state", "done"]
        var keys = leading.filter { object[$0] != nil } + object.keys.filter { !leading.contains($0) && $0 != "mode" }.sorted()
        if object["log"] != nil { keys.removeAll { $0 == "logs" } }
        // SLURM's `elapsed` text beside its seconds: the seconds, shown as a duration, say it once
        keys.removeAll { object[$0 + "Seconds"] != nil }
        let labelWidth = keys.map { label($0).count }.max() ?? 0
        var nested: [(String, JSONValue)] = []
        for key in keys where !trailingKeys.contains(key) {
            let value = object[key]!
            switch value {
            case .string(let text) where text.contains("\n") || ["script", "log"].contains(key):
                blocks.append((label(key), text))
            case .object(let inner) where !inner.isEmpty:
                nested.append((key, value))
            case .array(let items) where items.contains(where: { if case .object = $0 { return true } else { return false } }):
                nested.append((key, value))
            default:
                let shown = scalar(value, key: key)
                let painted = key == "state" || key.hasSuffix("State") ? palette.paint(shown, Palette.role(forState: shown) ?? .emphasis) : shown
                lines.append(indent + palette.paint(DisplayWidth.pad(label(key), to: labelWidth), .muted) + "  " + painted)
            }
        }
        for (key, value) in nested {
            switch value {
            case .object(let inner):
                lines.append(indent + palette.paint(label(key), .header))
                render(object: inner, indent: indent + "  ", lines: &lines, blocks: &blocks, palette: palette, maxWidth: maxWidth)
            case .array(let items):
                lines.append(indent + palette.paint("\(label(key)) (\(items.count))", .header))
                let table = self.table(items, maxWidth: maxWidth.map { $0 - indent.count - 2 })
                lines += table.render(maxWidth: maxWidth.map { $0 - indent.count - 2 }, palette: palette)
                    .split(separator: "\n").map { indent + "  " + $0 }
            default: break
            }
        }
        for key in keys where trailingKeys.contains(key) {
            let text: String
            switch object[key]! {
            case .array(let items): text = items.map { scalar($0, key: key) }.joined(separator: "\n  ")
            default: text = scalar(object[key]!, key: key)
            }
            lines.append(indent + palette.paint("\(label(key)): ", .warning) + text)
        }
    }

    /// Records as a table; columns in the order the first record names
    /// them, a column nobody filled left out.
    package static func table(_ items: [JSONValue], maxWidth: Int?) -> TextTable {
        var order: [String] = []
        for case .object(let object) in items {
            for key in object.keys.sorted(by: columnOrder) where !order.contains(key) { order.append(key) }
        }
        // the workspace path beside the path relative to it says the same thing twice
        if order.contains("relativePath") { order.removeAll { $0 == "localPath" } }
        order.removeAll { key in items.allSatisfy { if case .object(let o) = $0 { return o[key] == nil || o[key] == .null } else { return true } } }
        var table = TextTable(order.map { key in
            TextTable.Column(label(key).uppercased(), alignRight: key == "size" || key.hasSuffix("Bytes"),
                             cut: key.lowercased().contains("path") || key == "id" ? .middle : .end, minWidth: 8)
        })
        for item in items {
            guard case .object(let object) = item else { table.append(order.map { _ in .init(scalar(item, key: "")) }); continue }
            table.append(order.map { key in .init(object[key].map { scalar($0, key: key) } ?? "-") })
        }
        return table
    }

    /// Short, readable names first (relativePath before localPath…).
    package static func columnOrder(_ a: String, _ b: String) -> Bool {
        let first = ["id", "relativePath", "path", "jobId", "state", "size", "sha256", "sent", "verified"]
        let ia = first.firstIndex(of: a) ?? first.count, ib = first.firstIndex(of: b) ?? first.count
        return ia != ib ? ia < ib : a < b
    }

    /// `bytesSent` → `bytes sent`.
    package static func label(_ key: String) -> String {
        var out = ""
        for character in key {
            if character.isUppercase, !out.isEmpty { out += " " + character.lowercased() } else { out.append(character) }
        }
        return out.replacingOccurrences(of: "_", with: " ")
    }

    package static func scalar(_ value: JSONValue, key: String) -> String {
        let lower = key.lowercased()
        switch value {
        case .null: return "-"
        case .bool(let b): return b ? "yes" : "no"
        case .int(let n):
            if lower == "size" || lower.hasSuffix("bytes") || lower.hasPrefix("bytes") { return HumanTime.bytes(n) }
            if lower.hasSuffix("seconds") { return HumanTime.duration(Int(n)) }
            return String(n)
        case .double(let d): return String(d)
        case .string(let s):
            if lower.hasSuffix("sha256"), s.count == 64 { return String(s.prefix(12)) }
            return DisplayWidth.oneLine(s)
        case .array(let items): return items.isEmpty ? "-" : items.map { scalar($0, key: key) }.joined(separator: ", ")
        case .object(let object):
            return object.keys.sorted().map { "\($0)=\(scalar(object[$0]!, key: $0))" }.joined(separator: ", ")
        }
    }
}
