/// Myers' O(ND) difference algorithm over any equatable sequence, returning the edit script
/// as runs. `maxCost` bounds D: beyond it the rest is reported as one replace, so a
/// pathological input costs bounded time instead of quadratic.
enum Myers {
    static func diff<T: Equatable>(_ a: [T], _ b: [T], maxCost: Int = 20_000) -> [Edit] {
        // Trim the common prefix and suffix: most edits of articles are local.
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let aMid = Array(a[prefix..<(a.count - suffix)])
        let bMid = Array(b[prefix..<(b.count - suffix)])
        var edits: [Edit] = []
        if prefix > 0 { edits.append(Edit(kind: .equal, old: 0..<prefix, new: 0..<prefix)) }
        for edit in middle(aMid, bMid, maxCost: maxCost) {
            edits.append(Edit(kind: edit.kind, old: (edit.old.lowerBound + prefix)..<(edit.old.upperBound + prefix),
                              new: (edit.new.lowerBound + prefix)..<(edit.new.upperBound + prefix)))
        }
        if suffix > 0 {
            edits.append(Edit(kind: .equal, old: (a.count - suffix)..<a.count, new: (b.count - suffix)..<b.count))
        }
        return Edit.coalesce(edits)
    }

    private static func middle<T: Equatable>(_ a: [T], _ b: [T], maxCost: Int) -> [Edit] {
        let n = a.count, m = b.count
        if n == 0 && m == 0 { return [] }
        if n == 0 { return [Edit(kind: .insert, old: 0..<0, new: 0..<m)] }
        if m == 0 { return [Edit(kind: .delete, old: 0..<n, new: 0..<0)] }
        let maxD = min(n + m, maxCost)
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        outer: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[offset + k] = x
                if x >= n && y >= m { found = true; break outer }
            }
        }
        guard found else {
            return [Edit(kind: .delete, old: 0..<n, new: 0..<0), Edit(kind: .insert, old: n..<n, new: 0..<m)]
        }
        // Walk the trace back from (n, m) to recover the path.
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let previousK = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? k + 1 : k - 1
            let previousX = d == 0 ? 0 : v[offset + previousK]
            let previousY = previousX - previousK
            while x > previousX && y > previousY {
                script.append(Edit(kind: .equal, old: (x - 1)..<x, new: (y - 1)..<y))
                x -= 1; y -= 1
            }
            if d > 0 {
                if x == previousX {
                    script.append(Edit(kind: .insert, old: x..<x, new: previousY..<y))
                } else {
                    script.append(Edit(kind: .delete, old: previousX..<x, new: y..<y))
                }
            }
            x = previousX; y = previousY
        }
        return Edit.coalesce(script.reversed())
    }
}

/// A run of the edit script: `old` and `new` are element ranges of the two sides.
public struct Edit: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case equal, delete, insert }
    public var kind: Kind
    public var old: Range<Int>
    public var new: Range<Int>

    /// Merges adjacent runs of the same kind, and orders each delete before its insert.
    static func coalesce(_ edits: [Edit]) -> [Edit] {
        var result: [Edit] = []
        for edit in edits where !(edit.old.isEmpty && edit.new.isEmpty) {
            if var last = result.last, last.kind == edit.kind {
                last.old = last.old.lowerBound..<edit.old.upperBound
                last.new = last.new.lowerBound..<edit.new.upperBound
                result[result.count - 1] = last
            } else {
                result.append(edit)
            }
        }
        return result
    }
}
