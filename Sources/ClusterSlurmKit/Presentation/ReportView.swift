import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `runs report`: the ledger's summary for a period, as the browser's
/// canned queries show it.
public enum ReportView {
    public static func render(_ report: LedgerReport, sinceText: String, now: Date, utcOffset: Int, palette: Palette, maxWidth: Int?) -> String {
        var lines = [palette.paint("runs since \(sinceText)", .header)
                     + (Timestamp.parse(report.since).map { " (\(HumanTime.absolute($0, utcOffset: utcOffset)))" } ?? "")]
        if report.clusters.isEmpty { lines.append("  no runs in this period"); return lines.joined(separator: "\n") }
        var totals = TextTable([.init("CLUSTER", cut: .middle), .init("RUNS", alignRight: true), .init("COMPLETED", alignRight: true),
                                .init("FAILED", alignRight: true), .init("ACTIVE", alignRight: true), .init("RAN", alignRight: true),
                                .init("GPU HOURS", alignRight: true)])
        for c in report.clusters {
            totals.append([.init(c.cluster), .init(String(c.runs)), .init(String(c.completed), .good), .init(String(c.failed), c.failed > 0 ? .bad : nil),
                           .init(String(c.active)), .init(HumanTime.duration(c.elapsed_seconds)), .init(String(format: "%.2f", c.gpu_hours))])
        }
        lines.append(totals.render(maxWidth: maxWidth, palette: palette))
        lines.append("")
        lines.append(palette.paint("failed (\(report.failed.count)\(report.failed.count >= 20 ? ", newest 20" : ""))", .header))
        if report.failed.isEmpty { lines.append("  none") } else {
            var failed = TextTable([.init("RUN", cut: .middle, minWidth: 12), .init("CREATED"), .init("PARTITION"), .init("GPUS", alignRight: true),
                                    .init("STATE"), .init("EXIT"), .init("WHY", cut: .end, minWidth: 12)])
            for f in report.failed {
                let created = Timestamp.parse(f.created).map { HumanTime.relative($0, now: now, utcOffset: utcOffset) } ?? f.created
                let why = [EndFacts.reason(f.reason), f.stderr_tail?.split(separator: "\n").last.map(String.init)]
                    .compactMap { $0 }.joined(separator: "; ")
                failed.append([.init(f.run_id), .init(created), .init(f.partition ?? "-"), .init(f.gpus.map(String.init) ?? "-"),
                               .init(f.state, .bad), .init(RunListView.exitText(f.exit_code)), .init(why.isEmpty ? "-" : why, .muted)])
            }
            lines.append(failed.render(maxWidth: maxWidth, palette: palette))
        }
        if !report.replaysNotReproduced.isEmpty {
            lines.append("")
            lines.append(palette.paint("replays that did not reproduce (\(report.replaysNotReproduced.count))", .header))
            for r in report.replaysNotReproduced {
                lines.append("  \(r.run_id) (replay of \(r.replay_of)): \(r.verdict ?? "not verified yet")\(r.differing.map { " in \($0)" } ?? "")")
            }
        }
        return lines.joined(separator: "\n")
    }
}
