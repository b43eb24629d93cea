import ClusterSlurmSupport

/// What goes into a job script besides the profile.
public struct RenderRequest: Sendable, Equatable {
    public var runId: String
    public var overrides: SlurmDirectives
    /// Exported before anything else runs; names are checked by `validateEnv`.
    public var env: [String: String]
    /// Call-level additions (only when the env policy allows them).
    public var extraSetupCommands: [String]
    public var extraModules: [String]
    public var commands: [String]
    /// Env names whose values must not be in the script: the job sources
    /// them from a private file in its run dir instead.
    public var secretNames: [String] = []
    /// The run's parameters (an object), exported as `CLUSTER_SLURM_PARAMS`.
    public var params: JSONValue?
    /// Makes the job an array (`#SBATCH --array`), each task with its own
    /// log files, task dir and (for a list) parameters.
    public var array: JobArray?

    public init(runId: String, overrides: SlurmDirectives = SlurmDirectives(), env: [String: String] = [:],
                extraSetupCommands: [String] = [], extraModules: [String] = [], commands: [String], secretNames: [String] = [],
                params: JSONValue? = nil, array: JobArray? = nil) {
        self.secretNames = secretNames
        self.params = params
        self.array = array
        self.runId = runId
        self.overrides = overrides
        self.env = env
        self.extraSetupCommands = extraSetupCommands
        self.extraModules = extraModules
        self.commands = commands
    }
}

public struct RenderedScript: Sendable, Equatable {
    public let text: String
    /// The directives as rendered, in order.
    public let directives: SlurmDirectives
    public let setupCommands: [String]
    public let modules: [String]
    public var sha256: String { Hashing.sha256Hex(text) }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(text: String, directives: SlurmDirectives, setupCommands: [String], modules: [String]) {
        self.text = text
        self.directives = directives
        self.setupCommands = setupCommands
        self.modules = modules
    }
}

