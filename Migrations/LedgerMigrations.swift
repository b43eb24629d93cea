/// The ledger's schema migrations, in the order they must be applied.
/// A migration is never edited once shipped; changes come as a new file.
public enum LedgerMigrations {
    public static let all: [(name: String, sql: String)] = [
        ("0001_initial", String(decoding: PackageResources._001_initial_sql, as: UTF8.self)),
        ("0002_archive_and_views", String(decoding: PackageResources._002_archive_and_views_sql, as: UTF8.self)),
        ("0003_submit_intent", String(decoding: PackageResources._003_submit_intent_sql, as: UTF8.self)),
        ("0004_poll_state", String(decoding: PackageResources._004_poll_state_sql, as: UTF8.self)),
        ("0005_fingerprint", String(decoding: PackageResources._005_fingerprint_sql, as: UTF8.self)),
        ("0006_remote_stat", String(decoding: PackageResources._006_remote_stat_sql, as: UTF8.self)),
        ("0007_run_status_check", String(decoding: PackageResources._007_run_status_check_sql, as: UTF8.self)),
        ("0008_job_truth", String(decoding: PackageResources._008_job_truth_sql, as: UTF8.self)),
        ("0009_secret_fingerprint", String(decoding: PackageResources._009_secret_fingerprint_sql, as: UTF8.self)),
        ("0010_reporting", String(decoding: PackageResources._010_reporting_sql, as: UTF8.self)),
        ("0011_local_hash_cache", String(decoding: PackageResources._011_local_hash_cache_sql, as: UTF8.self)),
        ("0012_arrays_dependencies_retries", String(decoding: PackageResources._012_arrays_dependencies_retries_sql, as: UTF8.self)),
        ("0013_metrics_tags_notes", String(decoding: PackageResources._013_metrics_tags_notes_sql, as: UTF8.self)),
        ("0014_environment", String(decoding: PackageResources._014_environment_sql, as: UTF8.self)),
        ("0015_after_release", String(decoding: PackageResources._015_after_release_sql, as: UTF8.self)),
    ]
}
