import Foundation

/// Writes a GNU tar stream of regular files under chosen archive names, so an
/// upload of many files is one transfer. Names longer than 100 bytes use GNU
/// long-name records, which GNU tar on the cluster reads. Files are private
/// (0600) on arrival. The stream goes straight to its sink (ssh's stdin):
/// nothing is staged on the local disk.
struct TarWriter {
    private let handle: ByteSink
    /// Told the file bytes written so far, after each chunk.
    private let onFileBytes: (@Sendable (Int64) -> Void)?

    init(sink: ByteSink, onFileBytes: (@Sendable (Int64) -> Void)? = nil) {
        self.handle = sink
        self.onFileBytes = onFileBytes
    }

    /// Appends in-memory bytes as a file (the upload's manifest).
    func appendData(_ data: Data, archiveName: String) throws {
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
    /// long while it is read (checked, so a growing file cannot corrupt the stream).
    func appendFile(localPath: String, archiveName: String, size: Int64, mtime: Int64) throws {
        try appendHeader(archiveName: archiveName, size: size, mtime: mtime)
        guard let input = FileHandle(forReadingAtPath: localPath) else { throw ClusterSlurmError.io("cannot read \(localPath)") }
        defer { try? input.close() }
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
        let remainder = Int(size % 512)
        if remainder != 0 { try handle.write(Data(count: 512 - remainder)) }
    }

    func finish() throws {
        try handle.write(Data(count: 1024))
    }

    private func padded(_ bytes: [UInt8]) -> Data {
        var data = Data(bytes)
        let remainder = bytes.count % 512
        if remainder != 0 { data.append(Data(count: 512 - remainder)) }
        return data
    }

    private func header(name: [UInt8], size: Int64, type: Character, mode: Int, mtime: Int64) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int, length: Int) {
            for (i, byte) in bytes.prefix(length).enumerated() { block[offset + i] = byte }
        }
        func octal(_ value: Int64, length: Int) -> [UInt8] {
            Array(String(String(value, radix: 8).suffix(length - 1)).leftPadded(to: length - 1).utf8) + [0]
        }
        put(name, at: 0, length: 100)
        put(octal(Int64(mode), length: 8), at: 100, length: 8)
        put(octal(Int64(getuid()), length: 8), at: 108, length: 8)
        put(octal(Int64(getgid()), length: 8), at: 116, length: 8)
        put(octal(size, length: 12), at: 124, length: 12)
        put(octal(max(0, mtime), length: 12), at: 136, length: 12)
        put(Array("        ".utf8), at: 148, length: 8)
        block[156] = type.asciiValue!
        put(Array("ustar  ".utf8) + [0], at: 257, length: 8)
        let checksum = block.reduce(0) { $0 + Int64($1) }
        put(Array(String(String(checksum, radix: 8)).leftPadded(to: 6).utf8) + [0, 0x20], at: 148, length: 8)
        return Data(block)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
