// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Every file of a resource directory, found here rather than listed: the
/// Swift side names each accessor once, and a unit test holds that list to
/// the directory.
func embedded(_ directory: String, _ suffix: String) -> [Resource] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: Context.packageDirectory + "/" + directory)) ?? []
    return names.filter { $0.hasSuffix(suffix) }.sorted().map { .embedInCode($0) }
}

let package = Package(
    name: "cluster-slurm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cluster-slurm", targets: ["cluster-slurm"]),
        .executable(name: "cluster-slurm-mcp", targets: ["cluster-slurm-mcp"]),
        .library(name: "ClusterSlurmKit", targets: ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote",
                                                   "ClusterSlurmKit", "ClusterSlurmTool"]),
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
        // The core, one target per layer; each imports only the layers below it,
        // so an upward dependency does not build. Members shared across
        // layers are `package`, what interfaces use is `public`.
        //   Support ← Domain (config, slurm output, rendering, routing, policy)
        //           ← Ledger (all SQL), Remote (ssh, the login-node programs)
        //           ← Kit (actions, presentation) ← Tool (the tool's parameters, schema, dispatch)
        .target(
            name: "ClusterSlurmSupport",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Sources/ClusterSlurmSupport"
        ),
        .target(
            name: "ClusterSlurmDomain",
            dependencies: ["ClusterSlurmSupport"],
            path: "Sources/ClusterSlurmDomain"
        ),
        .target(
            name: "ClusterSlurmLedger",
            dependencies: ["ClusterSlurmSupport", "ClusterSlurmDomain", "LedgerMigrations",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/ClusterSlurmLedger"
        ),
        .target(
            name: "ClusterSlurmRemote",
            dependencies: ["ClusterSlurmSupport", "ClusterSlurmDomain", "RemotePrograms",
                           .product(name: "Subprocess", package: "swift-subprocess")],
            path: "Sources/ClusterSlurmRemote"
        ),
        .target(
            name: "ClusterSlurmKit",
            dependencies: [
                "ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote",
                .product(name: "Rainbow", package: "Rainbow"), .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Sources/ClusterSlurmKit"
        ),
        .target(
            name: "ClusterSlurmTool",
            dependencies: ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmKit"],
            path: "Sources/ClusterSlurmTool"
        ),
        // The command line: commands, human output, signals. Thin: parse, call an action, print.
        .target(
            name: "ClusterSlurmCLI",
            dependencies: [
                "ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote", "ClusterSlurmKit", "ClusterSlurmTool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ClusterSlurmCLI"
        ),
        // The MCP server, built on the same tool parsing and dispatch.
        .target(
            name: "ClusterSlurmMCP",
            dependencies: [
                "ClusterSlurmSupport", "ClusterSlurmKit", "ClusterSlurmTool",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            path: "Sources/ClusterSlurmMCP"
        ),
        // The schema lives at the top level as plain SQL files; this target embeds
        // them in the binary so no resource bundle has to ship beside it.
        .target(
            name: "LedgerMigrations",
            path: "Migrations",
            resources: embedded("Migrations", ".sql")
        ),
        // The bash programs run on login nodes, as plain files (shellcheck and
        // bash -n read them as they are); embedded like the migrations.
        .target(
            name: "RemotePrograms",
            path: "RemotePrograms",
            resources: embedded("RemotePrograms", ".bash")
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
            dependencies: ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote", "ClusterSlurmKit", "ClusterSlurmTool", "LedgerMigrations", "RemotePrograms"],
            path: "Tests/ClusterSlurmKitTests",
            exclude: ["Rendering/Snapshots", "Slurm/Fixtures", "Ledger/schema.golden.sql"]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["ClusterSlurmSupport", "ClusterSlurmDomain", "ClusterSlurmLedger", "ClusterSlurmRemote", "ClusterSlurmKit", "ClusterSlurmTool"],
            path: "Tests/IntegrationTests"
        ),
    ]
)
