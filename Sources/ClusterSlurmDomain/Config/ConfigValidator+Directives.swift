import Foundation
import ClusterSlurmSupport

/// `slurmDefaults` and a call's `headerOverrides`: the SBATCH directives.
extension ConfigValidator {
    package mutating func readDirectives(_ value: JSONValue?, at path: String) -> SlurmDirectives? {
        guard let object = object(value, at: path) else { return nil }
        checkKeys(object, allowed: SlurmDirectives.allKeys, at: path)
        var directives = SlurmDirectives()
        func text(_ key: String) -> String? {
            guard let value = string(object[key], at: "\(path).\(key)", nonEmpty: true) else { return nil }
            if !SlurmFormats.isSafeDirectiveValue(value) {
                error("\(path).\(key)", "must not contain whitespace, quotes or shell characters (got \(JSONValue.string(value).preview))")
                return nil
            }
            return value
        }
        directives.jobName = text("jobName")
        directives.partition = text("partition")
        directives.account = text("account")
        directives.qos = text("qos")
        directives.constraint = text("constraint")
        if let time = text("time") {
            if case .failure(let failure) = SlurmFormats.timeLimitSeconds(time) {
                error("\(path).time", "\(failure.message) (got \"\(time)\")")
            } else {
                directives.time = time
            }
        }
        directives.nodes = integer(object["nodes"], at: "\(path).nodes", minimum: 1)
        directives.ntasks = integer(object["ntasks"], at: "\(path).ntasks", minimum: 1)
        directives.ntasksPerNode = integer(object["ntasksPerNode"], at: "\(path).ntasksPerNode", minimum: 1)
        directives.cpusPerTask = integer(object["cpusPerTask"], at: "\(path).cpusPerTask", minimum: 1)
        if let mem = text("mem") {
            if case .failure(let failure) = SlurmFormats.memoryMegabytes(mem) { error("\(path).mem", "\(failure.message) (got \"\(mem)\")") }
            else { directives.mem = mem }
        }
        directives.gpus = gpuValue(object["gpus"], at: "\(path).gpus")
        directives.gpusPerNode = gpuValue(object["gpusPerNode"], at: "\(path).gpusPerNode")
        if object["gpus"] != nil && object["gpusPerNode"] != nil {
            error("\(path).gpusPerNode", "set either gpus or gpusPerNode, not both gpus and gpusPerNode; keep one (sites such as Gautschi want gpusPerNode)")
        }
        directives.gres = text("gres")
        directives.output = text("output")
        directives.error = text("error")
        for key in ["output", "error"] {
            if let pattern = object[key], case .string(let p) = pattern, p.split(separator: "/").contains("..") {
                error("\(path).\(key)", "must stay inside the run directory: no '..' components (got \"\(p)\")")
            }
        }
        if let modules = stringArray(object["modules"], at: "\(path).modules", nonEmptyItems: true) {
            for (index, module) in modules.enumerated() where !SlurmFormats.isSafeDirectiveValue(module) {
                error("\(path).modules[\(index)]", "must be a module name without whitespace or shell characters (got \"\(module)\")")
            }
            directives.modules = modules
        }
        return directives
    }

    package mutating func gpuValue(_ value: JSONValue?, at path: String) -> String? {
        switch value {
        case nil, .null?: return nil
        case .int(let n)?:
            guard n >= 1 else { error(path, "must be an integer >= 1 (got \(n))"); return nil }
            return String(n)
        case .string(let text)?:
            if case .failure(let failure) = SlurmFormats.gpuCount(text) { error(path, "\(failure.message) (got \"\(text)\")"); return nil }
            return text
        case let other?:
            error(path, "must be an integer >= 1 or a \"type:count\" string (got \(other.preview))")
            return nil
        }
    }
}

extension ConfigValidator {
    /// Reads a call's `headerOverrides` object with the same rules as a
    /// profile's `slurmDefaults`; throws listing every problem.
    public static func parseDirectives(_ value: JSONValue, path: String) throws -> SlurmDirectives {
        var validator = ConfigValidator()
        let directives = validator.readDirectives(value, at: path)
        if let first = validator.issues.first(where: { $0.severity == .error }) {
            let all = validator.issues.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")
            throw ClusterSlurmError.invalidInput(all, path: first.path)
        }
        return directives ?? SlurmDirectives()
    }
}
