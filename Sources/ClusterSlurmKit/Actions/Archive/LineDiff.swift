import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A unified diff of two texts by lines (LCS), for scripts in `runs diff`.
public enum LineDiff {
    public static func unified(_ a: String, _ b: String, labelA: String, labelB: String, context: Int = 3) -> String {
        let left = a.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let right = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let n = left.count, m = right.count
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = left[i] == right[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        enum Op { case same(String), del(String), add(String) }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, left[i] == right[j] { ops.append(.same(left[i])); i += 1; j += 1 }
            else if j < m, i == n || lcs[i][j + 1] > lcs[i + 1][j] { ops.append(.add(right[j])); j += 1 }
            else { ops.append(.del(left[i])); i += 1 }
        }
        guard ops.contains(where: { if case .same = $0 { return false } else { return true } }) else { return "" }
        var out = ["--- \(labelA)", "+++ \(labelB)"]
        var index = 0
        var lineA = 1, lineB = 1
        var positions: [(Int, Int)] = []
        for op in ops {
            positions.append((lineA, lineB))
            switch op { case .same: lineA += 1; lineB += 1; case .del: lineA += 1; case .add: lineB += 1 }
        }
        while index < ops.count {
            guard let start = ops[index...].firstIndex(where: { if case .same = $0 { return false } else { return true } }) else { break }
            var end = start
            var cursor = start
            while cursor < ops.count {
                if case .same = ops[cursor] {
                    let run = ops[cursor...].prefix { if case .same = $0 { return true } else { return false } }.count
                    if run > context * 2 || cursor + run >= ops.count { break }
                    cursor += run
                } else { end = cursor; cursor += 1 }
            }
            let from = max(0, start - context), to = min(ops.count - 1, end + context)
            let countA = ops[from...to].filter { if case .add = $0 { return false } else { return true } }.count
            let countB = ops[from...to].filter { if case .del = $0 { return false } else { return true } }.count
            out.append("@@ -\(positions[from].0),\(countA) +\(positions[from].1),\(countB) @@")
            for op in ops[from...to] {
                switch op { case .same(let s): out.append(" " + s); case .del(let s): out.append("-" + s); case .add(let s): out.append("+" + s) }
            }
            index = to + 1
        }
        return out.joined(separator: "\n") + "\n"
    }
}
