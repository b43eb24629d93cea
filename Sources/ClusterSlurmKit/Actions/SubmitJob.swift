import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// `submit_job`: writes the run's script into the remote run dir and runs
/// `sbatch --parsable` there, in one round trip. Every attempt is recorded.
public enum SubmitJob {
    public struct Request: Codable, Sendable {
        public var runId: String
        /// A script inside the run's local dir (or workspace); default: the
        /// run's last rendered script.
        public var scriptPath: String?
        public var scriptName: String?
        public var submitArgs: [String]
        /// A person's override of the loop and circuit breakers (CLI only; no tool parameter sets it).
        public var allowRepeatedFailures: Bool = false
        /// A person's permission to submit a script this ledger did not
        /// render (CLI only; agents need the profile's `allowCustomScripts`).
        public var allowCustomScript: Bool = false
        /// Runs this one waits for.
        public var after: [RunDependencyRequest] = []
        public init(runId: String, scriptPath: String? = nil, scriptName: String? = nil, submitArgs: [String] = [],
                    allowRepeatedFailures: Bool = false, allowCustomScript: Bool = false) {
            self.allowRepeatedFailures = allowRepeatedFailures
            self.allowCustomScript = allowCustomScript
            self.runId = runId
            self.scriptPath = scriptPath
            self.scriptName = scriptName
            self.submitArgs = submitArgs
        }
    }

    public struct Result: Codable, Sendable, RunScoped {
        public var cluster: String
        public var runId: String
        public var jobId: String
        public var clusterName: String?
        public var remoteScriptPath: String
        public var submitOutput: String
        public var submitCommand: String
        /// True when sbatch's answer was lost and the job was found on the cluster instead.
        public var adopted: Bool
        /// The runs it waits for, and how each was settled.
        public var after: [Dependency]?
        package var runIdentifier: String? { runId }
    }

    public struct Dependency: Codable, Sendable, Equatable {
        public var runId: String
        public var when: DependencyKind
        public var jobId: String?
        /// `slurm` (the scheduler waits for it) or `satisfied` (it had already ended as required).
        public var resolution: String
    }

    public static func run(_ request: Request, context: ActionContext) async throws -> Result {
        try await submit(request, context: context).result
    }

    /// A new run's first contact (`run_workload`): its dir is claimed and its
    /// inputs are sent in the same round trip as the submission.
    package struct FirstContact: Sendable {
        /// The inputs to send (nil: none); recorded before the job may run.
        package var upload: Upload.Prepared?
    }

    /// What `run_workload` has settled before its submission: the script it
    /// has just rendered (submitted as it is in memory) and the policy's
    /// first look at it, taken before anything reached the cluster.
    package struct Prepared: Sendable {
        package var scriptName: String
        package var script: Data
        package var checked: SubmitPolicy.Checked
    }

    /// The claimed run dir already existed: another ledger sharing the remoteRoot made a run with this id.
    package struct RunDirectoryTaken: Error {}

