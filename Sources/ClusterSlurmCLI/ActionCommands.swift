import Foundation
import ArgumentParser
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
import ClusterSlurmKit
import ClusterSlurmTool

struct ListClustersCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "list-clusters", abstract: "List the configured cluster profiles and the routing rules.",
        discussion: "Example: cluster-slurm list-clusters --json")
    @OptionGroup var options: GlobalOptions
    func run() async throws {
        let loaded = try options.loadConfig()
        let result = ListClusters.run(config: loaded.config)
        if options.json { print(try CanonicalJSON.pretty(result)); return }
        let terminal = Terminal(json: false)
        print(ClusterListView.render(result, palette: terminal.palette, maxWidth: terminal.width))
    }
}

struct InitRunCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "init-run", abstract: "Create a run (local and remote dirs) or show an existing one.",
        discussion: "Example: cluster-slurm init-run --cluster gautschi-cpu --prefix numpy")
    @OptionGroup var options: GlobalOptions
    @Option(help: "The cluster profile to use (default: routing's default).") var cluster: String?
    @Option(name: .customLong("run-id"), help: "Reuse or create this run id.") var runId: String?
    @Option(help: "A prefix for the generated run id.") var prefix: String?
    func run() async throws {
        var call = CLICall(.initRun)
        call.set(.cluster, cluster); call.set(.runId, runId); call.set(.prefix, prefix)
        let result = try await runAction(call, options: options)
        if !options.json, case .string(let id)? = result?["run"]?["runId"] {
            Output.note("next: cluster-slurm upload --run-id \(id) FILES…, then render-job --run-id \(id) --command '…'")
        }
    }
}

struct UploadCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "upload", abstract: "Upload files and folders from the workspace into a run's remote dir, verified by sha256.",
        discussion: "Example: cluster-slurm upload --run-id numpy-20261129-101500 data/input.csv scripts/")
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("run-id"), help: "The run to upload into.") var runId: String
    @Option(name: .customLong("remote-dir"), help: "A sub-directory of the run dir to upload into.") var remoteDir: String?
    @Argument(help: "Files or folders inside the workspace.") var localPaths: [String]
    func run() async throws {
        var call = CLICall(.upload)
        call.set(.runId, runId); call.set(.remoteDir, remoteDir); call.set(.localPaths, localPaths)
        let result = try await runAction(call, options: options)
        // Files land by name (as the reference places them), folders keep their layout: a path
        // given with a folder in it whose name arrived alone was a file placed by its name.
        guard !options.json, case .array(let uploaded)? = result?["uploaded"] else { return }
        let names = Set(uploaded.compactMap { entry -> String? in if case .string(let name)? = entry["relativePath"] { name } else { nil } })
        if let flattened = localPaths.first(where: { $0.contains("/") && names.contains(($0 as NSString).lastPathComponent) }) {
            Output.note("files land in the run dir by name (\(flattened) → \((flattened as NSString).lastPathComponent)); upload the folder to keep its layout, or use --remote-dir")
        }
    }
}

/// Options shared by the commands that render a script. Each becomes the
/// tool field of the same name; what is checked is checked by tool parsing.
struct ScriptOptions: ParsableArguments {
    @Option(name: .customLong("command"), help: "A command line of the job (repeat for several).") var commands: [String] = []
    @Option(help: "A natural-language summary of the work (used for GPU routing).") var workload: String?
    @Option(name: .customLong("env"), help: "NAME=value exported in the job (repeat for several).") var env: [String] = []
    @Option(name: .customLong("header"), help: "A slurmDefaults override as key=value, e.g. time=00:10:00 (repeat).") var headers: [String] = []
    @Option(name: .customLong("script-name"), help: "The script's file name in the run dir.") var scriptName: String?
    @Option(help: "The run's parameters, a JSON object (the job sees it as CLUSTER_SLURM_PARAMS).") var params: String?
    @Option(help: "Make the job an array: a spec such as 0-19%4, or @FILE, a JSON list of parameter objects (one task each).") var array: String?
    @Option(name: .customLong("array-max-running"), help: "At most this many array tasks at once.") var arrayMaxRunning: Int?
    @Option(name: .customLong("metrics-file"), help: "An outputs file (e.g. outputs/metrics.json, a JSON object of name → number) whose numbers become the run's metrics when downloaded.") var metricsFile: String?
    @Option(name: .customLong("setup-command"), help: "A call-level setup command (needs --allow-env-overrides).") var setupCommands: [String] = []
    @Option(name: .customLong("module"), help: "A call-level module (needs --allow-env-overrides).") var modules: [String] = []
    @Flag(name: .customLong("allow-env-overrides"), help: "Allow call-level environment changes (needs execution.allowCustomEnvOverride).") var allowEnvOverrides = false

