import Crypto
import Foundation

/// Incremental SHA-256 for data that arrives in chunks.
public struct StreamingSHA256 {
    private var hasher = SHA256()
    public init() {}
    public mutating func update(_ data: Data) { hasher.update(data: data) }
    public func finalize() -> String { Hashing.hex(hasher.finalize()) }
}
