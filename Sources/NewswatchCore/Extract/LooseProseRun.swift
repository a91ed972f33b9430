/// Text between two block boundaries outside any `<p>`, inside an element skipped as
/// furniture: a template that sets its story's paragraphs in `<div>`s, or between `<br>`s,
/// shows its prose here, where `StoryCollector.SkippedProse` would otherwise count only
/// `<p>` text. A run counts when it is long enough to be a paragraph and has a sentence break
/// or a clause in it; a menu's or a footer's words come in short runs.
struct LooseProseRun {
    private var bytes = 0
    private var breaks = false
    private var previous: UInt8 = 0

    static let minimumBytes = 100

    /// More text of the run (the parser hands text over in pieces: entities, buffer ends).
    mutating func read(_ text: UnsafeBufferPointer<UInt8>) {
        bytes += text.count
        guard !breaks else { return }
        for byte in text {
            if byte == 0x20, previous == 0x2E || previous == 0x2C { breaks = true; break }
            previous = byte
        }
    }

    /// The run's length if it reads as prose, else 0; the run starts again.
    mutating func take() -> Int {
        defer { self = LooseProseRun() }
        return bytes >= Self.minimumBytes && breaks ? bytes : 0
    }
}
