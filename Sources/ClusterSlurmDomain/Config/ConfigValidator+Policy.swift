import Foundation
import ClusterSlurmSupport

/// The `policy` section (top level and per profile).
extension ConfigValidator {
    package mutating func readPolicy(_ value: JSONValue?, at path: String) -> PolicyConfig? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: PolicyConfig.keys, at: path)
        var policy = PolicyConfig()
        if let time = string(object["maxWalltime"], at: "\(path).maxWalltime", nonEmpty: true) {
            if case .failure(let f) = SlurmFormats.timeLimitSeconds(time) { error("\(path).maxWalltime", "\(f.message) (got \"\(time)\")") }
            else { policy.maxWalltime = time }
        }
        if let mem = string(object["maxMemoryPerJob"], at: "\(path).maxMemoryPerJob", nonEmpty: true) {
            if case .failure(let f) = SlurmFormats.memoryMegabytes(mem) { error("\(path).maxMemoryPerJob", "\(f.message) (got \"\(mem)\")") }
            else { policy.maxMemoryPerJob = mem }
        }
        policy.maxGpusPerJob = integer(object["maxGpusPerJob"], at: "\(path).maxGpusPerJob", minimum: 0)
        policy.maxCpusPerJob = integer(object["maxCpusPerJob"], at: "\(path).maxCpusPerJob", minimum: 1)
        policy.maxNodesPerJob = integer(object["maxNodesPerJob"], at: "\(path).maxNodesPerJob", minimum: 1)
        policy.maxActiveJobs = integer(object["maxActiveJobs"], at: "\(path).maxActiveJobs", minimum: 0)
        policy.maxSubmissionsPerHour = integer(object["maxSubmissionsPerHour"], at: "\(path).maxSubmissionsPerHour", minimum: 0)
        policy.maxConsecutiveFailures = integer(object["maxConsecutiveFailures"], at: "\(path).maxConsecutiveFailures", minimum: 0)
        policy.maxFailuresInARow = integer(object["maxFailuresInARow"], at: "\(path).maxFailuresInARow", minimum: 0)
        policy.allowedPartitions = stringArray(object["allowedPartitions"], at: "\(path).allowedPartitions", nonEmptyItems: true)
        policy.allowedAccounts = stringArray(object["allowedAccounts"], at: "\(path).allowedAccounts", nonEmptyItems: true)
        policy.allowedQos = stringArray(object["allowedQos"], at: "\(path).allowedQos", nonEmptyItems: true)
        policy.secretEnvPatterns = stringArray(object["secretEnvPatterns"], at: "\(path).secretEnvPatterns", nonEmptyItems: true)
        switch object["maxLoginNodeHashBytes"] {
        case nil, .null?: break
        case .int(let n)? where n >= 0: policy.maxLoginNodeHashBytes = n
        case let bad?: error("\(path).maxLoginNodeHashBytes", "must be an integer >= 0 (bytes) (got \(bad.preview))")
        }
        for key in ["gpuHoursPerDay", "cpuHoursPerDay", "failureWindowHours"] {
            let number: Double?
            switch object[key] {
            case nil, .null?: number = nil
            case .int(let n)? where n >= 0: number = Double(n)
            case .double(let d)? where d >= 0: number = d
            case let bad?: error("\(path).\(key)", "must be a number >= 0 (got \(bad.preview))"); number = nil
            }
            switch key {
            case "gpuHoursPerDay": policy.gpuHoursPerDay = number
            case "cpuHoursPerDay": policy.cpuHoursPerDay = number
            default: policy.failureWindowHours = number
            }
        }
        if let action = string(object["spawnedJobs"], at: "\(path).spawnedJobs", nonEmpty: true) {
            if PolicyConfig.spawnedJobActions.contains(action) { policy.spawnedJobs = action }
            else { error("\(path).spawnedJobs", "must be \"cancel\" or \"report\" (got \"\(action)\")") }
        }
        switch object["requireTimeLimit"] {
        case nil, .null?: break
        case .bool(let flag)?: policy.requireTimeLimit = flag
        case let bad?: error("\(path).requireTimeLimit", "must be true or false (got \(bad.preview))")
        }
        return policy
    }
}
