/// Myers' O(ND) difference algorithm in its linear-space form (divide and conquer on the
/// "middle snake"), over elements interned to integers. `maxCost` bounds the edit distance
/// searched in any one subproblem: past it, that subproblem is reported as a plain replace,
/// so two unrelated texts cost bounded time and memory instead of quadratic.
package enum Myers {
    package static func diff<T: Hashable>(_ a: [T], _ b: [T], maxCost: Int = 4_000) -> [Edit] {
        var ids: [T: Int] = [:]
        ids.reserveCapacity(a.count + b.count)
        let x = a.map { element -> Int in
            if let id = ids[element] { return id }
            let id = ids.count
            ids[element] = id
            return id
        }
        let y = b.map { element -> Int in
            if let id = ids[element] { return id }
            let id = ids.count
            ids[element] = id
            return id
        }
        return diff(ids: x, y, maxCost: maxCost)
    }

    /// The same over elements already interned to integers (equal ids, equal elements; ids
    /// are small non-negative numbers, as an interner hands them out).
    ///
    /// With `setAsideUnmatched`, elements that occur nowhere on the other side (which cannot be
    /// part of any common subsequence) are set aside first, as GNU diff does, and the search
    /// runs over the rest: the script stays minimal, and where most changed lines are new text
    /// the search's cost, which grows with the square of the edits it has to find, mostly
    /// disappears. Line diffs use it; word diffs do not, because among equally short scripts
    /// the search over every word attaches spaces to the unchanged words, which reads better.
    package static func diff(ids x: [Int], _ y: [Int], maxCost: Int = 4_000, setAsideUnmatched: Bool = false) -> [Edit] {
        guard setAsideUnmatched else { return search(x, y, maxCost: maxCost) }
        let largest = max(x.max() ?? -1, y.max() ?? -1)
        guard largest >= 0 else { return [] }
        var inX = [Bool](repeating: false, count: largest + 1), inY = [Bool](repeating: false, count: largest + 1)
        for id in x { inX[id] = true }
        for id in y { inY[id] = true }
        let keptX = x.indices.filter { inY[x[$0]] }, keptY = y.indices.filter { inX[y[$0]] }
        guard keptX.count < x.count || keptY.count < y.count else { return search(x, y, maxCost: maxCost) }
        let reduced = search(keptX.map { x[$0] }, keptY.map { y[$0] }, maxCost: maxCost)
        return expand(reduced, keptX: keptX, keptY: keptY, countX: x.count, countY: y.count)
    }

    /// The script over the whole sequences from one over their kept elements: kept elements
    /// matched there are matched here, everything between two matches is deleted then inserted.
    private static func expand(_ reduced: [Edit], keptX: [Int], keptY: [Int], countX: Int, countY: Int) -> [Edit] {
        var edits: [Edit] = []
        var x = 0, y = 0
        func moveTo(_ toX: Int, _ toY: Int) {
            if toX > x { edits.append(Edit(kind: .delete, old: x..<toX, new: y..<y)) }
            if toY > y { edits.append(Edit(kind: .insert, old: toX..<toX, new: y..<toY)) }
            x = toX
            y = toY
        }
        for edit in reduced where edit.kind == .equal {
            for offset in 0..<edit.old.count {
                let matchX = keptX[edit.old.lowerBound + offset], matchY = keptY[edit.new.lowerBound + offset]
                moveTo(matchX, matchY)
                if let last = edits.last, last.kind == .equal, last.old.upperBound == matchX, last.new.upperBound == matchY {
                    edits[edits.count - 1] = Edit(kind: .equal, old: last.old.lowerBound..<(matchX + 1), new: last.new.lowerBound..<(matchY + 1))
                } else {
                    edits.append(Edit(kind: .equal, old: matchX..<(matchX + 1), new: matchY..<(matchY + 1)))
                }
                x = matchX + 1
                y = matchY + 1
            }
        }
        moveTo(countX, countY)
        return Edit.coalesce(edits)
    }

    private static func search(_ x: [Int], _ y: [Int], maxCost: Int) -> [Edit] {
        x.withUnsafeBufferPointer { a in
            y.withUnsafeBufferPointer { b in
                withUnsafePointer(to: 0) { none in
                    // Diagonal buffers for the largest subproblem, left uninitialised: only the
                    // window [offset - d - 1, offset + d + 1] is used, each entry written before
                    // it is read, so most pages are never touched.
                    let size = x.count + y.count + 5
                    let forward = UnsafeMutablePointer<Int>.allocate(capacity: size)
                    let backward = UnsafeMutablePointer<Int>.allocate(capacity: size)
                    defer {
                        forward.deallocate()
                        backward.deallocate()
                    }
                    var differ = Differ(a: a.baseAddress ?? none, b: b.baseAddress ?? none, maxCost: maxCost, forward: forward, backward: backward)
                    differ.run(0, x.count, 0, y.count)
                    return Edit.coalesce(differ.edits)
                }
            }
        }
    }

    /// Pointers rather than arrays: the snake loops are most of the time, and bounds checks
    /// and reference counting in them were a third of it.
    private struct Differ {
        let a: UnsafePointer<Int>
        let b: UnsafePointer<Int>
        let maxCost: Int
        var edits: [Edit] = []
        let forward: UnsafeMutablePointer<Int>
        let backward: UnsafeMutablePointer<Int>

        mutating func run(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) {
            var aLow = aLow, bLow = bLow, aHigh = aHigh, bHigh = bHigh
            // Common prefix and suffix: most edits are local.
            let prefixStart = aLow, bPrefixStart = bLow
            while aLow < aHigh, bLow < bHigh, a[aLow] == b[bLow] { aLow += 1; bLow += 1 }
            if aLow > prefixStart { edits.append(Edit(kind: .equal, old: prefixStart..<aLow, new: bPrefixStart..<bLow)) }
            var suffix = 0
            while aHigh > aLow, bHigh > bLow, a[aHigh - 1] == b[bHigh - 1] { aHigh -= 1; bHigh -= 1; suffix += 1 }
            defer { if suffix > 0 { edits.append(Edit(kind: .equal, old: aHigh..<(aHigh + suffix), new: bHigh..<(bHigh + suffix))) } }

            if aLow == aHigh {
                if bLow < bHigh { edits.append(Edit(kind: .insert, old: aLow..<aLow, new: bLow..<bHigh)) }
                return
            }
            if bLow == bHigh {
                edits.append(Edit(kind: .delete, old: aLow..<aHigh, new: bLow..<bLow))
                return
            }
            guard let snake = middleSnake(aLow, aHigh, bLow, bHigh) else {
                edits.append(Edit(kind: .delete, old: aLow..<aHigh, new: bLow..<bLow))
                edits.append(Edit(kind: .insert, old: aHigh..<aHigh, new: bLow..<bHigh))
                return
            }
            run(aLow, snake.x, bLow, snake.y)
            if snake.u > snake.x { edits.append(Edit(kind: .equal, old: snake.x..<snake.u, new: snake.y..<snake.v)) }
            run(snake.u, aHigh, snake.v, bHigh)
        }

        /// The middle snake (x, y) -> (u, v) of an optimal path, or nil past the cost bound.
        mutating func middleSnake(_ aLow: Int, _ aHigh: Int, _ bLow: Int, _ bHigh: Int) -> (x: Int, y: Int, u: Int, v: Int)? {
            let n = aHigh - aLow, m = bHigh - bLow
            let delta = n - m
            let odd = delta & 1 != 0
            let maxD = (n + m + 1) / 2
            let offset = maxD + 1
            let limit = min(maxD, maxCost)
            // The buffers are reused by every subproblem: 2 * offset + 2 <= n + m + 4.
            forward[offset + 1] = 0
            backward[offset + 1] = 0
            for d in 0...limit {
                var k = -d
                while k <= d {
                    var x: Int
                    if k == -d || (k != d && forward[offset + k - 1] < forward[offset + k + 1]) {
                        x = forward[offset + k + 1]
                    } else {
                        x = forward[offset + k - 1] + 1
                    }
                    var y = x - k
                    let startX = x, startY = y
                    while x < n, y < m, a[aLow + x] == b[bLow + y] { x += 1; y += 1 }
                    forward[offset + k] = x
                    if odd, k - delta >= -(d - 1), k - delta <= d - 1, x + backward[offset + delta - k] >= n {
                        return (aLow + startX, bLow + startY, aLow + x, bLow + y)
                    }
                    k += 2
                }
                k = -d
                while k <= d {
                    var x: Int
                    if k == -d || (k != d && backward[offset + k - 1] < backward[offset + k + 1]) {
                        x = backward[offset + k + 1]
                    } else {
                        x = backward[offset + k - 1] + 1
                    }
                    var y = x - k
                    let startX = x, startY = y
                    while x < n, y < m, a[aHigh - 1 - x] == b[bHigh - 1 - y] { x += 1; y += 1 }
                    backward[offset + k] = x
                    if !odd, delta - k >= -d, delta - k <= d, x + forward[offset + delta - k] >= n {
                        return (aHigh - x, bHigh - y, aHigh - startX, bHigh - startY)
                    }
                    k += 2
                }
            }
            return nil
        }
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
            } else if edit.kind == .delete, let last = result.last, last.kind == .insert {
                // insert then delete at one spot: put the delete first, as diff(1) does.
                result.removeLast()
                if let previous = result.last, previous.kind == .delete {
                    result[result.count - 1].old = previous.old.lowerBound..<edit.old.upperBound
                } else {
                    result.append(Edit(kind: .delete, old: edit.old, new: last.new.lowerBound..<last.new.lowerBound))
                }
                result.append(Edit(kind: .insert, old: edit.old.upperBound..<edit.old.upperBound, new: last.new))
            } else {
                result.append(edit)
            }
        }
        return result
    }
}
