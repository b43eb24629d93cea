import Foundation
import ClusterSlurmSupport

/// The routing, execution and archive sections of the config.
extension ConfigValidator {
    package mutating func readRouting(_ value: JSONValue?) -> RoutingConfig {
        var routing = RoutingConfig(
            defaultProfile: nil, gpuProfile: nil,
            gpuIndicators: RoutingConfig.defaultGpuIndicators,
            gpuRequiredErrorSignatures: RoutingConfig.defaultGpuRequiredErrorSignatures,
            autoFallbackToGpuOnSignatures: true)
        guard let object = object(value, at: "routing") else { return routing }
        checkKeys(object, allowed: Self.routingKeys, at: "routing")
        routing.defaultProfile = string(object["defaultProfile"], at: "routing.defaultProfile", nonEmpty: true)
        routing.gpuProfile = string(object["gpuProfile"], at: "routing.gpuProfile", nonEmpty: true)
        if let indicators = stringArray(object["gpuIndicators"], at: "routing.gpuIndicators", nonEmptyItems: true) {
            routing.gpuIndicators = indicators
            for (index, indicator) in indicators.enumerated() where GpuIndicator.isRegexLiteral(indicator) {
                if case .failure(let failure) = GpuIndicator.compile(indicator) {
                    error("routing.gpuIndicators[\(index)]", failure.message)
                }
            }
        }
        if let signatures = stringArray(object["gpuRequiredErrorSignatures"], at: "routing.gpuRequiredErrorSignatures", nonEmptyItems: true) {
            routing.gpuRequiredErrorSignatures = signatures
        }
        if let flag = bool(object["autoFallbackToGpuOnSignatures"], at: "routing.autoFallbackToGpuOnSignatures") {
            routing.autoFallbackToGpuOnSignatures = flag
        }
        return routing
    }

    package mutating func readExecution(_ value: JSONValue?) -> ExecutionConfig {
        var execution = ExecutionConfig(allowCustomEnvOverride: false)
        guard let object = object(value, at: "execution") else { return execution }
        checkKeys(object, allowed: Self.executionKeys, at: "execution")
        if let flag = bool(object["allowCustomEnvOverride"], at: "execution.allowCustomEnvOverride") {
            execution.allowCustomEnvOverride = flag
        }
        return execution
    }

    package mutating func readArchive(_ value: JSONValue?) -> ArchiveConfig {
        var archive = ArchiveConfig.defaults
        guard let object = object(value, at: "archive") else { return archive }
        checkKeys(object, allowed: Self.archiveKeys, at: "archive")
        if case .int(let n)? = object["maxInputBytesPerRun"], n >= 0 { archive.maxInputBytesPerRun = n }
        else if let bad = object["maxInputBytesPerRun"] { error("archive.maxInputBytesPerRun", "must be an integer >= 0 (bytes) (got \(bad.preview))") }
        if case .int(let n)? = object["maxOutputBytes"], n >= 0 { archive.maxOutputBytes = n }
        else if let bad = object["maxOutputBytes"] { error("archive.maxOutputBytes", "must be an integer >= 0 (bytes) (got \(bad.preview))") }
        return archive
    }
}
