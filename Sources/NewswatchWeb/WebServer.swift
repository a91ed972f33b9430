import FlyingFox
import FlyingSocks
import Foundation
import NewswatchCore

/// `newswatch serve`: the web app on an address, until stopped.
public final class WebServer: Sendable {
    private let server: HTTPServer

    /// `host` is an IPv4 address ("127.0.0.1", "0.0.0.0"); port 0 picks a free one.
    public init(host: String, port: UInt16, app: WebApp) throws {
        server = HTTPServer(address: try .inet(ip4: host, port: port), timeout: 30, logger: DisabledLogger.disabled, handler: app)
    }

    /// Serves until `stop()`; returns the port once listening through `onListening`.
    public func run(onListening: @Sendable @escaping (UInt16) -> Void) async throws {
        let server = self.server
        async let running: Void = server.run()
        try await server.waitUntilListening()
        if case .ip4(_, let port) = await server.listeningAddress { onListening(port) }
        try await running
    }

    public func stop() async { await server.stop(timeout: 2) }
}
