import FlyingSocks
import FlyingFox
import Foundation
import NewswatchCore

/// A local news site and webhook receiver on 127.0.0.1 for the offline demo (and tests).
public actor DemoSite {
    private let server: HTTPServer
    private var task: Task<Void, Error>?
    private var version = 1
    private var requests = 0
    public private(set) var receivedWebhooks: [(headers: [String: String], body: Data)] = []

    public init() throws {
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 10, logger: DisabledLogger.disabled)
    }

    /// Starts serving and returns the base URL, e.g. `http://127.0.0.1:41234`.
    public func start() async throws -> String {
        await server.appendRoute(HTTPRoute("GET " + DemoStory.path)) { [weak self] _ in
            guard let self else { return HTTPResponse(statusCode: .serviceUnavailable) }
            let html = await self.nextPage()
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: Data(html.utf8))
        }
        await server.appendRoute("POST /webhook") { [weak self] request in
            let body = try await request.bodyData
            var headers: [String: String] = [:]
            for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
            await self?.record(headers: headers, body: body)
            return HTTPResponse(statusCode: .ok)
        }
        let server = self.server
        task = Task { try await server.run() }
        try await server.waitUntilListening()
        guard case .ip4(_, let port) = await server.listeningAddress else { throw DemoError.noAddress }
        return "http://127.0.0.1:\(port)"
    }

    public func stop() async {
        await server.stop(timeout: 1)
        task?.cancel()
    }

    public func publish(version: Int) { self.version = version }

    private func nextPage() -> String {
        requests += 1
        return DemoStory.page(version: version, date: Date(), request: requests)
    }

    private func record(headers: [String: String], body: Data) {
        receivedWebhooks.append((headers, body))
    }

    public enum DemoError: Error { case noAddress }
}