/// Pure, deterministic rendering of a SLURM batch script.
///
/// Order: shebang, `#SBATCH` directives, env exports, module bootstrap,
/// `set -euo pipefail`, setupCommands, module loads, commands (in a subshell). Modules load after
/// setupCommands so a `module --force purge` there never unloads them, and
/// strict mode starts only after the login profile and module init ran (both
/// defects of the reference).
public enum ScriptRenderer {
    public static func render(profile: ClusterProfile, request: RenderRequest) throws -> RenderedScript {
        try validateEnv(request.env)
        guard !request.commands.isEmpty else {
            throw ClusterSlurmError.invalidInput("at least one command is required (command or commands[])", path: "commands")
        }
        for (index, command) in request.commands.enumerated() where command.contains("\0") {
            throw ClusterSlurmError.invalidInput("command must not contain NUL bytes", path: "commands[\(index)]")
        }
        var directives = profile.slurmDefaults.merged(with: request.overrides)
        if directives.jobName == nil { directives.jobName = request.runId }
        if request.array != nil {
            // Every task writes its own logs, found again by `%A_%a`.
            directives.output = ArrayLogs.taskPattern(directives.output ?? LogPathPattern.defaultOutput)
            if let error = directives.error { directives.error = ArrayLogs.taskPattern(error) }
        }
        if let gpus = directives.gpus, let perNode = directives.gpusPerNode {
            // As the reference: an ambiguous GPU request is refused, never silently resolved.
            let from = { (key: String) in request.overrides.value(for: key) != nil ? "headerOverrides.\(key)" : "slurmDefaults.\(key) of profile" }
            throw ClusterSlurmError.invalidInput(
                "set either gpus or gpusPerNode, not both gpus and gpusPerNode (gpus=\(gpus) from \(from("gpus")), gpusPerNode=\(perNode) from \(from("gpusPerNode"))); in headerOverrides give the one the profile uses",
                path: request.overrides.gpusPerNode != nil ? "headerOverrides.gpusPerNode" : "headerOverrides.gpus")
        }
        let setupCommands = profile.setupCommands + request.extraSetupCommands
        let modules = (directives.modules ?? []) + request.extraModules

        var lines: [String] = []
        lines.append(profile.loginShell ? "#!/bin/bash -l" : "#!/bin/bash")
        for (_, flag, value) in directives.renderedPairs {
            lines.append("#SBATCH --\(flag)=\(value)")
        }
        if let array = request.array { lines.append("#SBATCH --array=\(array.spec.text)") }
        if let preemption = profile.preemption {
            lines.append(preemption.requeue ? "#SBATCH --requeue" : "#SBATCH --no-requeue")
            if let signal = preemption.signal { lines.append("#SBATCH --signal=B:\(signal)@\(preemption.secondsBefore)") }
        }
        lines.append("")
        lines.append("# cluster-slurm run \(Shell.quote(request.runId))")
        lines.append("")
        lines.append(contentsOf: announcementLines)
        let publicNames = request.env.keys.filter { !request.secretNames.contains($0) }.sorted()
        if !publicNames.isEmpty {
            lines.append("")
            for name in publicNames {
                lines.append("export \(name)=\(Shell.quote(request.env[name]!))")
            }
        }
        lines.append(contentsOf: try parameterLines(params: request.params, array: request.array))
        if !request.secretNames.isEmpty {
            lines.append("")
            lines.append("# secret values (\(request.secretNames.sorted().joined(separator: ", "))) come from a private file, never from this script")
            lines.append("if ! . ./\(secretsFile); then echo 'cluster-slurm: \(secretsFile) is missing from the run directory (a job removes it once read: render the job again to send the values)' >&2; exit 1; fi")
            lines.append("rm -f ./\(secretsFile)")
        }
        if needsModuleCommand(setupCommands: setupCommands, modules: modules) {
            lines.append("")
            lines.append(contentsOf: moduleBootstrap(initScripts: profile.effectiveModuleInitScripts))
        }
        lines.append("")
        lines.append("set -euo pipefail")
        if !setupCommands.isEmpty {
            lines.append("")
            lines.append("# profile setup")
            lines.append(contentsOf: setupCommands)
        }
        if !modules.isEmpty {
            lines.append("")
            lines.append("module load " + modules.map(Shell.quote).joined(separator: " "))
        }
        lines.append("")
        let taskDir = request.array == nil ? "" : "\"$CLUSTER_SLURM_TASK_DIR\"/"
        lines.append(contentsOf: runInfoLines(file: taskDir + runInfoFile))
        lines.append(contentsOf: environmentLines(file: taskDir + environmentFile))
        lines.append(contentsOf: inputVerificationLines)
        lines.append("")
        // The workload runs in a subshell with strict mode and the script exits
        // with its status from plain mode: under `bash -l`, errexit would
        // otherwise fire inside ~/.bash_logout and turn `exit 3` into 1.
        lines.append(contentsOf: environmentAtEndLines(file: "\"$PWD\"/" + taskDir + environmentAtEndFile))
        lines.append("# workload")
        lines.append("set +e")
        if let signal = profile.preemption?.signal {
            lines.append(contentsOf: forwardedWorkload(commands: request.commands, signal: signal))
        } else {
            lines.append("(")
            lines.append("trap 'cluster_slurm_environment_at_end || true' EXIT")
            lines.append("set -euo pipefail")
            lines.append(contentsOf: request.commands)
            lines.append(")")
            lines.append("cluster_slurm_status=$?")
        }
        lines.append("exit \"$cluster_slurm_status\"")
        return RenderedScript(text: lines.joined(separator: "\n") + "\n", directives: directives,
                              setupCommands: setupCommands, modules: modules)
    }

    /// Where the job says it started and ended, inside the run dir: one
    /// file per job (array task) and event, `start.KEY` and `end.KEY`, KEY
    /// being the job id (`ARRAYJOB_TASK` for a task). A waiting
    /// `check_workload` watches this directory instead of asking SLURM.
    public static let announcementDirectory = ".cluster-slurm-state"