    /// One submission: settle a lost earlier answer, check, submit held,
    /// review the held job, record the outcome.
    package static func submit(_ request: Request, context: ActionContext, firstContact: FirstContact? = nil,
                       prepared: Prepared? = nil) async throws -> (result: Result, upload: Upload.Result?) {
        let run = try context.ledger.requireRun(id: request.runId)
        let profile = try context.profile(run.cluster)
        let (scriptName, scriptBytes) = try prepared.map { ($0.scriptName, $0.script) } ?? script(for: request, run: run, profile: profile, context: context)
        let scriptText = String(decoding: scriptBytes, as: UTF8.self)
        let runDir = try context.remoteRunDirectory(run)
        // A submission whose answer was lost earlier is settled first: its job
        // is adopted, never submitted twice.
        var adopted: Result?
        for resolution in try await SubmitRecovery.resolve(run: run, context: context) {
            switch resolution {
            case .adopted(let result): adopted = result
            case .pending(let since): throw SubmitRecovery.pendingError(run: run, since: since)
            case .failed, .notFound: break
            }
        }
        if let adopted { return (adopted, nil) }

        var options = profile.submitArgs + request.submitArgs
        let dependencies = try await RunDependencies.resolve(request.after, run: run, context: context)
        // In a first contact the inputs are recorded during the round trip: these are the ones it will record.
        let planned = firstContact?.upload?.plannedInputs
        let checked: SubmitPolicy.Checked
        if let prepared { checked = prepared.checked } else {
            checked = try await SubmitPolicy.enforce(
                cluster: run.cluster, runId: run.id, scriptName: scriptName, scriptText: scriptText, submitArgs: options,
                inputs: try planned.map { $0.map { ($0.relativePath, $0.sha256) } }
                    ?? context.ledger.currentInputs(runId: run.id).map { ($0.relativePath, $0.sha256) },
                allowRepeatedFailures: request.allowRepeatedFailures, context: context)
        }
        // Every current input is checked on the compute node before the
        // workload (unless the profile turns that off: then only those too
        // large for the login node).
        let current = try planned.map { $0.sorted { $0.relativePath < $1.relativePath } }
            ?? context.ledger.currentInputs(runId: run.id).map { ($0.relativePath, $0.sha256, $0.verified) }
        let manifest = InputManifest.text(current.filter { profile.verifyInputsOnComputeNode || !$0.verified }.map { ($0.relativePath, $0.sha256) })
        // Added after the policy's reading of the caller's options: it is ours, not theirs.
        if let dependency = dependencies.option { options.append("--dependency=\(dependency)") }

        let remoteScript = runDir.appending(scriptName).description
        let intent = try openIntent(run: run, scriptName: scriptName, scriptText: scriptText, remoteScript: remoteScript,
                                    options: options, fingerprint: checked.fingerprint, context: context)
        let token = intent.token
        // Made by the held-job review (before the job may run) or, when sbatch made no job, after the round trip.
        let uploadRecord = Locked<Upload.Result?>(nil)
        let preparedUpload = firstContact?.upload
        // The input archive's thread is done before this returns, whatever happens to the submission.
        defer { _ = try? preparedUpload?.archiving.wait() }
        let outcome: SlurmClient.SubmitOutcome
        do {
            let sending = preparedUpload?.sending(context: context)
            defer { sending?.meter.finish() }
            outcome = try await context.slurm(run.cluster).submit(
                runDirectory: runDir, scriptName: scriptName, script: scriptBytes, inputManifest: manifest, comment: comment(run.id, token),
                token: token, sbatchOptions: options, firstContact: firstContact.map { _ in SlurmClient.FirstContact(upload: sending?.producer) },
                review: heldJobReview(checked: checked, dependencies: dependencies, upload: preparedUpload, uploadRecord: uploadRecord, context: context))
        } catch let error as ClusterSlurmError where error.kind == .remote {
            // sbatch may have run before the connection failed: settle now from
            // the submit record; if the cluster cannot be asked either, the
            // intent stays open and the next action on the run settles it.
            if let resolutions = try? await SubmitRecovery.resolve(run: run, context: context) {
                for case .adopted(let result) in resolutions { return (result, uploadRecord.value) }
            }
            try? context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
            throw error.about(run: run.id)
        }
        var uploaded = uploadRecord.value
        if let sections = outcome.firstContact {
            try settleFirstContact(sections, outcome: outcome, run: run, token: token, target: "\(profile.sshTarget):\(runDir)", context: context)
            // sbatch refused it (no held job to review): the inputs it placed are recorded all the same.
            if uploaded == nil, let preparedUpload { uploaded = try preparedUpload.finish(report: sections.upload ?? "", context: context) }
        }
        try settleVerdict(outcome, run: run, token: token, context: context)
        if outcome.parsed == nil, outcome.exitStatus == 0 {
            // sbatch accepted something but printed no id: the job is found by
            // its record and work dir, never left running unrecorded.
            for case .adopted(let result) in try await SubmitRecovery.resolve(run: run, context: context) { return (result, uploaded) }
        }
        return (try record(outcome, run: run, intent: intent, remoteScript: remoteScript, dependencies: dependencies, context: context), uploaded)
    }

