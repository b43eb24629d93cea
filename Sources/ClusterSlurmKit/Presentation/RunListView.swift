import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs list` as a table: one run a line, newest first.
public enum RunListView {
    public static func render(_ rows: [RunSummaryRow], now: Date, utcOffset: Int, palette: Palette, maxWidth: Int?) -> String {
        var table = TextTable([
            .init("RUN", cut: .middle, minWidth: 24), .init("CLUSTER", cut: .middle, minWidth: 9, dropRank: 4),
            .init("PARTITION", cut: .end, minWidth: 5, dropRank: 2), .init("CREATED", dropRank: 5), .init("QUEUED", alignRight: true, dropRank: 1),
            .init("RAN", alignRight: true), .init("STATE"), .init("EXIT"), .init("GPUS", alignRight: true, dropRank: 3),
            .init("NOTE", cut: .end, minWidth: 10, dropRank: 6),
        ])
        for row in rows {
            let created = Timestamp.parse(row.created).map { HumanTime.relative($0, now: now, utcOffset: utcOffset) } ?? row.created
            let state = row.last_state ?? "-"
            table.append([
                .init(row.run_id), .init(row.cluster), .init(row.partition ?? "-"), .init(created),
                .init(row.queued_seconds.map(HumanTime.duration) ?? "-"), .init(row.elapsed_seconds.map(HumanTime.duration) ?? "-"),
                .init(state, Palette.role(forState: state)), .init(exitText(row.exit_code)), .init(row.gpus.map(String.init) ?? "-"),
                .init(note(row), .muted),
            ])
        }
        return table.render(maxWidth: maxWidth, palette: palette)
    }

    /// `0` for a clean exit, `1` for exit 1, `sig 9` for a signal.
    public static func exitText(_ exitCode: String?) -> String {
        guard let exitCode else { return "-" }
        let parts = exitCode.split(separator: ":")
        guard parts.count == 2 else { return exitCode }
        return parts[1] != "0" ? "sig \(parts[1])" : String(parts[0])
    }

    /// Why it ended badly, else the replay verdict, else what it was for.
    package static func note(_ row: RunSummaryRow) -> String {
        let failed = Palette.role(forState: row.last_state) == .bad || Palette.role(forState: row.last_state) == .warning
        if failed {
            let lastLine = row.stderr_tail?.split(separator: "\n").last.map(String.init)
            let reason = EndFacts.reason(row.reason)
            if let text = [reason, lastLine].compactMap({ $0 }).first { return text }
        }
        if let parent = row.replay_of { return "replay of \(parent): \(row.verdict ?? "not verified")" }
        return row.workload ?? ""
    }
}
