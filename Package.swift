// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "cluster-slurm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cluster-slurm", targets: ["cluster-slurm"]),
        .executable(name: "cluster-slurm-mcp", targets: ["cluster-slurm-mcp"]),
        .library(name: "ClusterSlurmKit", targets: ["ClusterSlurmKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.2.2"),
    ],
    targets: [
        .target(
            name: "ClusterSlurmKit",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Rainbow", package: "Rainbow"),
                "LedgerMigrations",
            ],
            path: "Sources/ClusterSlurmKit"
        ),
        // The command line: commands, human output, signals. Thin: parse, call an action, print.
        .target(
            name: "ClusterSlurmCLI",
            dependencies: [
                "ClusterSlurmKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ClusterSlurmCLI"
        ),
        // The MCP server, built on the same tool parsing and dispatch.
        .target(
            name: "ClusterSlurmMCP",
            dependencies: [
                "ClusterSlurmKit",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            path: "Sources/ClusterSlurmMCP"
        ),
        // The schema lives at the top level as plain SQL files; this target embeds
        // them in the binary so no resource bundle has to ship beside it.
        .target(
            name: "LedgerMigrations",
            path: "Migrations",
            resources: [
                .embedInCode("0001_initial.sql"),
                .embedInCode("0002_archive_and_views.sql"),
                .embedInCode("0003_submit_intent.sql"),
                .embedInCode("0004_poll_state.sql"),
                .embedInCode("0005_fingerprint.sql"),
                .embedInCode("0006_remote_stat.sql"),
                .embedInCode("0007_run_status_check.sql"),
                .embedInCode("0008_job_truth.sql"),
                .embedInCode("0009_secret_fingerprint.sql"),
                .embedInCode("0010_reporting.sql"),
                .embedInCode("0011_local_hash_cache.sql"),
                .embedInCode("0012_arrays_dependencies_retries.sql"),
                .embedInCode("0013_metrics_tags_notes.sql"),
                .embedInCode("0014_environment.sql"),
                .embedInCode("0015_after_release.sql"),
            ]
        ),
        .executableTarget(
            name: "cluster-slurm",
            dependencies: ["ClusterSlurmCLI"],
            path: "Sources/cluster-slurm"
        ),
        // The MCP server in its own executable: the MCP SDK links FoundationNetworking
        // and libcurl, which no other command needs at start-up.
        .executableTarget(
            name: "cluster-slurm-mcp",
            dependencies: ["ClusterSlurmCLI", "ClusterSlurmMCP", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/cluster-slurm-mcp"
        ),
        .testTarget(
            name: "ClusterSlurmKitTests",
            dependencies: ["ClusterSlurmKit", "LedgerMigrations"],
            path: "Tests/ClusterSlurmKitTests",
            exclude: ["Rendering/Snapshots", "Slurm/Fixtures", "Ledger/schema.golden.sql"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["ClusterSlurmKit"],
            path: "Tests/IntegrationTests"
        ),
    ]
)
