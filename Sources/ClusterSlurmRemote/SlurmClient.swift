import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Talks to one cluster's scheduler through a `Transport`: builds the
/// commands, runs each batch of work in one round trip, parses the answers.
public struct SlurmClient: Sendable {
    public let transport: any Transport
    public let endpoint: SSHEndpoint

    public init(transport: any Transport, endpoint: SSHEndpoint) {
        self.transport = transport
        self.endpoint = endpoint
    }

    public struct SubmitOutcome: Sendable {
        public var parsed: SbatchOutput.Parsed?
        public var exitStatus: Int32
        public var stdout: String
        public var stderr: String
        public var commandDisplay: String
        public var durationSeconds: Double
        /// The held job as the scheduler saw it, when sbatch made one.
        public var held: HeldJob?
        /// What the caller's review decided, and whether the cluster confirmed it.
        public var verdict: HeldVerdict?
        public var released: Bool
        public var cancelled: Bool
        /// What each part of a first contact printed (nil for a plain submit).
        public var firstContact: FirstContactStages.Sections?
    }

    /// A new run's upload, sent in the same round trip as its submission.
    public struct FirstContact: Sendable {
        public static let label = "claim, upload and submit"
        /// Writes the upload stream (`receiveUpload`'s standard input); nil when there is nothing to send.
        public var upload: (@Sendable (ByteSink) throws -> Void)?
        public init(upload: (@Sendable (ByteSink) throws -> Void)?) { self.upload = upload }
    }

    /// A submitted job while it is held: the scheduler's record of it and the
    /// run dir's physical path (what `WorkDir` must be).
    public struct HeldJob: Sendable {
        public var jobId: String
        public var job: ScheduledJob?
        public var runDirectory: String
        public var scontrolText: String
        /// In a first contact: what the upload printed (its report), to record before the job may run.
        public var uploadReport: String?
        /// The user's other active jobs under the remoteRoot as squeue listed
        /// them at the held check (`123`, `123_4`, `123_[5-9]`); nil when squeue failed.
        public var activeInRoot: [String]? = nil

        /// How many jobs those are, array tasks one by one.
        public var activeTaskCount: Int? {
            activeInRoot.map { $0.reduce(0) { $0 + UserJobs.Job(id: $1, state: "", workDir: "", comment: "").tasks } }
        }
    }

    public enum HeldVerdict: Sendable {
        case release
        case refuse(ClusterSlurmError)
    }

