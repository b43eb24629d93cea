import ClusterSlurmSupport

/// A profile's `retry` and `preemption` objects.
extension ConfigValidator {
    package mutating func readRetry(_ value: JSONValue?, at path: String) -> RetryConfig? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: RetryConfig.keys, at: path)
        var retry = RetryConfig()
        if let names = stringArray(object["on"], at: "\(path).on", nonEmptyItems: true) {
            var states: [JobState] = []
            for (index, name) in names.enumerated() {
                let state = JobState.parse(name).state
                if RetryConfig.retriableStates.contains(state) { states.append(state) } else {
                    error("\(path).on[\(index)]", "must be one of \(RetryConfig.retriableStates.map(\.rawValue).joined(separator: ", ")) (got \"\(name)\")")
                }
            }
            retry.on = states
        }
        if let count = integer(object["max"], at: "\(path).max", minimum: 0) {
            if count > 10 { error("\(path).max", "must be at most 10 retries (got \(count))") } else { retry.max = count }
        }
        switch object["timeMultiplier"] {
        case nil, .null?: break
        case .int(let n)? where (1...10).contains(n): retry.timeMultiplier = Double(n)
        case .double(let d)? where d >= 1 && d <= 10: retry.timeMultiplier = d
        case let bad?: error("\(path).timeMultiplier", "must be a number from 1 to 10 (got \(bad.preview))")
        }
        return retry
    }

    package mutating func readPreemption(_ value: JSONValue?, at path: String) -> PreemptionConfig? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: PreemptionConfig.keys, at: path)
        var preemption = PreemptionConfig()
        if let requeue = bool(object["requeue"], at: "\(path).requeue") { preemption.requeue = requeue }
        if object["signal"] == .null { preemption.signal = nil }
        else if let name = string(object["signal"], at: "\(path).signal", nonEmpty: true) {
            let bare = name.uppercased().hasPrefix("SIG") ? String(name.uppercased().dropFirst(3)) : name.uppercased()
            if PreemptionConfig.signals.contains(bare) { preemption.signal = bare } else {
                error("\(path).signal", "must be one of \(PreemptionConfig.signals.joined(separator: ", ")) or null (got \"\(name)\")")
            }
        }
        if let seconds = integer(object["secondsBefore"], at: "\(path).secondsBefore", minimum: 1) {
            if seconds > 65_535 { error("\(path).secondsBefore", "must be at most 65535 seconds, sbatch's limit (got \(seconds))") }
            else { preemption.secondsBefore = seconds }
        }
        return preemption
    }
}