    /// The job announces its start and its end (normal exit, failure, the
    /// TERM SLURM sends before a time-limit or cancel kill), each written
    /// whole (temp + rename). Only a hint to ask SLURM at once: a job killed
    /// without a chance to write (SIGKILL, a node failure) is found by the
    /// waiting side's sparse scheduler check. A start removes the end a
    /// previous start (a requeue) left. Never fails the job.
    package static let announcementLines: [String] = [
        "# the job says in the run dir when it starts and ends, for a check_workload that waits",
        "# (a hint to ask SLURM at once, never the job's state; it can never fail the job)",
        "cluster_slurm_state_dir=\"$PWD\"/\(announcementDirectory)",
        "cluster_slurm_job_key=\"${SLURM_ARRAY_JOB_ID:+${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID:-}}\"",
        "cluster_slurm_job_key=\"${cluster_slurm_job_key:-${SLURM_JOB_ID:-unknown}}\"",
        "cluster_slurm_announce() { ( set +eu; cs_tmp=\"$cluster_slurm_state_dir/.$1.$cluster_slurm_job_key.$$\"",
        "  mkdir -p -- \"$cluster_slurm_state_dir\" && printf '%s\\n' \"$2\" > \"$cs_tmp\" && mv -f -- \"$cs_tmp\" \"$cluster_slurm_state_dir/$1.$cluster_slurm_job_key\"",
        ") 2>/dev/null || true; }",
        "cluster_slurm_ended() { cluster_slurm_status=$?; trap - EXIT; printf -v cluster_slurm_now '%(%s)T' -1",
        "  cluster_slurm_announce end \"status=$cluster_slurm_status signal=${cluster_slurm_signal:-} time=$cluster_slurm_now restarts=${SLURM_RESTART_COUNT:-0}\"",
        "  exit \"$cluster_slurm_status\"; }",
        "rm -f -- \"$cluster_slurm_state_dir/end.$cluster_slurm_job_key\" 2>/dev/null || true",
        "printf -v cluster_slurm_now '%(%s)T' -1",
        "cluster_slurm_announce start \"time=$cluster_slurm_now node=${SLURMD_NODENAME:-} restarts=${SLURM_RESTART_COUNT:-0}\"",
        "trap cluster_slurm_ended EXIT",
        "trap 'cluster_slurm_signal=TERM; exit 143' TERM",
    ]

    /// The job records where and with what it ran (SLURM version, cluster,
    /// nodes, Python, loaded modules) in a small file the ledger ingests with
    /// the outputs. Best effort: it can never fail the job.
    public static let runInfoFile = ".cluster-slurm-run-info.txt"
    /// Inputs too large to hash on the login node are checked here, on the
    /// compute node, before the workload; the outcome goes to the run-info file.
    package static let inputVerificationLines = [
        "for cluster_slurm_manifest in .cluster-slurm-inputs.*.sha256; do",
        "  [ -e \"$cluster_slurm_manifest\" ] || continue",
        "  if sha256sum --check --quiet --strict -- \"$cluster_slurm_manifest\" >/dev/null 2>&1; then",
        "    echo \"inputs_verified=ok\" >> \(runInfoFile)",
        "  else",
        "    echo \"inputs_verified=failed\" >> \(runInfoFile)",
        "    echo \"cluster-slurm: inputs do not match their sha256 ($cluster_slurm_manifest); not running the workload\" >&2",
        "    exit 1",
        "  fi",
        "done",
    ]

    /// The private (0600) file of secret env values the job sources.
    public static let secretsFile = ".cluster-slurm-secrets.sh"

    /// The secrets file's text: one quoted export per secret.
    public static func secretsText(_ env: [String: String], names: [String]) -> String {
        names.sorted().map { "export \($0)=\(Shell.quote(env[$0] ?? ""))" }.joined(separator: "\n") + "\n"
    }
    /// `file` is shell syntax (an array task writes into its task dir).
    package static func runInfoLines(file: String) -> [String] {
        [
            "# provenance for the ledger: where and with what this ran",
            "( set +eu",
            "  echo \"slurm_version=$(sinfo --version 2>/dev/null)\"",
            "  echo \"cluster=${SLURM_CLUSTER_NAME:-}\"",
            "  echo \"job_id=${SLURM_JOB_ID:-}\"",
            "  echo \"nodes=${SLURM_JOB_NODELIST:-}\"",
            "  echo \"python=$(python3 --version 2>&1)\"",
            "  echo \"modules=$(module -t list 2>&1 | tr '\\n' ' ')\"",
            ") > \(file) 2>/dev/null || true",
        ]
    }

    /// The software environment, recorded by the job on the compute node
    /// (read into the ledger when the job ends; see `EnvironmentSnapshot`).
    public static let environmentFile = ".cluster-slurm-environment.txt"

