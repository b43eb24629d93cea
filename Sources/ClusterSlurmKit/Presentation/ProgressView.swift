import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A progress line: `uploading 3 files · 120 MiB of 300 MiB (40%) · 45 MiB/s · 4s left`.
public enum ProgressView {
    public static func line(_ event: ProgressEvent, elapsedSeconds: Double) -> String {
        var parts = [event.phase.rawValue + (event.files > 0 ? " \(event.files) file\(event.files == 1 ? "" : "s")" : "")]
        let rate = elapsedSeconds > 0.2 ? Double(event.bytesDone) / elapsedSeconds : nil
        if let total = event.bytesTotal, total > 0 {
            let percent = Int(Double(event.bytesDone) * 100 / Double(total))
            parts.append("\(HumanTime.bytes(event.bytesDone)) of \(HumanTime.bytes(total)) (\(min(percent, 100))%)")
        } else {
            parts.append(HumanTime.bytes(event.bytesDone))
        }
        if let rate, rate > 0 {
            parts.append("\(HumanTime.bytes(Int64(rate)))/s")
            if let total = event.bytesTotal, total > event.bytesDone {
                parts.append("\(HumanTime.duration(Int((Double(total - event.bytesDone) / rate).rounded(.up)))) left")
            }
        }
        return parts.joined(separator: " · ")
    }
}