    /// Writes the script and the compute-node input manifest into the run
    /// dir, submits the script held, shows `review` the scheduler's view of
    /// the job, and releases or cancels it as `review` decides: one ssh
    /// session, and no job runs unless it was checked.
    public func submit(runDirectory: RemotePath, scriptName: String, script: Data, inputManifest: String, comment: String,
                       token: String, sbatchOptions: [String], firstContact: FirstContact? = nil,
                       review: @escaping @Sendable (HeldJob) -> HeldVerdict) async throws -> SubmitOutcome {
        // The review's verdict, kept for the caller once ssh has finished.
        let verdictBox = Locked<(HeldJob?, HeldVerdict?)>((nil, nil))
        let manifest = Data(inputManifest.utf8)
        let submitArguments = [runDirectory.word, .literal(scriptName), .literal(comment), .literal(String(script.count)), .literal(token),
                               .literal(String(manifest.count))] + sbatchOptions.map(ShellWord.literal)
        var call = RemoteCall(label: "submit", script: RemoteScripts.writeAndSubmit, arguments: submitArguments, stdin: .bytes(script + manifest))
        let stages = firstContact.map { _ in FirstContactStages(token: token) }
        if let firstContact {
            // One round trip for a new run: claim its dir, receive its inputs, submit.
            let upload = firstContact.upload
            call = RemoteCall(label: FirstContact.label, script: RemoteScripts.firstContact,
                              arguments: [.literal(token), .literal(upload == nil ? "" : "1")] + submitArguments,
                              stdin: .producer { sink in
                                  try upload?(sink)
                                  try sink.write(script + manifest)
                              })
        }
        call.reply = RemoteReply(after: stages?.submitMark) { shown in
            let sections = stages.map { $0.split(shown) }
            let held = Self.parseHeld(sections?.submit ?? shown).map { job -> HeldJob in
                var job = job
                job.uploadReport = sections?.upload
                return job
            }
            let verdict: HeldVerdict = held.map(review)
                ?? .refuse(ClusterSlurmError.remote("the scheduler's view of the held job could not be read; the job was cancelled"))
            verdictBox.set((held, verdict))
            if case .release = verdict { return "release" }
            return "cancel"
        }
        let result = try await transport.run(call, on: endpoint)
        let sections = stages?.split(result.stdoutText)
        let text = sections.map { $0.submit ?? "" } ?? result.stdoutText
        let afterMarker = text.range(of: "@@CLUSTER_SLURM_SUBMIT@@").map { String(text[$0.upperBound...]) }
        let sbatchAnswer = afterMarker.map { String($0.components(separatedBy: "\n@@")[0]) }
        let display = Shell.line(["sbatch", "--parsable", "--hold", "--comment=\(comment)"] + sbatchOptions + ["--", scriptName])
        var parsed = result.exitStatus == 0 ? sbatchAnswer.flatMap(SbatchOutput.parse) : nil
        if parsed == nil, result.exitStatus == 0, let found = Self.value(after: "@@FOUND ", in: text), JobId.isValid(found) {
            parsed = SbatchOutput.Parsed(jobId: found, cluster: nil)
        }
        let (held, verdict) = verdictBox.value
        return SubmitOutcome(
            parsed: parsed, exitStatus: result.exitStatus,
            stdout: (sbatchAnswer ?? text).trimmingCharacters(in: .whitespacesAndNewlines),
            stderr: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines), commandDisplay: display,
            durationSeconds: result.durationSeconds, held: held, verdict: verdict,
            released: Self.value(after: "@@RELEASED ", in: text) != nil, cancelled: Self.value(after: "@@CANCELLED ", in: text) != nil,
            firstContact: sections)
    }

    /// The held job from what the submit program printed before asking.
    package static func parseHeld(_ text: String) -> HeldJob? {
        guard let runDirectory = value(after: "@@RUNDIR ", in: text), let start = text.range(of: "@@SCONTROL\n") else { return nil }
        let body = text[start.upperBound...].components(separatedBy: "@@SCONTROL_RC=")[0]
        let job = ScheduledJob.parse(body)
        let id = job?.jobId ?? value(after: "@@FOUND ", in: text) ?? ""
        var held = HeldJob(jobId: id, job: job, runDirectory: runDirectory, scontrolText: body.trimmingCharacters(in: .whitespacesAndNewlines))
        let before = text[..<start.lowerBound]
        if before.contains("\n@@ACTIVE_END\n") || before.hasPrefix("@@ACTIVE_END\n") {
            held.activeInRoot = before.split(separator: "\n").filter { $0.hasPrefix("@@ACTIVE ") }.map { String($0.dropFirst("@@ACTIVE ".count)) }
        }
        return held
    }

    package static func value(after prefix: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            let value = line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    public struct StatusReport: Sendable {
        public var statuses: [String: JobStatus]
        public var squeueExit: Int32?
        public var sacctExit: Int32?
        public var diagnostics: String
        /// For each array asked about: its tasks' statuses by index, and their sum.
        public var tasks: [String: [Int: JobStatus]] = [:]
        public var summaries: [String: ArrayStatus.Summary] = [:]
        /// Every active job of the user as squeue lists it (array tasks one
        /// by one); nil when the listing failed.
        public var userJobs: [UserJobs.Job]?
        /// The current record of each job asked about that is still pending.
        public var records: [String: ScheduledJob] = [:]
        /// The cluster's clock when it answered (`date +%s`), for the offset to this machine's.
        public var clusterEpoch: Int?
        /// What the cluster is, when asked (`withFacts`).
        public var facts: ClusterFacts?
        /// For ended jobs SLURM requeued: how many times (sacct's REQUEUED rows).
        public var requeues: [String: Int] = [:]
    }

    /// The state of every job in `jobIds`, from one squeue and one sacct run
    /// in a single round trip. squeue answers for jobs slurmctld still holds;
    /// sacct for the rest and for accounting (exit code, MaxRSS…). `arrays`
    /// names the job arrays among them with their task indexes: still one
    /// squeue and one sacct, whatever the number of tasks.
    public func status(jobIds: [String], since: Date, now: Date = Date(), arrays: [String: [Int]] = [:], withFacts: Bool = false) async throws -> StatusReport {
        guard !jobIds.isEmpty else { return StatusReport(statuses: [:], squeueExit: nil, sacctExit: nil, diagnostics: "") }
        let call = RemoteCall(label: "job status", script: RemoteScripts.jobStatus,
                              arguments: [.literal(jobIds.joined(separator: ",")), .literal(Self.sacctTime(since, now: now)), .literal(withFacts ? "1" : "0")])
        let result = try await transport.run(call, on: endpoint)
        return Self.parseStatusOutput(result.stdoutText, jobIds: jobIds, arrays: arrays)
    }

    package static func parseStatusOutput(_ fullText: String, jobIds: [String], arrays: [String: [Int]] = [:]) -> StatusReport {
        // The user's other jobs and the waiting jobs' records come last.
        var clock: Int?
        var body = Substring(fullText)
        if body.hasPrefix("@@CLOCK ") {
            let line = body.prefix { $0 != "\n" }
            clock = Int(line.dropFirst("@@CLOCK ".count))
            body = body.dropFirst(line.count + 1)
        }
        let split = String(body).components(separatedBy: "\n@@USERJOBS\n")
        let text = split[0]
        var report = parseJobStatuses(text, jobIds: jobIds, arrays: arrays)
        if split.count > 1 {
            let watch = UserJobs.parse(split[1])
            report.userJobs = watch.jobs
            report.records = watch.records
        }
        report.clusterEpoch = clock
        report.facts = ClusterFacts.parse(fullText)
        for line in text.split(separator: "\n") where line.hasPrefix("@@REQUEUED ") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let count = Int(parts[2]), JobId.isValid(String(parts[1])) { report.requeues[String(parts[1])] = count }
        }
        return report
    }

    package static func parseJobStatuses(_ text: String, jobIds: [String], arrays: [String: [Int]]) -> StatusReport {
        func section(_ start: String?, _ end: String) -> (body: String, code: Int32?) {
            var body = Substring(text)
            if let start, let range = text.range(of: start) { body = text[range.upperBound...] }
            guard let markerStart = body.range(of: end) else { return (String(body), nil) }
            let before = body[..<markerStart.lowerBound]
            let codeText = body[markerStart.upperBound...].prefix { $0.isNumber || $0 == "-" }
            return (String(before), Int32(codeText))
        }
        let squeue = section(nil, "@@SQUEUE_RC=")
        let sacct = section("@@SQUEUE_RC=", "@@SACCT_RC=")
        let sacctBody = sacct.body.drop { $0 != "\n" }
        var diagnostics = ""
        var fromSqueue: [String: JobStatus] = [:]
        let squeueStatuses = squeue.code == 0 ? SqueueOutput.parse(squeue.body) : []
        if squeue.code == 0 {
            for status in squeueStatuses { fromSqueue[status.jobId] = status }
        } else if !SqueueOutput.isInvalidJobIdError(squeue.body) {
            diagnostics += "squeue: " + squeue.body.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        }
        var fromSacct: [String: JobStatus] = [:]
        let sacctStatuses = sacct.code == 0 ? SacctOutput.parse(String(sacctBody)) : []
        if sacct.code == 0 {
            for status in sacctStatuses { fromSacct[status.jobId] = status }
        } else {
            diagnostics += "sacct: " + sacctBody.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
        }
        // A state is only claimed from an answer actually received: NOT_FOUND
        // needs accounting to have answered; a job neither source could speak
        // for is undetermined, never NOT_FOUND.
        let squeueFailed = squeue.code != 0 && !SqueueOutput.isInvalidJobIdError(squeue.body)
        var statuses: [String: JobStatus] = [:]
        var tasks: [String: [Int: JobStatus]] = [:]
        var summaries: [String: ArrayStatus.Summary] = [:]
        for (id, expected) in arrays {
            let found = ArrayStatus.tasks(of: id, squeue: squeueStatuses, sacct: sacctStatuses)
            // A task is only counted from an answer received: without
            // accounting, a task squeue no longer shows could have ended any way.
            guard !found.isEmpty, sacct.code == 0 || expected.allSatisfy({ found[$0] != nil }) else { continue }
            var (status, summary) = ArrayStatus.aggregate(id, tasks: found, expected: expected)
            if status.done, sacct.code == 0, found.values.contains(where: { $0.done && $0.jobState != .completed && $0.exitCode == nil }) {
                // Ended as squeue says, but accounting has not recorded how yet
                // (it lags a moment): once recorded as ended, the array is not
                // asked about again, so it stays completing until then.
                var waiting = JobStatus(jobId: id, source: .squeue, rawState: JobState.completing.rawValue)
                waiting.reason = "\(summary.text); waiting for accounting to record the failed tasks' exit codes"
                waiting.jobName = status.jobName
                status = waiting
            }
            fromSqueue[id] = nil
            fromSacct[id] = status
            tasks[id] = found
            summaries[id] = summary
        }
        for id in jobIds {
            if var status = JobStatus.merge(squeue: fromSqueue[id], sacct: fromSacct[id]) {
                if squeueFailed && fromSqueue[id] == nil { status.note = "squeue failed (\(firstLine(squeue.body))); state from accounting" }
                statuses[id] = status
            } else if sacct.code == 0 {
                statuses[id] = JobStatus.notFound(id)
            } else {
                let why = fromSqueue.isEmpty && squeueFailed
                    ? "neither the controller (squeue: \(firstLine(squeue.body))) nor accounting (sacct: \(firstLine(String(sacctBody)))) answered"
                    : "squeue no longer shows the job and accounting did not answer (sacct: \(firstLine(String(sacctBody))))"
                statuses[id] = JobStatus.undetermined(id, why)
            }
        }
        return StatusReport(statuses: statuses, squeueExit: squeue.code, sacctExit: sacct.code, diagnostics: diagnostics,
                            tasks: tasks, summaries: summaries)
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? "no output" : String(line.prefix(200))
    }

    /// What became of a submission whose answer was lost.
    public struct Submission: Sendable, Equatable {
        /// The submit program's record: sbatch's exit status, output and error output.
        public var record: (exitStatus: Int32, output: String, errors: String)?
        /// Jobs of this name in the run dir (second source).
        public var candidates: [String] = []
        /// The run dir does not exist: nothing was ever submitted there.
        public var noRunDirectory = false
        /// The held-job verdict the submit program recorded: `release`, or
        /// `cancel …` (refused, or no answer came). nil while it waits.
        public var decision: String?

        public static func == (a: Submission, b: Submission) -> Bool {
            a.record?.exitStatus == b.record?.exitStatus && a.record?.output == b.record?.output && a.record?.errors == b.record?.errors
                && a.candidates == b.candidates && a.noRunDirectory == b.noRunDirectory && a.decision == b.decision
        }
    }

    public func findSubmission(runDirectory: RemotePath, token: String, jobName: String, since: Date, now: Date = Date()) async throws -> Submission {
        let result = try await transport.run(RemoteCall(label: "find job", script: RemoteScripts.findSubmission,
                                                        arguments: [runDirectory.word, .literal(token), .literal(jobName), .literal(Self.sacctTime(since, now: now))]),
                                             on: endpoint)
        return Self.parseSubmission(result.stdoutText)
    }

    package static func parseSubmission(_ text: String) -> Submission {
        var submission = Submission()
        if text.hasPrefix("@@NODIR") { submission.noRunDirectory = true; return submission }
        submission.decision = value(after: "@@DECISION ", in: text)
        var rest = Substring(text)
        if let marker = text.range(of: "@@RECORD\n") {
            let end = text.range(of: "@@END", range: marker.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
            let body = text[marker.upperBound..<end]
            let lines = body.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let rc = lines.first.flatMap { $0.hasPrefix("rc=") ? Int32($0.dropFirst(3)) : nil } ?? -1
            let recorded = lines.count > 1 ? String(lines[1]) : ""
            let parts = recorded.components(separatedBy: "@@STDERR\n")
            let output = parts[0].trimmingCharacters(in: .whitespacesAndNewlines)
            let errors = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespacesAndNewlines) : ""
            submission.record = (rc, output, errors)
            rest = text[end...]
        }
        for line in rest.split(whereSeparator: \.isNewline) where line.hasPrefix("@@JOB ") {
            let id = String(line.dropFirst(6)).trimmingCharacters(in: .whitespaces)
            if JobId.isValid(id), !submission.candidates.contains(id) { submission.candidates.append(id) }
        }
        return submission
    }

    /// Sets each job's dependency (`scontrol update`), all in one round trip.
    public func updateDependencies(_ updates: [(jobId: String, dependency: String)]) async throws -> RemoteResult {
        try await transport.run(RemoteCall(label: "update dependencies", script: RemoteScripts.updateDependencies,
                                           arguments: updates.flatMap { [ShellWord.literal($0.jobId), .literal($0.dependency)] }),
                                on: endpoint)
    }

    /// The ids the cancel program settled: cancelled now (`@@CANCELLED id`)
    /// or already ended (`@@ENDED id`), each read from a whole line.
    public static func settledByCancel(_ text: String) -> Set<String> {
        var ids = Set<String>()
        for line in text.split(whereSeparator: \.isNewline) {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == "@@CANCELLED" || parts[0] == "@@ENDED" { ids.insert(String(parts[1])) }
        }
        return ids
    }

    public func cancel(jobIds: [String]) async throws -> RemoteResult {
        try await transport.run(RemoteCall(label: "cancel", script: RemoteScripts.cancel, arguments: jobIds.map(ShellWord.literal)),
                                on: endpoint)
    }

    /// sacct's `--starttime`, relative to the cluster's own clock
    /// (`now-Nseconds`): how long ago `since` was by this machine's clock,
    /// plus a week. A local clock that is wrong (days ahead when the job was
    /// submitted, right again now) never moves the window past the job.
    package static func sacctTime(_ since: Date, now: Date = Date()) -> String {
        let age = max(0, Int(now.timeIntervalSince(since).rounded(.up)))
        return "now-\(age + lookBackMarginSeconds)seconds"
    }

    /// How far before `since` every sacct window reaches (a week): more than
    /// any local clock error the ledger should survive; job ids, and the
    /// job-name check against reused ids, say which record is the job's.
    package static let lookBackMarginSeconds = 7 * 86_400
}