    /// The software environment again as the workload ends (its subshell's
    /// EXIT trap): a module it loaded or a package it installed at run time,
    /// however it was spelled, shows against the environment taken before it.
    public static let environmentAtEndFile = ".cluster-slurm-environment-end.txt"

    /// Defines the function the workload's subshell runs on exit. `file` is
    /// shell syntax for an absolute path (the workload may change directory).
    /// A workload that replaces the trap or `exec`s, or that a signal ended, leaves no file: nothing is compared.
    package static func environmentAtEndLines(file: String) -> [String] {
        [
            "# the environment again when the workload ends, for the ledger to compare (bounded; never fails the job)",
            "cluster_slurm_end_file=\(file)",
            "# (not when a signal ended the workload: a cancel, time limit or requeue must not wait for pip)",
            "cluster_slurm_environment_at_end() { [ \"$?\" -ge 128 ] && return 0; ( set +eu",
            "  echo @@python; timeout 20 python3 --version 2>/dev/null | head -c 1000",
            "  echo @@pip; timeout 20 python3 -m pip list --format=freeze --disable-pip-version-check 2>/dev/null | head -c 1000000",
            "  echo @@modules; module -t list 2>&1 | head -c 100000",
            ") > \"$cluster_slurm_end_file\" 2>/dev/null || true; }",
        ]
    }

    /// Each probe is bounded in time (`timeout`) and size (`head -c`), and
    /// nothing here can fail the job. `file` is shell syntax.
    package static func environmentLines(file: String) -> [String] {
        [
            "# the software environment, for the ledger (each probe bounded; never fails the job)",
            "( set +eu",
            "  cs_probe() { local name=$1; shift; echo \"@@$name\"; timeout 20 \"$@\" 2>/dev/null | head -c 1000000; }",
            "  echo @@host; hostname",
            "  echo @@os; ( . /etc/os-release 2>/dev/null; echo \"${PRETTY_NAME:-}\" )",
            "  echo @@kernel; uname -sr",
            "  echo @@cpu; grep -m1 -i 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'",
            "  cs_probe python python3 --version",
            "  cs_probe pip python3 -m pip list --format=freeze --disable-pip-version-check",
            "  if [ -n \"${CONDA_PREFIX:-}\" ]; then cs_probe conda conda list --export; fi",
            "  echo @@modules; module -t list 2>&1 | head -c 100000",
            "  cs_container=\"${APPTAINER_CONTAINER:-${SINGULARITY_CONTAINER:-}}\"",
            "  if [ -n \"$cs_container\" ]; then",
            "    echo @@container; echo \"$cs_container\"",
            "    if [ -f \"$cs_container\" ]; then timeout 60 sha256sum \"$cs_container\" | sed 's/ .*//; s/^/sha256:/'; fi",
            "  fi",
            "  if [ -n \"${CUDA_VISIBLE_DEVICES:-}${SLURM_JOB_GPUS:-}\" ] && command -v nvidia-smi >/dev/null; then",
            "    cs_probe gpus nvidia-smi -L",
            "    cs_probe driver nvidia-smi --query-gpu=driver_version --format=csv,noheader",
            "  fi",
            "  echo @@slurm; env | grep -E '^SLURM_(CLUSTER_NAME|JOB_PARTITION|JOB_QOS|JOB_ACCOUNT|JOB_NODELIST|JOB_NUM_NODES|CPUS_ON_NODE|JOB_CPUS_PER_NODE|GPUS_ON_NODE|JOB_GPUS|MEM_PER_NODE|MEM_PER_CPU|TRES_PER_TASK|RESTART_COUNT)=' | sort",
            ") > \(file) 2>/dev/null || true",
        ]
    }

