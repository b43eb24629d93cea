import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmRemote

/// The login-node wait (`wait_for_end.bash`) run here through the real
/// OpenSSH transport code against a stand-in squeue, and read back by the
/// parser the product uses.
@Suite struct WaitProgramTests {
    typealias Bed = SchedulerProgramTests.Bed

    /// Runs the wait for job 77 in `runDir` and returns its events.
    static func wait(_ bed: Bed, runDir: String, seconds: Int, firstCheck: Int, tasks: Int = 0) async throws -> [WaitEvent] {
        let events = Locked<[WaitEvent]>([])
        let call = RemoteCall(label: "wait", script: RemoteScripts.waitForEnd,
                              arguments: [.literal(String(seconds)), .literal(String(firstCheck)), .literal("all"), .literal(runDir),
                                          .literal("77"), .literal(String(tasks))],
                              stdin: .heldOpen,
                              stdout: .consumer({ source in
                                  var report = WaitReport()
                                  while true {
                                      let chunk = try source.read(upTo: 4096)
                                      if chunk.isEmpty { break }
                                      let parsed = report.feed(chunk)
                                      events.withLock { $0 += parsed }
                                  }
                              }), timeoutSeconds: seconds + 30)
        _ = try await bed.transport.run(call, on: bed.endpoint)
        return events.withLock { $0 }
    }

    /// The job's end announcement makes the wait ask squeue at once; no
    /// scheduler query is made before it (the first sparse check is far away).
    @Test func anAnnouncedEndIsConfirmedWithOneQuery() async throws {
        let bed = try Bed(stubs: ["squeue": "echo 'COMPLETED|None'"])
        try bed.write("run/.cluster-slurm-state/start.77", "time=1700000000 node=n1 restarts=0\n")
        try bed.write("run/.cluster-slurm-state/end.77", "status=0 signal= time=1700000060 restarts=0\n")
        let events = try await Self.wait(bed, runDir: bed.root + "/run", seconds: 60, firstCheck: 50)
        #expect(events.contains(.started(index: 0, epoch: 1_700_000_000, node: "n1")))
        #expect(events.contains(.announced(index: 0, status: 0, signal: nil)))
        #expect(events.contains(.ended(index: 0, state: "COMPLETED")))
        #expect(events.contains(.finished(deadline: false, queries: 1)))
        #expect(bed.calls.filter { $0.hasPrefix("squeue") }.count == 1)
    }

    /// With no announcement, nothing is asked until the sparse check, which
    /// sees a pending job and says why; time runs out with `DEADLINE`.
    @Test func aPendingJobIsSeenBySparseChecksOnly() async throws {
        let bed = try Bed(stubs: ["squeue": "echo 'PENDING|JobHeldUser'"])
        try FileManager.default.createDirectory(atPath: bed.root + "/run", withIntermediateDirectories: true)
        let events = try await Self.wait(bed, runDir: bed.root + "/run", seconds: 3, firstCheck: 1)
        #expect(events.contains(.state(index: 0, state: "PENDING", reason: "JobHeldUser")))
        guard case .finished(true, let queries)? = events.first(where: { if case .finished = $0 { true } else { false } }) else {
            Issue.record("no deadline in \(events)"); return
        }
        #expect(queries >= 1 && queries <= 2)
        #expect(events.contains { if case .cost = $0 { true } else { false } })
    }

    /// A job squeue no longer knows ended (the caller asks sacct).
    @Test func aJobSqueueNoLongerKnowsEnded() async throws {
        let bed = try Bed(stubs: ["squeue": "echo 'slurm_load_jobs error: Invalid job id specified' >&2; exit 1"])
        let events = try await Self.wait(bed, runDir: "-", seconds: 10, firstCheck: 1)
        #expect(events.contains(.ended(index: 0, state: "GONE")))
        #expect(events.contains(.finished(deadline: false, queries: 1)))
    }

    /// An array ends when every task announced and squeue shows every task ended.
    @Test func anArrayEndsWhenEveryTaskDid() async throws {
        let bed = try Bed(stubs: ["squeue": "printf 'COMPLETED|None\\nFAILED|NonZeroExitCode\\n'"])
        try bed.write("run/.cluster-slurm-state/end.77_0", "status=0\n")
        try bed.write("run/.cluster-slurm-state/end.77_1", "status=1\n")
        let events = try await Self.wait(bed, runDir: bed.root + "/run", seconds: 30, firstCheck: 25, tasks: 2)
        #expect(events.contains(.ended(index: 0, state: "COMPLETED")))
        #expect(events.contains(.finished(deadline: false, queries: 1)))
    }

    @Test(arguments: [
        ("@@STARTED 0 1700000000 node7", WaitEvent.started(index: 0, epoch: 1_700_000_000, node: "node7")),
        ("@@STARTED 2 - -", .started(index: 2, epoch: nil, node: nil)),
        ("@@ANNOUNCED 0 143 TERM", .announced(index: 0, status: 143, signal: "TERM")),
        ("@@ANNOUNCED 0 1 -", .announced(index: 0, status: 1, signal: nil)),
        ("@@STATE 1 PENDING ReqNodeNotAvail,_UnavailableNodes:n1", .state(index: 1, state: "PENDING", reason: "ReqNodeNotAvail, UnavailableNodes:n1")),
        ("@@STATE 0 RUNNING None", .state(index: 0, state: "RUNNING", reason: nil)),
        ("@@ENDED 0 TIMEOUT", .ended(index: 0, state: "TIMEOUT")),
        ("@@NOSQUEUE slurm_load_jobs error: Socket timed out", .schedulerFailed("slurm_load_jobs error: Socket timed out")),
        ("@@DEADLINE 3", .finished(deadline: true, queries: 3)),
        ("@@DONE 1", .finished(deadline: false, queries: 1)),
        ("@@COST 0m0.010s 0m0.020s 1m0.500s 0m0.000s ", .cost(cpuSeconds: 60.53)),
    ] as [(String, WaitEvent)])
    func markersParse(_ line: String, _ expected: WaitEvent) {
        if case .cost(let expectedSeconds) = expected, case .cost(let seconds)? = WaitReport.parse(line) {
            #expect(abs(seconds - expectedSeconds) < 1e-9)
        } else {
            #expect(WaitReport.parse(line) == expected)
        }
    }

    @Test func aLineInPiecesIsOneEvent() {
        var report = WaitReport()
        #expect(report.feed(Data("@@ENDED 0 COMP".utf8)).isEmpty)
        #expect(report.feed(Data("LETED\nnoise\n".utf8)) == [.ended(index: 0, state: "COMPLETED")])
        #expect(WaitReport.parse("@@STATE x RUNNING") == nil)
    }

    @Test(arguments: [("90", 90), ("90s", 90), ("15m", 900), ("1h30m", 5400), (" 2H ", 7200), ("0", 0)] as [(String, Int)])
    func durationsRead(_ text: String, _ seconds: Int) { #expect(WaitDuration.seconds(text) == seconds) }

    @Test(arguments: ["", "-5", "10x", "m", "5m3", "1.5h"])
    func badDurationsAreRefused(_ text: String) { #expect(WaitDuration.seconds(text) == nil) }
}
