import Foundation
import ClusterSlurmSupport
import ClusterSlurmDomain
import ClusterSlurmLedger
import ClusterSlurmRemote

/// A run as an RO-Crate following the Process Run Crate profile (0.5): the
/// run is a CreateAction whose instrument is the rendered batch script, with
/// its inputs (`object`) and outputs (`result`) as File entities carrying
/// size and sha256 — bytes in the crate when the ledger archived them, else
/// a reference to where they are on the cluster — its agent, start and end,
/// status, parameters (PropertyValue), and the environment the job recorded.
/// `cluster-slurm-run.json` holds the ledger's own record of the run, so
/// `runs import-crate` restores it exactly.
public enum ROCrate {
    public static let profile = "https://w3id.org/ro/wfrun/process/0.5"
    public static let specification = "https://w3id.org/ro/crate/1.1"
    public static let metadataFile = "ro-crate-metadata.json"
    public static let recordFile = Ledger.runRecordFile
    public static let environmentFile = "environment.txt"

    /// A file the crate holds (bytes) or points to (`bytes == nil`).
    public struct Entry: Sendable, Equatable {
        /// Where the bytes go in the crate (as on disk) and its URI-encoded @id.
        public var path: String
        public var id: String
        public var name: String
        public var size: Int64
        public var sha256: String
        public var bytes: Data?
    }

    public struct Content: Sendable {
        public var metadata: JSONValue
        /// Crate-relative path → bytes, for every file the crate holds.
        public var files: [String: Data]
    }

