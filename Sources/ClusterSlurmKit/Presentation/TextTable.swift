import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// An aligned, width-aware table for the terminal. Columns that may be cut
/// say how (ids in the middle, free text at the end); when the table is
/// wider than the terminal the widest cuttable column gives way first.
public struct TextTable: Sendable {
    public enum Cut: Sendable { case never, middle, end }
    public struct Column: Sendable {
        public var title: String
        public var alignRight: Bool
        public var cut: Cut
        public var minWidth: Int
        /// When cutting is not enough, columns with a rank are left out, lowest rank first.
        public var dropRank: Int?
        public init(_ title: String, alignRight: Bool = false, cut: Cut = .never, minWidth: Int = 8, dropRank: Int? = nil) {
            self.title = title; self.alignRight = alignRight; self.cut = cut; self.minWidth = minWidth; self.dropRank = dropRank
        }
    }
    public struct Cell: Sendable {
        public var text: String
        public var role: Palette.Role?
        public init(_ text: String, _ role: Palette.Role? = nil) { self.text = DisplayWidth.oneLine(text); self.role = role }
    }

    public var columns: [Column]
    public var rows: [[Cell]] = []
    public init(_ columns: [Column]) { self.columns = columns }

    public mutating func append(_ row: [Cell]) { rows.append(row) }

    /// The table as lines; `maxWidth` nil means no limit (not a terminal).
    public func render(maxWidth: Int?, palette: Palette) -> String {
        if let maxWidth, let dropped = narrowed(maxWidth) { return dropped.render(maxWidth: maxWidth, palette: palette) }
        let gap = 2
        var widths = columns.indices.map { index in
            rows.reduce(DisplayWidth.of(columns[index].title)) { max($0, DisplayWidth.of($1[index].text)) }
        }
        if let maxWidth {
            var excess = widths.reduce(0, +) + gap * (columns.count - 1) - maxWidth
            while excess > 0 {
                // the widest column that can still give way
                guard let index = columns.indices
                    .filter({ columns[$0].cut != .never && widths[$0] > max(columns[$0].minWidth, DisplayWidth.of(columns[$0].title)) })
                    .max(by: { widths[$0] < widths[$1] }) else { break }
                let floor = max(columns[index].minWidth, DisplayWidth.of(columns[index].title))
                let give = min(excess, widths[index] - floor, max(1, widths[index] / 4))
                widths[index] -= give; excess -= give
            }
        }
        func line(_ cells: [Cell], header: Bool) -> String {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let column = columns[index]
                var text = cell.text
                switch column.cut {
                case .never: break
                case .middle: text = DisplayWidth.truncateMiddle(text, to: widths[index])
                case .end: text = DisplayWidth.truncateEnd(text, to: widths[index])
                }
                let last = index == cells.count - 1
                let padded = last && !column.alignRight ? text : DisplayWidth.pad(text, to: widths[index], right: column.alignRight)
                let role = header ? Palette.Role.header : cell.role
                parts.append(role.map { paint(padded, $0, palette) } ?? padded)
            }
            return parts.joined(separator: String(repeating: " ", count: gap))
        }
        var lines = [line(columns.map { Cell($0.title) }, header: true)]
        lines += rows.map { line($0, header: false) }
        return lines.joined(separator: "\n")
    }

    /// The table without its lowest-ranked droppable column, when even
    /// every column cut to its minimum is wider than `maxWidth`.
    private func narrowed(_ maxWidth: Int) -> TextTable? {
        let floor = columns.indices.map { index -> Int in
            let natural = rows.reduce(DisplayWidth.of(columns[index].title)) { max($0, DisplayWidth.of($1[index].text)) }
            return columns[index].cut == .never ? natural : min(natural, max(columns[index].minWidth, DisplayWidth.of(columns[index].title)))
        }
        guard floor.reduce(0, +) + 2 * (columns.count - 1) > maxWidth,
              let drop = columns.indices.filter({ columns[$0].dropRank != nil }).min(by: { columns[$0].dropRank! < columns[$1].dropRank! })
        else { return nil }
        var smaller = TextTable(columns.enumerated().filter { $0.offset != drop }.map(\.element))
        smaller.rows = rows.map { row in row.enumerated().filter { $0.offset != drop }.map(\.element) }
        return smaller
    }

    /// Paints only the text, not the padding, so colour never shifts columns.
    private func paint(_ padded: String, _ role: Palette.Role, _ palette: Palette) -> String {
        let body = padded.trimmingTrailingSpaces()
        guard !body.isEmpty else { return padded }  // all blank (an empty title): nothing to paint
        let leading = padded.prefix(while: { $0 == " " })
        let core = body.dropFirst(leading.count)
        let trailing = padded.count - body.count
        return String(leading) + palette.paint(String(core), role) + String(repeating: " ", count: trailing)
    }
}

extension String {
    package func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