    /// The script a plain `submit_job` sends: the run's rendered one, or a
    /// named one that this ledger rendered (or a person allows).
    private static func script(for request: Request, run: RunRecord, profile: ClusterProfile, context: ActionContext) throws -> (String, Data) {
        try SubmitArgsPolicy.check(request.submitArgs)
        let (scriptFile, scriptName) = try locateScript(request, run: run, localRunDir: context.localRunDirectory(run), context: context)
        guard let scriptBytes = FileManager.default.contents(atPath: scriptFile) else {
            throw ClusterSlurmError.io("cannot read the script \(scriptFile)")
        }
        if request.scriptPath?.isEmpty == false || request.scriptName?.isEmpty == false,
           !(profile.allowCustomScripts || request.allowCustomScript),
           !(try context.ledger.isRenderedScript(sha256: Hashing.sha256Hex(scriptBytes))) {
            throw ClusterSlurmError.policy(
                rule: "custom_script", limit: "scripts rendered by render_job/run_workload", requested: request.scriptPath ?? scriptName,
                message: "\(request.scriptPath ?? scriptName) is not a script this ledger rendered (its sha256 matches none); render it with render_job, or have a person submit it (`cluster-slurm submit-job --custom-script`) or allow it in the profile (allowCustomScripts)",
                path: request.scriptPath?.isEmpty == false ? "scriptPath" : "scriptName")
        }
        return (scriptName, scriptBytes)
    }