    /// The flags as tool fields: `NAME=value` and `key=value` lists become
    /// objects, `--params` and `--array @FILE` are read as JSON.
    func apply(to call: inout CLICall) throws {
        if let params {
            guard let value = try? JSONValue.parse(Data(params.utf8)) else {
                throw ClusterSlurmError.invalidInput("must be a JSON object such as '{\"lr\": 0.01}' (got \(params.prefix(60)))", path: "--params")
            }
            call.set(.params, json: value)
        }
        if let array {
            var value = JSONValue.string(array)
            if array.hasPrefix("@") {
                let file = String(array.dropFirst())
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ClusterSlurmError.invalidInput("cannot read \(file) (give @FILE, a JSON list of parameter objects)", path: "--array")
                }
                do { value = try JSONValue.parse(data) } catch {
                    throw ClusterSlurmError.invalidInput("\(file) is not JSON: \(error)", path: "--array")
                }
            }
            call.set(.array, json: value)
        }
        call.set(.arrayMaxRunning, arrayMaxRunning)
        call.set(.commands, commands)
        call.set(.workload, workload)
        if !env.isEmpty {
            var values: [String: JSONValue] = [:]
            for entry in env {
                guard let eq = entry.firstIndex(of: "=") else {
                    throw ClusterSlurmError.invalidInput("must be NAME=value (got \"\(entry)\")", path: "--env")
                }
                values[String(entry[..<eq])] = .string(String(entry[entry.index(after: eq)...]))
            }
            call.set(.env, json: .object(values))
        }
        if !headers.isEmpty {
            var object: [String: JSONValue] = [:]
            for entry in headers {
                guard let eq = entry.firstIndex(of: "=") else {
                    throw ClusterSlurmError.invalidInput("must be key=value (got \"\(entry)\")", path: "--header")
                }
                let key = String(entry[..<eq]), value = String(entry[entry.index(after: eq)...])
                if SlurmDirectives.integerKeys.contains(key), let number = Int64(value) { object[key] = .int(number) }
                else { object[key] = .string(value) }
            }
            call.set(.headerOverrides, json: .object(object))
        }
        call.set(.scriptName, scriptName)
        call.set(.metricsFile, metricsFile)
        call.set(.setupCommands, setupCommands)
        call.set(.modules, modules)
        if allowEnvOverrides { call.set(.allowEnvOverrides, flag: true) }
    }
}

struct RenderJobCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "render-job", abstract: "Render a run's SLURM batch script locally (no SSH) and record it.",
        discussion: "Example: cluster-slurm render-job --cluster gautschi-cpu --command 'python3 train.py' --header time=00:30:00")
    @OptionGroup var options: GlobalOptions
    @Option(help: "The cluster profile.") var cluster: String?
    @Option(name: .customLong("run-id"), help: "The run (created when missing).") var runId: String?
    @Option(help: "A prefix for a generated run id.") var prefix: String?
    @OptionGroup var script: ScriptOptions
    func run() async throws {
        var call = CLICall(.renderJob)
        call.set(.cluster, cluster); call.set(.runId, runId); call.set(.prefix, prefix)
        try script.apply(to: &call)
        let result = try await runAction(call, options: options)
        if runId == nil, !options.json, case .string(let id)? = result?["runId"] {
            Output.note("rendered into a new run \(id) (no --run-id given); submit it with: cluster-slurm submit-job --run-id \(id)")
        }
    }
}

