import Foundation

/// A ZIP archive of stored (uncompressed) files, as any unzip reads it: the
/// crate's bytes are kept exactly and their sha256 still holds inside.
public enum ZipWriter {
    public static func archive(_ files: [(path: String, data: Data)]) -> Data {
        var out = Data()
        var central = Data()
        func le16(_ v: Int) -> Data { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { Data($0) } }
        func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
        // 1980-01-01 00:00, so the same crate gives the same bytes
        let time = 0, date = (0 << 9) | (1 << 5) | 1
        for (path, data) in files {
            let name = Data(path.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            var local = le32(0x0403_4b50) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
            local += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(name.count) + le16(0)
            out += local + name + data
            var entry = le32(0x0201_4b50) + le16(0x0314) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(date)
            entry += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(name.count) + le16(0) + le16(0)
            entry += le16(0) + le16(0) + le32(0o100644 << 16) + le32(offset)
            central += entry + name
        }
        let start = UInt32(out.count)
        out += central
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(files.count) + le16(files.count) + le32(UInt32(central.count)) + le32(start) + le16(0)
        return out
    }

    package static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func crc32(_ data: Data) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in data { c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
