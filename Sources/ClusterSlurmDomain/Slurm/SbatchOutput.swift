import ClusterSlurmSupport

/// Parses `sbatch --parsable` output: `ID` or `ID;cluster`. Lines printed
/// by login scripts around it are ignored; no other number is ever taken
/// for a job id (the reference fell back to "any 3+ digit number").
public enum SbatchOutput {
    public struct Parsed: Sendable, Equatable {
        public let jobId: String
        public let cluster: String?

        /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
        package init(jobId: String, cluster: String?) {
            self.jobId = jobId
            self.cluster = cluster
        }
    }

    public static func parse(_ stdout: String) -> Parsed? {
        for line in stdout.split(whereSeparator: \.isNewline).reversed() {
            let text = line.trimmingCharacters(in: .whitespaces)
            let parts = text.split(separator: ";", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
            if parts.count == 2 {
                let cluster = parts[1]
                guard !cluster.isEmpty, cluster.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else { continue }
                return Parsed(jobId: String(parts[0]), cluster: String(cluster))
            }
            return Parsed(jobId: String(parts[0]), cluster: nil)
        }
        return nil
    }
}