    /// The run's parameters and, for an array, the task's own: a list's i-th
    /// object is line i+1 of a here-document (compact JSON never spans lines
    /// and never equals the end marker), so the script alone says what every
    /// task was given.
    package static func parameterLines(params: JSONValue?, array: JobArray?) throws -> [String] {
        var lines: [String] = []
        if let params {
            lines += ["", "# the run's parameters (params)", "export CLUSTER_SLURM_PARAMS=" + Shell.quote(try CanonicalJSON.encode(params))]
        }
        guard let array else { return lines }
        lines += ["", "# array task \(array.spec.text): each task has its own dir for its outputs",
                  "export CLUSTER_SLURM_TASK_DIR=\"tasks/${SLURM_ARRAY_TASK_ID:-0}\"",
                  "mkdir -p -- \"$CLUSTER_SLURM_TASK_DIR\""]
        let byIndex = try array.paramsJSON()
        guard !byIndex.isEmpty else { return lines }
        lines += ["# task i's parameters are line i+1 below",
                  "CLUSTER_SLURM_PARAMS=$(awk -v n=\"$(( ${SLURM_ARRAY_TASK_ID:-0} + 1 ))\" 'NR == n' <<'CLUSTER_SLURM_PARAMS_END'"]
        lines += (0..<byIndex.count).map { byIndex[$0]! }
        lines += ["CLUSTER_SLURM_PARAMS_END", ")", "export CLUSTER_SLURM_PARAMS"]
        return lines
    }

    /// The workload in the background so the batch shell can take `signal`
    /// (sent by SLURM before the time limit, or on preemption) and pass it
    /// to every process of the job. The subshell only notes the signal; the
    /// programs it runs get it with their own (default or installed) handling.
    package static func forwardedWorkload(commands: [String], signal: String) -> [String] {
        [
            "cluster_slurm_forward() { trap '' \(signal); kill -s \(signal) 0 2>/dev/null; trap cluster_slurm_forward \(signal); cluster_slurm_signalled=1; }",
            "trap cluster_slurm_forward \(signal)",
            "(",
            "trap : \(signal)",
            "trap 'cluster_slurm_environment_at_end || true' EXIT",
            "set -euo pipefail",
        ] + commands + [
            ") &",
            "cluster_slurm_child=$!",
            "# wait returns early when the signal arrives: then wait again, for the workload's own status",
            "while :; do",
            "  cluster_slurm_signalled=0",
            "  wait \"$cluster_slurm_child\"",
            "  cluster_slurm_status=$?",
            "  [ \"$cluster_slurm_signalled\" = 1 ] || break",
            "done",
        ]
    }

    public static func validateEnv(_ env: [String: String]) throws {
        for name in env.keys.sorted() {
            guard isValidEnvName(name) else {
                throw ClusterSlurmError.invalidInput(
                    "environment variable names must match ^[A-Za-z_][A-Za-z0-9_]*$ (got \"\(name)\")", path: "env.\(name)")
            }
            if env[name]!.contains("\0") {
                throw ClusterSlurmError.invalidInput("environment values must not contain NUL bytes", path: "env.\(name)")
            }
        }
    }

    public static func isValidEnvName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.isEmpty else { return false }
        func letter(_ s: Unicode.Scalar) -> Bool { (s >= "A" && s <= "Z") || (s >= "a" && s <= "z") || s == "_" }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }

    package static func needsModuleCommand(setupCommands: [String], modules: [String]) -> Bool {
        !modules.isEmpty || setupCommands.contains { line in
            let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return word == "module" || word == "ml"
        }
    }

    package static func moduleBootstrap(initScripts: [String]) -> [String] {
        let candidates = initScripts.map { script -> String in
            if script.hasPrefix("~/") { return ShellWord.homeRelative(String(script.dropFirst(2))).rendered }
            if script.hasPrefix("$HOME/") { return ShellWord.homeRelative(String(script.dropFirst(6))).rendered }
            return Shell.quote(script)
        }
        return [
            "# module bootstrap: make `module` available in this non-interactive shell",
            "if ! command -v module >/dev/null 2>&1; then",
            "  for __cs_init in \(candidates.joined(separator: " ")); do",
            "    # shellcheck source=/dev/null  # (the site's init script: nothing to follow here)",
            "    if [ -r \"$__cs_init\" ]; then . \"$__cs_init\" >/dev/null 2>&1 || true; fi",
            "    if command -v module >/dev/null 2>&1; then break; fi",
            "  done",
            "fi",
            "if ! command -v module >/dev/null 2>&1; then",
            "  echo " + Shell.quote("cluster-slurm: the 'module' command is not available after sourcing: " + initScripts.joined(separator: ", ")) + " >&2",
            "  echo " + Shell.quote("cluster-slurm: set moduleInitScripts in this cluster profile to the site's module init script") + " >&2",
            "  exit 127",
            "fi",
        ]
    }
}
