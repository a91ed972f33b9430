import Testing
@testable import NewswatchCore

@Suite("Needle sets") struct NeedleSetTests {
    /// The one-pass search answers as one search per needle does: the first needle in list
    /// order that the line starts with, or holds anywhere.
    @Test func agreesWithSearchingEachNeedle() {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ab c©é".utf8)
        for _ in 0..<300 {
            let needles = (0..<Int.random(in: 1...12, using: &random)).map { _ in
                (0..<Int.random(in: 1...4, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            }
            let set = NeedleSet(needles)
            for _ in 0..<20 {
                let line = (0..<Int.random(in: 0...30, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
                let expectedPrefix = needles.firstIndex { line.starts(with: $0) }
                let expectedContained = needles.firstIndex { needle in
                    line.count >= needle.count && (0...(line.count - needle.count)).contains { line[$0..<($0 + needle.count)].elementsEqual(needle) }
                }
                #expect(set.firstPrefix(of: line) == expectedPrefix, "\(needles) \(line)")
                #expect(set.firstContained(in: line) == expectedContained, "\(needles) \(line)")
            }
        }
    }
}
