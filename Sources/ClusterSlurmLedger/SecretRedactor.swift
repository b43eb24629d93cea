import Crypto
import Foundation
import GRDB
import ClusterSlurmSupport
import ClusterSlurmDomain

/// How a secret is recognised without being stored: its length, a 16-bit
/// keyed filter over its first four bytes (cheap to test at every position
/// of a log), and a keyed HMAC-SHA256 of the whole value.
public struct SecretFingerprint: Sendable, Equatable {
    public var name: String
    public var length: Int
    public var prefixFilter: Int
    public var hmacSha256: String

    /// Shorter values cannot be told from ordinary text and are not redacted.
    public static let minimumLength = 4

    public static func of(name: String, value: String, key: SymmetricKey) -> SecretFingerprint? {
        let bytes = Array(value.utf8)
        guard bytes.count >= minimumLength else { return nil }
        return SecretFingerprint(name: name, length: bytes.count, prefixFilter: SecretRedactor.filter(bytes[0..<4], seed: SecretRedactor.seed(key)),
                                 hmacSha256: SecretRedactor.hmac(bytes[...], key: key))
    }

    /// Every stored property, as the memberwise initializer (which Swift keeps to its own module).
    package init(name: String, length: Int, prefixFilter: Int, hmacSha256: String) {
        self.name = name
        self.length = length
        self.prefixFilter = prefixFilter
        self.hmacSha256 = hmacSha256
    }
}

/// Replaces a run's secret values in text with `[redacted NAME]` before the
/// text is stored or returned. The values themselves are never needed.
public struct SecretRedactor: Sendable {
    package let key: SymmetricKey
    package let seed: UInt64
    public let secrets: [SecretFingerprint]

    public init(key: SymmetricKey, secrets: [SecretFingerprint]) {
        self.key = key
        self.seed = Self.seed(key)
        self.secrets = secrets
    }

    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty, !text.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets where bytes.count >= secret.length {
            var out: [UInt8] = []
            var last = 0
            var i = 0
            while i + secret.length <= bytes.count {
                if Self.filter(bytes[i..<i + 4], seed: seed) == secret.prefixFilter,
                   Self.hmac(bytes[i..<i + secret.length], key: key) == secret.hmacSha256 {
                    out += bytes[last..<i]
                    out += Array("[redacted \(secret.name)]".utf8)
                    i += secret.length
                    last = i
                    changed = true
                } else {
                    i += 1
                }
            }
            if last > 0 { out += bytes[last...]; bytes = out }
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : text
    }

    package static func seed(_ key: SymmetricKey) -> UInt64 {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("prefix-filter".utf8), using: key)
        return Array(mac).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// FNV-1a over the seed and four bytes, folded to 16 bits.
    package static func filter(_ bytes: ArraySlice<UInt8>, seed: UInt64) -> Int {
        var hash: UInt64 = 0xcbf29ce484222325 ^ seed
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return Int((hash ^ (hash >> 16) ^ (hash >> 32) ^ (hash >> 48)) & 0xFFFF)
    }

    package static func hmac(_ bytes: ArraySlice<UInt8>, key: SymmetricKey) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(bytes), using: key).map { String(format: "%02x", $0) }.joined()
    }
}

extension Ledger {
    /// The redaction key: 32 random bytes in a 0600 file beside the ledger,
    /// made on first use. nil when it cannot be read or made (a read-only
    /// copy of someone else's ledger): then nothing can be recognised.
    package func secretKey(create: Bool) -> SymmetricKey? {
        let path = self.path + ".secret-key"
        if let data = FileManager.default.contents(atPath: path), data.count == 32 { return SymmetricKey(data: data) }
        guard create else { return nil }
        let key = SymmetricKey(size: .bits256)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            // Another process made it first.
            return FileManager.default.contents(atPath: path).flatMap { $0.count == 32 ? SymmetricKey(data: $0) : nil }
        }
        defer { close(fd) }
        let written = key.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == 32, fsync(fd) == 0 else { unlink(path); return nil }
        return key
    }

    /// Records how to recognise the run's secret values (never the values).
    public func recordSecrets(runId: String, values: [String: String]) throws {
        guard !values.isEmpty else { return }
        guard let key = secretKey(create: true) else {
            // Fail closed: without the key a printed secret could not be
            // recognised, so the secret is not used at all.
            throw ClusterSlurmError(.io, "the ledger's secret key \(path).secret-key could not be read or created (it must be a 32-byte file, mode 0600); secret env values (\(values.keys.sorted().joined(separator: ", "))) are refused until it can. Remove whatever is in its place")
        }
        let prints = values.sorted { $0.key < $1.key }.compactMap { SecretFingerprint.of(name: $0.key, value: $0.value, key: key) }
        try write("record secret fingerprints") { db in
            for print in prints {
                try db.execute(sql: """
                    INSERT INTO secretFingerprint (runId, name, length, prefixFilter, hmacSha256) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (runId, name) DO UPDATE SET length = excluded.length, prefixFilter = excluded.prefixFilter, hmacSha256 = excluded.hmacSha256
                    """, arguments: [runId, print.name, print.length, print.prefixFilter, print.hmacSha256])
            }
        }
    }

    /// What redacts the run's secrets (none recorded: the identity).
    public func redactor(runId: String?) -> SecretRedactor? {
        guard let runId, let key = secretKey(create: false) else { return nil }
        let prints = (try? read { db in
            try Row.fetchAll(db, sql: "SELECT name, length, prefixFilter, hmacSha256 FROM secretFingerprint WHERE runId = ?", arguments: [runId]).map {
                SecretFingerprint(name: $0["name"], length: $0["length"], prefixFilter: $0["prefixFilter"], hmacSha256: $0["hmacSha256"])
            }
        }) ?? []
        guard !prints.isEmpty else { return nil }
        return SecretRedactor(key: key, secrets: prints)
    }
}
