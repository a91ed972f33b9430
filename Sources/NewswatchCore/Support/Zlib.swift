import CZlib
import Foundation

/// zlib deflate/inflate behind a Swift API, so no other file touches `z_stream`.
public enum Zlib {
    public enum Error: Swift.Error, CustomStringConvertible {
        case failed(operation: String, code: Int32)
        case tooLarge(limit: Int)
        case truncated

        public var description: String {
            switch self {
            case .failed(let operation, let code): return "zlib \(operation) failed (code \(code))"
            case .tooLarge(let limit): return "inflated data exceeds the limit of \(limit) bytes"
            case .truncated: return "compressed data is truncated"
            }
        }
    }

    /// Deflates `data` in the zlib format. A preset `dictionary` (e.g. the previous version
    /// of the same page) lets deflate refer back to it, which is how small edits stay cheap.
    public static func compress(_ data: Data, level: Int32 = 6, dictionary: Data? = nil) throws -> Data {
        var stream = z_stream()
        var status = nw_deflate_init(&stream, level, MAX_WBITS)
        guard status == Z_OK else { throw Error.failed(operation: "deflateInit", code: status) }
        defer { deflateEnd(&stream) }
        if let dictionary, !dictionary.isEmpty {
            status = dictionary.withUnsafeBytes { raw in
                deflateSetDictionary(&stream, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count))
            }
            guard status == Z_OK else { throw Error.failed(operation: "deflateSetDictionary", code: status) }
        }
        let bound = Int(deflateBound(&stream, uLong(data.count)))
        var output = Data(count: bound)
        let written: Int = try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                let result = deflate(&stream, Z_FINISH)
                guard result == Z_STREAM_END else { throw Error.failed(operation: "deflate", code: result) }
                return out.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(written...)
        return output
    }

    /// Inflates zlib or gzip data (the header is detected). `limit` bounds the output so a
    /// hostile or corrupt input cannot exhaust memory.
    public static func decompress(_ data: Data, limit: Int = 1 << 30, dictionary: Data? = nil) throws -> Data {
        var stream = z_stream()
        var status = nw_inflate_init(&stream, MAX_WBITS + 32)
        guard status == Z_OK else { throw Error.failed(operation: "inflateInit", code: status) }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunkSize = 64 * 1024
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        try data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(chunkSize)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunkSize - Int(stream.avail_out)
                }
                if status == Z_NEED_DICT {
                    guard let dictionary else { throw Error.failed(operation: "inflate (dictionary missing)", code: status) }
                    status = dictionary.withUnsafeBytes { raw in
                        inflateSetDictionary(&stream, raw.bindMemory(to: Bytef.self).baseAddress, uInt(raw.count))
                    }
                    guard status == Z_OK else { throw Error.failed(operation: "inflateSetDictionary", code: status) }
                    continue
                }
                if produced > 0 {
                    guard output.count + produced <= limit else { throw Error.tooLarge(limit: limit) }
                    output.append(contentsOf: chunk[0..<produced])
                }
                if status == Z_STREAM_END { return }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { throw Error.truncated }
                guard status == Z_OK || status == Z_BUF_ERROR else { throw Error.failed(operation: "inflate", code: status) }
            }
        }
        return output
    }
}