    /// Everything but the writing. `blob` gives archived bytes by sha256;
    /// `sshTarget` names where files not archived live; `agent` is who ran it.
    public static func build(_ a: RunArchive, blob: (String) -> Data?, sshTarget: String, agent: String,
                             toolVersion: String, now: Date) throws -> Content {
        let run = a.run
        var files: [String: Data] = [:]
        var graph: [JSONValue] = []
        func reference(_ remotePath: String) -> String {
            "ssh://" + percentEncoded(sshTarget) + "/" + encodedPath(remotePath.hasPrefix("/") ? String(remotePath.dropFirst()) : remotePath)
        }
        func file(_ entry: Entry, description: String, extra: [String: JSONValue] = [:]) -> JSONValue {
            if let bytes = entry.bytes { files[entry.path] = bytes }
            var object: [String: JSONValue] = ["@id": .string(entry.id), "@type": .string("File"), "name": .string(entry.name),
                                               "contentSize": .string(String(entry.size)), "sha256": .string(entry.sha256),
                                               "encodingFormat": .string(encodingFormat(entry.name)), "description": .string(description)]
            for (key, value) in extra { object[key] = value }
            return .object(object)
        }

        var objectRefs: [JSONValue] = []
        for input in a.currentInputs {
            let bytes = input.blobSha256.flatMap(blob)
            let path = "inputs/" + cratePath(input.relativePath)
            let entry = Entry(path: path, id: bytes == nil ? reference(input.remotePath) : encodedPath(path), name: input.relativePath,
                              size: input.size, sha256: input.sha256, bytes: bytes)
            graph.append(file(entry, description: "input, uploaded to the run dir as \(input.relativePath)"
                              + (bytes == nil ? " (not archived: over the ledger's cap; it is on the cluster)" : "")))
            objectRefs.append(.object(["@id": .string(entry.id)]))
        }
        var parameterIds: [JSONValue] = []
        if let json = run.paramsJson, case .object(let params)? = try? JSONValue.parse(Data(json.utf8)) {
            for key in params.keys.sorted() {
                let id = "#param-" + percentEncoded(key)
                graph.append(.object(["@id": .string(id), "@type": .string("PropertyValue"), "name": .string(key),
                                      "value": .string(try CanonicalJSON.encode(params[key]!))]))
                parameterIds.append(.object(["@id": .string(id)]))
            }
        }
        // Outputs, by their path in the run dir.
        var resultRefs: [JSONValue] = []
        var seenOutputs = Set<String>()
        for artifact in a.artifacts.reversed() where seenOutputs.insert(artifact.remotePath).inserted {
            let relative = a.pathInRunDir(artifact.remotePath)
            let bytes = artifact.blobSha256.flatMap(blob)
            let path = "outputs/" + cratePath(relative)
            let entry = Entry(path: path, id: bytes == nil ? reference(artifact.remotePath) : encodedPath(path), name: relative,
                              size: artifact.size, sha256: artifact.sha256, bytes: bytes)
            graph.append(file(entry, description: "output, downloaded from the run dir" + (bytes == nil ? " (not archived: larger than the ledger keeps)" : "")))
            resultRefs.append(.object(["@id": .string(entry.id)]))
        }
        if let end = a.ends.last {
            for (stream, tail) in [("stdout", end.stdoutTail), ("stderr", end.stderrTail)] {
                guard let tail, !tail.isEmpty else { continue }
                let data = Data(tail.utf8)
                let entry = Entry(path: "logs/\(stream)-tail.txt", id: "logs/\(stream)-tail.txt", name: "\(stream) (last lines)",
                                  size: Int64(data.count), sha256: Hashing.sha256Hex(data), bytes: data)
                graph.append(file(entry, description: "the last lines of the job's \(stream), as captured when it ended (secrets redacted)"))
                resultRefs.append(.object(["@id": .string(entry.id)]))
            }
        }
        for (name, value) in a.metrics.sorted(by: { $0.key < $1.key }) {
            let id = "#metric-" + percentEncoded(name)
            graph.append(.object(["@id": .string(id), "@type": .string("PropertyValue"), "name": .string(name), "value": .double(value),
                                  "description": .string("metric, from the run's metrics file")]))
            resultRefs.append(.object(["@id": .string(id)]))
        }

        // The script sbatch ran (an input of the action), and SLURM as its instrument.
        if let text = a.scriptText, let script = a.script {
            let entry = Entry(path: script.scriptName, id: encodedPath(script.scriptName), name: script.scriptName,
                              size: Int64(text.utf8.count), sha256: script.scriptSha256, bytes: Data(text.utf8))
            graph.append(file(entry, description: "the batch script rendered and submitted with sbatch",
                              extra: a.jobs.last.map { ["url": .string(reference($0.remoteScriptPath))] } ?? [:]))
            objectRefs.insert(.object(["@id": .string(entry.id)]), at: 0)
        }
        let slurmVersion = jsonStrings(a.runInfoJSON)["slurm_version"].map { $0.replacingOccurrences(of: "slurm ", with: "") }
        graph.append(.object(["@id": .string(slurmId), "@type": .string("SoftwareApplication"), "name": .string("SLURM (sbatch)"),
                              "url": .string(slurmId), "softwareVersion": .string(slurmVersion ?? "unrecorded")]))
        var environmentRefs: [JSONValue] = []
        if let environment = a.environment {
            files[environmentFile] = Data(environment.utf8)
            let snapshot = EnvironmentSnapshot(text: environment)
            graph.append(.object(["@id": .string(environmentFile), "@type": .string("File"), "name": .string("software environment"),
                                  "encodingFormat": .string("text/plain"), "contentSize": .string(String(environment.utf8.count)),
                                  "sha256": .string(Hashing.sha256Hex(Data(environment.utf8))),
                                  "description": .string("recorded by the job on the compute node: " + snapshot.summary)]))
            environmentRefs.append(.object(["@id": .string(environmentFile)]))
        }
        let record = try CanonicalJSON.pretty(a) + "\n"
        files[recordFile] = Data(record.utf8)
        graph.append(.object(["@id": .string(recordFile), "@type": .string("File"), "name": .string("cluster-slurm ledger record"),
                              "encodingFormat": .string("application/json"), "contentSize": .string(String(record.utf8.count)),
                              "sha256": .string(Hashing.sha256Hex(Data(record.utf8))),
                              "description": .string("the run as cluster-slurm's ledger recorded it (runs import-crate restores it)")]))

        let end = a.ends.last
        let final = a.finalObservation
        let state = end?.state ?? final?.state ?? run.status.rawValue.uppercased()
        let jobs = a.jobs.map(\.jobId).joined(separator: ", ")
        var action: [String: JSONValue] = [
            "@id": .string("#run-" + run.id), "@type": .string("CreateAction"), "name": .string("cluster-slurm run \(run.id)"),
            "identifier": .string(run.id),
            "description": .string("SLURM job \(jobs.isEmpty ? "(none)" : jobs) on cluster profile \(run.cluster), ended \(state)"
                                   + (end?.exitCode.map { " (exit \($0))" } ?? "") + "; commands: "
                                   + ((try? JSONDecoder().decode([String].self, from: Data((run.commandsJson ?? "[]").utf8))) ?? []).joined(separator: " ; ")),
            "instrument": .object(["@id": .string(slurmId)]),
            "agent": .object(["@id": .string("#agent")]),
            "object": single(objectRefs + parameterIds + environmentRefs),
            "result": single(resultRefs),
        ]
        if let start = (end?.startTime).flatMap(isoTime) { action["startTime"] = .string(start) }
        if let finish = (end?.endTime).flatMap(isoTime) { action["endTime"] = .string(finish) }
        else if let created = Timestamp.parse(run.updatedAt) { action["endTime"] = .string(isoTime(created)) }
        if JobState(rawValue: state)?.isTerminal == true {
            action["actionStatus"] = .string(state == "COMPLETED" ? "http://schema.org/CompletedActionStatus" : "http://schema.org/FailedActionStatus")
            if state != "COMPLETED" { action["error"] = .string([state, end?.reason].compactMap { $0 }.joined(separator: ": ")) }
        }
        graph.append(.object(action))
        let site = "#site-" + percentEncoded(run.cluster)
        graph.append(.object(["@id": .string("#agent"), "@type": .string("Person"), "name": .string(agent), "affiliation": .object(["@id": .string(site)])]))
        graph.append(.object(["@id": .string(site), "@type": .string("Organization"), "url": .string("ssh://" + percentEncoded(sshTarget)),
                              "name": .string("the HPC site of cluster profile \(run.cluster) (ssh \(sshTarget))")]))
        graph.append(.object(["@id": .string(profile), "@type": .string("CreativeWork"), "name": .string("Process Run Crate"),
                              "version": .string("0.5")]))
        graph.append(.object(["@id": .string("https://github.com/cluster-slurm/cluster-slurm"), "@type": .string("SoftwareApplication"),
                              "name": .string("cluster-slurm"), "url": .string("https://github.com/cluster-slurm/cluster-slurm"),
                              "softwareVersion": .string(toolVersion)]))
        var parts = Array(files.keys).sorted().map { JSONValue.object(["@id": .string(encodedPath($0))]) }
        parts += (objectRefs + resultRefs).filter { ref in
            if case .object(let o) = ref, case .string(let id)? = o["@id"] { return id.hasPrefix("ssh://") } else { return false }
        }
        graph.insert(.object([
            "@id": .string("./"), "@type": .string("Dataset"), "name": .string("cluster-slurm run \(run.id)"),
            "description": .string("A SLURM job run by cluster-slurm on \(run.cluster): its script, inputs, outputs, environment and how it ended."),
            "datePublished": .string(isoTime(now)), "license": .object(["@id": .string("https://spdx.org/licenses/CC-BY-4.0")]),
            "conformsTo": .object(["@id": .string(profile)]), "mentions": .object(["@id": .string("#run-" + run.id)]),
            "hasPart": single(parts), "author": .object(["@id": .string("#agent")]),
            "publisher": .object(["@id": .string("#site-" + percentEncoded(run.cluster))]),
        ]), at: 0)
        graph.insert(.object(["@id": .string(metadataFile), "@type": .string("CreativeWork"),
                              "conformsTo": .object(["@id": .string(specification)]), "about": .object(["@id": .string("./")])]), at: 0)
        graph.append(.object(["@id": .string("https://spdx.org/licenses/CC-BY-4.0"), "@type": .string("CreativeWork"), "name": .string("CC BY 4.0")]))
        let metadata: JSONValue = .object(["@context": .string("https://w3id.org/ro/crate/1.1/context"), "@graph": .array(graph)])
        return Content(metadata: metadata, files: files)
    }

