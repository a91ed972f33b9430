import Foundation
import Testing
@testable import NewswatchBase
import NewswatchCore

/// The `newswatch` launcher answers `diff --no-index` on text files itself, byte for byte as
/// newswatch-core does, and hands everything else to the core. A launcher copied alone into a
/// directory shows which path a command took: what it answers works there, what it hands over
/// fails with the message naming the missing core.
@Suite("Launcher")
struct LauncherTests {
    let work = Fixtures.temporaryDirectory()
    var products: String { Fixtures.productsDirectory }
    var core: String { products + "/newswatch-core" }

    /// The launcher by itself, without a core beside it.
    func loneLauncher() throws -> String {
        let path = work + "/bin/newswatch"
        try FileManager.default.createDirectory(atPath: work + "/bin", withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { try FileManager.default.copyItem(atPath: products + "/newswatch", toPath: path) }
        return path
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = work + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Pairs of texts covering what the unified form has to get right.
    func textPairs() -> [(String, String, String)] {
        var random = SystemRandomNumberGenerator()
        let words = ["toll", "120", "1,200", "minister", "said", "é", "Ümlaut", "🚒", "the", "of", "killed", "\t", "crème"]
        let lines = (0..<2_000).map { _ in (0..<Int.random(in: 0...9, using: &random)).map { _ in words.randomElement(using: &random)! }.joined(separator: " ") }
        var edited = lines
        for _ in 0..<40 {
            let at = Int.random(in: 0..<edited.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: edited[at] += " changed"
            case 1: edited.insert("a new line", at: at)
            default: edited.remove(at: at)
            }
        }
        let old = lines.joined(separator: "\n") + "\n"
        return [
            ("scattered", old, edited.joined(separator: "\n") + "\n"),
            ("no final newline", old, edited.joined(separator: "\n")),
            ("identical", old, old),
            ("empty old", "", "one\ntwo\n"),
            ("crlf", "a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n"),
            ("last line only", "x\ny", "x\ny\n"),
        ]
    }

    @Test func answersTextDiffsItselfExactlyAsTheCore() throws {
        let launcher = try loneLauncher()
        for (name, old, new) in textPairs() {
            let a = try write("old-\(name).txt", old), b = try write("new-\(name).txt", new)
            let quick = try runCLI([launcher, "diff", "--no-index", a, b], raw: true)
            let full = try runCLI([core, "diff", "--no-index", a, b], raw: true)
            #expect(quick.status == full.status && quick.stdout == full.stdout, "\(name): launcher \(quick.status) \(quick.stderr) vs core \(full.status)")
            #expect(quick.status == (old == new ? 0 : 1), "\(name)")
            #expect(quick.stderr.isEmpty, "\(name): \(quick.stderr)")
            if old != new { #expect(try UnifiedPatch.apply(quick.stdout, to: old) == new, "\(name)") }
        }
        let a = try write("a.txt", "one\ntwo\n"), b = try write("b.txt", "one\nthree\n")
        for flags in [["--no-index", "--exit-code"], ["--unified", "--no-index"], ["--no-index", "--color=never", "--no-pager"]] {
            let quick = try runCLI([launcher, "diff"] + flags + [a, b], raw: true)
            let full = try runCLI([core, "diff"] + flags + [a, b], raw: true)
            #expect(quick.status == 1 && quick.stdout == full.stdout, "\(flags): \(quick.stderr)")
        }
        let version = try runCLI([launcher, "--version"], raw: true)
        let coreVersion = try runCLI([core, "--version"], raw: true)
        #expect(version.status == 0 && version.stdout == coreVersion.stdout)
    }

    @Test func handsEverythingElseToTheCore() throws {
        let launcher = try loneLauncher()
        let text = try write("a.txt", "one\n")
        let html = try write("page.html", "<html><body><article><p>A story.</p></article></body></html>")
        let htmlByContent = try write("page.txt", "<!DOCTYPE HTML><html><body><p>A story.</p></body></html>")
        let latin1 = try write("latin1.txt", [0x63, 0x72, 0xE8, 0x6D, 0x65, 0x0A])
        let bom = try write("bom.txt", [0xEF, 0xBB, 0xBF, 0x61, 0x0A])
        let handedOver: [[String]] = [
            ["diff", "--no-index", text, html], ["diff", "--no-index", htmlByContent, text], ["diff", "--no-index", latin1, text],
            ["diff", "--no-index", bom, text], ["diff", "--no-index", text, work + "/missing.txt"], ["diff", "--no-index", text, work],
            ["diff", "--no-index", "--json", text, text], ["diff", "--no-index", text, text, "--stat"], ["diff", "--no-index", text],
            ["diff", "--no-index", "--color=always", text, text], ["diff", "budget"], ["list"], ["--help"], [],
        ]
        for arguments in handedOver {
            let result = try runCLI([launcher] + arguments, raw: true)
            #expect(result.status == 127 && result.stderr.contains("cannot run \(work)/bin/newswatch-core"), "\(arguments): \(result.status) \(result.stderr)")
        }
        // With the core where NEWSWATCH_CORE says, the same commands get the core's answers.
        let withCore = ["NEWSWATCH_CORE": core]
        let extracted = try runCLI([launcher, "diff", "--no-index", text, html], environment: withCore, raw: true)
        #expect(extracted.status == 1 && extracted.stdout.contains("+A story."), "\(extracted.stdout) \(extracted.stderr)")
        let notText = try runCLI([launcher, "diff", "--no-index", latin1, text], environment: withCore, raw: true)
        #expect(notText.status == 2 && notText.stderr.contains("not UTF-8 text"), "\(notText.stderr)")
        let missing = try runCLI([launcher, "diff", "--no-index", text, work + "/missing.txt"], environment: withCore, raw: true)
        #expect(missing.status == 2 && missing.stderr.contains("missing.txt: cannot read file"), "\(missing.stderr)")
    }

    @Test func utf8ValidationAgreesWithFoundation() {
        var random = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("plain ascii text ".utf8), Array("é".utf8), Array("€".utf8), Array("🚒".utf8), Array("\u{10FFFF}".utf8),
            [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8], [0x80], [0xE2, 0x82], [0xFF],
        ]
        for round in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...12, using: &random) { bytes += pieces.randomElement(using: &random)! }
            if round % 3 == 0, !bytes.isEmpty { bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random) }
            let foundation = String(data: Data(bytes), encoding: .utf8) != nil
            #expect(UTF8Validation.isValid(bytes) == foundation, "\(bytes)")
        }
    }
}
