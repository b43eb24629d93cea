import Foundation
import ClusterSlurmSupport

/// The parts of a first contact's output (`RemoteScripts.firstContact`):
/// the claim's answer, the upload's report, the submit's markers. Each part
/// is read only from its own section, so a file name printed in the upload
/// report can never pass for a marker of the submit.
public struct FirstContactStages: Sendable, Equatable {
    public var token: String

    public init(token: String) { self.token = token }

    /// Printed before the upload's report; no file name can hold it (NULs and this attempt's random token).
    public var uploadMark: String { "\0@@STAGE-\(token) upload\0" }
    public var submitMark: String { "\0@@STAGE-\(token) submit\0" }

    public struct Sections: Sendable, Equatable {
        /// The claimed run dir's physical path (what the claim printed).
        public var claimed: String
        /// The upload's report; nil when the program stopped before it (the claim failed).
        public var upload: String?
        /// The submit program's output; nil when the program stopped before it.
        public var submit: String?
    }

    public func split(_ text: String) -> Sections {
        guard let uploadStart = text.range(of: uploadMark) else {
            return Sections(claimed: text.trimmingCharacters(in: .whitespacesAndNewlines), upload: nil, submit: nil)
        }
        let claimed = String(text[..<uploadStart.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
        let rest = text[uploadStart.upperBound...]
        guard let submitStart = rest.range(of: submitMark) else { return Sections(claimed: claimed, upload: String(rest), submit: nil) }
        return Sections(claimed: claimed, upload: String(rest[..<submitStart.lowerBound]), submit: String(rest[submitStart.upperBound...]))
    }
}
