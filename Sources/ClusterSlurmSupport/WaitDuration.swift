/// A length of time as a person types it: `90`, `90s`, `15m`, `1h`, `1h30m`.
public enum WaitDuration {
    /// Seconds, or nil for anything else (negative, empty, unknown unit).
    public static func seconds(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !trimmed.isEmpty else { return nil }
        if let plain = Int(trimmed) { return plain >= 0 ? plain : nil }
        var total = 0, number = "", units = 0
        for character in trimmed {
            if character.isASCII, character.isNumber { number.append(character); continue }
            let scale: Int
            switch character {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            guard let value = Int(number) else { return nil }
            total += value * scale
            number = ""
            units += 1
        }
        return number.isEmpty && units > 0 ? total : nil
    }
}
