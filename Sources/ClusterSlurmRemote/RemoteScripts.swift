import Foundation
import RemotePrograms
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Every bash program this tool runs on a login node: the files in
/// `RemotePrograms/` (each documents its arguments, input and output), given
/// the values they share with the Swift side as a `readonly` preamble.
///
/// None of them is ever assembled from caller data: paths, ids and names
/// arrive as positional parameters and are always used double-quoted.
/// Each program is one round trip; markers on stdout separate its parts.
public enum RemoteScripts {
    /// Every program by a name a person can ask for (`cluster-slurm remote-program NAME`).
    public static let all: [String: String] = [
        "make-run-dir": makeRunDirectory, "stat-files": statFiles, "hash-files": hashFiles, "receive-upload": receiveUpload,
        "submit": writeAndSubmit, "first-contact": firstContact, "find-submission": findSubmission, "claim-run-dir": claimRunDirectory,
        "job-status": jobStatus, "tail-files": tailFiles, "list-for-download": listForDownload, "send-files": sendFiles,
        "cancel": cancel, "write-private-file": writePrivateFile, "update-dependencies": updateDependencies, "follow-files": followFiles,
        "wait-for-end": waitForEnd,
    ]

    public static let makeRunDirectory = program("make_run_dir")
    public static let statFiles = program("stat_files")
    public static let hashFiles = program("hash_files")
    public static let receiveUpload = program("receive_upload", libraries: ["digest"])
    public static let writeAndSubmit = program("submit")
    public static let findSubmission = program("find_submission")
    public static let claimRunDirectory = program("claim_run_dir")
    public static let jobStatus = program("job_status")
    public static let tailFiles = program("tail_files")
    public static let listForDownload = program("list_for_download")
    public static let sendFiles = program("send_files", libraries: ["digest"])
    public static let cancel = program("cancel", libraries: ["terminal_states"])
    public static let writePrivateFile = program("write_private_file")
    public static let updateDependencies = program("update_dependencies")
    public static let followFiles = program("follow_files", libraries: ["terminal_states"])
    public static let waitForEnd = program("wait_for_end", libraries: ["terminal_states"])

    /// How many times a job's end announcement is confirmed with squeue
    /// (1, 2, 3… s apart) before the wait goes back to its sparse checks.
    public static let endConfirmationTries = 8

    /// A new run's one round trip: the claim, upload and submit programs, each
    /// unchanged in a subshell function of its own, run in turn by `first_contact`.
    public static let firstContact = compose(
        [("claim_run_dir", "claim_run_dir"), ("receive_upload", "receive_upload"), ("write_and_submit", "submit")]
            .map { function, file in "\(function)() (\n\(body(file))\n)" }.joined(separator: "\n") + "\n" + body("first_contact"),
        libraries: ["digest"])

    /// Files up to this size are hashed by the listing (reading them twice
    /// costs less than a hashing process each); larger ones are hashed while
    /// they are sent, so the cluster reads them once.
    public static let hashedWhileListedBytes = 4 << 20

    /// The values the programs and the Swift side must agree on, by the name
    /// the programs read them under.
    package static let shared: [(name: String, value: String)] = [
        ("EXIT_NO_DIR", String(RemoteExit.noDirectory.rawValue)),
        ("EXIT_IO", String(RemoteExit.inputOutput.rawValue)),
        ("EXIT_NOT_PLACED", String(RemoteExit.notPlaced.rawValue)),
        ("EXIT_CORRUPT", String(RemoteExit.corrupt.rawValue)),
        ("EXIT_RUN_DIR_TAKEN", String(RemoteExit.runDirectoryTaken.rawValue)),
        ("TERMINAL_STATES", JobState.terminal.map(\.rawValue).sorted().joined(separator: "|")),
        ("SQUEUE_FORMAT", SqueueOutput.format),
        ("SACCT_FIELDS", SacctOutput.fields.joined(separator: ",")),
        ("HASHED_WHILE_LISTED_BYTES", String(hashedWhileListedBytes)),
        ("ANNOUNCEMENTS", ScriptRenderer.announcementDirectory),
        ("CONFIRM_TRIES", String(endConfirmationTries)),
    ]

    package static func program(_ file: String, libraries: [String] = []) -> String {
        compose(body(file), libraries: libraries)
    }

    /// The values the text reads (and only those), the libraries, the text.
    package static func compose(_ text: String, libraries: [String]) -> String {
        let code = libraries.map(body).joined(separator: "\n") + "\n" + text
        let values = shared.filter { code.contains("$" + $0.name) || code.contains("${" + $0.name) }
        let preamble = values.isEmpty ? "" : "readonly " + values.map { "\($0.name)=\(Shell.quote($0.value))" }.joined(separator: " ") + "\n"
        return preamble + libraries.map { body($0) + "\n" }.joined() + text
    }

    /// A file's program without its leading comment block (the contract, for
    /// people reading the file; it need not travel with every call).
    package static func body(_ file: String) -> String {
        guard let source = RemoteProgramSources.all[file] else { preconditionFailure("no RemotePrograms/\(file).bash") }
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.hasPrefix("#") { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

/// The exit statuses the login-node programs end with on purpose (read by
/// the Swift side by these names; the programs read them as EXIT_*).
public enum RemoteExit: Int32, Sendable {
    /// The directory cannot be made, entered, or is outside where it must be.
    case noDirectory = 3
    /// Reading or writing failed (a short write, a broken stream).
    case inputOutput = 4
    /// The verified files could not be placed.
    case notPlaced = 5
    /// A stream arrived with another sha256 than the sender's.
    case corrupt = 6
    /// The run dir exists already: another ledger's run holds it.
    case runDirectoryTaken = 17
}
