/// The login-node programs as written in `RemotePrograms/*.bash`, embedded
/// in the binary (like the migrations). `RemoteScripts` composes them with
/// the values they are given; nothing here is run as is.
public enum RemoteProgramSources {
    /// File name without `.bash` → its text.
    public static let all: [String: String] = [
        "cancel": text(PackageResources.cancel_bash),
        "claim_run_dir": text(PackageResources.claim_run_dir_bash),
        "digest": text(PackageResources.digest_bash),
        "find_submission": text(PackageResources.find_submission_bash),
        "first_contact": text(PackageResources.first_contact_bash),
        "follow_files": text(PackageResources.follow_files_bash),
        "hash_files": text(PackageResources.hash_files_bash),
        "job_status": text(PackageResources.job_status_bash),
        "list_for_download": text(PackageResources.list_for_download_bash),
        "make_run_dir": text(PackageResources.make_run_dir_bash),
        "receive_upload": text(PackageResources.receive_upload_bash),
        "send_files": text(PackageResources.send_files_bash),
        "stat_files": text(PackageResources.stat_files_bash),
        "submit": text(PackageResources.submit_bash),
        "tail_files": text(PackageResources.tail_files_bash),
        "terminal_states": text(PackageResources.terminal_states_bash),
        "update_dependencies": text(PackageResources.update_dependencies_bash),
        "wait_for_end": text(PackageResources.wait_for_end_bash),
        "write_private_file": text(PackageResources.write_private_file_bash),
    ]

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
