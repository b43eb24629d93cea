import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

/// Where a stream's bytes go: ssh's stdin, possibly through a digest.
package protocol ByteWriter {
    func write(_ data: Data) throws
}

extension ByteSink: ByteWriter {}

/// Passes bytes on and hashes them, so the receiver can be told the sha256
/// of everything it should have read.
package final class DigestingWriter: ByteWriter, @unchecked Sendable {
    private let next: ByteWriter
    private var digest = StreamingSHA256()
    package private(set) var count: Int64 = 0

    package init(_ next: ByteWriter) { self.next = next }

    package func write(_ data: Data) throws {
        digest.update(data)
        count += Int64(data.count)
        try next.write(data)
    }

    package func finalize() -> String { digest.finalize() }
}

/// Writes a GNU tar stream of regular files under chosen archive names, so an
/// upload of many files is one transfer. Names longer than 100 bytes use GNU
/// long-name records, which GNU tar on the cluster reads; sizes of 8 GiB and
/// more use GNU's base-256 size field. Files are private (0600) on arrival.
/// The stream goes straight to its sink (ssh's stdin): nothing is staged on
/// the local disk. Its length is known before it is written (`length(of:)`),
/// so the receiver can read exactly the stream and then what follows it.
package struct TarWriter {
    private let handle: ByteWriter
    /// Told the file bytes written so far, after each chunk.
    private let onFileBytes: (@Sendable (Int64) -> Void)?

    package init(sink: ByteWriter, onFileBytes: (@Sendable (Int64) -> Void)? = nil) {
        self.handle = sink
        self.onFileBytes = onFileBytes
    }

    /// The exact length of the stream holding these members (archive name
    /// in bytes, size) after `finish()`.
    package static func length(of members: [(nameBytes: Int, size: Int64)]) -> Int64 {
        func padded(_ count: Int64) -> Int64 { (count + 511) / 512 * 512 }
        return members.reduce(1024) { total, member in
            total + (member.nameBytes > 100 ? 512 + padded(Int64(member.nameBytes) + 1) : 0) + 512 + padded(member.size)
        }
    }

    /// Appends in-memory bytes as a file (the upload's manifest).
    package func appendData(_ data: Data, archiveName: String) throws {
        try appendHeader(archiveName: archiveName, size: Int64(data.count), mtime: 0)
        try handle.write(padded(Array(data)))
    }

    private func appendHeader(archiveName: String, size: Int64, mtime: Int64) throws {
        let nameBytes = Array(archiveName.utf8)
        if nameBytes.count > 100 {
            let payload = nameBytes + [0]
            try handle.write(header(name: Array("././@LongLink".utf8), size: Int64(payload.count), type: "L", mode: 0o644, mtime: 0))
            try handle.write(padded(payload))
        }
        try handle.write(header(name: Array(nameBytes.prefix(100)), size: size, type: "0", mode: 0o600, mtime: mtime))
    }

    /// Appends `localPath` as `archiveName`; the file must stay `size` bytes
    /// long while it is read (checked, so a growing file cannot corrupt the
    /// stream) and, when `signature` is given, keep the stat signature its
    /// hash was taken with, before and after it is read (so the bytes sent
    /// are the bytes hashed, by the same rule as the local hash cache).
    package func appendFile(localPath: String, archiveName: String, size: Int64, mtime: Int64, signature: FileSignature? = nil) throws {
        try appendHeader(archiveName: archiveName, size: size, mtime: mtime)
        guard let input = FileHandle(forReadingAtPath: localPath) else { throw ClusterSlurmError.io("cannot read \(localPath)") }
        defer { try? input.close() }
        let changed = ClusterSlurmError.io("\(localPath) changed after it was hashed (its size, mtime or ctime moved); nothing was placed on the cluster, run the upload again")
        if let signature, FileSignature.of(localPath) != signature { throw changed }
        var written: Int64 = 0
        while written < size {
            let chunk = try input.read(upToCount: Int(min(1 << 20, size - written))) ?? Data()
            if chunk.isEmpty { break }
            try handle.write(chunk)
            written += Int64(chunk.count)
            onFileBytes?(Int64(chunk.count))
        }
        guard written == size else {
            throw ClusterSlurmError.io("\(localPath) changed size while it was being read (\(written) of \(size) bytes); try again")
        }
        if let signature, FileSignature.of(localPath) != signature { throw changed }
        let remainder = Int(size % 512)
        if remainder != 0 { try handle.write(Data(count: 512 - remainder)) }
    }

    package func finish() throws {
        try handle.write(Data(count: 1024))
    }

    private func padded(_ bytes: [UInt8]) -> Data {
        var data = Data(bytes)
        let remainder = bytes.count % 512
        if remainder != 0 { data.append(Data(count: 512 - remainder)) }
        return data
    }

    /// A numeric field: octal digits and a NUL, or, for a value too large for
    /// them, GNU's base-256 form (high bit set, big-endian in the remaining bytes).
    package static func numericField(_ value: Int64, length: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        if digits.count <= length - 1 {
            return Array((String(repeating: "0", count: length - 1 - digits.count) + digits).utf8) + [0]
        }
        var field = [UInt8](repeating: 0, count: length)
        var rest = UInt64(value)
        for index in stride(from: length - 1, through: 1, by: -1) {
            field[index] = UInt8(rest & 0xff)
            rest >>= 8
        }
        field[0] = 0x80
        return field
    }

    private func header(name: [UInt8], size: Int64, type: Character, mode: Int, mtime: Int64) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int, length: Int) {
            for (i, byte) in bytes.prefix(length).enumerated() { block[offset + i] = byte }
        }
        put(Self.numericField(Int64(mode), length: 8), at: 100, length: 8)
        put(name, at: 0, length: 100)
        put(Self.numericField(Int64(getuid()), length: 8), at: 108, length: 8)
        put(Self.numericField(Int64(getgid()), length: 8), at: 116, length: 8)
        put(Self.numericField(size, length: 12), at: 124, length: 12)
        put(Self.numericField(max(0, mtime), length: 12), at: 136, length: 12)
        put(Array("        ".utf8), at: 148, length: 8)
        block[156] = type.asciiValue!
        put(Array("ustar  ".utf8) + [0], at: 257, length: 8)
        let checksum = block.reduce(0) { $0 + Int64($1) }
        let digits = String(checksum, radix: 8)
        put(Array((String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8) + [0, 0x20], at: 148, length: 8)
        return Data(block)
    }
}
