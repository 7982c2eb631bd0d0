/// Update masks as clients send them.
public enum UpdateMask {
    /// A mask path as sent: proto names (`time_zone`), or JSON names
    /// (`timeZone`) turned into them.
    public static func snakeCase(_ path: String) -> String {
        var out = ""
        for character in path {
            if character.isUppercase, character.isASCII {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
