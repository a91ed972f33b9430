import CCurl
import Foundation

/// Sends one message over SMTP with libcurl: `smtp://` upgrades with STARTTLS when the server
/// offers it, `smtps://` is TLS from the start. Runs on a thread of its own, like the fetcher,
/// so a slow mail server never blocks the concurrency pool.
public struct SMTPSender: Sendable {
    public init() {}

    public func send(_ message: Data, settings: EmailSettings, timeout: TimeInterval) async -> Result<Void, FetchError> {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.perform(message, settings: settings, timeout: timeout))
            }
            thread.name = "newswatch-smtp"
            thread.start()
        }
    }

    /// The message, read out to libcurl in pieces.
    private final class Upload {
        let bytes: [UInt8]
        var offset = 0
        init(_ data: Data) { bytes = Array(data) }
    }

    private static let readCallback: nw_data_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let upload = Unmanaged<Upload>.fromOpaque(userdata).takeUnretainedValue()
        let length = min(size * count, upload.bytes.count - upload.offset)
        guard length > 0 else { return 0 }
        upload.bytes.withUnsafeBufferPointer { source in
            UnsafeMutableRawPointer(buffer).copyMemory(from: source.baseAddress! + upload.offset, byteCount: length)
        }
        upload.offset += length
        return length
    }

    private static func perform(_ message: Data, settings: EmailSettings, timeout: TimeInterval) -> Result<Void, FetchError> {
        _ = curlReady
        guard let easy = curl_easy_init() else { return .failure(.transport(code: -1, message: "curl_easy_init failed")) }
        defer { curl_easy_cleanup(easy) }
        let upload = Upload(message)
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in settings.to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }
        let scheme = URLComponents(string: settings.server)?.scheme?.lowercased() ?? "smtp"
        nw_easy_setopt_string(easy, CURLOPT_URL, settings.server)
        nw_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        nw_easy_setopt_string(easy, CURLOPT_PROXY, "")
        nw_easy_setopt_long(easy, CURLOPT_USE_SSL, scheme == "smtps" ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_TRY.rawValue))
        nw_easy_setopt_string(easy, CURLOPT_MAIL_FROM, "<\(settings.from)>")
        if let recipients { nw_easy_setopt_slist(easy, CURLOPT_MAIL_RCPT, recipients) }
        if let user = settings.user, let password = settings.password {
            nw_easy_setopt_string(easy, CURLOPT_USERNAME, user)
            nw_easy_setopt_string(easy, CURLOPT_PASSWORD, password)
        }
        nw_easy_setopt_long(easy, CURLOPT_UPLOAD, 1)
        nw_easy_setopt_offset(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        nw_easy_setopt_read_callback(easy, readCallback)
        let userdata = Unmanaged.passRetained(upload)
        defer { userdata.release() }
        nw_easy_setopt_pointer(easy, CURLOPT_READDATA, userdata.toOpaque())
        nw_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        nw_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        nw_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        let code = curl_easy_perform(easy)
        guard code == CURLE_OK else {
            var response = 0
            nw_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &response)
            let reason = String(cString: curl_easy_strerror(code)) + (response > 0 ? " (server said \(response))" : "")
            if code == CURLE_OPERATION_TIMEDOUT { return .failure(.timedOut("\(reason) after \(timeout)s")) }
            return .failure(.transport(code: Int(code.rawValue), message: reason))
        }
        return .success(())
    }

    private static let curlReady: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
}