struct SubmitJobCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "submit-job", abstract: "Submit a run's script with sbatch --parsable (script written and submitted in one round trip).",
        discussion: "Example: cluster-slurm submit-job --run-id numpy-20261129-101500")
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("run-id"), help: "The run.") var runId: String
    @Option(name: .customLong("script-path"), help: "A script in the workspace (default: the run's rendered script).") var scriptPath: String?
    @Option(name: .customLong("script-name"), help: "The script's name in the run dir.") var scriptName: String?
    @Option(name: .customLong("submit-arg"), parsing: .unconditionalSingleValue, help: "An extra sbatch option (repeat).") var submitArgs: [String] = []
    @Flag(name: .customLong("allow-repeated-failures"), help: "Submit even though this exact workload failed several times in a row (a person's override of the loop breaker).") var allowRepeatedFailures = false
    @Flag(name: .customLong("custom-script"), help: "Submit a script this ledger did not render (a person's choice; the policy's held-job check still applies).") var customScript = false
    @Option(help: "Start only after this run: RUN (completed), RUN:any (ended) or RUN:notok (failed); repeat for several.") var after: [String] = []
    func run() async throws {
        var call = CLICall(.submitJob)
        call.set(.after, after)
        call.person = PersonOverrides(allowRepeatedFailures: allowRepeatedFailures, allowCustomScript: customScript)
        call.set(.runId, runId); call.set(.scriptPath, scriptPath); call.set(.scriptName, scriptName); call.set(.submitArgs, submitArgs)
        try await runAction(call, options: options)
    }
}

struct JobStatusCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "job-status", abstract: "Show jobs' states: any number of jobs in one squeue and one sacct, one round trip.",
        discussion: "Example: cluster-slurm job-status 12345 12346 12347 --include-accounting")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The SLURM job ids.") var jobIds: [String]
    @Option(help: "The cluster (default: the one the ledger submitted them to).") var cluster: String?
    @Option(name: .customLong("run-id"), help: "The run the job belongs to (its cluster is then the run's).") var runId: String?
    @Flag(name: .customLong("include-accounting"), help: "Include sacct accounting fields.") var includeAccounting = false
    @Flag(help: "Ask the cluster even about jobs the ledger has seen end.") var refresh = false
    func run() async throws {
        if jobIds.count == 1 {
            var call = CLICall(.jobStatus)
            call.set(.jobId, jobIds[0]); call.set(.cluster, cluster); call.set(.runId, runId)
            if includeAccounting { call.set(.includeAccounting, flag: true) }
            call.person.refresh = refresh
            try await runAction(call, options: options)
            return
        }
        let context = try options.makeContext()
        let ids = try jobIds.map { try JobId.validate($0) }
        let target = try JobStatusAction.resolveCluster(explicit: cluster, jobId: ids.first, runId: try runId.map { try RunId.validate($0) },
                                                        context: context)
        let statuses = try await JobStatusAction.observe(jobIds: ids, cluster: target, context: context, refresh: refresh)
        let ordered = ids.map { statuses[$0] ?? JobStatus.notFound($0) }
        if options.json { print(try CanonicalJSON.pretty(ordered)) } else {
            for s in ordered {
                print("\(s.jobId)\t\(s.state)\t\(s.source.rawValue)\t\(s.exitCode ?? "-")\(s.error.map { "\tcould not determine: \($0)" } ?? "")")
            }
        }
        // Any job whose state could not be determined makes the command fail (4), after printing the rest.
        let undetermined = ordered.filter { $0.error != nil }
        if !undetermined.isEmpty {
            FileHandle.standardError.write(Data("error: could not determine the state of \(undetermined.count) of \(ordered.count) job(s): \(undetermined.map(\.jobId).joined(separator: " "))\n".utf8))
            throw ExitCode(4)
        }
    }
}

struct HashCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sha256", abstract: "Print files' SHA-256 the way the ledger computes them (streaming, swift-crypto).",
        discussion: "Example: cluster-slurm sha256 data/input.csv")
    @Argument(help: "Files to hash.") var files: [String]
    func run() async throws {
        for file in files {
            let (sha, _) = try Hashing.sha256Hex(fileAt: file)
            print("\(sha)  \(file)")
        }
    }
}

