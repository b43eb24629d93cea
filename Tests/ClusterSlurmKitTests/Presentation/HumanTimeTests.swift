import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

@Suite struct HumanTimeTests {
    static let now = Date(timeIntervalSince1970: 1_795_964_400)  // 2026-11-29T15:00:00Z

    @Test(arguments: [(0, "0s"), (45, "45s"), (843, "14m 03s"), (7500, "2h 05m"), (277_200, "3d 5h"), (-5, "0s")])
    func durations(_ seconds: Int, _ text: String) {
        #expect(HumanTime.duration(seconds) == text)
    }

    @Test(arguments: [(3, "just now"), (42, "42s ago"), (300, "5m ago"), (3 * 3600, "3h ago"), (2 * 86400, "2d ago")])
    func relative(_ ago: Int, _ text: String) {
        #expect(HumanTime.relative(Self.now.addingTimeInterval(-Double(ago)), now: Self.now, utcOffset: 0) == text)
    }

    @Test func oldDatesAndZones() {
        let old = Self.now.addingTimeInterval(-90 * 86400)
        #expect(HumanTime.relative(old, now: Self.now, utcOffset: 0).count == 10)
        let date = Date(timeIntervalSince1970: 0)
        #expect(HumanTime.absolute(date, utcOffset: 0) == "1970-01-01 00:00:00 UTC")
        #expect(HumanTime.absolute(date, utcOffset: -5 * 3600) == "1969-12-31 19:00:00 -05:00")
        #expect(HumanTime.absolute(date, utcOffset: 5 * 3600 + 1800) == "1970-01-01 05:30:00 +05:30")
    }

    @Test(arguments: [(307, "307 B"), (6035, "5.9 KiB"), (200_000_000, "191 MiB"), (1 << 30, "1.0 GiB")] as [(Int64, String)])
    func bytes(_ count: Int64, _ text: String) {
        #expect(HumanTime.bytes(count) == text)
    }

    /// squeue's `0:05` and sacct's `00:00:05` are the same five seconds.
    @Test(arguments: [("0:05", 5), ("00:00:05", 5), ("14:03", 843), ("1-02:03:04", 93784), ("5:30.123", 330), ("2-00", 172800),
                      ("x", nil), ("1:-2", nil), ("", nil)] as [(String, Int?)])
    func slurmDurations(_ text: String, _ seconds: Int?) {
        #expect(HumanTime.slurmSeconds(text) == seconds)
    }

    @Test func slurmTimestampsSubtract() throws {
        let submit = try #require(HumanTime.slurmTimestamp("2026-11-29T15:29:14"))
        let start = try #require(HumanTime.slurmTimestamp("2026-11-29T15:31:20"))
        #expect(start.timeIntervalSince(submit) == 126)
        #expect(HumanTime.slurmTimestamp("Unknown") == nil)
        #expect(HumanTime.slurmTimestamp("None") == nil)
    }
}

@Suite struct SinceFilterTests {
    // 2026-11-29T15:00:00Z
    static let now = Date(timeIntervalSince1970: 1_795_964_400)

    @Test(arguments: [
        ("7d", -7 * 86400), ("24h", -86400), ("30m", -1800), ("2w", -14 * 86400), ("last week", -7 * 86400), (" 1D ", -86400),
    ])
    func ages(_ text: String, _ offset: Int) throws {
        #expect(try SinceFilter.parse(text, now: Self.now, utcOffset: 0) == Self.now.addingTimeInterval(Double(offset)))
    }

    @Test func calendarWordsUseTheLocalDay() throws {
        // 15:00Z is 10:00 at UTC-5: today began at 05:00Z
        let today = try SinceFilter.parse("today", now: Self.now, utcOffset: -5 * 3600)
        #expect(Timestamp.string(today) == "2026-11-29T05:00:00.000Z")
        let yesterday = try SinceFilter.parse("yesterday", now: Self.now, utcOffset: 0)
        #expect(Timestamp.string(yesterday) == "2026-11-28T00:00:00.000Z")
    }

    @Test(arguments: [
        ("2026-11-01", 0, "2026-11-01T00:00:00.000Z"), ("2026-11-01", 3600, "2026-10-31T23:00:00.000Z"),
        ("2026-11-01T09:30", 0, "2026-11-01T09:30:00.000Z"), ("2026-11-01 09:30:15", 0, "2026-11-01T09:30:15.000Z"),
        ("2026-11-01T09:30:00Z", 7200, "2026-11-01T09:30:00.000Z"), ("2026-11-01T09:30:00.250+02:00", 0, "2026-11-01T07:30:00.000Z"),
    ])
    func isoForms(_ text: String, _ offset: Int, _ expected: String) throws {
        #expect(Timestamp.string(try SinceFilter.parse(text, now: Self.now, utcOffset: offset)) == expected)
    }

    @Test(arguments: ["garbage", "2026-13-01", "2026-11-01T25:00", "7x", "-3d", "2026-11-01T09:30Q", "last", ""])
    func refusedWithTheAcceptedForms(_ text: String) {
        #expect {
            try SinceFilter.parse(text, now: Self.now, utcOffset: 0)
        } throws: { error in
            let error = error as? ClusterSlurmError
            return error?.path == "--since" && error?.message.contains("7d") == true && error?.message.contains("yesterday") == true
        }
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-29T15:29:14.095Z", 1_795_966_154.095), ("2026-11-29T15:29:14Z", 1_795_966_154.0),
        ("2026-11-29T17:29:14.5+02:00", 1_795_966_154.5), ("1970-01-01T00:00:00.000Z", 0.0),
    ])
    func parsesTheLedgersFormatAndZones(_ text: String, _ seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: ["", "2026-11-29", "2026-11-29T15:29:14", "2026-13-29T15:29:14Z", "2026-11-29T15:29:14.Z", "2026-11-29T15:29:14+0200", "garbage-and-more-text"])
    func refusesOtherText(_ text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func roundTrips() throws {
        let now = Date(timeIntervalSince1970: 1_795_966_154.123)
        #expect(Timestamp.string(try #require(Timestamp.parse(Timestamp.string(now)))) == Timestamp.string(now))
    }
}
