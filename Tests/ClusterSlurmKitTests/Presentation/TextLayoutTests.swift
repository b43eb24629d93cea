import Foundation
import Testing
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote
@testable import ClusterSlurmKit
import ClusterSlurmTool

/// Widths, cuts, escapes and tables: what keeps terminal output aligned and safe.
@Suite struct TextLayoutTests {
    @Test(arguments: [
        ("abc", 3), ("日本語", 6), ("e\u{301}", 1), ("🚀x", 3), ("", 0), ("Ünïcödé", 7),
    ])
    func displayWidth(_ text: String, _ width: Int) {
        #expect(DisplayWidth.of(text) == width)
    }

    @Test(arguments: [
        ("a\u{1B}[31mred", "a\\u{1B}[31mred"), ("two\nlines", "two\\nlines"), ("tab\there", "tab\\there"),
        ("bell\u{07}", "bell\\u{7}"), ("c1\u{9B}x", "c1\\u{9B}x"), ("plain ✓", "plain ✓"),
    ])
    func oneLineShowsControlCharacters(_ text: String, _ shown: String) {
        #expect(DisplayWidth.oneLine(text) == shown)
    }

    @Test func blockKeepsLinesAndTurnsCarriageReturnsIntoLines() {
        #expect(DisplayWidth.block("a\tb\r\nc\r 10%\r 20%\u{1B}[0m") == "a\tb\nc\n 10%\n 20%\\u{1B}[0m")
    }

    @Test(arguments: [
        ("numpy-demo-20261129-152913", 12, "numpy-…52913"), ("short", 12, "short"), ("abcdef", 1, "…"),
        ("日本語のテキスト", 7, "日…ト"),
    ])
    func truncateMiddle(_ text: String, _ width: Int, _ expected: String) {
        #expect(DisplayWidth.truncateMiddle(text, to: width) == expected)
        #expect(DisplayWidth.of(DisplayWidth.truncateMiddle(text, to: width)) <= width)
    }

    @Test func truncateEndKeepsTheStart() {
        #expect(DisplayWidth.truncateEnd("RuntimeError: CUDA error", to: 10) == "RuntimeEr…")
    }

    static func sample() -> TextTable {
        var table = TextTable([.init("ID", cut: .middle, minWidth: 6), .init("SIZE", alignRight: true), .init("NOTE", cut: .end, minWidth: 4, dropRank: 1)])
        table.append([.init("run-20261129-000001"), .init("5 B"), .init("all good here")])
        table.append([.init("r2"), .init("1.2 GiB"), .init("日本")])
        return table
    }

    @Test func columnsAlignAndNumbersAlignRight() {
        let lines = Self.sample().render(maxWidth: nil, palette: .plain).split(separator: "\n").map(String.init)
        #expect(lines == [
            "ID                      SIZE  NOTE",
            "run-20261129-000001      5 B  all good here",
            "r2                   1.2 GiB  日本",
        ])
    }

    @Test func aNarrowTerminalCutsTheWidestColumnThenDropsRankedOnes() {
        let cut = Self.sample().render(maxWidth: 30, palette: .plain).split(separator: "\n").map(String.init)
        #expect(cut.allSatisfy { DisplayWidth.of($0) <= 30 }, "\(cut)")
        #expect(cut[1].hasPrefix("run-") && cut[1].contains("…0001"), "\(cut)")
        let dropped = Self.sample().render(maxWidth: 16, palette: .plain)
        #expect(!dropped.contains("NOTE"), "\(dropped)")
        #expect(dropped.contains("SIZE"))
    }

    @Test func hostileCellsCannotReachTheTerminal() {
        var table = TextTable([.init("NAME")])
        table.append([.init("evil\u{1B}]0;pwned\u{07}\nname")])
        let text = table.render(maxWidth: nil, palette: .plain)
        #expect(!text.contains("\u{1B}"))
        #expect(text.split(separator: "\n").count == 2)
    }

    @Test(arguments: [
        (true, [String: String](), false, false),                    // TERM unset: no colour
        (true, ["TERM": "xterm-256color"], false, true),
        (true, ["TERM": "xterm", "NO_COLOR": "1"], false, false),
        (true, ["TERM": "dumb"], false, false),
        (false, ["TERM": "xterm"], false, false),                   // a pipe
        (true, ["TERM": "xterm"], true, false),                     // --json
    ])
    func colourOnlyOnATerminal(_ terminal: Bool, _ environment: [String: String], _ json: Bool, _ enabled: Bool) {
        #expect(Palette.decide(isTerminal: terminal, environment: environment, json: json).enabled == enabled)
    }

    @Test func aPlainPaletteAddsNothing() {
        #expect(Palette.plain.paint("FAILED", .bad) == "FAILED")
    }

    /// A blank title (the label column of `runs compare`) keeps the header aligned, painted or not.
    @Test(arguments: [Palette.plain, Palette(enabled: true)]) func blankTitleKeepsTheHeaderAligned(_ palette: Palette) {
        var table = TextTable([.init("", minWidth: 4), .init("run-a"), .init("run-b")])
        table.append([.init("* state"), .init("COMPLETED"), .init("FAILED")])
        let lines = table.render(maxWidth: nil, palette: palette).split(separator: "\n").map { line in String(line).replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) }
        #expect(lines[0].firstIndex(of: "r").map { lines[0].distance(from: lines[0].startIndex, to: $0) } == 9, "\(lines)")
        #expect(lines[1].hasPrefix("* state  COMPLETED"))
    }
}