struct JobLogsCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "job-logs", abstract: "Show the tail of a job's stdout and stderr, or follow them while it runs (--follow).",
        discussion: """
        With --follow the job's stdout streams to stdout and its stderr to stderr as they grow, until the job leaves the
        queue (one ssh session; files read every 2 s, squeue asked no more often than polling allows). Exit 0 when it
        ended, 124 after --max-wait.
        Example: cluster-slurm job-logs --run-id numpy-20261129-101500 --tail 50 --follow
        """)
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("run-id"), help: "The run.", completion: .custom(Completions.runIds)) var runId: String?
    @Option(name: .customLong("job-id"), help: "The job.") var jobId: String?
    @Option(name: .customLong("remote-path"), help: "A file to read instead (relative to the run dir, or absolute).") var remotePath: String?
    @Option(help: "Lines to show (1-20000, default 200).") var tail: Int?
    @Option(help: "The cluster.", completion: .custom(Completions.clusters)) var cluster: String?
    @Flag(help: "Keep printing what the logs gain until the job ends.") var follow = false
    @Option(name: .customLong("max-wait"), help: "With --follow: stop after this many seconds (exit 124).") var maxWait: Int?
    @Option(help: "A task of the job array (its own logs).") var task: Int?
    func run() async throws {
        guard follow else {
            var call = CLICall(.jobLogs)
            call.set(.runId, runId); call.set(.jobId, jobId); call.set(.remotePath, remotePath); call.set(.tail, tail)
            call.set(.cluster, cluster); call.set(.taskIndex, task)
            try await runAction(call, options: options)
            return
        }
        do {
            if remotePath != nil { throw ClusterSlurmError.invalidInput("--follow follows a job's own logs; give --run-id or --job-id", path: "--remote-path") }
            let context = try options.makeContext()
            let outcome = try await FollowLogs.run(.init(runId: runId, jobId: jobId, cluster: cluster, tail: tail, maxSeconds: maxWait, taskIndex: task),
                                                   context: context) { stream, text in
                let handle = stream == .stdout ? FileHandle.standardOutput : FileHandle.standardError
                handle.write(Data(DisplayWidth.block(text).utf8))
            }
            Output.note("job \(outcome.jobId) \(outcome.endState == "GONE" ? "left the queue" : "ended \(outcome.endState)"); `cluster-slurm check-workload` records how")
        } catch {
            let wrapped = ClusterSlurmError.wrapping(error)
            if maxWait != nil, wrapped.remoteProblem?.condition == .timeout {
                Output.note("stopped following after \(maxWait!) s (--max-wait); the job is still running")
                throw ExitCode(124)
            }
            throw error
        }
    }
}

struct DownloadCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "download", abstract: "Download files or folders from a run's remote dir into its local dir, verified by sha256.",
        discussion: "Example: cluster-slurm download --run-id numpy-20261129-101500 outputs")
    @OptionGroup var options: GlobalOptions
    @Option(name: .customLong("run-id"), help: "The run.") var runId: String?
    @Option(name: .customLong("local-path"), help: "Where to put it, inside the run's local dir.") var localPath: String?
    @Argument(help: "A path inside the run dir (relative, or absolute under it).") var remotePath: String
    func run() async throws {
        var call = CLICall(.download)
        call.set(.runId, runId); call.set(.localPath, localPath); call.set(.remotePath, remotePath)
        try await runAction(call, options: options)
    }
}

struct CancelJobCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "cancel-job", abstract: "Cancel a job this ledger submitted (scancel).",
        discussion: "Example: cluster-slurm cancel-job 12345")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The SLURM job id.") var jobId: String
    @Option(help: "The cluster.") var cluster: String?
    @Option(name: .customLong("run-id"), help: "The run the job belongs to.") var runId: String?
    func run() async throws {
        var call = CLICall(.cancelJob)
        call.set(.jobId, jobId); call.set(.cluster, cluster); call.set(.runId, runId)
        try await runAction(call, options: options)
    }
}

struct RunWorkloadCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "run-workload", abstract: "Route, upload, render and submit a workload; returns run and job ids at once.",
        discussion: "Example (in a copy of examples/local): cluster-slurm run-workload --workload 'NumPy statistics' --command 'python3 numpy_stats.py input.csv outputs/stats.json' --local-path numpy_stats.py --local-path input.csv")
    @OptionGroup var options: GlobalOptions
    @Option(help: "The cluster profile (default: routing decides).") var cluster: String?
    @Option(name: .customLong("run-id"), help: "Reuse this run id.") var runId: String?
    @Option(help: "A prefix for the generated run id.") var prefix: String?
    @OptionGroup var script: ScriptOptions
    @Option(name: .customLong("local-path"), help: "A workspace file or folder to upload (repeat).") var localPaths: [String] = []
    @Option(name: .customLong("submit-arg"), parsing: .unconditionalSingleValue, help: "An extra sbatch option (repeat).") var submitArgs: [String] = []
    @Flag(name: .customLong("no-gpu-fallback"), help: "Do not retry on the GPU profile when sbatch says a GPU is required.") var noFallback = false
    @Flag(name: .customLong("allow-repeated-failures"), help: "Submit even though this exact workload failed several times in a row (a person's override of the loop breaker).") var allowRepeatedFailures = false
    @Option(help: "Start only after this run: RUN (completed), RUN:any (ended) or RUN:notok (failed); repeat for several.") var after: [String] = []
    func run() async throws {
        var call = CLICall(.runWorkload)
        call.set(.after, after)
        call.person.allowRepeatedFailures = allowRepeatedFailures
        call.set(.cluster, cluster); call.set(.runId, runId); call.set(.prefix, prefix); call.set(.localPaths, localPaths)
        call.set(.submitArgs, submitArgs)
        if noFallback { call.set(.autoFallbackToGpu, flag: false) }
        try script.apply(to: &call)
        try await runAction(call, options: options)
    }
}

