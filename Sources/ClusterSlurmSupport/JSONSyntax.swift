/// Where a JSON (or JSON5) text stops being valid, as line and column, for
/// error messages: Foundation's decoder says only that the data "isn't in
/// the correct format". A small validating scanner run after a failed parse.
public enum JSONSyntax {
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    /// The first syntax error in `data` read as JSON5, or nil when it is valid.
    public static func firstProblem(in data: [UInt8]) -> Problem? {
        var scanner = Scanner(bytes: data)
        do {
            scanner.skipBlank()
            guard scanner.index < data.count else { throw scanner.fail("the text is empty; expected a JSON object") }
            try scanner.value(depth: 0)
            scanner.skipBlank()
            if scanner.index < data.count { throw scanner.fail("unexpected \(scanner.describeCurrent()) after the end of the JSON value") }
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return nil
        }
    }

    private struct Scanner {
        package let bytes: [UInt8]
        package var index = 0

        package init(bytes: [UInt8]) { self.bytes = bytes }

        package func fail(_ message: String) -> Problem {
            var line = 1, column = 1
            var i = 0
            while i < min(index, bytes.count) {
                if bytes[i] == 0x0A { line += 1; column = 1 } else if bytes[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
            return Problem(line: line, column: column, message: message)
        }

        package func describeCurrent() -> String {
            guard index < bytes.count else { return "end of text" }
            let byte = bytes[index]
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
            return String(format: "byte 0x%02x", byte)
        }

        package mutating func skipBlank() {
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C { index += 1; continue }
                if byte == UInt8(ascii: "/"), index + 1 < bytes.count {
                    if bytes[index + 1] == UInt8(ascii: "/") {
                        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
                        continue
                    }
                    if bytes[index + 1] == UInt8(ascii: "*") {
                        index += 2
                        while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                        index = min(index + 2, bytes.count)
                        continue
                    }
                }
                return
            }
        }

        package mutating func value(depth: Int) throws {
            guard depth < 512 else { throw fail("nested too deeply") }
            skipBlank()
            guard index < bytes.count else { throw fail("unexpected end of text; expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""), UInt8(ascii: "'"): try string()
            default:
                let start = index
                while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                if ["true", "false", "null", "Infinity", "-Infinity", "+Infinity", "NaN"].contains(word) { return }
                if Double(word.replacingOccurrences(of: "+", with: "")) != nil || isHex(word) { return }
                index = start
                throw fail(word.isEmpty ? "unexpected \(describeCurrent()); expected a value" : "\"\(word)\" is not a JSON value (strings need quotes)")
            }
        }

        package func isWordByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte >= 0x80
        }

        package func isHex(_ word: String) -> Bool {
            let body = word.hasPrefix("-") || word.hasPrefix("+") ? String(word.dropFirst()) : word
            return body.lowercased().hasPrefix("0x") && body.count > 2 && body.dropFirst(2).allSatisfy(\.isHexDigit)
        }

        package mutating func string() throws {
            let quote = bytes[index]
            index += 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == quote { index += 1; return }
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == 0x0A { throw fail("a string is not closed before the end of the line") }
                index += 1
            }
            throw fail("a string is not closed before the end of the text")
        }

        package mutating func object(depth: Int) throws {
            index += 1
            while true {
                skipBlank()
                guard index < bytes.count else { throw fail("unexpected end of text; an object is not closed with '}'") }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    try string()
                } else {
                    let start = index
                    while index < bytes.count, isWordByte(bytes[index]), bytes[index] != UInt8(ascii: "-"), bytes[index] != UInt8(ascii: "+"), bytes[index] != UInt8(ascii: ".") { index += 1 }
                    if index == start { throw fail("unexpected \(describeCurrent()); expected a key in quotes or '}'") }
                }
                skipBlank()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after the key, found \(describeCurrent())") }
                index += 1
                try value(depth: depth + 1)
                skipBlank()
                guard index < bytes.count else { throw fail("unexpected end of text; an object is not closed with '}'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw fail("expected ',' or '}' after a value in an object, found \(describeCurrent())")
            }
        }

        package mutating func array(depth: Int) throws {
            index += 1
            while true {
                skipBlank()
                guard index < bytes.count else { throw fail("unexpected end of text; an array is not closed with ']'") }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                try value(depth: depth + 1)
                skipBlank()
                guard index < bytes.count else { throw fail("unexpected end of text; an array is not closed with ']'") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                throw fail("expected ',' or ']' after a value in an array, found \(describeCurrent())")
            }
        }
    }
}

extension JSONSyntax.Problem: Error {}
