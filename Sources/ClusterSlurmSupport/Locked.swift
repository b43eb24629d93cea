import Synchronization

/// A value shared by the threads of one remote call (the thread feeding
/// ssh, the one reading it, the task waiting for both): every read and
/// write under one lock. A class so closures can share it.
package final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    package init(_ value: Value) { mutex = Mutex(value) }

    package func withLock<T: Sendable>(_ body: (inout Value) throws -> T) rethrows -> T {
        try mutex.withLock { try body(&$0) }
    }

    package var value: Value { mutex.withLock { $0 } }

    package func set(_ newValue: Value) { mutex.withLock { $0 = newValue } }
}
