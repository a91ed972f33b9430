import Foundation
@testable import NewswatchCore
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

    let host: String

    /// `namespace`: run inside that network namespace (`ip netns exec`), bound to `host`.
    init(root: String? = nil, port: Int = 0, hookLog: String? = nil, hookMode: String = "ok",
         host: String = "127.0.0.1", namespace: String? = nil) throws {
        let root = root ?? Fixtures.temporaryDirectory()
        self.root = root
        self.host = host
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (namespace.map { ["ip", "netns", "exec", $0] } ?? [])
            + ["python3", Fixtures.path("testserver.py"), "--root", root, "--port", String(port), "--hook-mode", hookMode, "--host", host]
            + (hookLog.map { ["--hook-log", $0] } ?? [])
        self.port = try startAndReadPort(process, input: input, name: "test server")
    }

    var base: String { "http://\(host):\(port)" }

    /// Request lines the server has seen (absolute-form ones: it was used as a proxy).
    func requestLog() async throws -> [String] {
        let response = try await CurlFetcher().fetch(FetchRequest(url: url("/requests"))).get()
        return String(decoding: response.body, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func url(_ path: String) -> String { base + path }

    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A network namespace joined to this one by a veth pair, so tests have a host with a public
/// address (from TEST-NET-3, 203.0.113.0/24: not private by our rules, routed nowhere else).
/// Needs root and iproute2, as on the machines and in CI.
final class NetworkNamespace: @unchecked Sendable {
    let name: String
    let hostAddress: String
    let namespaceAddress: String

    static var available: Bool {
        getuid() == 0 && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"))
    }

    init(subnet: Int) throws {
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        name = "nw\(tag)"
        hostAddress = "203.0.113.\(subnet * 4 + 1)"
        namespaceAddress = "203.0.113.\(subnet * 4 + 2)"
        let outside = "nwo\(tag)", inside = "nwi\(tag)"
        for command in [
            ["netns", "add", name],
            ["link", "add", outside, "type", "veth", "peer", "name", inside],
            ["link", "set", inside, "netns", name],
            ["addr", "add", "\(hostAddress)/30", "dev", outside],
            ["link", "set", outside, "up"],
            ["netns", "exec", name, "ip", "addr", "add", "\(namespaceAddress)/30", "dev", inside],
            ["netns", "exec", name, "ip", "link", "set", inside, "up"],
            ["netns", "exec", name, "ip", "link", "set", "lo", "up"],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["ip"] + command
            try process.run()
            process.waitUntilExit()
            if process.terminationStatus != 0 {
                remove()
                throw NSError(domain: "NetworkNamespace", code: 1, userInfo: [NSLocalizedDescriptionKey: "ip \(command.joined(separator: " ")) failed"])
            }
        }
    }

    /// Deleting the namespace also deletes the veth pair.
    func remove() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ip", "netns", "del", name]
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }

    deinit { remove() }
}

/// Starts a fixture server that prints its port on its first line and exits when its stdin
/// closes; returns the port.
func startAndReadPort(_ process: Process, input: Pipe, name: String) throws -> Int {
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
        throw NSError(domain: name, code: 1, userInfo: [NSLocalizedDescriptionKey: "\(name) did not start"])
    }
    return port
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

    static func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// Every test's scratch directory lives under one per-run directory, removed when the test
    /// process exits, so a run leaves nothing behind in /tmp (CI machines run the suite many times).
    static func temporaryDirectory() -> String {
        let path = (scratchRoot as NSString).appendingPathComponent(UUID().uuidString)
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private static let scratchRoot: String = {
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("newswatch-test-\(getpid())-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { Fixtures.removeScratchRoot() }
        return root
    }()

    private static func removeScratchRoot() {
        try? FileManager.default.removeItem(atPath: scratchRoot)
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

/// Damage done on purpose, to see the store notice it.
extension SQLiteStore {
    /// Flips one bit in the middle of an object's stored bytes.
    func flipByte(inObject id: String) throws {
        var bytes = try objects.storage.raw(id)
        bytes[bytes.startIndex + bytes.count / 2] ^= 0x01
        try query("UPDATE objects SET bytes = ?1 WHERE id = ?2", [.blob(bytes), .blob(ObjectDatabase.rawID(id))])
    }

    /// Cuts a version record short, as a torn write would.
    func truncateRecord(of watch: String, number: Int) throws {
        guard case .blob(let record)? = try query("SELECT record FROM versions WHERE watch = ?1 AND number = ?2",
                                                 [.text(watch), .integer(Int64(number))]).first?.first else { return }
        try query("UPDATE versions SET record = ?1 WHERE watch = ?2 AND number = ?3",
                  [.blob(record.prefix(record.count - 20)), .text(watch), .integer(Int64(number))])
    }
}

/// One request the test server's hook receiver logged (`--hook-log`).
struct HookRequest: Decodable { var mode: String; var id: String?; var watch: String?; var type: String?; var header_id: String? }

/// What the hook receiver logged so far (none when it logged nothing yet).
func received(_ log: String) throws -> [HookRequest] {
    guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
    return try text.split(separator: "\n").map { try JSONDecoder().decode(HookRequest.self, from: Data($0.utf8)) }
}
