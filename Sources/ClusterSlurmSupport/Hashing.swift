import Crypto
import Foundation

/// SHA-256 helpers. Files are hashed streaming, in 1 MiB chunks, so memory stays
/// flat whatever the input size.
public enum Hashing {
    public static func sha256Hex(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(Data(text.utf8)) }

    /// One buffer, reused: read(2) into it and hash in place, so the only
    /// per-chunk cost is the hashing itself (no Data allocated per read).
    public static func sha256Hex(fileAt path: String, onBytes: (Int64) -> Void = { _ in }) throws -> (sha256: String, size: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ClusterSlurmError.io("cannot open \(path) for reading: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var hasher = SHA256()
        var size: Int64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let got = read(fd, buffer.baseAddress, buffer.count)
            if got < 0 {
                if errno == EINTR { continue }
                throw ClusterSlurmError.io("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            size += Int64(got)
            onBytes(Int64(got))
        }
        return (hex(hasher.finalize()), size)
    }

    package static func hex(_ digest: some Sequence<UInt8>) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