struct CheckWorkloadCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "check-workload", abstract: "Show the state of a run's job and whether it is done.",
        discussion: "Example: cluster-slurm check-workload numpy-20261129-101500")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run id.") var runId: String
    @Option(name: .customLong("job-id"), help: "A specific job of the run.") var jobId: String?
    @Option(help: "The cluster (default: the run's).", completion: .custom(Completions.clusters)) var cluster: String?
    @Flag(name: .customLong("include-accounting"), help: "Include sacct accounting fields.") var includeAccounting = false
    @Flag(help: "Ask the cluster even when the ledger has seen the job end (an ended job is otherwise final).") var refresh = false
    @Option(help: "Wait up to this long for the job to end (90, 90s, 15m; at most polling.maxWaitSeconds): one ssh session watches for the job's end announcement, asking SLURM only now and then.")
    var wait: String?
    func run() async throws {
        var call = CLICall(.checkWorkload)
        call.set(.runId, runId); call.set(.jobId, jobId); call.set(.cluster, cluster)
        if includeAccounting { call.set(.includeAccounting, flag: true) }
        if let wait {
            guard let seconds = WaitDuration.seconds(wait) else {
                throw ClusterSlurmError.invalidInput("--wait takes a duration such as 90, 90s, 15m or 1h (got \"\(wait)\")", path: "--wait")
            }
            call.set(.waitSeconds, seconds)
        }
        call.person.refresh = refresh
        try await runAction(call, options: options)
    }
}

struct FetchWorkloadLogsCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "fetch-workload-logs", abstract: "Show stdout and stderr of a run's job, with a pip hint for missing modules.",
        discussion: "Example: cluster-slurm fetch-workload-logs numpy-20261129-101500 --tail 100")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run id.") var runId: String
    @Option(name: .customLong("job-id"), help: "A specific job of the run.") var jobId: String?
    @Option(help: "The cluster (default: the run's).", completion: .custom(Completions.clusters)) var cluster: String?
    @Option(name: .customLong("remote-path"), help: "A file to read instead (relative to the run dir).") var remotePath: String?
    @Option(help: "Lines to show (1-20000, default 200).") var tail: Int?
    @Option(help: "A task of the run's job array (its own logs).") var task: Int?
    func run() async throws {
        var call = CLICall(.fetchWorkloadLogs)
        call.set(.runId, runId); call.set(.jobId, jobId); call.set(.cluster, cluster); call.set(.remotePath, remotePath)
        call.set(.tail, tail); call.set(.taskIndex, task)
        try await runAction(call, options: options)
    }
}

struct DownloadWorkloadOutputsCommand: AsyncParsableCommand, ReportsJSON {
    static let configuration = CommandConfiguration(
        commandName: "download-workload-outputs", abstract: "Download a run's outputs (a file, a folder or a glob) into its local dir.",
        discussion: "Example: cluster-slurm download-workload-outputs numpy-20261129-101500 --remote-path 'outputs/*.json'")
    @OptionGroup var options: GlobalOptions
    @Argument(help: "The run id.") var runId: String
    @Option(name: .customLong("remote-file"), help: "A file in the run dir (default result.json).") var remoteFile: String?
    @Option(name: .customLong("remote-path"), help: "A file, folder or glob in the run dir.") var remotePath: String?
    @Option(name: .customLong("local-path"), help: "Where to put it, inside the run's local dir.") var localPath: String?
    @Option(help: "A task of the run's job array: paths are taken from its tasks/N dir.") var task: Int?
    func run() async throws {
        var call = CLICall(.downloadWorkloadOutputs)
        call.set(.runId, runId); call.set(.remoteFile, remoteFile); call.set(.remotePath, remotePath); call.set(.localPath, localPath)
        call.set(.taskIndex, task)
        try await runAction(call, options: options)
    }
}