    /// The attempt, recorded before sbatch runs: whatever happens on the way
    /// back, the next action on the run can find its job by these marks.
    private static func openIntent(run: RunRecord, scriptName: String, scriptText: String, remoteScript: String, options: [String],
                                   fingerprint: String, context: ActionContext) throws -> SubmitIntentRecord {
        let token = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12))
        let directives = ScriptDirectives.parse(scriptText)
        let display = Shell.line(["sbatch", "--parsable", "--hold", "--comment=\(comment(run.id, token))"] + options + ["--", scriptName])
        let intent = SubmitIntentRecord(token: token, runId: run.id, cluster: run.cluster, scriptName: scriptName, command: display,
                                        createdAt: Timestamp.string(context.now()), resolvedAt: nil, outcome: nil,
                                        jobName: directives["job-name"] ?? scriptName, outputPattern: directives["output"] ?? LogPathPattern.defaultOutput,
                                        errorPattern: directives["error"], remoteScriptPath: remoteScript, fingerprint: fingerprint,
                                        arraySpec: directives["array"])
        try context.ledger.openSubmitIntent(intent)
        return intent
    }

    /// The held job's review: released only if what the scheduler made of it
    /// is within the policy. A first contact's inputs are in the ledger
    /// before its job may run (the one ledger write that must happen here).
    private static func heldJobReview(checked: SubmitPolicy.Checked, dependencies: RunDependencies.Resolved, upload: Upload.Prepared?,
                                      uploadRecord: Locked<Upload.Result?>, context: ActionContext) -> @Sendable (SlurmClient.HeldJob) -> SlurmClient.HeldVerdict {
        let waitsFor = Set(dependencies.records.filter { $0.resolution == "slurm" }.compactMap(\.upstreamJobId))
        return { held in
            if let upload {
                do { try uploadRecord.withLock { if $0 == nil { $0 = try upload.finish(report: held.uploadReport ?? "", context: context) } } } catch {
                    return .refuse(ClusterSlurmError.wrapping(error))
                }
            }
            guard let job = held.job else {
                return .refuse(ClusterSlurmError.remote("scontrol could not show held job \(held.jobId) (\(held.scontrolText.prefix(300))); it was cancelled, nothing ran"))
            }
            // SLURM's count of the user's active jobs under the remoteRoot
            // (array tasks, jobs workloads submitted, other profiles) when it is higher.
            var usage = checked.usage
            if let seen = held.activeInRoot, let count = held.activeTaskCount, count > usage.activeCount {
                usage.activeJobs = seen
                usage.activeTaskCount = count
            }
            do {
                try PolicyCheck.checkScheduled(job, runDirectory: held.runDirectory, policy: checked.policy, usage: usage, dependsOn: waitsFor)
                return .release
            } catch {
                return .refuse(ClusterSlurmError.wrapping(error))
            }
        }
    }

    /// How far a first contact got: a claim or an upload that failed submitted nothing.
    private static func settleFirstContact(_ sections: FirstContactStages.Sections, outcome: SlurmClient.SubmitOutcome, run: RunRecord,
                                           token: String, target: String, context: ActionContext) throws {
        let stopped = RemoteResult(exitStatus: outcome.exitStatus, stdout: Data(), stderr: outcome.stderr, durationSeconds: outcome.durationSeconds)
        if sections.upload == nil || sections.submit == nil {
            try context.ledger.resolveSubmitIntent(token: token, outcome: .failed, now: context.now())
        }
        if sections.upload == nil {
            if outcome.exitStatus == RemoteExit.runDirectoryTaken.rawValue { throw RunDirectoryTaken() }
            throw RemoteFailure.error(action: "creating the run dir", to: target, result: stopped).about(run: run.id)
        }
        guard sections.submit != nil else {
            throw RemoteFailure.error(action: "upload", to: target, result: stopped).about(run: run.id)
        }
    }

    /// sbatch made a held job; unless it was checked and released, it was cancelled and nothing ran.
    private static func settleVerdict(_ outcome: SlurmClient.SubmitOutcome, run: RunRecord, token: String, context: ActionContext) throws {
        guard let verdict = outcome.verdict else { return }
        let refusal: ClusterSlurmError
        switch verdict {
        case .refuse(let error): refusal = error
        case .release where !outcome.released:
            refusal = ClusterSlurmError.remote("held job \(outcome.held?.jobId ?? "?") passed the policy but could not be released (\(outcome.stderr.suffix(300))); it was cancelled, nothing ran")
        case .release: return
        }
        try context.ledger.resolveSubmitIntent(token: token, outcome: .failed, now: context.now())
        throw refusal.cancellingHeldJob(outcome.held?.jobId ?? "?", confirmed: outcome.cancelled).about(run: run.id)
    }

    /// Records what sbatch answered: the attempt, the job, what was released,
    /// the dependencies; a refusal or a missing id is an error about the run.
    private static func record(_ outcome: SlurmClient.SubmitOutcome, run: RunRecord, intent: SubmitIntentRecord, remoteScript: String,
                               dependencies: RunDependencies.Resolved, context: ActionContext) throws -> Result {
        let token = intent.token
        let fingerprint = intent.fingerprint
        if outcome.parsed == nil, outcome.exitStatus == 0 {
            throw ClusterSlurmError.remote("sbatch on \(run.cluster) printed no job id (expected `ID` or `ID;cluster` from --parsable; output: \(outcome.stdout)); if it made a job, the next check_workload of this run adopts it").about(run: run.id)
        }
        let stamp = Timestamp.string(context.now())
        guard let parsed = outcome.parsed else {
            _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
                id: nil, runId: run.id, attempt: 0, cluster: run.cluster, command: outcome.commandDisplay, outcome: .failed,
                jobId: nil, clusterSuffix: nil, exitStatus: Int(outcome.exitStatus), stdout: outcome.stdout, stderr: outcome.stderr,
                submittedAt: stamp, fingerprint: fingerprint), job: nil)
            if outcome.exitStatus != 0, SubmitRecovery.lostTouch(outcome.stderr) {
                // A failed sbatch is no proof that no job exists: a stalled
                // controller may make it once it resumes. The intent stays
                // open; the next action on the run finds such a job by its
                // work dir and name and cancels it (it was never checked).
                try context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
                throw ClusterSlurmError.submitFailed(
                    cluster: run.cluster, exitStatus: outcome.exitStatus, stdout: outcome.stdout, stderr: outcome.stderr,
                    then: "sbatch lost touch with the controller, which may still create the job: the next check_workload of this run finds it by its marks and cancels it (it was never checked), then you can submit again"
                ).about(run: run.id)
            }
            try context.ledger.resolveSubmitIntent(token: token, outcome: .failed, now: context.now())
            try context.ledger.updateRun(id: run.id, workload: nil, commands: nil, status: .submitFailed, now: context.now())
            if outcome.exitStatus == 0 {
                throw ClusterSlurmError.remote("sbatch on \(run.cluster) printed no job id (expected `ID` or `ID;cluster` from --parsable); output: \(outcome.stdout)").about(run: run.id)
            }
            throw ClusterSlurmError.submitFailed(cluster: run.cluster, exitStatus: outcome.exitStatus, stdout: outcome.stdout, stderr: outcome.stderr)
                .about(run: run.id)
        }
        _ = try context.ledger.recordSubmitAttempt(SubmitAttemptRecord(
            id: nil, runId: run.id, attempt: 0, cluster: run.cluster, command: outcome.commandDisplay, outcome: .submitted,
            jobId: parsed.jobId, clusterSuffix: parsed.cluster, exitStatus: Int(outcome.exitStatus), stdout: outcome.stdout,
            stderr: outcome.stderr, submittedAt: stamp, fingerprint: fingerprint), job: SubmitRecovery.jobRecord(parsed.jobId, intent: intent, run: run, submittedAt: stamp, context: context))
        if let held = outcome.held?.job, outcome.released {
            // What was released is what the job must still show while it waits.
            try context.ledger.setReleasedRecord(cluster: run.cluster, jobId: parsed.jobId, facts: ReleasedFacts(held))
        }
        try context.ledger.resolveSubmitIntent(token: token, outcome: .submitted, now: context.now())
        try context.ledger.recordDependencies(dependencies.records)
        let result = Result(cluster: run.cluster, runId: run.id, jobId: parsed.jobId, clusterName: parsed.cluster,
                      remoteScriptPath: remoteScript, submitOutput: outcome.stdout, submitCommand: outcome.commandDisplay, adopted: false,
                      after: dependencies.records.isEmpty ? nil : dependencies.records.map {
                          Dependency(runId: $0.upstreamRunId, when: $0.kind, jobId: $0.upstreamJobId, resolution: $0.resolution)
                      })
        return result
    }

    /// The run-scoped, attempt-unique comment every submitted job carries.
    package static func comment(_ runId: String, _ token: String) -> String { "cluster-slurm:\(runId):\(token)" }

    package static func locateScript(_ request: Request, run: RunRecord, localRunDir: String, context: ActionContext) throws -> (String, String) {
        if let path = request.scriptPath, !path.isEmpty {
            // Relative paths are workspace-relative (as in the reference), else run-dir relative.
            var absolute = path.hasPrefix("/") ? path : context.workspace + "/" + path
            if !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: absolute) { absolute = localRunDir + "/" + path }
            let workspaceRoot = LocalFiles.realPath(context.workspace) ?? context.workspace
            guard let real = LocalFiles.realPath(absolute) else {
                throw ClusterSlurmError.invalidInput("no such script: \(path) (relative paths are taken from the workspace, then the run dir \(localRunDir))", path: "scriptPath")
            }
            guard LocalFiles.isInside(real, workspaceRoot) else {
                throw ClusterSlurmError.invalidInput("the script must be inside the workspace \(workspaceRoot) (got \(real))", path: "scriptPath")
            }
            let name = try RenderJob.checkedScriptName(request.scriptName ?? (real as NSString).lastPathComponent)
            return (real, name)
        }
        if let name = request.scriptName, !name.isEmpty {
            let checked = try RenderJob.checkedScriptName(name)
            let path = localRunDir + "/" + checked
            guard FileManager.default.fileExists(atPath: path) else {
                throw ClusterSlurmError.invalidInput("no script \(checked) in the run dir \(localRunDir); render one with render_job first", path: "scriptName")
            }
            return (path, checked)
        }
        guard let script = try context.ledger.latestScript(runId: run.id) else {
            throw ClusterSlurmError.invalidInput("run \(run.id) has no rendered script; call render_job first or pass scriptPath", path: "scriptPath")
        }
        // The ledger's bytes are what gets submitted, even if the local copy was edited since.
        if let data = try context.ledger.blob(sha256: script.scriptSha256) {
            let current = try? Data(contentsOf: URL(fileURLWithPath: script.localPath))
            if current != data { try LocalFiles.writeAtomically(data, to: script.localPath) }
        }
        return (script.localPath, script.scriptName)
    }
}
