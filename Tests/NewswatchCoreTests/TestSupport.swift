import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Python fixture server on 127.0.0.1. It exits when its stdin closes; `stop` also
/// SIGKILLs it, since SIGTERM may be blocked in processes spawned from test threads.
final class TestServer: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    let port: Int
    let root: String

    init(root: String? = nil, port: Int = 0, hookLog: String? = nil, hookMode: String = "ok") throws {
        let root = root ?? Fixtures.temporaryDirectory()
        self.root = root
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Fixtures.path("testserver.py"), "--root", root, "--port", String(port), "--hook-mode", hookMode]
            + (hookLog.map { ["--hook-log", $0] } ?? [])
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw NSError(domain: "TestServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "test server did not start"])
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func url(_ path: String) -> String { base + path }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    static func temporaryDirectory() -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The directory of the built products (where the `newswatch` executable is).
    static var productsDirectory: String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if url.path.hasSuffix(".xctest/Contents/MacOS") { url = url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("newswatch").path) { return url.path }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug").path
    }
}

/// Runs the built `newswatch` executable and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// `raw`: `arguments[0]` is the program to run (e.g. /usr/bin/time wrapping newswatch).
func runCLI(_ arguments: [String], environment: [String: String] = [:], currentDirectory: String? = nil, raw: Bool = false) throws -> CLIResult {
    let process = Process()
    if raw {
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
    } else {
        process.executableURL = URL(fileURLWithPath: (Fixtures.productsDirectory as NSString).appendingPathComponent("newswatch"))
        process.arguments = arguments
    }
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { _, new in new }
    process.environment = env
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a full pipe never blocks the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errBox.data = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    process.waitUntilExit()
    return CLIResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}