    package static let slurmId = "https://slurm.schedmd.com/sbatch.html"

    /// A JSON object's string values (the run-info record).
    package static func jsonStrings(_ json: String?) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data((json ?? "{}").utf8))) ?? [:]
    }

    /// One reference as itself, several as a list (RO-Crate 1.1 prefers no one-element arrays).
    package static func single(_ refs: [JSONValue]) -> JSONValue { refs.count == 1 ? refs[0] : .array(refs) }

    /// A media type for a file by its name (what a reader needs to open it).
    package static func encodingFormat(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "json": return "application/json"
        case "csv": return "text/csv"
        case "txt", "out", "err", "log", "slurm", "sh", "py", "r", "md", "yaml", "yml", "toml", "cfg", "ini", "tsv": return "text/plain"
        case "png": return "image/png"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }

    /// ISO 8601 with an explicit offset (`+00:00`), as the profile asks.
    package static func isoTime(_ date: Date) -> String {
        String(Timestamp.string(date).prefix(19)) + "+00:00"
    }

    /// SLURM's `2026-11-29T18:51:07` (the cluster's clock, taken as UTC) → ISO 8601.
    package static func isoTime(_ slurm: String) -> String? {
        guard slurm.count >= 19, slurm.first?.isNumber == true else { return nil }
        return String(slurm.prefix(19)) + "+00:00"
    }

    /// A path inside the crate: the run-relative path with each part kept as is when safe.
    package static func cratePath(_ relative: String) -> String {
        relative.split(separator: "/").filter { $0 != "." && $0 != ".." && !$0.isEmpty }.map(String.init).joined(separator: "/")
    }

    package static func encodedPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map(percentEncoded).joined(separator: "/")
    }

    package static func percentEncoded<S: StringProtocol>(_ part: S) -> String {
        String(part).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? String(part)
    }
}
