import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain

#if canImport(Glibc)
import Glibc
#endif

/// The writing end of a pipe into a remote call's standard input.
///
/// Writes block until ssh has taken the bytes; when the remote side is gone
/// (the call failed or was stopped), `write` throws `ByteStreamError.closed`
/// and the producer stops. Producers run on their own threads with SIGPIPE
/// blocked (`onOwnThread`), so a closed pipe is an error here, never a dead
/// process.
public final class ByteSink: @unchecked Sendable {
    private let fd: Int32
    public private(set) var bytesWritten: Int64 = 0

    package init(fd: Int32) { self.fd = fd }

    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            guard var pointer = raw.baseAddress else { return }
            var remaining = raw.count
            while remaining > 0 {
                let n = Glibc.write(fd, pointer, remaining)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ByteStreamError.closed(String(cString: strerror(errno)))
                }
                remaining -= n
                pointer += n
                bytesWritten += Int64(n)
            }
        }
    }
}

/// The reading end of a pipe from a remote call's standard output.
public final class ByteSource: @unchecked Sendable {
    private let fd: Int32
    public private(set) var bytesRead: Int64 = 0

    package init(fd: Int32) { self.fd = fd }

    /// Reused by every read: a pipe gives at most its capacity per read,
    /// so a fresh zeroed buffer of the asked size each time cost more than
    /// the copy out of it (300 MB came in as ~5,000 reads of 64 KiB).
    private var scratch = [UInt8](repeating: 0, count: 1 << 20)

    /// Up to `count` bytes; empty at the end of the stream.
    public func read(upTo count: Int) throws -> Data {
        if count > scratch.count { scratch = [UInt8](repeating: 0, count: count) }
        let n = scratch.withUnsafeMutableBytes { raw -> Int in
            while true {
                let got = Glibc.read(fd, raw.baseAddress!, count)
                if got < 0 && errno == EINTR { continue }
                return got
            }
        }
        if n < 0 { throw ByteStreamError.closed(String(cString: strerror(errno))) }
        bytesRead += Int64(n)
        return scratch.withUnsafeBytes { Data(bytes: $0.baseAddress!, count: n) }
    }

    /// Reads and drops everything left, so the remote side never blocks on a full pipe.
    public func drain() {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got > 0 { continue }
            if got < 0 && errno == EINTR { continue }
            return
        }
    }
}

public enum ByteStreamError: Error, CustomStringConvertible {
    case closed(String)
    public var description: String {
        switch self {
        case .closed(let reason): return "the remote side closed the stream (\(reason))"
        }
    }
}

/// A pipe whose two ends are closed on exec, so only the end handed to the
/// child (dup2'ed onto its stdin or stdout) reaches it.
package struct PrivatePipe {
    package let readEnd: Int32
    package let writeEnd: Int32

    package init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw ClusterSlurmError.io("cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        // A 1 MiB pipe (Linux's F_SETPIPE_SZ, the unprivileged maximum by
        // default) moves a bulk transfer in 16× fewer wake-ups than 64 KiB;
        // refused elsewhere, which only costs speed.
        _ = fcntl(fds[0], 1031, 1 << 20)
        readEnd = fds[0]
        writeEnd = fds[1]
    }
}

/// Runs blocking work on a thread of its own (never on the cooperative pool,
/// which has one thread per core) and awaits it.
package func onOwnThread<T: Sendable>(_ name: String, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            // A write into a pipe whose reader is gone raises SIGPIPE in the writing thread: blocked
            // here, the write fails with EPIPE instead, whatever the host process does with the
            // signal (a test runner or an embedding app may not ignore it). A signal left pending
            // is discarded when this thread ends.
            var pipeSignal = sigset_t()
            sigemptyset(&pipeSignal)
            sigaddset(&pipeSignal, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
            do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
